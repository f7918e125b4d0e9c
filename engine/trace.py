"""Trace files, format ``backprop-lab-trace/1``: every event of the first N steps, numbers exact.

A trace is one JSON object (``docs/trace-format.md``)::

    {"format": "backprop-lab-trace/1", "scenario": "xor", "seed": 0, "dtype": "float64",
     "loss": "bce", "layers": [{"l": 1, "n_in": 2, "n_out": 4, "activation": "tanh"}, …],
     "steps": [{"step": 1, "epoch": 1, "batch": 1, "batch_size": 4, "lr": 1.0, "indices": […],
                "loss": 0.71, "stats": [{"l": 1, "grad_norm": …}, …],
                "events": [{"kind": "forward", "l": 1, "a_prev": [[…]], "z": …}, …]}, …]}

The step record carries the fields of StepStart and StepEnd; ``events`` the other events in
order, each with its ``kind`` and its fields by name (optional fields that are None are left out; a
Gradient's ``extra`` maps a parameter name to its gradient, an Update's ``extra`` maps it to
``{"old", "new", "step"}``). Arrays are nested lists. Numbers are written with ``repr`` (the
shortest text that reads back to the same float64, so float32 values round-trip too); NaN and
±Inf as the strings ``"nan"``, ``"inf"``, ``"-inf"``.

``read_trace`` gives back the events as ``engine.events`` objects with arrays of the trace's
dtype, bit for bit equal to the ones written (NaN reads back as the standard NaN).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import events as ev
from .arrays import frozen
from .atomic import atomic_write
from .json_numbers import NON_FINITE, json_number
from .stats import LayerStats

FORMAT = "backprop-lab-trace/1"
EVENT_CLASSES: dict[str, type[ev.Event]] = {
    "step_start": ev.StepStart,
    "forward": ev.Forward,
    "loss": ev.Loss,
    "delta": ev.Delta,
    "gradient": ev.Gradient,
    "clip": ev.Clip,
    "update": ev.Update,
    "step_end": ev.StepEnd,
}
_STEP_FIELDS = ("step", "epoch", "batch", "batch_size", "lr", "indices", "loss", "stats")


# --- writing ------------------------------------------------------------------------------------


def array_json(array: np.ndarray):
    """Nested lists of exact numbers (non-finite ones as strings)."""
    if array.dtype.kind in "iub":
        return array.tolist()
    values = array.tolist()
    if np.isfinite(array).all():
        return values
    return _clean(values)


def _clean(values):
    if isinstance(values, list):
        return [_clean(v) for v in values]
    return json_number(values)


def _value_json(value):
    if isinstance(value, np.ndarray):
        return array_json(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float | np.floating):
        return json_number(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _value_json(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_value_json(v) for v in value]
    raise TypeError(f"cannot write {type(value).__name__} to a trace")


def event_json(event: ev.Event) -> dict:
    """One event as a JSON-ready dict: ``kind`` and its non-None fields."""
    out = {"kind": event.kind}
    for f, value in zip(event.FIELDS, event):
        if value is None and f.default is not ev.NO_DEFAULT:
            continue  # an optional field that does not apply (e.g. no dropout mask)
        if event.kind == "update" and f.name == "extra":
            value = {
                name: {"old": old, "new": new, "step": step}
                for name, (old, new, step) in value.items()
            }
        out[f.name] = _value_json(value)
    return out


def _stats_json(stats) -> list[dict]:
    return [{k: _value_json(v) for k, v in s._asdict().items()} for s in stats]


def step_json(step_events: list) -> dict:
    """One step's events (StepStart … StepEnd) as a trace step record."""
    start, end = step_events[0], step_events[-1]
    if start.kind != "step_start" or end.kind != "step_end":
        raise ValueError("a trace step needs the events from StepStart to StepEnd")
    return {
        "step": start.step,
        "epoch": start.epoch,
        "batch": start.batch,
        "batch_size": start.batch_size,
        "lr": json_number(start.lr),
        "indices": None if start.indices is None else array_json(start.indices),
        "loss": json_number(end.loss),
        "stats": _stats_json(end.stats),
        "events": [event_json(e) for e in step_events[1:-1]],
    }


