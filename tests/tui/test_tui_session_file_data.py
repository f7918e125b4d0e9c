"""A session file is data: it names no code, and its state is checked against the run before use.

Each case here was reproduced on the code before this check: a file
could name any ``engine`` function to call with arguments of its choosing, and damaged state
loaded and then crashed at the next step.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import zipfile

import numpy as np
import pytest
from fuzzing import ci_budget, session_files, session_target
from hypothesis import given, settings
from hypothesis import strategies as st

from tui import session_file
from tui.session import LabSession
from tui.session_errors import SessionError

DAMAGED = "not a session file this lab can open"


def saved(tmp_path, scenario="xor", steps=3):
    """A session of ``scenario`` saved after ``steps`` events' worth of training."""
    session = LabSession.open(scenario)
    session.train("epoch", lambda: False, lambda step: None)
    return session.save(tmp_path / "a.lab.npz")


def rewrite(path, change) -> None:
    """Apply ``change`` to the file's JSON header (a dict) and write the file back."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    document = json.loads(arrays.pop("header").tobytes())
    document = change(document) or document
    text = json.dumps(document).encode()
    np.savez(path, header=np.frombuffer(text, dtype=np.uint8), **arrays)


def find_records(node, found):
    """Every tagged record node ({"$dict": [["$named", …], ["fields", …]]}) in the header."""
    if isinstance(node, dict):
        entries = node.get("$dict")
        if isinstance(entries, list) and any(
            isinstance(e, list) and e[:1] == ["$named"] for e in entries
        ):
            found.append(node)
        for value in node.values():
            find_records(value, found)
    elif isinstance(node, list):
        for value in node:
            find_records(value, found)
    return found


def test_a_file_cannot_name_a_function_to_call(tmp_path, monkeypatch):
    path = saved(tmp_path)
    calls = []

    def name_load_csv(document):
        record = find_records(document["state"], [])[0]
        for entry in record["$dict"]:
            if entry[0] == "$named":
                entry[1] = "engine.data.files:load_csv"
            if entry[0] == "fields":
                entry[1] = ["/etc/passwd"]

    rewrite(path, name_load_csv)
    real_import = importlib.import_module
    monkeypatch.setattr(
        importlib, "import_module", lambda *a, **k: calls.append(a) or real_import(*a, **k)
    )
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    message = str(error.value)
    assert "unknown record 'engine.data.files:load_csv'" in message and "\n" not in message
    assert "root:" not in message  # /etc/passwd was never read
    assert calls == []


def test_a_known_record_with_the_wrong_fields_is_refused(tmp_path):
    path = saved(tmp_path)

    def too_few(document):
        record = find_records(document["state"], [])[0]
        for entry in record["$dict"]:
            if entry[0] == "fields":
                entry[1] = [1]

    rewrite(path, too_few)
    with pytest.raises(SessionError, match="needs the .* fields"):
        LabSession.load(path)


def test_optimizer_state_of_the_wrong_shape_is_refused_at_load(tmp_path):
    session = LabSession.open("dying-relu")  # Adam
    session.train("epoch", lambda: False, lambda step: None)
    m = session.run.learner.opt_state[0]["W"]["m"]
    session.run.learner.opt_state[0]["W"] = {"m": np.zeros((4, 3)), "v": m}
    path = session.save(tmp_path / "adam.lab.npz")
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert f"{DAMAGED}: run.optimizer, layer 1, W.m: expected an array of shape {m.shape}" in str(
        error.value
    )


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        (lambda m, v: {"m": m, "v": -v - 1.0}, "W.v: Adam's v is never negative"),
        (lambda m, v: {"m": m, "v": v, "w": v}, r"W: not a state of the adam optimizer \(its"),
    ],
    ids=["negative second moment", "unknown slot"],
)
def test_optimizer_state_out_of_its_range_is_refused_at_load(tmp_path, slots, expected):
    """A negative second moment loaded, and the next step took its square root: NaN in every
    update, reported as a divergence; a slot the optimizer does not have loaded unnoticed."""
    session = LabSession.open("dying-relu")  # Adam
    session.train("epoch", lambda: False, lambda step: None)
    state = session.run.learner.opt_state[0]["W"]
    session.run.learner.opt_state[0]["W"] = slots(np.array(state["m"]), np.array(state["v"]))
    path = session.save(tmp_path / "adam.lab.npz")
    with pytest.raises(SessionError, match=f"{DAMAGED}: run.optimizer, layer 1, {expected}"):
        LabSession.load(path)


def test_a_negative_running_variance_is_refused_at_load(tmp_path):
    """Batch normalization's running variance below 0 loaded, and evaluation took √(var + ε)."""
    session = LabSession.open("vanishing-fixed-batchnorm")
    session.train("epoch", lambda: False, lambda step: None)
    layer = next(layer for layer in session.run.net.layers if layer.buffers)
    layer.buffers = {**layer.buffers, "running_var": -1.0 - layer.buffers["running_var"]}
    path = session.save(tmp_path / "bn.lab.npz")
    with pytest.raises(SessionError, match=f"{DAMAGED}: run.network, layer {layer.l}, running_var"):
        LabSession.load(path)


