"""The trace format: written and read back, every array is the same bit for bit."""

import io
import json

import numpy as np
import pytest
from fuzzing import ci_budget, trace_target, trace_texts
from hypothesis import given
from training_helpers import small_run

from engine import trace
from engine.build import build_run


def rich_run(dtype="float64"):
    """Dropout, batch norm, PReLU, L2, clipping and Adam: every optional event field appears."""
    return build_run(
        data={"kind": "moons", "n": 24},
        network={
            "loss": "bce",
            "dtype": dtype,
            "layers": [
                {"size": 5, "activation": "prelu", "batch_norm": True, "dropout": 0.2},
                {"size": 1, "activation": "sigmoid"},
            ],
        },
        training={"optimizer": "adam", "batch_size": 8, "l2": 0.01, "clip_norm": 0.5},
        seed=3,
        name="rich",
    )


def assert_same_events(read, live):
    assert [e.kind for e in read] == [e.kind for e in live]
    for a, b in zip(read, live, strict=True):
        arrays_a, arrays_b = a.arrays(), b.arrays()
        assert arrays_a.keys() == arrays_b.keys(), a.kind
        for name, array in arrays_b.items():
            got = arrays_a[name]
            assert got.dtype == array.dtype and got.shape == array.shape, (a.kind, name)
            assert got.tobytes() == array.tobytes(), (a.kind, name)
        for name in ("extra", "state"):  # dicts of arrays: compared as exact JSON text
            if hasattr(b, name):
                assert trace.event_json(a)[name] == trace.event_json(b)[name], (a.kind, name)
        scalars = [k for k, v in trace.event_json(b).items() if not isinstance(v, list | dict)]
        for name in scalars:
            assert getattr(a, name) == getattr(b, name), (a.kind, name)
    assert read[-1].stats == live[-1].stats


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_trace_written_and_read_back_gives_the_same_arrays_bit_for_bit(dtype):
    text = trace.dumps(rich_run(dtype), 4)
    read = trace.read_trace(io.StringIO(text))
    live_run = rich_run(dtype)
    live = [list(live_run.step_events()) for _ in range(4)]
    assert read.format == "backprop-lab-trace/1" and read.dtype == dtype
    assert read.scenario == "rich" and read.seed == 3
    assert [s.step for s in read.steps] == [1, 2, 3, 4]
    kinds = {e.kind for e in read.events()}
    assert {"forward", "loss", "delta", "gradient", "clip", "update"} <= kinds
    forward = next(e for e in read.steps[0].events if e.kind == "forward")
    assert forward.mask is not None and forward.z_hat is not None
    for step, events in zip(read.steps, live, strict=True):
        assert_same_events(step.events, events)


def test_the_file_matches_the_documented_layout(tmp_path):
    path = tmp_path / "t.json"
    run = small_run()
    trace.write_trace_file(run, 2, path)
    document = json.loads(path.read_text())
    assert document["format"] == "backprop-lab-trace/1"
    assert document["layers"][0] == {"l": 1, "n_in": 2, "n_out": 8, "activation": "tanh"}
    step = document["steps"][0]
    assert (step["step"], step["epoch"], step["batch"]) == (1, 1, 1)
    assert [e["kind"] for e in step["events"]] == [
        "forward",
        "forward",
        "loss",
        "delta",
        "gradient",
        "delta",
        "gradient",
        "update",
        "update",
    ]
    forward = step["events"][0]
    assert set(forward) == {"kind", "l", "a_prev", "z", "a"}
    assert isinstance(forward["z"][0][0], float)
    assert not list(tmp_path.glob(".t.json.*"))  # no temporary file left behind


def test_non_finite_numbers_are_strings_and_read_back():
    run = small_run(
        data={"kind": "inline", "x": [[1e200], [2e200]], "y": [[0.0], [1.0]]},
        network={
            "loss": "mse",
            "layers": [
                {"size": 1, "activation": "linear", "weights": [[1e200]]},
                {"size": 1, "activation": "linear"},
            ],
        },
    )
    text = trace.dumps(run, 1)

    def refuse(constant):
        raise AssertionError(f"bare {constant} in the JSON")

    document = json.loads(text, parse_constant=refuse)
    forward = document["steps"][0]["events"][0]
    assert forward["z"] == [["inf"], ["inf"]]
    read = trace.read_trace(io.StringIO(text))
    z = read.steps[0].events[1].z
    assert np.all(np.isinf(z)) and z.dtype == np.float64
    assert not np.isfinite(read.steps[0].loss)


def test_reading_something_else_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "something/2"}')
    with pytest.raises(ValueError, match=r"x.json is not a backprop-lab-trace/1 trace"):
        trace.read_trace(bad)
    bad.write_text("not json")
    with pytest.raises(ValueError, match="x.json is not a JSON trace file"):
        trace.read_trace(bad)
    with pytest.raises(ValueError, match="cannot read trace"):
        trace.read_trace(tmp_path / "missing.json")


def test_an_interrupted_file_write_leaves_nothing_behind(tmp_path, monkeypatch):
    path = tmp_path / "t.json"
    path.write_text("old")
    calls = []

    def failing(step_events):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return {"step": 1}

    monkeypatch.setattr(trace, "step_json", failing)
    with pytest.raises(KeyboardInterrupt):
        trace.write_trace_file(small_run(), 3, path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


@ci_budget(150)
@given(trace_texts())
def test_fuzz_a_damaged_trace_is_read_or_one_line(text):
    """A field of the wrong type or size (a number where an event's object belongs, an index of
    100 digits) or arrays nested 100,000 deep ended read_trace in AttributeError, OverflowError
    or RecursionError (fuzz campaign); now a Trace or one ValueError line naming the step record,
    the event and the field."""
    trace_target(text)
