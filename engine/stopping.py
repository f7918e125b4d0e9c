"""When training stops, and why: ``epochs``, ``loss_below``, ``patience`` or ``diverged``.

- ``epochs``: the epoch limit (``training.epochs``) was reached.
- ``loss_below``: the train-set loss of an epoch — the data term C₀ over the whole
  training set in evaluation mode, measured after the epoch's last step — fell below
  ``stop.loss_below``.
- ``patience``: early stopping on the validation loss. An epoch *improves* when its validation
  loss is below the best so far by more than ``min_delta``; training stops after ``patience``
  epochs in a row without improvement. With ``restore_best`` the network's parameters go back to
  those of the best epoch (kept by reference: parameters are never modified in place).
- ``diverged``: a value of a step became NaN or infinite (``engine.nonfinite`` finds the first
  quantity that did, in the order the step computes them).

Epoch-level criteria are checked at the end of each epoch, in the order diverged, loss_below,
patience, epochs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .loss_names import LOSS_NAMES, loss_number
from .number_text import count, counted
from .settings import STOP, TRAINING

STOP_REASONS = ("loss_below", "patience", "epochs", "diverged")


def why_stopped(reason: str | None, rules: StopRules, last=None, early=None, steps=None) -> str:
    """Why training stopped, as a phrase with its figures, each under its name
    (``engine.loss_names``), for people (files keep ``reason``):

    - ``loss_below``: "the train-set loss fell to 0.009986, below the target 0.01"
    - ``patience``: "the val loss has not improved for 20 epochs (best 0.4804 at epoch 5);
      restored the weights of epoch 5"
    - ``epochs``: "all 2,000 epochs done"
    - ``diverged``: "training diverged"; ``max_steps``: "the step limit was reached (500 steps)"

    ``last`` is the last epoch's metrics (``train_loss``), ``early`` the ``EarlyStopping``,
    ``steps`` the steps taken."""
    if reason == "loss_below":
        loss = getattr(last, "train_loss", None)
        if loss is None:
            return f"the {LOSS_NAMES['train_loss']} fell below the target {rules.loss_below:g}"
        return (
            f"the {LOSS_NAMES['train_loss']} fell to {loss_number(loss)}, below the target "
            f"{rules.loss_below:g}"
        )
    if reason == "patience":
        why = (
            f"the {LOSS_NAMES['val_loss']} has not improved for {counted(rules.patience, 'epoch')}"
        )
        best = early.best_epoch if early is not None else None
        if best is not None:
            why += f" (best {loss_number(early.best)} at epoch {count(best)})"
        if rules.restore_best and best is not None:
            why += f"; restored the weights of epoch {count(best)}"
        return why
    if reason == "epochs":
        return f"all {counted(rules.epochs, 'epoch')} done" if rules.epochs != 1 else "1 epoch done"
    if reason == "diverged":
        return "training diverged"
    if reason == "max_steps":
        return "the step limit was reached" + (
            f" ({counted(steps, 'step')})" if steps is not None else ""
        )
    return str(reason)


class EarlyStopping:
    """Patience on a validation loss curve, one value per epoch (see the module docstring)."""

    def __init__(self, patience: int, min_delta: float = 0.0, restore_best: bool = False):
        self.patience = STOP["patience"].validate(patience)
        self.min_delta = STOP["min_delta"].validate(min_delta)
        self.restore_best = STOP["restore_best"].validate(restore_best)
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_state = None  # whatever ``update`` was given for the best epoch
        self.wait = 0  # epochs since the last improvement

    def update(self, epoch: int, val_loss: float, state=None) -> bool:
        """Record epoch ``epoch``'s validation loss; True when training should stop now."""
        if math.isfinite(val_loss) and val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.best_state, self.wait = val_loss, epoch, state, 0
            return False
        self.wait += 1
        return self.wait >= self.patience

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, best={self.best:g} at epoch "
            f"{self.best_epoch}, waiting {self.wait})"
        )


@dataclass(frozen=True)
class StopRules:
    """The ``[stop]`` section plus the epoch limit."""

    epochs: int
    loss_below: float | None = None
    patience: int | None = None
    min_delta: float = 0.0
    restore_best: bool = False

    @classmethod
    def from_section(cls, section: dict | None, epochs: int) -> StopRules:
        section = dict(section or {})
        unknown = set(section) - set(STOP)
        if unknown:
            raise ValueError(
                f"stop.{sorted(unknown)[0]} is not a stopping setting; allowed: "
                + ", ".join(sorted(STOP))
            )
        epochs = TRAINING["epochs"].validate(epochs)
        values = {
            name: s.default if section.get(name) is None else s.validate(section[name])
            for name, s in STOP.items()
        }
        if values["restore_best"] and values["patience"] is None:
            raise ValueError("stop.restore_best needs stop.patience (early stopping)")
        return cls(epochs, **values)