def test_parameters_of_the_wrong_shape_are_refused_at_load(tmp_path):
    session = LabSession.open("xor")
    layer = session.run.net.layers[0]
    layer.params = {**layer.params, "W": np.zeros((3, 3))}
    path = session.save(tmp_path / "w.lab.npz")
    with pytest.raises(SessionError, match=r"run\[0\]\[0\]\[0\]\[0\]\[0\]\.W: expected an array"):
        LabSession.load(path)


@pytest.mark.parametrize(
    "header",
    [
        '{"format": "backprop-lab-session/2", "state": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"format": "backprop-lab-session/2", "state": {"$dict": 5}}',
        '{"format": "backprop-lab-session/2", "state": {"$dict": [[{"$dict": []}, 1]]}}',
        '{"format": "backprop-lab-session/2", "state": {"$tuple": 3}}',
        '{"format": "backprop-lab-session/2", "state": {"$array": "nope"}}',
    ],
    ids=["deep", "dict-of-int", "dict-key", "tuple-of-int", "missing-array"],
)
def test_a_malformed_tree_is_one_line(tmp_path, header):
    path = tmp_path / "bad.lab.npz"
    np.savez(path, header=np.frombuffer(header.encode(), dtype=np.uint8))
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("speed", [0, 10_001, 2.5, True, "fast", None, [5]])
def test_a_speed_out_of_range_is_refused_and_a_missing_one_is_the_scenarios(tmp_path, speed):
    path = saved(tmp_path)
    rewrite(path, lambda header: header.update(speed=speed))
    with pytest.raises(SessionError, match=r'speed: expected a whole number .* or "max", found'):
        LabSession.load(path)
    rewrite(path, lambda header: header.__delitem__("speed"))  # as written before it was saved
    assert LabSession.load(path).pacer.speed == 10


def test_an_infinite_number_where_the_rng_state_has_an_integer_is_refused(tmp_path):
    path = saved(tmp_path)

    def infinite_inc(document):
        text = json.dumps(document)
        key = '["inc", '
        start = text.index(key) + len(key)
        end = text.index("]", start)
        return json.loads(text[:start] + '{"$float": "inf"}' + text[end:])

    rewrite(path, infinite_inc)
    with pytest.raises(SessionError, match=DAMAGED):
        LabSession.load(path)


FUZZ = ci_budget(40)


@FUZZ
@given(data=st.data())
def test_fuzz_a_damaged_session_loads_or_is_one_line(tmp_path_factory, data):
    """A real session (plain, Adam mid-step, with breakpoints, extended, diverged) with its
    JSON state, its header, its scenario, its arrays or its bytes damaged: it loads, steps and
    trains an epoch, or is refused with one line naming the file; never another exception."""
    folder = tmp_path_factory.getbasetemp() / "sessions"
    folder.mkdir(exist_ok=True)
    session_target(data.draw(session_files(folder)), folder)


