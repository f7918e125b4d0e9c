"""Learning-rate schedules: the rate η in force at a step, as a function ``lr(step, epoch)``.

With η₀ = ``training.lr`` and e the 1-based epoch of the step:

- ``constant``:     η = η₀
- ``step``:         η = η₀ · factor^⌊(e − 1) / every⌋          (× factor every ``every`` epochs)
- ``exponential``:  η = η₀ · gamma^(e − 1)                      (× gamma every epoch)
- ``cosine``:       η = lr_min + (η₀ − lr_min) · (1 + cos(π (e − 1) / (E − 1))) / 2 over the
                    E = ``training.epochs`` epochs (η₀ in the first, lr_min in the last, lr_min
                    after; E = 1: η₀)
- ``warmup = W`` (any kind): in epochs e ≤ W the rate above is multiplied by e / W, rising
  linearly to the full rate at epoch W.

The rate changes between epochs, never within one; the rate in force is shown in StepStart and
Update events (``lr``).
"""

from __future__ import annotations

import math

from .settings import SCHEDULE, TRAINING

KINDS = ("constant", "step", "exponential", "cosine")

OWN_PARAMETERS = {"step": ("every", "factor"), "exponential": ("gamma",), "cosine": ("lr_min",)}
"""The parameters only one kind reads (``kind`` and ``warmup`` apply to every kind)."""


class Schedule:
    """η(step, epoch) for one of ``KINDS`` (see the module docstring)."""

    # each set for the kinds that use it, else None
    every: int | None
    factor: float | None
    gamma: float | None
    lr_min: float | None
    epochs: int | None

    def __init__(
        self,
        lr: float,
        kind: str = "constant",
        *,
        epochs: int | None = None,
        every: int | None = None,
        factor: float | None = None,
        gamma: float | None = None,
        lr_min: float | None = None,
        warmup: int = 0,
    ):
        self.kind = SCHEDULE["kind"].validate(kind)
        self.lr = TRAINING["lr"].validate(lr)
        self.horizon = epochs  # training.epochs, which a cosine schedule spans
        self.warmup = SCHEDULE["warmup"].validate(warmup or 0)
        self.every = self.factor = self.gamma = self.lr_min = self.epochs = None
        if kind == "step":
            self.every = SCHEDULE["every"].validate(_needed(every, "every", kind))
            self.factor = SCHEDULE["factor"].validate(_needed(factor, "factor", kind))
        elif kind == "exponential":
            self.gamma = SCHEDULE["gamma"].validate(_needed(gamma, "gamma", kind))
        elif kind == "cosine":
            self.epochs = TRAINING["epochs"].validate(_needed(epochs, "epochs", kind))
            lr_min = SCHEDULE["lr_min"].validate(0.0 if lr_min is None else lr_min)
            if lr_min > self.lr:
                raise ValueError(
                    f"schedule.lr_min = {lr_min:g} is above training.lr = {self.lr:g}; the "
                    "cosine schedule decays from lr to lr_min"
                )
            self.lr_min = lr_min

    def replaced(self, **changes) -> Schedule:
        """This schedule with some of ``lr``, ``kind``, ``every``, ``factor``, ``gamma``,
        ``lr_min``, ``warmup`` changed (checked as a new schedule: ValueError naming the key)."""
        keys = ("lr", "kind", "every", "factor", "gamma", "lr_min", "warmup")
        values = {key: getattr(self, key) for key in keys}
        values.update(changes)
        return Schedule(values.pop("lr"), values.pop("kind"), epochs=self.horizon, **values)

    def base(self, epoch: int) -> float:
        """The rate of the schedule's kind at epoch ``epoch`` (before warm-up)."""
        e = epoch - 1
        if self.kind == "step":
            assert self.factor is not None and self.every is not None
            return self.lr * self.factor ** (e // self.every)
        if self.kind == "exponential":
            assert self.gamma is not None
            return self.lr * self.gamma**e
        if self.kind == "cosine":
            assert self.epochs is not None and self.lr_min is not None
            if self.epochs == 1:
                return self.lr
            progress = min(e, self.epochs - 1) / (self.epochs - 1)
            return self.lr_min + (self.lr - self.lr_min) * (1.0 + math.cos(math.pi * progress)) / 2
        return self.lr

    def __call__(self, step: int, epoch: int) -> float:
        """η in force for ``step`` (1-based) of epoch ``epoch`` (1-based)."""
        rate = self.base(epoch)
        if epoch <= self.warmup:
            rate *= epoch / self.warmup
        return rate

    def describe(self) -> str:
        if self.kind == "step":
            text = f"{self.lr:g} × {self.factor:g} every {self.every} epochs"
        elif self.kind == "exponential":
            text = f"{self.lr:g} × {self.gamma:g}^(epoch − 1)"
        elif self.kind == "cosine":
            text = f"cosine {self.lr:g} → {self.lr_min:g} over {self.epochs} epochs"
        else:
            text = f"constant {self.lr:g}"
        return text + (f", warm-up {self.warmup} epochs" if self.warmup else "")

    def __repr__(self) -> str:
        return f"Schedule({self.describe()})"


def make_schedule(lr: float, section: dict | None, epochs: int | None = None) -> Schedule:
    """The schedule of a scenario's ``[schedule]`` section (None or {}: constant)."""
    section = dict(section or {})
    kind = section.pop("kind", None) or SCHEDULE["kind"].default
    known = set(SCHEDULE) - {"kind"}
    unknown = set(section) - known
    if unknown:
        raise ValueError(
            f"schedule.{sorted(unknown)[0]} is not a schedule setting; allowed: kind, "
            + ", ".join(sorted(known))
        )
    return Schedule(lr, kind, epochs=epochs, **{k: v for k, v in section.items() if v is not None})


def _needed(value, name, kind):
    if value is None:
        raise ValueError(f"schedule.{name} is needed by kind = {kind!r}")
    return value
