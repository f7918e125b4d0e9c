"""A run that blew up without overflowing: it ends with a finite loss far past where it started.

A step whose loss or parameters become NaN or infinite is a divergence at once (``Learner.finite``,
``engine.nonfinite``). A loss can also explode to huge but finite values and stay there: with
``training.lr = 1e300`` on dying-relu the output bias jumps to 8e298 in one step, every ReLU dies,
and the loss sits at 4e298 until the epoch limit — a run that "finished" with a number no run
should end with. So when training ends by its epoch limit (or early stopping that keeps the last
weights), a final training loss more than ``FACTOR`` (10⁶) times its start — the first step's loss,
or 1 if that was smaller — is reported as a divergence too: stop reason ``diverged`` (exit status 3
headless), naming the step from which the loss stayed that high and the layer whose parameters are
largest. The final training loss is the loss over the whole training set (headless ``train``,
which does not measure it at every epoch's end, measures it then); an earlier epoch's is that loss
where the run measured it, else the mean of its steps' losses.

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

    def what(self) -> str:
        """``the training loss blew up past 10⁶ × its start (0.693) and stayed above, …,
        ending at 4.05e+298; …`` (as ``NonFinite.what``). What happened at ``step`` (the loss
        went over the bound for good) and the end's loss are told apart: "blew up to 7.03e+91"
        after "step 38" read as the loss of step 38, where it was that of step 300."""
        return (
            f"the training loss blew up past 10⁶ × its start ({self.start:.3g}) and stayed "
            f"above without overflowing, ending at {self.loss:.3g}; the largest parameter is "
            f"{self.field} of layer {self.l} (|{self.field}| = {self.value:.3g})"
        )

    def describe(self) -> str:
        """``step 10: the training loss blew up …`` (as ``NonFinite.describe``)."""
        return f"step {self.step}: {self.what()}"


def blow_up_bound(start: float) -> float:
    """The training loss past which a run that ends there has blown up: ``FACTOR`` × ``start``
    (or × 1 if the start was smaller; ∞ for a start that was not finite)."""
    return FACTOR * max(start, 1.0) if math.isfinite(start) else math.inf


def _training_loss(metrics) -> float:
    """An epoch's training loss: over the whole set if measured, else its steps' mean."""
    return metrics.mean_step_loss if metrics.train_loss is None else metrics.train_loss


def blown_up(run) -> BlowUp | None:
    """The run's blow-up (see the module docstring) at the end of its last epoch, or None.
    The start is the first step's loss (``run.first_loss``, else the history's first point)."""
    epochs = run.history.epochs
    last = epochs.last
    points = run.history.steps.snapshot()
    start = run.first_loss
    if start is None and len(points.loss_min):
        start = float(points.loss_min[0])
    if last is None or start is None:
        return None
    bound = blow_up_bound(start)
    # the loss over the whole training set at the end, as the lab measures it: headless
    # ``train`` measures it now (for its summary, which ``final_metrics`` keeps)
    end = last.train_loss if last.train_loss is not None else run.final_metrics().train_loss
    if not end > bound:
        return None
    if run.high_since is not None:  # every step seen since the first
        return _record(run, run.high_since, end, start)
    step = last.step  # the first step of the final stretch above the bound, from what is kept
    for metrics in reversed(list(epochs)):
        if not _training_loss(metrics) > bound:
            break
        step = metrics.step
    for i in range(len(points.steps) - 1, -1, -1):  # exactly, where the steps are kept
        if not points.loss_min[i] > bound or points.counts[i] != 1:
            break
        step = min(step, int(points.steps[i]))
    return _record(run, step, end, start)


def _record(run, step: int, end: float, start: float) -> BlowUp:
    """The blow-up record: from ``step`` on, the largest parameter now."""
    l, field, value = max(
        (
            (layer.l, name, float(np.max(np.abs(p))))
            for layer in run.net.layers
            for name, p in layer.params.items()
            if p.size
        ),
        key=lambda found: found[2],
    )
    return BlowUp(step, float(end), float(start), l, field, value)