class Forbidden(BaseException):
    """Code a session file tried to reach (a BaseException: no ``except Exception`` hides it)."""


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_no_session_file_makes_the_lab_import_or_call_code(tmp_path_factory, monkeypatch, data):
    """While damaged session files load (their records named "builtins:eval",
    "engine.data.files:load_csv", …), nothing is imported that was not imported already,
    importlib.import_module, eval, exec and pickle are never called."""
    import builtins
    import importlib.util
    import pickle
    import sys

    folder = tmp_path_factory.getbasetemp() / "sessions"
    folder.mkdir(exist_ok=True)
    content = data.draw(session_files(folder))
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        package = (globals or {}).get("__package__") or ""
        absolute = importlib.util.resolve_name("." * level + name, package) if level else name
        if absolute not in sys.modules:
            raise Forbidden(f"a session file made the lab import {absolute}")
        return real_import(name, globals, locals, fromlist, level)

    def forbidden(what):
        def call(*args, **kwargs):
            raise Forbidden(f"a session file made the lab call {what}")

        return call

    path = folder / "guarded.lab.npz"
    path.write_bytes(content)
    with monkeypatch.context() as m:
        m.setattr(builtins, "__import__", guarded_import)
        m.setattr(importlib, "import_module", forbidden("importlib.import_module"))
        m.setattr(builtins, "eval", forbidden("eval"))
        m.setattr(builtins, "exec", forbidden("exec"))
        m.setattr(pickle, "loads", forbidden("pickle.loads"))
        m.setattr(pickle, "load", forbidden("pickle.load"))
        m.setattr(pickle, "Unpickler", forbidden("pickle.Unpickler"))
        with contextlib.suppress(SessionError):
            LabSession.load(path)


def test_not_a_zip_with_the_zip_magic_is_one_line(tmp_path):
    path = tmp_path / "fake.lab.npz"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert "\n" not in str(error.value)
    assert not zipfile.is_zipfile(path)


