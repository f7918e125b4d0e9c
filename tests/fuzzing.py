"""Fuzz targets shared by the bounded fuzz tests that CI runs and the campaign in ``tests/fuzz/``.

Everything the lab parses is a target: scenario files (with ``--set`` overrides, built into a run
that takes a step), CSV and ``.npz`` data files (read and prepared for a loss), session files
(loaded, then stepped and trained) and debugger expressions (parsed, evaluated at several
positions, printed, and used as breakpoints). Each target asserts the one promise of issue 16:
every input is accepted, or refused with the project's own error in one line — never another
exception, never longer than ``TIME_BOUND`` seconds (a hang is cut by an alarm and fails).

``TRIED`` counts the inputs each target was given (the campaign reports them).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import math
import signal
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

import scenarios
from engine.debugger import Controller, DebuggerError
from engine.debugger.follow import follow_run
from engine.debugger.formatting import value as format_value
from scenarios import ScenarioError, build_run, load_scenario, parse_scenario

TIME_BOUND = 10.0  # seconds for one input, on a busy two-core machine
TRIED: Counter = Counter()


class TooSlow(BaseException):
    """An input took longer than ``TIME_BOUND`` (not an Exception, so that the lab's own
    ``except Exception`` recovery cannot swallow it)."""


@contextlib.contextmanager
def bounded(target: str, seconds: float = TIME_BOUND):
    """Count an input of ``target`` and fail it when it takes longer than ``seconds``."""
    TRIED[target] += 1

    def expire(signum, frame):
        raise TooSlow(f"{target}: one input took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def one_line(error: BaseException, *, starts: str = "") -> None:
    """The project's refusal: a non-empty message on one line (starting with ``starts``)."""
    text = str(error)
    assert text.strip(), f"{type(error).__name__} with an empty message"
    assert "\n" not in text, f"a message of several lines: {text!r}"
    assert "Traceback" not in text
    assert text.startswith(starts), f"{text!r} does not start with {starts!r}"


# --- scenario files -------------------------------------------------------------------------------

PRESET_SOURCES = [scenarios.preset_path(n).read_text() for n in scenarios.preset_names()]
SMALL_PRESETS = [
    text
    for text in PRESET_SOURCES
    if 'kind = "digits"' not in text and "overfitting" not in text.split("\n", 1)[0]
]
DOCUMENTS = [tomllib.loads(text) for text in PRESET_SOURCES]

