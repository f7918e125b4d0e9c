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

from scenarios.schema import LAB


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
            _check_slots(slots, p, learner.optimizer, where)
            try:
                with np.errstate(all="ignore"):
                    learner.optimizer.update(p, np.zeros_like(p), slots, 1e-3, learner.t + 1)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
                raise StateMismatch(
                    f"{where}: not a state of the {learner.optimizer.name} optimizer ({e})"
                ) from None


def check_counters(saved_trainer, trainer, field: str) -> None:
    """The saved trainer's epoch and batch are those its step count t gives (epoch 1 batch 0
    before the first step; after t steps, batch t − (epoch − 1)·B of epoch ⌈t / B⌉ for B
    batches an epoch), under the batch sizes of the trainer's log (``Trainer.counters_after``;
    its changes must be in place): batch 3 of an epoch of one batch loaded, and the next step
    took an empty batch (ZeroDivisionError)."""
    (_, _, t), _, epoch, batch, _ = saved_trainer
    for value, name in ((t, "t"), (epoch, "epoch"), (batch, "batch")):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise StateMismatch(f"{field}.{name}: expected a whole number ≥ 0")
    expected = trainer.counters_after(int(t))
    if (epoch, batch) != expected:
        resized = any("training.batch_size" in c.new for c in trainer.changes)
        how = (
            "with the batch sizes of its changes"
            if resized
            else f"with {trainer.batches_per_epoch} batches an epoch"
        )
        raise StateMismatch(
            f"{field}: epoch {epoch}, batch {batch} after {t} step{'s' if t != 1 else ''}; "
            f"{how} that is epoch {expected[0]}, batch {expected[1]}"
        )


def _check_slots(slots: dict, p, optimizer, where: str) -> None:
    """A parameter's optimizer slots: the optimizer's own (or none, before its first step),
    each an array like the parameter, the sums and averages of g² never negative (a negative
    second moment loaded, and the next step's square root made every update NaN)."""
    names = optimizer.state_names
    if slots and set(slots) != set(names):
        found = ", ".join(sorted(str(slot)[:20] for slot in slots))
        raise StateMismatch(
            f"{where}: not a state of the {optimizer.name} optimizer (its slots are "
            f"{', '.join(names) or 'none'}; found {found})"
        )
    for slot, value in slots.items():
        check_like(value, p, f"{where}.{slot}")
        if slot in optimizer.nonnegative and bool(np.any(value < 0)):
            raise StateMismatch(
                f"{where}.{slot}: {type(optimizer).__name__}'s {slot} is never negative (it "
                f"sums or averages squared gradients); found {float(np.nanmin(value)):.3g}"
            )


def _kind(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


SIZES = ("n_layers", "recent", "coarse", "capacity")  # fixed when a history is made


def check_history(saved, reference: dict, field: str) -> None:
    """A saved history state (``StatsHistory.state()``, ``EpochLog.state()``) fits the run's
    own: the same keys, the same fixed sizes (a file naming ``recent = 2**40`` would make the
    history preallocate terabytes), arrays of real numbers with the reference's width."""
    if not isinstance(saved, dict):
        raise StateMismatch(f"{field}: expected a table, found {_kind(saved)}")
    if set(saved) != set(reference):
        raise StateMismatch(
            f"{field}: expected the keys {sorted(reference)}, found {sorted(map(str, saved))}"
        )
    for key, value in reference.items():
        found = saved[key]
        where = f"{field}.{key}"
        if key in SIZES and (isinstance(found, bool) or found != value):
            raise StateMismatch(f"{where}: expected {value}, found {str(found)[:40]}")
        if isinstance(value, np.ndarray):
            if not isinstance(found, np.ndarray) or found.dtype.kind not in "fiub":
                raise StateMismatch(f"{where}: expected an array of numbers, found {_kind(found)}")
            if found.ndim != value.ndim or found.shape[1:] != value.shape[1:]:
                width = ", ".join(["…", *map(str, value.shape[1:])])
                raise StateMismatch(
                    f"{where}: expected an array of shape ({width}), found {found.shape}"
                )


STATUSES = ("idle", "paused", "stopped", "diverged")  # a saved session is never running
BREAKPOINT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "spec": str,
    "builtin": (str, type(None)),
    "enabled": bool,
    "temporary": bool,
    "ignore": int,
    "hits": int,
}