def test_an_array_header_numpy_cannot_tokenize_is_one_line(tmp_path):
    """Bit flips in an array's header made NumPy raise tokenize.TokenError (the campaign)."""
    path = saved(tmp_path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    text = members["a0.npy"].decode("latin1").replace("'shape': (", "'shape': \xa8", 1)
    members["a0.npy"] = text.encode("latin1")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert str(error.value).startswith(f"{path}: not a readable Backprop Lab session file")
    assert "\n" not in str(error.value)


def test_an_array_declaring_a_huge_shape_is_refused_before_allocating(tmp_path):
    path = saved(tmp_path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    text = members["a0.npy"].decode("latin1").replace("'shape': (4, 2)", "'shape': (10**9,)")
    text = text.replace("(10**9,)", "(1000000000, 100)")
    members["a0.npy"] = text.encode("latin1")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(SessionError, match=r"array 'a0' declares shape \(1000000000, 100\)"):
        LabSession.load(path)


def test_a_member_that_is_not_an_array_counts_against_the_memory_limit(tmp_path, monkeypatch):
    """A zip member that is not a .npy array was read whole, whatever its size, before the
    header was even looked at: a 64 KB file whose extra member inflates to 64 MB (or a 3 MB one
    to 3 GB) took that memory and seconds to read (the twentieth fuzz campaign)."""
    path = saved(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.txt", b"\0" * (64 << 20))
    assert path.stat().st_size < 200_000
    monkeypatch.setenv("BACKPROP_LAB_MAX_MEMORY", "32M")
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and "more than the limit of 32 MiB" in message
    assert "(the arrays of the file: 128 MiB)" in message
    monkeypatch.setenv("BACKPROP_LAB_MAX_MEMORY", "1G")
    assert LabSession.load(path).steps_done == 1  # within the limit, the extra member is ignored


def test_a_header_that_inflates_into_millions_of_objects_is_refused_before_parsing(
    tmp_path, monkeypatch
):
    """The header's JSON was parsed whatever it held: a 77 KB file whose deflated header is 75
    MB of ``[],[],…`` took 2 GB as Python lists (0.6 MB of file: 16 GB). Its objects are
    counted from its text first, against the memory limit; the traced peak stays far below
    what parsing would take (``[]`` × 2,000,000: 130 MB)."""
    import tracemalloc

    path = saved(tmp_path)
    rewrite(path, lambda document: {**document, "notes": [[]] * 2_000_000})
    with zipfile.ZipFile(path) as z:  # deflated, as a bomb would be
        members = {name: z.read(name) for name in z.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("BACKPROP_LAB_MAX_MEMORY", "256M")  # the arrays' check: 128 MiB
    tracemalloc.start()
    try:
        with pytest.raises(SessionError) as error:
            LabSession.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(error.value)
    assert message.startswith(f"{path}: ") and "more than the limit of 256 MiB" in message
    assert "(its header, read as Python objects: " in message
    assert peak < 40 << 20


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("recent", 2**36, "steps.recent: expected 2048, found 68719476736"),
        ("coarse", True, "steps.coarse: expected 2048, found True"),
        ("rows", "complex", "steps.rows: expected an array of numbers"),
    ],
)
def test_a_history_state_that_does_not_fit_the_run_is_refused(tmp_path, key, value, expected):
    """recent = 2**36 made the history preallocate terabytes before any check, and complex
    sums were cast to real with a warning (found by the fuzz campaign)."""
    session = LabSession.open("xor")
    session.train("epoch", lambda: False, lambda step: None)
    path = session.save(tmp_path / "h.lab.npz")
    header, state = session_file.read(path)
    header.pop("format")
    steps = state["steps"]
    steps[key] = steps[key].astype(complex) if value == "complex" else value
    session_file.write(path, header, state)
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert f"{DAMAGED}: {expected}" in str(error.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda h: h["breakpoints"][0].update(hits=None), "breakpoints[1].hits: expected"),
        (lambda h: h["breakpoints"][0].update(ignore=-3), "breakpoints[1].ignore: expected"),
        (lambda h: h["position"].update(index="2"), "position.index: expected a whole number"),
        (lambda h: h.update(status="exploded"), "status: expected one of idle, paused"),
    ],
)
def test_a_header_field_of_the_wrong_type_is_refused_at_load(tmp_path, change, expected):
    """A breakpoint whose hit count was null loaded, and the next step that hit it raised
    TypeError (found by the fuzz campaign)."""
    path = saved(tmp_path)
    rewrite(path, change)
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert f"{DAMAGED}: {expected}" in str(error.value)