huge_numbers = st.sampled_from(
    [10**9, 10**12, 3 * 10**9, 2**63, -(2**63), 10**100, 1e300, -1e300, 1e-300, -1, 0]
)
garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    huge_numbers,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3),
    st.lists(st.lists(st.floats(-2, 2), max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
    st.lists(st.dictionaries(st.sampled_from(["size", "x", "kind"]), st.integers()), max_size=2),
    st.integers(1, 60).map(lambda depth: [[]] if depth < 2 else _nested(depth)),
)
key_names = st.one_of(
    st.sampled_from(
        ["size", "lr", "kind", "loss", "layers", "epochs", "activation", "n", "classes", "path"]
    ),
    st.text(min_size=1, max_size=8),
)
override_keys = st.sampled_from(
    [
        "training.lr",
        "training.epochs",
        "training.batch_size",
        "network.layers[1].size",
        "network.layers[2].size",
        "network.layers",
        "data.n",
        "data.classes",
        "data.kind",
        "data.path",
        "seed",
        "stop.patience",
        "a.b.c",
        "data.w" + ".a" * 40,
    ]
)
override_values = st.one_of(
    st.text(max_size=8),
    huge_numbers.map(repr),
    st.sampled_from(
        [
            "1e300",
            "nan",
            "inf",
            '"adam"',
            "[1, 2]",
            "[{size = 1000000000}]",
            '[{size = 2, activation = "tanh"}, {size = 1}]',
            "[" * 60 + "]" * 60,
            '"/dev/zero"',
            '"/etc/passwd"',
        ]
    ),
)


def _nested(depth: int):
    node: list = []
    for _ in range(depth):
        node = [node]
    return node


def _paths(node, prefix=()):
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


@st.composite
def mutated_documents(draw, documents=DOCUMENTS):
    """A preset's parsed document with one to three keys deleted, replaced or inserted."""
    document = copy.deepcopy(draw(st.sampled_from(documents)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p, _ in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "insert"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(garbage)
        elif isinstance(parent, dict):
            parent[draw(key_names)] = draw(garbage)
        else:
            parent.insert(path[-1], draw(garbage))
    return document


@st.composite
def mutated_texts(draw, sources=PRESET_SOURCES):
    """A preset's text truncated, or with a line dropped, edited or inserted."""
    text = draw(st.sampled_from(sources))
    lines = text.splitlines(keepends=True)
    action = draw(st.sampled_from(["truncate", "drop", "edit", "insert", "value", "deep"]))
    if action == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    i = draw(st.integers(0, len(lines) - 1))
    if action == "drop":
        del lines[i]
    elif action == "edit":
        lines[i] = draw(st.text(max_size=30)) + "\n"
    elif action == "value" and "=" in lines[i]:
        key = lines[i].split("=", 1)[0]
        lines[i] = f"{key}= {draw(override_values)}\n"
    elif action == "deep":
        depth = draw(st.integers(10, 3000))
        lines.insert(i, draw(st.sampled_from(["a" + ".a" * depth + " = 1\n", "[[" * 5 + "\n"])))
    else:
        lines.insert(i, f"{draw(key_names)} = {draw(override_values)}\n")
    return "".join(lines)


def scenario_target(text: str, overrides=(), *, build: bool = True) -> None:
    """Load ``text`` with ``overrides``; if valid, build its run and take a step."""
    with bounded("scenario file"):
        try:
            scenario = parse_scenario(
                text, path=Path("fuzz.toml"), label="fuzz.toml", overrides=overrides
            )
            if not build:
                return
            run = build_run(scenario)
        except ScenarioError as e:
            one_line(e, starts="fuzz.toml")
            return
        with np.errstate(all="ignore"):
            run.step()


# --- data files -----------------------------------------------------------------------------------

csv_fields = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", " ", "nan", "NA", "inf", "-inf", "1e999", "0x10", "a", "b", "1,5"]),
    st.text(max_size=6),
)


@st.composite
def csv_files(draw) -> bytes:
    """CSV-like bytes: a header and rows of random fields, well or badly formed, or raw bytes."""
    kind = draw(st.sampled_from(["table", "table", "table", "raw", "bom"]))
    if kind == "raw":
        return draw(st.binary(max_size=300))
    n_columns = draw(st.integers(1, 5))
    names = draw(
        st.lists(
            st.one_of(st.sampled_from(["a", "b", "y", "x1", "x2"]), st.text(max_size=4)),
            min_size=n_columns,
            max_size=n_columns,
        )
    )
    rows = draw(
        st.lists(st.lists(csv_fields, min_size=0, max_size=n_columns + 1), min_size=0, max_size=12)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # a damaged file: a quote opened, a NUL, a cut
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(['"', "\0", "\r", ",,,", ""])) + text[cut:]
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if kind == "bom" else data


array_dtypes = st.sampled_from(
    ["<f8", "<f4", "<i8", "|i1", "|b1", "<c16", "<U3", "|S2", "<M8[s]", ">f8", "<f2"]
)


@st.composite
def arrays(draw) -> np.ndarray:
    dtype = np.dtype(draw(array_dtypes))
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=3)))
    size = math.prod(shape)
    if dtype.kind in "fc":
        values = draw(
            st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=size, max_size=size)
        )
        with np.errstate(all="ignore"):
            return np.array(values, dtype=np.float64).astype(dtype).reshape(shape)
    if dtype.kind in "US":
        chars = st.characters(max_codepoint=127 if dtype.kind == "S" else 0x10FFFF)
        values = draw(st.lists(st.text(chars, max_size=2), min_size=size, max_size=size))
        return np.array(values or [""], dtype="<U2")[:size].astype(dtype).reshape(shape)
    values = draw(st.lists(st.integers(-128, 127), min_size=size, max_size=size))
    return np.array(values, dtype=np.int64).astype(dtype).reshape(shape)