def check_header(header: dict) -> None:
    """The header's own fields (besides the scenario, which is validated as a scenario file):
    the debugger position, the speed, the status line, the seed and the breakpoints, each of its
    type and range — a breakpoint whose hit count was null loaded, and the next step that hit
    it raised TypeError."""
    position = header.get("position")
    if not isinstance(position, dict) or set(position) != {"step", "index"}:
        raise StateMismatch("position: expected the step and the index of an event")
    for key in ("step", "index"):
        _whole(position[key], f"position.{key}")
    speed = header.get("speed", "max")
    if speed != "max" and (
        isinstance(speed, bool) or not isinstance(speed, int) or not LAB["speed"].contains(speed)
    ):
        allowed = (
            f"a whole number of steps a second from {LAB['speed'].lo:g} to {LAB['speed'].hi:g}"
        )
        raise StateMismatch(f'speed: expected {allowed} or "max", found {str(speed)[:40]}')
    if header.get("status", "paused") not in STATUSES:
        raise StateMismatch(f"status: expected one of {', '.join(STATUSES)}")
    if not isinstance(header.get("message", ""), str):
        raise StateMismatch("message: expected a string")
    _check_scenario(header.get("scenario"))
    _check_edits(header.get("edits"))
    if "seed" not in header:
        raise StateMismatch("seed: expected a whole number ≥ 0 or null, found nothing")
    if header["seed"] is not None:  # any seed --seed and a scenario's seed take
        _whole(header["seed"], "seed", limit=None)
    if not isinstance(header.get("changes", []), list):
        raise StateMismatch("changes: expected a list of the settings changed while it trained")
    breakpoints = header.get("breakpoints")
    if not isinstance(breakpoints, list):
        raise StateMismatch("breakpoints: expected a list")
    for i, entry in enumerate(breakpoints, start=1):
        where = f"breakpoints[{i}]"
        if not isinstance(entry, dict) or set(entry) != set(BREAKPOINT_FIELDS):
            raise StateMismatch(f"{where}: expected the fields {', '.join(BREAKPOINT_FIELDS)}")
        for key, kind in BREAKPOINT_FIELDS.items():
            value = entry[key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise StateMismatch(f"{where}.{key}: expected {_kind_name(kind)}")
        if entry["builtin"] not in (None, "nan"):
            found = str(entry["builtin"])[:40]
            raise StateMismatch(
                f'{where}.builtin: expected "nan" (breakpoint 0) or null, found {found}'
            )
        _whole(entry["ignore"], f"{where}.ignore")
        _whole(entry["hits"], f"{where}.hits")


SCENARIO_FIELDS = ("name", "source", "path", "label", "overrides")


def _check_scenario(scenario) -> None:
    """The header's scenario: its TOML text and where it came from, as strings, and the
    ``--set`` overrides as a list of strings (the text itself is validated as a scenario)."""
    if not isinstance(scenario, dict) or not set(SCENARIO_FIELDS) <= set(scenario):
        raise StateMismatch(f"scenario: expected a table of {', '.join(SCENARIO_FIELDS)}")
    for key in SCENARIO_FIELDS[:-1]:
        if not isinstance(scenario[key], str):
            found = str(scenario[key])[:40]
            raise StateMismatch(f"scenario.{key}: expected a string, found {found}")
    overrides = scenario["overrides"]
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise StateMismatch("scenario.overrides: expected a list of strings (section.key=value)")


def _check_edits(edits) -> None:
    """The sections edited in the lab: null, or the network and training tables (and the
    schedule's, or null); their contents are validated as a scenario's."""
    if edits is None:
        return
    if not isinstance(edits, dict) or not {"network", "training"} <= set(edits):
        raise StateMismatch("edits: expected the network and training sections, or null")
    for key in ("network", "training", "schedule"):
        value = edits.get(key, {})
        if not isinstance(value, dict) and not (key == "schedule" and value is None):
            raise StateMismatch(f"edits.{key}: expected a table, found {str(value)[:40]}")


def _whole(value, field: str, limit: int | None = 2**63) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < 0
        or (limit is not None and value >= limit)
    ):
        raise StateMismatch(f"{field}: expected a whole number ≥ 0, found {str(value)[:40]}")