def user_breakpoint(spec: str, builtin=None) -> dict:
    return {
        "spec": spec,
        "builtin": builtin,
        "enabled": True,
        "temporary": False,
        "ignore": 0,
        "hits": 0,
    }


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            user_breakpoint("update@2 if " + "(" * 60 + "loss" + ")" * 60),
            "breakpoints[2].spec: nested too deeply (at most 40 levels",
        ),
        (user_breakpoint("update@7"), "breakpoints[2].spec: layer 7 does not exist"),
        (user_breakpoint(""), "breakpoints[2].spec: empty breakpoint"),
        (
            user_breakpoint("first non-finite value (NaN or ±inf)"),
            "breakpoints[2].spec: unexpected character '±'",
        ),
        (
            user_breakpoint("loss > 1", builtin="overflow"),
            'breakpoints[2].builtin: expected "nan" (breakpoint 0) or null, found overflow',
        ),
    ],
)
def test_a_breakpoint_that_does_not_parse_names_its_field(tmp_path, entry, expected):
    """A breakpoint spec the debugger refuses was refused with the debugger's words alone
    ('<file>: nested too deeply …'), not saying that it was a breakpoint of the file; a
    ``builtin`` other than "nan" was taken for breakpoint 0 (found by the twentieth campaign)."""
    path = saved(tmp_path)
    rewrite(path, lambda h: h["breakpoints"].append(entry))
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert str(error.value).startswith(f"{path}: {DAMAGED}: {expected}")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda h: h.update(scenario=None), "scenario: expected a table of name, source, path"),
        (lambda h: h["scenario"].pop("source") and None, "scenario: expected a table of name"),
        (
            lambda h: h["scenario"].update(label=None),
            "scenario.label: expected a string, found None",
        ),
        (lambda h: h["scenario"].update(path=5), "scenario.path: expected a string"),
        (
            lambda h: h["scenario"].update(overrides="training.lr=1"),
            "scenario.overrides: expected a list of strings (section.key=value)",
        ),
        (lambda h: h.pop("seed") and None, "seed: expected a whole number ≥ 0 or null"),
        (lambda h: h.pop("state") and None, "not a Backprop Lab session (no state)"),
        (lambda h: h.update(edits=[]), "edits: expected the network and training sections"),
        (
            lambda h: h.update(edits={"network": None, "training": {}}),
            "edits.network: expected a table, found None",
        ),
        (
            lambda h: h.update(edits={"network": {"loss": "bce", "layers": "x"}, "training": {}}),
            "network.layers: must be one or more [[network.layers]] tables",
        ),
        (lambda h: h.update(changes=5), "changes: expected a list"),
        (lambda h: h.update(changes=[5]), "changes[1]: a change needs the keys"),
        (
            lambda h: h.update(
                changes=[
                    {
                        "at": 0,
                        "new": {"training.lr": 1e999},
                        "old": {"training.lr": 1.0},
                        "epoch": 1,
                        "batch": 0,
                        "consumed": 0,
                    }
                ]
            ),
            "changes: the change after step 0: training.lr must be a finite number, got inf",
        ),
    ],
)
def test_a_scenario_edit_or_change_of_the_wrong_type_names_its_field(tmp_path, change, expected):
    """These were refused with Python's own words for what went wrong inside the loader
    ('the session file is damaged or from another version ('NoneType' object is not
    subscriptable)', '… ('seed')'), not naming the field (the twentieth fuzz campaign)."""
    path = saved(tmp_path)
    rewrite(path, change)
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    message = str(error.value)
    assert expected in message and message.startswith(f"{path}: ")
    assert "damaged or from another version" not in message


def run_tuple(document):
    """The run's snapshot in a header's state: {"$tuple": [trainer, stop_reason, divergence,
    early, loss sum, steps, last stats, last loss]}."""
    return dict(document["state"]["$dict"])["run"]["$tuple"]


@pytest.mark.parametrize(
    ("index", "value", "expected"),
    [
        (2, [1, 2], "run.divergence: expected a divergence record or nothing"),
        (1, "exploded", "run.stop_reason: expected one of loss_below, patience"),
        (7, "0.5", "run.last_loss: expected a number"),
        (6, {"$tuple": [1]}, "run.last_stats: expected the statistics of 8 layers"),
        (
            2,
            {"$dict": [["$named", "engine.stopping:NonFinite"], ["fields", ["x", "f", 2, "z"]]]},
            "NonFinite.step: expected int | None, found a str",
        ),
    ],
)
def test_run_values_a_fresh_run_does_not_have_are_checked(tmp_path, index, value, expected):
    """A list where the divergence record belongs loaded, and the next message about the
    divergence raised AttributeError (found by the third fuzz campaign)."""
    session = LabSession.open("exploding-gradients")
    with np.errstate(all="ignore"):
        session.train("continue", lambda: False, lambda step: None)
    assert session.run.stop_reason == "diverged"
    path = session.save(tmp_path / "d.lab.npz")
    rewrite(path, lambda document: run_tuple(document).__setitem__(index, value))
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert f"{DAMAGED}: {expected}" in str(error.value)


