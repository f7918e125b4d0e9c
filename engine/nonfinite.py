"""Where in a step the first non-finite value (NaN or ±∞) is: the event, its index, the entry.

Events come in the order the math happens, so the first event holding a non-finite number is
where the trouble started (e.g. ``z`` of layer 2 overflowed in the forward pass; every later value
only inherited it). Fields are checked in each event's declaration order, dict fields (optimizer
``state``, ``extra`` parameters) by key.

Skipped: the Loss event's ``y`` (data), the statistics of StepEnd (summaries of the arrays
already checked), and — where the output delta is fused (sigmoid + bce, softmax +
cross-entropy) — ``grad_a`` of the Loss event and ``from_above`` of the output Delta: there ∂C/∂a
may be ±∞ at a saturated output without harm, because δᴸ = (a − y)/B is computed without it.

The debugger moves to the event found; a run reports it as its ``divergence``. Whether a step
needs this scan at all is decided by a cheaper test, ``Learner.finite``: the loss plus ‖P‖² over
every parameter after the update (biases included), plus ‖∂C/∂p‖² before clipping where clipping
is on. A NaN or ∞ that appears in a step reaches it in that step: in an activation it reaches the
loss or, through ∂C/∂Wˡ⁺¹ = (δˡ⁺¹)ᵀ aˡ (0·∞ = NaN), the next layer's gradient and so its update;
a non-finite gradient makes every optimizer's update non-finite (clipping by value could hide it,
hence the gradient's norm); a non-finite update leaves a non-finite parameter (x − ∞ = −∞,
∞ − ∞ = NaN), and so does an update that overflows a parameter; a parameter that was non-finite
before the step stays so. A finite sum of squares that overflows (entries above ~10¹⁵⁴) is a
false alarm, which ``Learner.really_non_finite`` and this scan settle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from .events import Event


class NonFinite(NamedTuple):
    """The first value of a step that is NaN or infinite, in the order the step computes them.

    ``kind`` is the event kind (forward, loss, delta, gradient, clip, update, step_end), or
    "evaluation": the loss over the whole training set after the step (field ``train_loss``);
    ``l`` the layer (None for the loss, clipping and the evaluation); ``field`` the event's field
    (e.g. "z", "delta", "W_new", "value", "state.W.v"); ``entry`` the first non-finite entry of
    an array field (() for a number); ``index`` the event's position in the step's events.
    """

    step: int | None
    kind: str
    l: int | None
    field: str
    entry: tuple[int, ...] = ()
    value: float = math.nan
    index: int | None = None  # type: ignore[assignment]  # a field: shadows tuple.index

    @property
    def layer(self) -> int | None:
        return self.l

    def quantity(self) -> str:
        """``z of layer 2`` / ``the loss C`` / ``norm_before`` (a field without a layer)."""
        if self.l is not None:
            return f"{self.field} of layer {self.l}"
        if self.kind == "loss" and self.field == "value":
            return "the loss C"
        return self.field

    @property
    def event_name(self) -> str:
        """The event's class name: ``Forward``, ``StepEnd``, …"""
        return "".join(word.title() for word in self.kind.split("_"))

    def what(self) -> str:
        """``z of layer 2 (Forward), entry [0, 1] = inf`` / ``the loss C (Loss) = nan`` / ``the loss
        over the whole training set became non-finite (inf)``."""
        if self.kind == "evaluation":
            return f"the loss over the whole training set became non-finite ({self.value})"
        entry = f", entry {list(self.entry)}" if self.entry else ""
        return f"{self.quantity()} ({self.event_name}){entry} = {self.value}"

    def describe(self) -> str:
        """``what()``, after the step when it is known: ``step 7: z of layer 2 (Forward) …``."""
        return self.what() if self.step is None else f"step {self.step}: {self.what()}"


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
    """The first non-finite value in ``events[start:]`` (one step's events, in order; indices
    count from 0), or None."""
    step = events[0].step if events and events[0].kind == "step_start" else None
    for i in range(start, len(events)):
        found = check_event(events[i])
        if found is not None:
            event = events[i]
            field, entry, value = found
            return NonFinite(step, event.kind, getattr(event, "l", None), field, entry, value, i)
    return None
