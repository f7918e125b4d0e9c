"""After a divergence: the unit, weight and example of the first non-finite value, so that an
explanation explains the value the message names — the lab's selection (``tui.session``) and
line mode's bare ``explain`` alike.

The debugger stops at the event holding a step's first NaN or ±∞ (``engine.nonfinite``), and
the message names its entry: "z of layer 2 (Forward), entry [0, 7] = -inf". Without this the
equation went on explaining unit 0 of example 0 — a finite value beside the one that diverged.

An entry is read by the event it is in, as the equations index it (docs/notation.md):

- Forward, Loss, Delta: arrays of the batch, (example i, unit j) → example i, unit j of the
  layer (the Loss event's ∇ₐC: of the output layer L); a batch's statistics (n,) → unit j;
- Gradient, Update: (j, k) of a weight matrix → weight Wˡⱼₖ; (j,) of a bias → unit j (whose
  bias the equation then explains), and so for the optimizer's state of each.

Values with no unit to point at are left to the default: the loss C (a number), the input
``a⁰`` (data), the targets ``y``, a clipping's norms, the evaluation over the training set.
"""

from __future__ import annotations

from typing import NamedTuple

from engine.nonfinite import check_event

BATCH_KINDS = ("forward", "loss", "delta")
WEIGHT_KINDS = ("gradient", "update")
NO_UNIT = ("a_prev", "y")  # the layer below's (the data's) values, the targets


class Target(NamedTuple):
    """What to explain: layer ``l``, unit j, the weight (j, k) when the entry is one, and the
    example (row of the batch) when the entry has one."""

    l: int
    unit: int
    weight: tuple[int, int] | None
    example: int | None


def non_finite_target(event, L: int) -> Target | None:
    """Where ``event``'s first non-finite value is (``L``: the output layer, for the Loss
    event); None when the event holds none or it is not a unit's or a weight's."""
    if event is None:
        return None
    found = check_event(event)
    if found is None:
        return None
    field, entry, _ = found
    l = L if event.kind == "loss" else getattr(event, "l", None)
    if l is None or field in NO_UNIT or not entry:
        return None
    if event.kind in BATCH_KINDS:
        if len(entry) == 2:
            return Target(l, entry[1], None, entry[0])
        return Target(l, entry[0], None, None) if len(entry) == 1 else None
    if event.kind in WEIGHT_KINDS:
        if len(entry) == 2:
            return Target(l, entry[0], (entry[0], entry[1]), None)
        return Target(l, entry[0], None, None) if len(entry) == 1 else None
    return None