def _kind_name(kind) -> str:
    names = {str: "a string", bool: "true or false", int: "a whole number"}
    return names.get(kind, "a string or null")


_FIELD_TYPES = {
    "int": lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool),
    "float": lambda v: (
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
    ),
    "str": lambda v: isinstance(v, str),
    "tuple[int, ...]": lambda v: (
        isinstance(v, tuple)
        and all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in v)
    ),
    "None": lambda v: v is None,
}


def check_record(record) -> None:
    """Each field of an engine record (LayerStats, EpochMetrics, NonFinite, BlowUp) rebuilt
    from a file is of its annotated type (``int``, ``float | None``, …): a string where the
    panels format a number would end the lab at the next frame."""
    cls = type(record)
    for name, value in zip(cls._fields, record):
        annotation = cls.__annotations__[name]
        text = getattr(annotation, "__forward_arg__", annotation)
        kinds = [kind.strip() for kind in str(text).split("|")]
        if not any(_FIELD_TYPES[kind](value) for kind in kinds):
            raise StateMismatch(f"{cls.__name__}.{name}: expected {text}, found {_kind(value)}")


STOP_REASONS = ("loss_below", "patience", "epochs", "diverged", "max_steps")


def check_run_values(saved, run, field: str) -> None:
    """The parts of a run's snapshot that are None in a fresh run, so that ``check_like`` lets
    any value through: the stop reason, the divergence record, early stopping's state, the last
    step's statistics and loss, and the epoch's row order (a list where the divergence record
    belongs loaded, and the next message about it raised AttributeError)."""
    from engine.blowup import BlowUp
    from engine.nonfinite import NonFinite
    from engine.stats import LayerStats

    trainer, stop_reason, divergence, early, _, _, last_stats, last_loss = saved
    if stop_reason is not None and stop_reason not in STOP_REASONS:
        raise StateMismatch(f"{field}.stop_reason: expected one of {', '.join(STOP_REASONS)}")
    if divergence is not None and not isinstance(divergence, NonFinite | BlowUp):
        raise StateMismatch(f"{field}.divergence: expected a divergence record or nothing")
    if early is not None:
        if run.early is None or not isinstance(early, tuple | list) or len(early) != 4:
            raise StateMismatch(f"{field}.early: expected no early-stopping state")
        best, best_epoch, best_state, wait = early
        if not _FIELD_TYPES["float"](best) or not _FIELD_TYPES["int"](wait) or wait < 0:
            raise StateMismatch(f"{field}.early: expected a best loss and a patience count")
        if best_epoch is not None and not _FIELD_TYPES["int"](best_epoch):
            raise StateMismatch(f"{field}.early: expected the epoch of the best loss")
        if best_state is not None:
            check_like(best_state, run.net.snapshot(), f"{field}.early.best_state")
            _check_variances(best_state, f"{field}.early.best_state")
    _check_variances(trainer[0][0], f"{field}.network")
    if last_stats and (
        len(last_stats) != run.net.L or not all(isinstance(s, LayerStats) for s in last_stats)
    ):
        raise StateMismatch(f"{field}.last_stats: expected the statistics of {run.net.L} layers")
    if last_loss is not None and not _FIELD_TYPES["float"](last_loss):
        raise StateMismatch(f"{field}.last_loss: expected a number, found {_kind(last_loss)}")
    check_counters(trainer, run.trainer, field)
    order = trainer[4]
    n = run.trainer.n
    if order is not None and (
        not isinstance(order, np.ndarray)
        or order.shape != (n,)
        or order.dtype.kind not in "iu"
        or not np.array_equal(np.sort(order), np.arange(n))
    ):
        raise StateMismatch(f"{field}.order: expected an order of the {n} training examples")


def _check_variances(network, field: str) -> None:
    """Batch normalization's running variances (a network snapshot's buffers) are never
    negative: evaluation divides by √(var + ε), and a negative one made it NaN."""
    for l, (_, buffers) in enumerate(network, start=1):
        var = buffers.get("running_var") if isinstance(buffers, dict) else None
        if isinstance(var, np.ndarray) and bool(np.any(var < 0)):
            raise StateMismatch(
                f"{field}, layer {l}, running_var: a variance is never negative; found "
                f"{float(np.nanmin(var)):.3g}"
            )
