"""Find the first non-finite value (NaN or ±∞) in the events of a step.

Events come in the order the math happens, so the first event holding a non-finite number is
where the trouble started: e.g. ``z`` of layer 2 overflowed in the forward pass, and every later
value only inherited it. Array fields are checked in declaration order, then scalar fields and the
arrays inside dict fields (optimizer state, extra parameters).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from ..events import Event


@dataclass(frozen=True)
class NonFinite:
    """Where the first non-finite value is: event ``index`` in the step, field, entry."""

    index: int
    event: Event
    field: str  # e.g. "z", "delta", "W_new", "value", "state.v"
    entry: tuple[int, ...]  # index of the first non-finite entry ((), for a scalar)
    value: float

    @property
    def layer(self) -> int | None:
        return getattr(self.event, "l", None)

    def describe(self) -> str:
        """``z of layer 2 (Forward), entry [0, 1] = inf``."""
        name = type(self.event).__name__
        where = f"{self.field} of layer {self.layer}" if self.layer is not None else self.field
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


def check_event(event: Event) -> tuple[str, tuple[int, ...], float] | None:
    """(field, entry, value) of the first non-finite value of one event, or None."""
    for f in fields(event):
        v = getattr(event, f.name)
        if isinstance(v, np.ndarray):
            bad = _first_bad(v)
            if bad is not None:
                return f.name, bad, float(v[bad])
        elif isinstance(v, float) and not math.isfinite(v):
            return f.name, (), v
        elif isinstance(v, tuple) and f.name == "stats":
            for s in v:
                for name, x in zip(s._fields, s, strict=True):
                    if isinstance(x, float) and not math.isfinite(x):
                        return f"{name}@{s.l}", (), x
        elif isinstance(v, dict):
            for key, inner in v.items():
                if isinstance(inner, np.ndarray):
                    inner = {"": inner}
                arrays = inner.values() if isinstance(inner, dict) else inner
                names = inner.keys() if isinstance(inner, dict) else ("old", "new", "step")
                for sub, arr in zip(names, arrays, strict=False):
                    if isinstance(arr, np.ndarray) and (bad := _first_bad(arr)) is not None:
                        label = ".".join(p for p in (f.name, key, sub) if p)
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

    A NaN or ∞ anywhere in a step reaches one of these (activations → loss, deltas → gradients,
    updates → weights). A finite sum that overflows gives a false alarm, which the caller
    settles with ``first_non_finite`` on the step's events.
    """
    total = loss
    for s in stats:
        total += s[1] + s[3]
    return math.isfinite(total)
