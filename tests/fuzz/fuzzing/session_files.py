"""Session files: five real sessions with their JSON, header, scenario, arrays or bytes
damaged; loaded, then stepped and trained."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from . import TRIED, bounded, one_line
from .data_files import arrays, flip_bits
from .scenario_files import mutated_texts, override_keys, override_values


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


def _record(named) -> dict:
    """A record node as the tree codec writes it: a tagged dict of its name and fields."""
    name, fields = named
    return {"$dict": [["$named", name], ["fields", fields]]}


json_garbage = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.sampled_from([2**20, 2**36, 2**62, -1, 0]),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        st.just({"$float": "inf"}),
        st.just({"$float": "nan"}),
        st.just({"$array": "a0", "scalar": True}),
        st.just({"$array": "a999"}),
        st.just({"$tuple": [1, 2]}),
        st.just({"$dict": [[1, 2], [[1], 3]]}),
        st.sampled_from(
            [
                ("engine.threads:configure_blas_threads", [64]),
                ("engine.data.files:load_csv", ["/etc/passwd", "x"]),
                ("builtins:eval", ["1+1"]),
                ("engine.stats:LayerStats", [1, 2, 3]),
                ("engine.stats:LayerStats", [1, "2", 3, 4, 5, 6, 7, 8, 9]),
                ("engine.stopping:NonFinite", [None, "forward", 2, "z"]),
                ("engine.blowup:BlowUp", [2, "1e300", 0.5, 4, "b", 1e300]),
            ]
        ).map(_record),
    ),
    lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=4), kids, max_size=2)
    ),
    max_leaves=6,
)


@st.composite
def session_files(draw, folder: Path) -> bytes:
    """A real session file with its JSON header, its arrays or its bytes damaged — or only
    its numbers changed (in the JSON or in the arrays, keeping types and shapes), so that many
    files load and what follows the load is exercised too."""
    base = draw(st.sampled_from(session_bases(folder)))
    kind = draw(
        st.sampled_from(
            [
                "value",
                "value",
                "header",
                "source",
                "array",
                "bytes",
                "json",
                "numbers",
                "values",
                "members",
            ]
        )
    )
    if kind == "bytes":
        return flip_bits(base, draw(st.integers(0, 2**32)), draw(st.integers(1, 16)))
    if kind == "members":
        return _damaged_members(base, draw)
    header, arrays = _read_npz(base)
    if kind == "numbers":
        _change_numbers(header, draw)
    elif kind == "values":
        name = draw(st.sampled_from(sorted(arrays)))
        arrays[name] = _new_values(arrays[name], draw)
    elif kind in ("value", "header"):
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


def _damaged_members(base: bytes, draw) -> bytes:
    """The archive rebuilt with a member damaged as a zip holds it: written twice (the second
    time something else), renamed, stored without its .npy header, replaced by an array of
    another kind, an extra member (raw or an array), compressed, or left out."""
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        members = [(info.filename, z.read(info)) for info in z.infolist()]
    i = draw(st.integers(0, len(members) - 1))
    name, data = members[i]
    action = draw(
        st.sampled_from(["twice", "rename", "raw", "array", "extra", "extra array", "drop"])
    )
    if action == "twice":
        members.insert(draw(st.integers(0, len(members))), (name, draw(st.binary(max_size=64))))
    elif action == "rename":
        members[i] = (
            draw(st.sampled_from(["header", "a0.npy", "a99.npy", "x/a0.npy", "a0.NPY"])),
            data,
        )
    elif action == "raw":
        members[i] = (name, data[data.find(b"\n") + 1 :] if b"\n" in data else data)
    elif action == "array":
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, draw(arrays_strategy), allow_pickle=False)
        members[i] = (name, buffer.getvalue())
    elif action.startswith("extra"):
        extra = draw(st.binary(max_size=64))
        if action == "extra array":
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, draw(arrays_strategy), allow_pickle=False)
            extra = buffer.getvalue()
        members.append((draw(st.sampled_from(["a999.npy", "notes", "header.npy"])), extra))
    else:
        del members[i]
    compression = draw(
        st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
    )
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as z:
        warnings.simplefilter("ignore")  # a duplicate name, on purpose
        for member, content in members:
            z.writestr(member, content)
    return out.getvalue()


def session_target(content: bytes, folder: Path) -> None:
    """Load ``content`` as a session file; if it loads, step and train it."""
    from tui.session import LabSession
    from tui.session_errors import SessionError, SessionFailure

    path = folder / "fuzz.lab.npz"
    path.write_bytes(content)
    with bounded("session file"):
        try:
            session = LabSession.load(path)
        except SessionError as e:
            one_line(e, starts=str(path))
            return
        TRIED["session file (loaded, then stepped and trained)"] += 1
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


def session_in_lab_target(content: bytes, folder: Path) -> None:
    """A damaged session file that loads is shown by the lab: its panels drawn at 120×40 and
    at 80×24, a step, a step back and a panel switch, and the lab still running."""
    import asyncio

    from tui.app import LabApp
    from tui.session import LabSession
    from tui.session_errors import SessionError

    path = folder / "lab.lab.npz"
    path.write_bytes(content)
    TRIED["session file for the lab"] += 1
    try:
        with bounded("session file loaded for the lab"):
            session = LabSession.load(path)
    except SessionError:
        return

    async def show(size) -> None:
        app = LabApp(session=session)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.05)
            for key in ("s", "b", "l", "2", "5"):
                await pilot.press(key)
            assert app.is_running
        assert app.return_code in (None, 0)

    with bounded("session file shown in the lab", seconds=30.0), np.errstate(all="ignore"):
        for size in ((120, 40), (80, 24)):
            asyncio.run(show(size))


special = st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1e6, -1.0, 0.5, 7.0])
nonfinite = st.sampled_from([{"$float": "nan"}, {"$float": "inf"}, {"$float": "-inf"}])


def _change_numbers(header: dict, draw) -> None:
    """Replace a few numbers of the header (floats by floats, whole numbers by whole numbers)."""
    spots = []

    def collect(node, parent, key):
        if isinstance(node, bool):
            return
        if isinstance(node, int | float) and parent is not None:
            spots.append((parent, key, type(node)))
        elif isinstance(node, dict):
            for k, v in node.items():
                collect(v, node, k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                collect(v, node, i)

    collect(header, None, None)
    for _ in range(draw(st.integers(1, 3))):
        parent, key, kind = spots[draw(st.integers(0, len(spots) - 1))]
        if kind is int:
            parent[key] = draw(st.sampled_from([0, 1, 2, 3, 5, 10, 100, 2**31, -1]))
        else:
            parent[key] = draw(st.one_of(special, st.floats(-10, 10), nonfinite))


def _new_values(array: np.ndarray, draw) -> np.ndarray:
    """``array`` with some entries changed, same dtype and shape (NaN, ±∞, huge values)."""
    out = np.array(array, copy=True)
    if out.size == 0:
        return out
    flat = out.reshape(-1)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, flat.size - 1))
        if out.dtype.kind == "f":
            flat[i] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e300, -1e300, 0.0, 3.0]))
        elif out.dtype.kind in "iu":
            bits = np.iinfo(out.dtype)
            flat[i] = draw(st.sampled_from([0, 1, bits.max, bits.min, 7]))
        elif out.dtype.kind == "b":
            flat[i] = not flat[i]
    return out
