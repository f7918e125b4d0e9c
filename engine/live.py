"""Changes while it trains: a running trainer's settings changed between two steps, and the log
that lets every step be taken again with the values that were in force when it was first taken.

The live settings, by key path (each checked by its one declaration in ``engine.settings``):

- ``training.lr`` (η₀ of the schedule), ``training.batch_size``, ``training.l1``,
  ``training.l2``, ``training.weight_decay``, ``training.clip_value``, ``training.clip_norm``
  (``None`` or ``"off"`` turns clipping off);
- the optimizer's own hyper-parameters: ``training.momentum``, ``training.nesterov``,
  ``training.beta1``, ``training.beta2``, ``training.rho``, ``training.eps``;
- the schedule: ``schedule.kind``, ``schedule.every``, ``schedule.factor``, ``schedule.gamma``,
  ``schedule.lr_min``, ``schedule.warmup``;
- each hidden layer's dropout rate: ``network.layers[l].dropout``.

Everything else — sizes, activations, init, the loss, batch norm, the optimizer itself — is the
network's shape or its optimizer state, and is refused here with the reason (``engine.reshape``
rebuilds a network keeping the weights that still fit).

    from engine import live

    values = live.check(trainer, {"training.lr": 0.05})   # ValueError naming the key and why
    trainer.change(values)            # in force from the next step: step steps_done + 1
    trainer.changes                   # [Change(at=120, new={"training.lr": 0.05}, old={… 0.1})]
    live.describe(trainer.changes[0]) # "η 0.1 → 0.05 from step 121"

A ``Change`` made ``at`` s steps applies from step s + 1 on. The log belongs to the trainer
(``Trainer.change``, ``Trainer.request`` for another thread, ``Trainer.settings_at``): whenever
the trainer is restored or replays steps, the values in force are those of the log at the step
it is at, so:

- stepping back across a change (the debugger's ``back``, a replay from a checkpoint) shows and
  recomputes the old steps with the values they were taken with; going forward again passes the
  change at the same step, and gives the same numbers bit for bit. The change stays in the log.
- a change made at an earlier step than changes already logged (after stepping back) rewrites
  the run from there: the later changes are dropped (``Trainer.change`` returns them).
- changes at the same step are merged into one (pressing ``<`` three times: one change).

A batch size changed in the middle of an epoch applies to the rest of that epoch's examples, in
the epoch's order: the epoch ends when all its examples were seen, in batches of the new size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .settings import LAYER, SCHEDULE, TRAINING, Setting, optimizer_settings

TRAINING_KEYS = ("lr", "batch_size", "l1", "l2", "weight_decay", "clip_value", "clip_norm")
"""The ``[training]`` settings that change live (the optimizer's own ones too)."""

SHAPE_KEYS = ("size", "activation", "alpha", "init", "batch_norm", "loss", "dtype")
"""What makes a new network: refused by ``check`` (the lab rebuilds for these)."""

_LAYER_KEY = re.compile(r"network\.layers\[(\d+)\]\.(\w+)$")


@dataclass(frozen=True)
class Change:
    """Settings changed after ``at`` steps: ``new`` and ``old`` values by key path.

    ``epoch``/``batch``: the trainer's counters after step ``at`` (where the epoch stood);
    ``consumed``: the examples of that epoch already taken then (a batch size changed mid-epoch
    applies to the rest)."""

    at: int
    new: dict
    old: dict
    epoch: int = 1
    batch: int = 0
    consumed: int = 0

    def to_json(self) -> dict:
        return {
            "at": self.at,
            "new": dict(self.new),
            "old": dict(self.old),
            "epoch": self.epoch,
            "batch": self.batch,
            "consumed": self.consumed,
        }

    @classmethod
    def from_json(cls, entry: dict) -> Change:
        """The inverse of ``to_json`` (values are checked again when the log is replayed)."""
        keys = {"at", "new", "old", "epoch", "batch", "consumed"}
        if not isinstance(entry, dict) or set(entry) != keys:
            raise ValueError(f"a change needs the keys {sorted(keys)}")
        for name in ("at", "epoch", "batch", "consumed"):
            value = entry[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"change.{name} must be a whole number ≥ 0, got {value!r}")
        if not isinstance(entry["new"], dict) or not isinstance(entry["old"], dict):
            raise ValueError("change.new and change.old must be tables")
        return cls(
            entry["at"],
            dict(entry["new"]),
            dict(entry["old"]),
            entry["epoch"],
            entry["batch"],
            entry["consumed"],
        )


# --- which settings, and their values in force -------------------------------------------------


def setting_of(trainer, key: str) -> Setting:
    """The declaration of live setting ``key``; ValueError saying why ``key`` cannot change live."""
    if not isinstance(key, str):
        raise ValueError(f"{key!r} is not a setting")
    layer = _LAYER_KEY.match(key)
    if layer is not None:
        l, name = int(layer[1]), layer[2]
        L = trainer.learner.net.L
        if not 1 <= l <= L:
            raise ValueError(f"{key}: there is no layer {l}; layers are 1…{L}")
        if name != "dropout":
            raise ValueError(_shape_reason(key, name))
        return LAYER["dropout"]
    section, _, name = key.rpartition(".")
    if (section == "schedule" or key == "training.lr") and not _scheduled(trainer):
        raise ValueError(f"{key}: η is a function given to this trainer; it cannot change")
    if section == "schedule" and name in SCHEDULE:
        return SCHEDULE[name]
    if section == "training":
        if name in TRAINING_KEYS:
            return TRAINING[name]
        own = optimizer_settings(trainer.learner.optimizer.name)
        if name in own:
            return own[name]
        if name == "optimizer":
            raise ValueError(
                "training.optimizer: another optimizer starts from a new state; change it in "
                "the network editor (the network is rebuilt, its weights kept)"
            )
        if name in ("epochs", "shuffle"):
            raise ValueError(f"{key} is fixed for a run; set it in the scenario")
    if section == "network" and name in SHAPE_KEYS:
        raise ValueError(_shape_reason(key, name))
    raise ValueError(
        f"{key} is not a setting that can change while it trains; allowed: {allowed()}"
    )


def _shape_reason(key: str, name: str) -> str:
    return (
        f"{key}: the {name} is part of the network's shape; changing it rebuilds the network "
        "(the network editor, or the unit and layer keys)"
    )


def allowed() -> str:
    """The live keys, in words."""
    return (
        ", ".join(f"training.{k}" for k in TRAINING_KEYS)
        + ", the optimizer's own (training.momentum, beta1, …), schedule.*, "
        "network.layers[l].dropout"
    )


def keys(trainer) -> list[str]:
    """Every live key of ``trainer``: training, the optimizer's own, schedule, dropout (η and
    the schedule only when η is a ``Schedule``)."""
    own = optimizer_settings(trainer.learner.optimizer.name)
    layers = [f"network.layers[{layer.l}].dropout" for layer in trainer.learner.net.layers[:-1]]
    scheduled = _scheduled(trainer)
    training = [k for k in (*TRAINING_KEYS, *own) if scheduled or k != "lr"]
    schedule = [f"schedule.{k}" for k in SCHEDULE] if scheduled else []
    return [f"training.{k}" for k in training] + schedule + layers


def _scheduled(trainer) -> bool:
    from .schedules import Schedule

    return isinstance(trainer.lr, Schedule)


def read(trainer, key: str):
    """The value of live setting ``key`` in force now."""
    learner = trainer.learner
    layer = _LAYER_KEY.match(key)
    if layer is not None:
        return learner.net.layers[int(layer[1]) - 1].dropout
    section, _, name = key.rpartition(".")
    if section == "schedule":
        return getattr(trainer.lr, name)
    if name == "lr":
        return trainer.lr.lr
    if name == "batch_size":
        return trainer.batch_size
    if name == "weight_decay":
        return learner.optimizer.weight_decay
    if name in TRAINING_KEYS:
        return getattr(learner, name)
    return learner.optimizer.hyper[name]


def read_all(trainer) -> dict:
    """Every live setting's value in force now, by key."""
    return {key: read(trainer, key) for key in keys(trainer)}


def write(trainer, values: dict) -> None:
    """Put ``values`` (checked by ``check``) in force on the trainer's objects, as they are:
    the schedule is rebuilt once for all its keys, the fast path re-chosen when a dropout
    rate changes. Not between two events of a step: the trainer calls it between steps."""
    learner = trainer.learner
    optimizer = learner.optimizer
    schedule: dict = {}
    dropout = False
    for key, value in values.items():
        layer = _LAYER_KEY.match(key)
        if layer is not None:
            learner.net.layers[int(layer[1]) - 1].dropout = value
            dropout = True
            continue
        section, _, name = key.rpartition(".")
        if section == "schedule" or name == "lr":
            schedule[name] = value
        elif name == "batch_size":
            trainer.set_batch_size(value)
        elif name == "weight_decay":
            optimizer.weight_decay = value
        elif name in TRAINING_KEYS:
            setattr(learner, name, value)
        else:
            optimizer.hyper[name] = value
            setattr(optimizer, name, value)
    if schedule:
        trainer.lr = trainer.lr.replaced(**schedule)
    if dropout:
        learner.choose_path()


# --- checking ------------------------------------------------------------------------------------


def check_logged(trainer, values: dict, base: dict | None = None) -> dict:
    """``values`` checked as the scenario loader and ``--set`` check them, and normalized (floats
    as floats, ``"full"`` as the number of examples, ``"off"`` as None); ValueError with one line
    naming the key, what is allowed and the value otherwise. ``base``: the values the change
    applies to (default: those in force now). A change of a saved log, accepted when it was made,
    is checked so; a new one by ``check``, which also refuses what would change nothing."""
    if not isinstance(values, dict) or not values:
        raise ValueError("no setting to change")
    normalized = {key: _validate(setting_of(trainer, key), key, v) for key, v in values.items()}
    current = dict(base) if base is not None else read_all(trainer)
    after = {**current, **normalized}
    if "training.batch_size" in normalized:
        normalized["training.batch_size"] = check_batch_size(
            normalized["training.batch_size"], trainer.n, trainer.learner.net
        )
    if after.get("training.clip_value") is not None and after.get("training.clip_norm") is not None:
        raise ValueError(
            "training.clip_value and training.clip_norm: clip by value or by norm, not both "
            "(turn the other off first)"
        )
    L = trainer.learner.net.L
    if f"network.layers[{L}].dropout" in normalized:  # 0 too: the output layer has no rate to set
        raise ValueError(
            f"network.layers[{L}].dropout: dropout is only allowed on hidden layers, not on the "
            "output layer"
        )
    schedule = {
        k.rpartition(".")[2]: v
        for k, v in normalized.items()
        if k.startswith("schedule.") or k == "training.lr"
    }
    if schedule:
        trainer.lr.replaced(**schedule)  # the schedule's own checks (cosine: lr_min ≤ lr, …)
    return normalized


def check(trainer, values: dict, base: dict | None = None) -> dict:
    """``check_logged``, and ValueError for a schedule parameter the schedule's kind (after the
    change) does not read — ``every`` under a constant schedule was accepted, logged as a
    change, and changed nothing."""
    normalized = check_logged(trainer, values, base)
    kind = {**(base if base is not None else read_all(trainer)), **normalized}.get("schedule.kind")
    _check_kind_uses(normalized, kind)
    return normalized


def _check_kind_uses(values: dict, kind: str | None) -> None:
    """ValueError for a parameter among ``values`` that a schedule of ``kind`` does not read."""
    from .schedules import OWN_PARAMETERS

    for owner, names in OWN_PARAMETERS.items():
        for name in names:
            if values.get(f"schedule.{name}") is not None and owner != kind:
                raise ValueError(
                    f"schedule.{name}: only the {owner} schedule uses it, and this run's "
                    f"schedule is {kind} (change schedule.kind to {owner} with it)"
                )


def _validate(setting: Setting, key: str, value):
    if setting.default is None and setting.section != "schedule" and value in (None, "off"):
        return None  # clipping off
    if setting.section == "schedule" and value is None:
        return None
    return setting.validate(value, key)


def check_batch_size(value, n: int, net, held: str = "") -> int:
    """The batch size ``value`` ("full" or a number ≤ n) as a number of examples, for ``n``
    training examples (``held``: words about examples held out); ValueError naming
    ``training.batch_size`` otherwise (also when batch norm would see a batch of one)."""
    if value == "full":
        size = n
    elif value > n:
        raise ValueError(
            f"training.batch_size = {value} is larger than the training set: {n} examples"
            f'{held}; use at most {n} or "full"'
        )
    else:
        size = int(value)
    bn = [layer.l for layer in net.layers if layer.batch_norm]
    if bn and (size == 1 or n % size == 1):
        smallest = 1 if size == 1 else n % size
        raise ValueError(
            f"network.layers[{bn[0]}].batch_norm needs batches of at least 2 examples, but "
            f"training.batch_size = {value} with {n} training examples gives a batch of "
            f"{smallest}; choose another batch size"
        )
    return size


# --- words ---------------------------------------------------------------------------------------


def symbol(key: str) -> str:
    """How a change names a setting: its symbol (η, B, μ, …), else its short name or key."""
    layer = _LAYER_KEY.match(key)
    if layer is not None:
        return f"p{_superscript(int(layer[1]))}"
    section, _, name = key.rpartition(".")
    if section == "schedule":
        return "schedule" if name == "kind" else name
    if name in TRAINING:
        return TRAINING[name].symbol or TRAINING[name].shown
    for declared in _optimizer_declarations(name):
        return declared.symbol or declared.shown
    return name


def _optimizer_declarations(name: str):
    from .settings import all_optimizer_settings

    return all_optimizer_settings().get(name, ())


def value_text(value) -> str:
    if value is None:
        return "off"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def words(new: dict, old: dict) -> str:
    """``η 0.1 → 0.05, μ 0.9 → 0.5``: each value of ``new`` after the one it replaces; a
    schedule parameter the run had not set is named with its value alone (``schedule constant →
    step, every 2, factor 0.5``: "every off → 2" read as if a drop had been switched off)."""
    return ", ".join(
        f"{symbol(k)} {value_text(v)}"
        if old.get(k) is None and k.startswith("schedule.")
        else f"{symbol(k)} {value_text(old.get(k))} → {value_text(v)}"
        for k, v in new.items()
    )


def describe(change: Change) -> str:
    """``η 0.1 → 0.05, μ 0.9 → 0.5 from step 121``: the first step that used the new values, as
    the lab's status line names it when the change is made."""
    return f"{words(change.new, change.old)} from step {change.at + 1}"


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
