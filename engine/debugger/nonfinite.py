"""Where in a step the first non-finite value (NaN or ±∞) is: the event, its index, the entry.

Events come in the order the math happens, so the first event holding a non-finite number is
where the trouble started (e.g. ``z`` of layer 2 overflowed in the forward pass; every later value
only inherited it). The search itself is ``engine.stopping.first_non_finite`` (the training
task's, shared with ``train``'s divergence report); this module adds what the debugger needs to
move there: the event's index in the step and the first bad entry of the array.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..events import Event
from ..stopping import first_non_finite as _first_field


@dataclass(frozen=True)
class NonFinite:
    """The first non-finite value of a step: event ``index``, ``field``, ``entry``, ``value``."""

    index: int
    event: Event
    field: str  # e.g. "z", "delta", "W_new", "value", "state.W.v"
    entry: tuple[int, ...]  # the first non-finite entry of an array field ((), otherwise)
    value: float

    @property
    def layer(self) -> int | None:
        return getattr(self.event, "l", None)

    def describe(self) -> str:
        """``z of layer 2 (Forward), entry [0, 1] = inf``."""
        name = type(self.event).__name__
        where = f"{self.field} of layer {self.layer}" if self.layer is not None else self.field
        entry = f", entry {list(self.entry)}" if self.entry else ""
        value = "" if math.isnan(self.value) and not self.entry else f" = {self.value}"
        return f"{where} ({name}){entry}{value}"


def _entry(value) -> tuple[tuple[int, ...], float]:
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        ok = np.isfinite(value)
        if not ok.all():
            flat = int(np.argmin(ok.ravel()))
            entry = tuple(int(i) for i in np.unravel_index(flat, value.shape))
            return entry, float(value[entry])
    if isinstance(value, float | np.floating):
        return (), float(value)
    return (), math.nan


def first_non_finite(events, start: int = 0) -> NonFinite | None:
    """The first non-finite value in ``events[start:]`` (indices count from 0), or None."""
    found = _first_field(events[start:])
    if found is None:
        return None
    for i in range(start, len(events)):
        ev = events[i]
        if ev.kind == found.kind and getattr(ev, "l", None) == found.l:
            value = getattr(ev, found.field, None)
            entry, x = _entry(value)
            return NonFinite(i, ev, found.field, entry, x)
    return None


def step_is_finite(loss: float, stats) -> bool:
    """Cheap test at the end of a step: the loss, every ‖∂C/∂W‖ and every ‖W‖ are finite.

    A NaN or ∞ anywhere in a step reaches one of these (activations → loss, deltas → gradients,
    updates → weights). A finite sum that overflows gives a false alarm, which the caller
    settles with ``first_non_finite`` on the step's events.
    """
    total = loss
    for s in stats:
        total += s[1] + s[3]
    return math.isfinite(total)