def header(run, scenario: str | None = None) -> dict:
    """The trace's fields besides ``steps``, for a ``Run``."""
    layers = []
    for layer in run.net.layers:
        entry = {
            "l": layer.l,
            "n_in": layer.n_in,
            "n_out": layer.n_out,
            "activation": layer.activation.name,
        }
        if layer.activation.alpha is not None:
            entry["alpha"] = layer.activation.alpha
        if layer.dropout:
            entry["dropout"] = layer.dropout
        if layer.batch_norm:
            entry["batch_norm"] = True
        layers.append(entry)
    return {
        "format": FORMAT,
        "scenario": run.name if scenario is None else scenario,
        "seed": run.seed,
        "dtype": str(run.net.dtype),
        "loss": run.net.loss.name,
        "optimizer": run.learner.optimizer.name,
        "layers": layers,
    }


def write_trace(run, steps: int, out, *, scenario: str | None = None) -> int:
    """Take the run's next ``steps`` steps with events and write them as a trace to the text
    stream ``out``, one step per line. Returns the number of steps written."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"--steps must be a positive integer, got {steps!r}")
    head = json.dumps(header(run, scenario), allow_nan=False)
    out.write(head[:-1] + ', "steps": [\n')
    for i in range(steps):
        with np.errstate(all="ignore"):
            step_events = list(run.step_events())
        out.write(json.dumps(step_json(step_events), allow_nan=False))
        out.write(",\n" if i < steps - 1 else "\n")
    out.write("]}\n")
    return steps


def write_trace_file(run, steps: int, path, *, scenario: str | None = None) -> None:
    """``write_trace`` to ``path`` atomically (``engine.atomic``), so an interrupted write never
    leaves a half-written trace behind."""
    atomic_write(path, lambda f: write_trace(run, steps, f, scenario=scenario), binary=False)


def dumps(run, steps: int, *, scenario: str | None = None) -> str:
    buffer = io.StringIO()
    write_trace(run, steps, buffer, scenario=scenario)
    return buffer.getvalue()


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceStep:
    step: int
    epoch: int
    batch: int
    loss: float
    events: list  # StepStart, …, StepEnd as engine.events objects


@dataclass(frozen=True)
class Trace:
    format: str
    scenario: str
    seed: int
    dtype: str
    layers: list[dict]
    steps: list[TraceStep]
    info: dict  # every other header field (loss, optimizer, …)

    def events(self):
        """Every event of every step, in order."""
        for step in self.steps:
            yield from step.events


def read_trace(source) -> Trace:
    """A trace from a path or a text stream; ValueError naming the file when it is not one."""
    name = getattr(source, "name", None) or (
        "the trace" if hasattr(source, "read") else str(source)
    )
    try:
        if hasattr(source, "read"):
            document = json.load(source)
        else:
            with open(source, encoding="utf-8") as f:
                document = json.load(f)
    except OSError as e:
        raise ValueError(f"cannot read trace {name}: {e.strerror or e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{name} is not a JSON trace file: {e}") from None
    except RecursionError:
        raise ValueError(f"{name} is not a JSON trace file: arrays nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise ValueError(f"{name} is not a {FORMAT} trace (format: {found!r})")
    try:
        return _trace(document)
    except _MALFORMED as e:
        raise ValueError(f"{name}: malformed {FORMAT} trace: {_why(e)}") from None


_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError)
"""What a value of the wrong type or size raises on the way to an event (a number where an
object belongs: AttributeError; an index of 100 digits: OverflowError)."""


def _why(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"a field is missing: {error.args[0]!r}" if error.args else "a field is missing"
    if isinstance(error, RecursionError):
        return "arrays nested too deeply"
    return str(error) or type(error).__name__


def _trace(document: dict) -> Trace:
    dtype = document.get("dtype", "float64")
    if dtype not in ("float32", "float64"):
        raise ValueError(f'dtype must be "float32" or "float64", got {dtype!r}')
    dtype = np.dtype(dtype)
    records = document["steps"]
    if not isinstance(records, list):
        raise ValueError(f"steps must be an array of step records, got {type(records).__name__}")
    steps = []
    for i, record in enumerate(records, start=1):
        try:
            steps.append(_step(record, dtype))
        except _MALFORMED as e:
            raise ValueError(f"step record {i}: {_why(e)}") from None
    known = {"format", "scenario", "seed", "dtype", "layers", "steps"}
    return Trace(
        document["format"],
        document.get("scenario", ""),
        document.get("seed", 0),
        str(dtype),
        document.get("layers", []),
        steps,
        {k: v for k, v in document.items() if k not in known},
    )


def _step(record: dict, dtype) -> TraceStep:
    _object(record, "a step record", dict)
    indices = record.get("indices")
    start = ev.StepStart(
        record["step"],
        record["epoch"],
        record["batch"],
        record["batch_size"],
        _number(record["lr"]),
        None if indices is None else frozen(np.array(indices, dtype=np.intp)),
    )
    stats = tuple(
        LayerStats(**_layer_stats(_object(s, "stats", dict)))
        for s in _object(record.get("stats", []), "stats", list)
    )
    end = ev.StepEnd(
        record["step"], record["epoch"], record["batch"], _number(record["loss"]), stats
    )
    middle = []
    for i, data in enumerate(_object(record["events"], "events", list), start=1):
        try:
            middle.append(_event(_object(data, "an event", dict), dtype))
        except _MALFORMED as e:
            raise ValueError(f"event {i}: {_why(e)}") from None
    return TraceStep(start.step, start.epoch, start.batch, end.loss, [start, *middle, end])


def _event(data: dict, dtype) -> ev.Event:
    kind = data["kind"]
    cls = EVENT_CLASSES.get(kind)
    if cls is None or kind in ("step_start", "step_end"):
        raise ValueError(f"unknown event kind {kind!r}")
    values = {}
    for f in cls.FIELDS:
        if f.name not in data:
            continue
        values[f.name] = _typed(f.type, data[f.name], dtype, kind, f.name)
    return cls(**values)


def _typed(annotation: str, value, dtype, kind: str, name: str):
    """A JSON value converted to the event field's type (from its annotation)."""
    if value is None:
        return None
    if annotation.startswith("Array"):
        return _array(value, dtype)
    if annotation == "float":
        return _number(value)
    if annotation.startswith("dict"):
        value = _object(value, f"{kind}.{name}", dict)
    if annotation.startswith("dict[str, Array]"):
        return {k: _array(v, dtype) for k, v in value.items()}
    if annotation.startswith("dict[str, dict[str, Array]]"):
        return {
            k: {kk: _array(vv, dtype) for kk, vv in _object(v, f"{kind}.{name}", dict).items()}
            for k, v in value.items()
        }
    if annotation.startswith("dict[str, tuple"):
        return {
            k: tuple(_array(_object(v, f"{kind}.{name}", dict)[part], dtype) for part in PARTS)
            for k, v in value.items()
        }
    if annotation.startswith("tuple"):
        return tuple(_object(value, f"{kind}.{name}", list))
    return value


PARTS = ("old", "new", "step")  # an Update's extra parameter: {"old", "new", "step"}


def _object(value, what: str, kind: type):
    """``value`` when it is a JSON object (``kind`` dict) or array (list); ValueError otherwise."""
    if not isinstance(value, kind):
        shape = "an object" if kind is dict else "an array"
        raise ValueError(f"{what} must be {shape}, got {json.dumps(value)[:40]}")
    return value


def _layer_stats(record: dict) -> dict[str, Any]:
    """A layer's statistics as ``LayerStats`` takes them: "l" an int, the rest numbers."""
    return {k: (v if k == "l" else _number(v)) for k, v in record.items()}


def _number(value) -> float:
    """A number of the trace: a JSON number, or "nan", "inf", "-inf" (``json_numbers``)."""
    if isinstance(value, str) and value in NON_FINITE:
        return NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def _array(value, dtype) -> np.ndarray:
    return frozen(np.array(value, dtype=dtype))