@st.composite
def npz_files(draw) -> bytes:
    """``.npz`` bytes: random arrays under x, y and other names, pickled object arrays, members
    declaring huge shapes, members that are not arrays, and damaged archives."""
    names = draw(st.lists(st.sampled_from(["x", "y", "f", "t", "x1", "z"]), min_size=0, max_size=4))
    members = {name: draw(arrays()) for name in names}
    buffer = io.BytesIO()
    kind = draw(st.sampled_from(["plain", "plain", "objects", "declared", "not-array", "flip"]))
    if kind == "objects":
        members["y"] = np.array([{"a": 1}, None], dtype=object)
    np.savez(buffer, **members)
    data = buffer.getvalue()
    if kind == "declared":
        header = io.BytesIO()
        shape = (draw(st.sampled_from([10**9, 2**40, 3])), draw(st.integers(0, 10)))
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": shape}
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("x.npy", header.getvalue() + b"\0" * draw(st.integers(0, 64)))
            z.writestr("y.npy", header.getvalue())
        data = buffer.getvalue()
    elif kind == "not-array":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("x.npy", draw(st.binary(max_size=40)))
            z.writestr("y.npy", b"\x93NUMPY" + draw(st.binary(max_size=40)))
        data = buffer.getvalue()
    elif kind == "flip":
        data = flip_bits(data, draw(st.integers(0, 2**32)), draw(st.integers(1, 8)))
    return data


def flip_bits(data: bytes, seed: int, flips: int) -> bytes:
    """``data`` with ``flips`` bits flipped at places ``seed`` chooses (and perhaps cut short)."""
    rng = np.random.default_rng(seed)
    out = bytearray(data)
    for _ in range(flips):
        if out:
            i = int(rng.integers(len(out)))
            out[i] ^= 1 << int(rng.integers(8))
    if out and rng.random() < 0.2:
        out = out[: int(rng.integers(len(out)))]
    return bytes(out)


data_sections = st.fixed_dictionaries(
    {
        "target": st.one_of(st.none(), st.sampled_from(["y", "a", "t", "x"]), st.text(max_size=3)),
        "features": st.one_of(
            st.none(),
            st.sampled_from(["x", "a", "f"]),
            st.lists(st.sampled_from(["a", "b", "x1", "x", "z"]), max_size=3),
        ),
        "labels": st.one_of(st.none(), st.sampled_from(["binary", "onehot", "index"])),
        "validation": st.sampled_from([0.0, 0.25, 0.5]),
        "standardize": st.booleans(),
    }
)


def data_file_target(kind: str, content: bytes, section: dict, loss: str, folder: Path) -> None:
    """Read ``content`` as a ``kind`` ("csv" or "npz") data file into a run's ``Dataset``."""
    from engine.data import load_data

    path = folder / f"fuzz.{kind}"
    path.write_bytes(content)
    section = {"kind": kind, "path": str(path), **section}
    with bounded(f"{kind} file"):
        try:
            with np.errstate(all="ignore"):
                dataset = load_data(section, rng=np.random.default_rng(0), loss=loss)
        except ValueError as e:
            one_line(e)
            return
    assert dataset.x_train.ndim == 2 and np.isfinite(dataset.x_train).all()


# --- session files --------------------------------------------------------------------------------


def _session_bases(folder: Path) -> list[bytes]:
    """Real session files: plain, Adam mid-step, with breakpoints, extended, diverged."""
    from tui.session import LabSession

    def trained(name, overrides=(), until="epoch"):
        session = LabSession.open(name, overrides)
        with np.errstate(all="ignore"):
            session.train(until, lambda: False, lambda step: None)
        return session

    sessions = [trained("xor")]
    adam = trained("dying-relu")
    adam.command("step", 5)
    sessions.append(adam)
    with_breakpoints = trained("spiral", ["training.epochs=3"])
    with_breakpoints.command("break", "update@2 if loss > 0.5")
    with_breakpoints.command("break", "grad_norm@1 < 1e-3")
    sessions.append(with_breakpoints)
    extended = trained("xor", ["training.epochs=2", "stop.loss_below=1e-9"], "continue")
    extended.extend()
    sessions.append(extended)
    sessions.append(trained("exploding-gradients", until="continue"))
    out = []
    for i, session in enumerate(sessions):
        path = session.save(folder / f"base{i}.lab.npz")
        out.append(path.read_bytes())
    return out


