"""The loss figures a run reports, each under one name on every screen and command line.

A run measures its loss four ways, and they differ even for the same network (a step's loss is
taken before its update, the others after; dropout and the L1/L2 penalty count in one, not in
the others). The lab, ``train``, ``train --json`` and ``check`` call each by the name here and
mean exactly this number by it:

- ``batch_loss`` — **batch loss**: the loss C of one step on its batch, in training mode (dropout
  on, batch statistics), with the L1/L2 penalty, computed before that step's update. The loss
  plot's curve, the lab's status bar while training, ``check``'s loss ``at_step``.
- ``mean_step_loss`` — **epoch mean loss**: the mean of an epoch's batch losses (what the
  optimizer saw during the epoch; lags behind the weights). ``train``'s progress bar where the
  training set is not evaluated every epoch.
- ``train_loss`` — **train-set loss**: the data term C₀ over the whole training set, in
  evaluation mode, without the penalty, measured after the epoch's last step (or on the network
  as it is now, e.g. after early stopping restored the best weights). The ``loss_below`` rule,
  ``final.train_loss``, ``check``'s loss ``at_epoch`` and at the end.
- ``val_loss`` — **val loss**: the same over the validation set (early stopping's figure).

The batch loss is the only one with the penalty: where a run has one (``training.l1``,
``training.l2``, which can change while it trains: ``engine.live``), ``penalty_name`` names it,
so a screen can say so beside the name (``batch loss + L2 penalty``) — with it the batch loss
can stay well above the train-set loss of the same network.

``labelled`` writes one figure with its name and four significant digits, as the lab's panels
write numbers, so the same figure reads the same wherever it appears.
"""

from __future__ import annotations

from .number_text import short

LOSS_NAMES = {
    "batch_loss": "batch loss",
    "mean_step_loss": "epoch mean loss",
    "train_loss": "train-set loss",
    "val_loss": "val loss",
}
"""Field (``EpochMetrics``, ``train --json``) → the name it is shown under."""


def loss_number(x: float) -> str:
    """A loss figure as the panels write numbers (``number_text.short``: ``0.009986``)."""
    return short(x)


def labelled(field: str, x: float) -> str:
    """``train-set loss 0.009986``: the figure ``field`` under its name."""
    return f"{LOSS_NAMES[field]} {loss_number(x)}"


def penalty_name(l1: float, l2: float) -> str:
    """The penalty a batch loss taken with λ₁ = ``l1`` and λ₂ = ``l2`` includes, in words:
    ``L2 penalty``, ``L1 penalty``, ``L1+L2 penalty``; "" without one (both 0)."""
    kinds = [name for name, strength in (("L1", l1), ("L2", l2)) if strength]
    return f"{'+'.join(kinds)} penalty" if kinds else ""
