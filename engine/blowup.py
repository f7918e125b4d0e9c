"""A run that blew up without overflowing: it ends with a finite loss far past where it started.

A step whose loss or parameters become NaN or infinite is a divergence at once
(``engine.stopping``). A loss can also explode to huge but finite values and stay there: with
``training.lr = 1e300`` on dying-relu the output bias jumps to 8e298 in one step, every ReLU dies,
and the loss sits at 4e298 until the epoch limit — a run that "finished" with a number no run
should end with. So when training ends by its epoch limit (or early stopping that keeps the last
weights), a final training loss more than ``FACTOR`` (10⁶) times its start — the first step's
loss, or 1 if that was smaller — is reported as a divergence too: stop reason ``diverged`` (exit
status 3 headless), naming the step from which the loss stayed that high and the layer whose
parameters are largest.

Only the end of training is judged: a loss that explodes and comes back is no divergence, and the
presets that demonstrate an overflow to ∞ (exploding-gradients, learning-rate-too-high) still
stop at their first non-finite value.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

FACTOR = 1e6


class BlowUp(NamedTuple):
    """A finite blow-up: by ``step`` the training loss was above ``FACTOR`` × ``start`` for good
    (ending at ``loss``); parameter ``field`` of layer ``l`` holds the largest |value|."""

    step: int
    loss: float
    start: float
    l: int
    field: str
    value: float

    def describe(self) -> str:
        """``step 10: the training loss blew up to 4.05e+298 (over 10⁶ × …)``."""
        return (
            f"step {self.step}: the training loss blew up to {self.loss:.3g} (over 10⁶ × its "
            f"start, {self.start:.3g}) and stayed there without overflowing; the largest "
            f"parameter is {self.field} of layer {self.l} (|{self.field}| = {self.value:.3g})"
        )


def blown_up(run) -> BlowUp | None:
    """The run's blow-up (see the module docstring) at the end of its last epoch, or None."""
    epochs = run.history.epochs
    last = epochs.last
    points = run.history.steps.snapshot()
    if last is None or not len(points.loss_min):
        return None
    start = float(points.loss_min[0])
    bound = FACTOR * max(start, 1.0) if math.isfinite(start) else math.inf
    if not last.train_loss > bound:
        return None
    step = last.step  # the first step of the final stretch above the bound
    for metrics in reversed(list(epochs)):
        if not metrics.train_loss > bound:
            break
        step = metrics.step
    for i in range(len(points.steps) - 1, -1, -1):  # exactly, where the steps are kept
        if not points.loss_min[i] > bound or points.counts[i] != 1:
            break
        step = min(step, int(points.steps[i]))
    l, field, value = max(
        (
            (layer.l, name, float(np.max(np.abs(p))))
            for layer in run.net.layers
            for name, p in layer.params.items()
            if p.size
        ),
        key=lambda found: found[2],
    )
    return BlowUp(step, float(last.train_loss), start, l, field, value)