_BASES: list[bytes] = []


def session_bases(folder: Path) -> list[bytes]:
    if not _BASES:
        _BASES.extend(_session_bases(folder))
    return _BASES


def _read_npz(data: bytes) -> tuple[dict, dict]:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    header = json.loads(arrays.pop("header").tobytes())
    return header, arrays


def _write_npz(header, arrays: dict) -> bytes:
    buffer = io.BytesIO()
    text = header if isinstance(header, str) else json.dumps(header)
    np.savez(buffer, header=np.frombuffer(text.encode("utf-8"), dtype=np.uint8), **arrays)
    return buffer.getvalue()


json_garbage = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        st.just({"$float": "inf"}),
        st.just({"$float": "nan"}),
        st.just({"$array": "a0", "scalar": True}),
        st.just({"$array": "a999"}),
        st.just({"$tuple": [1, 2]}),
        st.just({"$dict": [[1, 2], [[1], 3]]}),
        st.just({"$named": "engine.threads:configure_blas_threads", "fields": [64]}),
        st.just({"$named": "engine.data.files:load_csv", "fields": ["/etc/passwd", "x"]}),
        st.just({"$named": "engine.stats:LayerStats", "fields": [1, 2, 3]}),
        st.just({"$named": "builtins:eval", "fields": ["1+1"]}),
    ),
    lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=4), kids, max_size=2)
    ),
    max_leaves=6,
)


@st.composite
def session_files(draw, folder: Path) -> bytes:
    """A real session file with its JSON header, its arrays or its bytes damaged."""
    base = draw(st.sampled_from(session_bases(folder)))
    kind = draw(st.sampled_from(["value", "value", "header", "source", "array", "bytes", "json"]))
    if kind == "bytes":
        return flip_bits(base, draw(st.integers(0, 2**32)), draw(st.integers(1, 16)))
    header, arrays = _read_npz(base)
    if kind in ("value", "header"):
        spots = []

        def collect(node, parent, key):
            spots.append((parent, key))
            if isinstance(node, dict):
                for k, v in node.items():
                    collect(v, node, k)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    collect(v, node, i)

        if kind == "value":
            collect(header["state"], header, "state")
        else:
            for key in list(header):
                if key != "state":
                    collect(header[key], header, key)
        parent, key = spots[draw(st.integers(0, len(spots) - 1))]
        if draw(st.integers(0, 4)) == 0 and isinstance(parent, dict) and key != "state":
            del parent[key]
        else:
            parent[key] = draw(json_garbage)
    elif kind == "source":
        source = header["scenario"]["source"]
        header["scenario"]["source"] = draw(mutated_texts(sources=[source]))
        if draw(st.booleans()):
            header["scenario"]["overrides"] = [f"{draw(override_keys)}={draw(override_values)}"]
    elif kind == "array":
        names = sorted(arrays)
        name = draw(st.sampled_from(names))
        if draw(st.booleans()):
            arrays[name] = draw(arrays_strategy)
        else:
            del arrays[name]
    else:  # the header text itself damaged
        text = json.dumps(header)
        cut = draw(st.integers(0, len(text)))
        return _write_npz(
            text[:cut] + draw(st.sampled_from(["", "[" * 2000, "}", "\\ud800"])), arrays
        )
    return _write_npz(header, arrays)


arrays_strategy = arrays()


def session_target(content: bytes, folder: Path) -> None:
    """Load ``content`` as a session file; if it loads, step and train it."""
    from tui.session import LabSession, SessionError, SessionFailure

    path = folder / "fuzz.lab.npz"
    path.write_bytes(content)
    with bounded("session file"):
        try:
            session = LabSession.load(path)
        except SessionError as e:
            one_line(e, starts=str(path))
            return
        with np.errstate(all="ignore"):
            for command in ("step", "next", "finish", "back"):
                try:
                    session.command(command)
                except SessionFailure:
                    raise
                except SessionError as e:
                    one_line(e)
            status, message = session.train("epoch", lambda: False, lambda step: None)
        assert status != "error", message  # an exception in training (the lab recovered)


# --- debugger expressions -------------------------------------------------------------------------