def test_a_position_past_the_end_of_training_loads_instead_of_hanging(tmp_path):
    """A finished run whose saved position lies inside the next step: loading stepped towards
    it for ever, since nothing moves past the end of training (found by the fuzz campaign)."""
    from fuzzing import bounded

    session = LabSession.open("xor", ["training.epochs=3", "stop.loss_below=1e-9"])
    session.train("continue", lambda: False, lambda step: None)
    path = session.save(tmp_path / "end.lab.npz")
    rewrite(path, lambda document: document["position"].update(step=4, index=5))
    with bounded("loading a finished session", seconds=10.0):
        loaded = LabSession.load(path)
    assert loaded.controller.finished() is not None and loaded.steps_done == 3


def test_trainer_counters_that_do_not_fit_the_step_count_are_refused(tmp_path):
    """Batch 3 of an epoch of one batch loaded, and the next step took an empty batch:
    ZeroDivisionError (found by the fifth fuzz campaign)."""
    path = saved(tmp_path)  # xor after one step: epoch 1, batch 1

    def batch_three(document):
        trainer = run_tuple(document)[0]["$tuple"]
        trainer[3] = 3

    rewrite(path, batch_three)
    with pytest.raises(SessionError) as error:
        LabSession.load(path)
    assert f"{DAMAGED}: run: epoch 1, batch 3 after 1 step; with 1 batches an epoch" in str(
        error.value
    )


CSV_SCENARIO = (
    'name = "csv"\ntitle = "t"\nsummary = "s"\n[data]\nkind = "csv"\npath = "d.csv"\n'
    'target = "y"\n[network]\nloss = "bce"\n[[network.layers]]\nsize = 3\n'
    'activation = "tanh"\n[[network.layers]]\nsize = 1\n'
)


def test_a_session_whose_data_file_changed_is_refused_naming_the_file(tmp_path):
    """The data file changed after saving (same size, other examples): the session said
    nothing and trained on with other data than its weights and history came from."""
    data = tmp_path / "d.csv"
    data.write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    (tmp_path / "csv.toml").write_text(CSV_SCENARIO)
    session = LabSession.open(str(tmp_path / "csv.toml"))
    session.train("epoch", lambda: False, lambda step: None)
    path = session.save(tmp_path / "a.lab.npz")
    assert LabSession.load(path).steps_done == session.steps_done  # unchanged: it loads
    data.write_text("a,b,y\n0,0,1\n0,1,0\n1,0,0\n1,1,1\n")  # the same size, other targets
    with pytest.raises(SessionError) as e:
        LabSession.load(path)
    assert str(e.value).startswith(f"{path}: data.path = d.csv: the file has changed")
    rewrite(path, lambda header: header.update(data=None))  # saved before the digest: as is
    assert LabSession.load(path).steps_done == session.steps_done
    rewrite(path, lambda header: header.update(data=[1]))
    with pytest.raises(SessionError, match="data: expected the SHA-256"):
        LabSession.load(path)


def test_a_scenario_text_larger_than_a_scenario_file_is_refused_unparsed(tmp_path, monkeypatch):
    """The scenario a session file holds went to the TOML parser whatever its size (a 49 MB
    scenario file took ~18 s before its first error): past the size a scenario file may have it
    is refused, naming the session file, as such a file is."""
    from engine import limits
    from scenarios import loader

    path = saved(tmp_path)
    source = LabSession.load(path).scenario.source  # loads as saved
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(source) + 10)

    def padded(document):
        document["scenario"]["source"] += "#" * 11

    rewrite(path, padded)
    with pytest.raises(SessionError) as info:
        LabSession.load(path)
    held = limits.size(len(source.encode()) + 11)  # the text's size in bytes, not the file's
    assert str(info.value).startswith(f"{path}: xor.toml: holds {held}, more than a scenario")
