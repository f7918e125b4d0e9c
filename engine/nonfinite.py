"""Where in a step the first non-finite value (NaN or ±∞) is: the event, its index, the entry.

Events come in the order the math happens, so the first event holding a non-finite number is
where the trouble started (e.g. ``z`` of layer 2 overflowed in the forward pass; every later value
only inherited it). Fields are checked in each event's declaration order, dict fields (optimizer
``state``, ``extra`` parameters) by key.

Skipped: the Loss event's ``y`` (data), the statistics of StepEnd (summaries of the arrays
already checked), and — where the output delta is fused (sigmoid + bce, softmax +
cross-entropy) — ``grad_a`` of the Loss event and ``from_above`` of the output Delta: there ∂C/∂a
may be ±∞ at a saturated output without harm, because δᴸ = (a − y)/B is computed without it.

The debugger moves to the event found; ``engine.stopping.first_non_finite`` summarises it for a
run's divergence report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .events import Event


@dataclass(frozen=True)
class NonFinite:
    """The first non-finite value of a step: event ``index``, ``field``, ``entry``, ``value``."""

    index: int
    event: Event
    field: str  # e.g. "z", "delta", "W_new", "value", "state.W.v"
    entry: tuple[int, ...]  # the first non-finite entry of an array field ((), for a number)
    value: float

    @property
    def layer(self) -> int | None:
        return getattr(self.event, "l", None)

    def describe(self) -> str:
        """``z of layer 2 (Forward), entry [0, 1] = inf`` / ``the loss C (Loss) = nan``."""
        name = type(self.event).__name__
        if self.layer is not None:
            where = f"{self.field} of layer {self.layer}"
        elif self.event.kind == "loss" and self.field == "value":
            where = "the loss C"
        else:
            where = self.field
        entry = f", entry {list(self.entry)}" if self.entry else ""
        return f"{where} ({name}){entry} = {self.value}"


def _first_bad(array) -> tuple[int, ...] | None:
    if array.dtype.kind not in "fc":
        return None
    ok = np.isfinite(array)
    if ok.all():
        return None
    flat = int(np.argmin(ok.ravel()))
    return tuple(int(i) for i in np.unravel_index(flat, array.shape))


def _skipped(event) -> tuple[str, ...]:
    kind = event.kind
    if kind == "loss":
        return ("y", "grad_a") if event.fused else ("y",)
    if kind == "delta" and event.fused:
        return ("from_above",)
    if kind == "step_end":
        return ("stats",)
    return ()


def check_event(event: Event) -> tuple[str, tuple[int, ...], float] | None:
    """(field, entry, value) of the first non-finite value of one event, or None."""
    skipped = _skipped(event)
    for name, v in zip(event._fields, event):
        if name in skipped:
            continue
        if isinstance(v, np.ndarray):
            bad = _first_bad(v)
            if bad is not None:
                return name, bad, float(v[bad])
        elif isinstance(v, float) and not math.isfinite(v):
            return name, (), v
        elif isinstance(v, Mapping):
            for key, inner in v.items():
                if isinstance(inner, np.ndarray):
                    inner = {"": inner}
                elif isinstance(inner, tuple):
                    inner = dict(zip(("old", "new", "step"), inner, strict=False))
                for sub, arr in inner.items():
                    if isinstance(arr, np.ndarray) and (bad := _first_bad(arr)) is not None:
                        label = ".".join(p for p in (name, key, sub) if p)
                        return label, bad, float(arr[bad])
    return None


def first_non_finite(events, start: int = 0) -> NonFinite | None:
    """The first non-finite value in ``events[start:]`` (indices count from 0), or None."""
    for i in range(start, len(events)):
        found = check_event(events[i])
        if found is not None:
            return NonFinite(i, events[i], *found)
    return None


def step_is_finite(loss: float, stats) -> bool:
    """Cheap test at the end of a step: the loss, every ‖∂C/∂W‖ and every ‖W‖ are finite.

    A harmful NaN or ∞ reaches one of these (activations → loss, deltas → gradients, updates →
    weights). A finite sum that overflows gives a false alarm, which the caller settles with
    ``first_non_finite`` on the step's events.
    """
    total = loss
    for s in stats:
        total += s[1] + s[3]
    return math.isfinite(total)