NAMES = [
    "loss",
    "loss_change",
    "step",
    "epoch",
    "batch",
    "lr",
    "grad_norm",
    "delta_mean_abs",
    "weight_norm",
    "update_ratio",
    "saturated_fraction",
    "dead_fraction",
    "act_mean",
    "act_std",
    "W",
    "b",
    "z",
    "a",
    "a_prev",
    "mask",
    "delta",
    "from_above",
    "local_slope",
    "grad_W",
    "grad_b",
    "W_new",
    "b_new",
    "step_W",
    "step_b",
    "x",
    "y",
    "grad_a",
    "nan",
    "inf",
    "foo",
    "W_",
    "grad",
]
FUNCTIONS = ["abs", "max", "min", "mean", "sum", "norm", "nan", "inf", "finite", "len", "eval"]
NUMBERS = ["0", "1", "-1", "0.5", "1e-6", "1e400", "-0", "1e", ".5", "5.", "9" * 30, "0x1F", "1_0"]


@st.composite
def expressions(draw, depth: int = 0):
    """Debugger expressions from the grammar of ``help expressions``, often slightly wrong."""
    choice = draw(st.integers(0, 9 if depth < 4 else 2))
    if choice <= 1:
        return draw(st.sampled_from(NUMBERS))
    if choice <= 3:
        name = draw(st.sampled_from(NAMES))
        if draw(st.booleans()):
            name += "@" + draw(st.sampled_from(["0", "1", "2", "3", "-1", "", "x", "99999999"]))
        if draw(st.integers(0, 2)) == 0:
            indices = draw(st.lists(st.sampled_from(["0", "1", "-1", "5", "", ":"]), max_size=3))
            name += "[" + ",".join(indices) + "]"
        return name
    if choice <= 5:
        left, right = draw(expressions(depth + 1)), draw(expressions(depth + 1))
        op = draw(
            st.sampled_from(["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"])
        )
        return f"{left} {op} {right}"
    if choice == 6:
        return f"{draw(st.sampled_from(['not ', '-', '+', '']))}{draw(expressions(depth + 1))}"
    if choice == 7:
        return f"({draw(expressions(depth + 1))})"
    if choice == 8:
        args = draw(st.lists(expressions(depth + 1), max_size=3))
        return f"{draw(st.sampled_from(FUNCTIONS))}({', '.join(args)})"
    return draw(st.text(alphabet="()[]@,.<>=!+-*/ abcdlosxyWz0123456789_", max_size=30))


conditions = st.one_of(
    expressions(),
    expressions(),
    st.text(max_size=40),
    st.integers(1, 200).map(lambda n: "(" * n + "loss" + ")" * n),
    st.integers(1, 600).map(lambda n: "not " * n + "loss"),
)


def _controllers() -> list[Controller]:
    """xor at StepStart, mid-backward and at a StepEnd; spiral (3 layers, batches) mid-forward."""
    out = []
    for name, events in (("xor", 0), ("xor", 7), ("xor", 35), ("spiral", 3)):
        c = follow_run(build_run(load_scenario(name)))
        if events:
            c.step(events)
        out.append(c)
    return out


_CONTROLLERS: list[Controller] = []


def condition_target(text: str) -> None:
    """Parse ``text`` as a condition and an expression; evaluate and print it at several
    positions; as a breakpoint, run a few steps with it."""
    from engine.debugger.conditions import parse_condition, parse_expression

    if not _CONTROLLERS:
        _CONTROLLERS.extend(_controllers())
    with bounded("debugger expression", seconds=5.0):
        for parse in (parse_expression, parse_condition):
            try:
                parse(text, 2)
            except DebuggerError as e:
                assert e.message if hasattr(e, "message") else str(e)
                one_line(Exception(getattr(e, "message", str(e))))
        for c in _CONTROLLERS:
            with np.errstate(all="ignore"):
                try:
                    format_value(c.evaluate(text))
                except DebuggerError as e:
                    one_line(Exception(getattr(e, "message", str(e))))
        c = follow_run(build_run(load_scenario("xor", ["training.epochs=5"])))
        try:
            c.add_breakpoint(text)
        except DebuggerError:
            return
        with np.errstate(all="ignore"):
            for _ in range(3):
                stop = c.cont()
                one_line(Exception(stop.message or "done"))
                if stop.reason in ("finished", "end"):
                    break
