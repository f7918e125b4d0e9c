"""The structure a session's saved state must have before the lab uses it.

A session file's state is checked against the run that loading rebuilt from the file's scenario:
the saved state must be shaped exactly like that run's own state (``Run.snapshot()``): the same
containers with the same keys and lengths, arrays of the same shape and dtype, numbers where the
run has numbers. The optimizer's state, which is empty before the first step, is checked by its
rule instead: for each layer, slots only for parameters the layer has, each slot an array of that
parameter's shape and dtype, and an update from it on a zero gradient that works and stays finite
in shape. Anything else is a ``StateMismatch`` naming the field, so that a damaged or doctored file
is refused at load, not at the next step.
"""

from __future__ import annotations

import numpy as np


class StateMismatch(ValueError):
    """The saved state does not fit the run; the message names the field and what was expected."""


def check_like(saved, reference, field: str) -> None:
    """``saved`` has the structure of ``reference`` (see the module docstring); where the
    reference is None (a value set only later, such as a stop reason) any decoded value is let
    through to the run's own checks, and an empty reference dict or sequence accepts any."""
    if reference is None:
        return
    if isinstance(reference, np.ndarray):
        if not isinstance(saved, np.ndarray):
            raise StateMismatch(f"{field}: expected an array, found {_kind(saved)}")
        if saved.shape != reference.shape or saved.dtype != reference.dtype:
            raise StateMismatch(
                f"{field}: expected an array of shape {reference.shape} ({reference.dtype}), "
                f"found {saved.shape} ({saved.dtype})"
            )
        return
    if isinstance(reference, bool | str):
        if type(saved) is not type(reference):
            raise StateMismatch(f"{field}: expected {_kind(reference)}, found {_kind(saved)}")
        return
    if isinstance(reference, int | np.integer):
        if isinstance(saved, bool) or not isinstance(saved, int | np.integer) or saved < 0:
            raise StateMismatch(f"{field}: expected a whole number ≥ 0, found {_kind(saved)}")
        return
    if isinstance(reference, float | np.floating):
        if isinstance(saved, bool) or not isinstance(saved, int | float | np.number):
            raise StateMismatch(f"{field}: expected a number, found {_kind(saved)}")
        return
    if isinstance(reference, dict):
        if not isinstance(saved, dict):
            raise StateMismatch(f"{field}: expected a table, found {_kind(saved)}")
        if reference and set(saved) != set(reference):
            raise StateMismatch(
                f"{field}: expected the keys {sorted(map(str, reference))}, "
                f"found {sorted(map(str, saved))}"
            )
        for key, value in reference.items():
            check_like(saved[key], value, f"{field}.{key}")
        return
    if isinstance(reference, tuple | list):
        if isinstance(saved, tuple | list) and not reference:
            return  # a sequence filled in later (the last step's statistics)
        if not isinstance(saved, tuple | list) or len(saved) != len(reference):
            raise StateMismatch(
                f"{field}: expected {len(reference)} items, found "
                f"{len(saved) if isinstance(saved, tuple | list) else _kind(saved)}"
            )
        for i, (s, r) in enumerate(zip(saved, reference)):
            check_like(s, r, f"{field}[{i}]")


def check_optimizer_state(opt_state, learner, field: str) -> None:
    """Each layer's optimizer state fits that layer's parameters and the run's optimizer."""
    layers = learner.net.layers
    if not isinstance(opt_state, tuple | list) or len(opt_state) != len(layers):
        raise StateMismatch(f"{field}: expected the state of {len(layers)} layers")
    for l, (layer, state) in enumerate(zip(layers, opt_state), start=1):
        if not isinstance(state, dict):
            raise StateMismatch(f"{field}, layer {l}: expected a table, found {_kind(state)}")
        for name, slots in state.items():
            where = f"{field}, layer {l}, {name}"
            p = layer.params.get(name) if isinstance(name, str) else None
            if p is None:
                raise StateMismatch(f"{where}: layer {l} has no parameter {str(name)[:30]!r}")
            if not isinstance(slots, dict):
                raise StateMismatch(f"{where}: expected the optimizer's slots, found {slots!r:.40}")
            for slot, value in slots.items():
                check_like(value, p, f"{where}.{slot}")
            try:
                with np.errstate(all="ignore"):
                    learner.optimizer.update(p, np.zeros_like(p), slots, 1e-3, learner.t + 1)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
                raise StateMismatch(
                    f"{where}: not a state of the {learner.optimizer.name} optimizer ({e})"
                ) from None


def check_counters(saved_trainer, trainer, field: str) -> None:
    """The saved trainer's epoch and batch are those its step count gives with the batch sizes
    of the trainer's log (``Trainer.counters_after``); counters from another log would make
    the next step take an empty batch."""
    (_, _, t), _, epoch, batch, _ = saved_trainer
    for value, name in ((t, "t"), (epoch, "epoch"), (batch, "batch")):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise StateMismatch(f"{field}.{name}: expected a whole number ≥ 0")
    expected = trainer.counters_after(int(t))
    if (epoch, batch) != expected:
        raise StateMismatch(
            f"{field}: epoch {epoch}, batch {batch} after {t} step{'s' if t != 1 else ''}; the "
            f"batch sizes of its log give epoch {expected[0]}, batch {expected[1]}"
        )


def _kind(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"
