"""Every hyper-parameter of a run, declared once: default, allowed range, label, symbol, meaning.

A ``Setting`` is one key of a scenario section. The tables below hold those of ``[training]``
(``TRAINING``), ``[schedule]`` (``SCHEDULE``), ``[stop]`` (``STOP``) and each
``[[network.layers]]`` table (``LAYER``: dropout and batch norm); an optimizer's own
hyper-parameters (μ, β₁, β₂, ρ, ε, …) are declared on its class, ``Optimizer.settings``
(``engine/optimizers.py``), and belong to ``[training]`` when that optimizer is chosen; an
activation's α likewise on its class (``Activation.settings``, a ``[[network.layers]]`` key).

Everything else is derived from these declarations: the scenario format's key tables and their
documentation (``scenarios/schema.py``, ``scenarios/README.md``), ``--set``, the run's
construction (``engine/build.py``), the network editor, the Network panel and the explanations.

    from engine import settings

    lr = settings.TRAINING["lr"]
    lr.default, lr.symbol, lr.label, lr.meaning   # 0.1, "η", "learning rate", "the size of …"
    lr.allowed()                                  # "> 0"
    lr.validate(0.05)                             # 0.05 (normalized: a float)
    lr.validate(0)     # ValueError: training.lr must be a number > 0, got 0

    settings.optimizer_settings("adam")           # {"beta1": Setting, "beta2": …, "eps": …}
    settings.training_settings("adam")            # TRAINING and adam's own, in file order
    settings.find("training.beta1", optimizer="adam")   # one Setting by its key path
    settings.every_setting()                      # all of them, optimizers' included
    engine.OPTIMIZERS["momentum"].settings        # (Setting momentum, Setting nesterov)

``validate`` raises ValueError with one line naming the key path, what is allowed and the value;
the scenario loader words its own messages from the same ranges (``allowed()``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

TYPES = ("float", "int", "bool", "batch", "str")
"""``float`` a finite number, ``int`` an integer, ``bool`` true/false, ``batch`` a positive
integer or "full", ``str`` one of ``choices``."""


@dataclass(frozen=True)
class Setting:
    """One hyper-parameter (see the module docstring).

    ``default`` None means "absent": the feature is off (clipping, a stop rule) or, for a key a
    schedule kind needs, there is no default. ``lo``/``hi`` bound numbers (``lo_open``/``hi_open``
    make a bound strict). ``short`` is how compact views (the editor's fields, the Network
    panel) write it when the symbol alone would be ambiguous (L1, L2); else the symbol is used.
    """

    name: str
    section: str
    type: str
    default: Any  # a value of ``type`` (or None: see above)
    label: str
    meaning: str
    symbol: str = ""
    short: str = ""
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] | None = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"setting {self.name}: type must be one of {TYPES}, not {self.type!r}")

    @property
    def path(self) -> str:
        """The key path in a scenario: ``training.lr``."""
        return f"{self.section}.{self.name}"

    @property
    def shown(self) -> str:
        """How compact views name it: ``short``, else the symbol, else the key."""
        return self.short or self.symbol or self.name

    @property
    def title(self) -> str:
        """The label with its symbol: ``learning rate η``."""
        return f"{self.label} {self.symbol}" if self.symbol else self.label

    def allowed_choices(self) -> tuple[str, ...] | None:
        return self.choices() if callable(self.choices) else self.choices

    def allowed(self) -> str:
        """The range as the scenario format states it: ``> 0``, ``≥ 0 and < 1`` (empty for
        unbounded numbers and non-numbers)."""
        return range_text(self.lo, self.hi, self.lo_open, self.hi_open)

    def requirement(self) -> str:
        """What a value must be, as the end of "must be …": ``a number > 0``, ``a number in
        [0, 1)``, ``an integer ≥ 1``, ``true or false``, ``one of sgd, momentum, …``."""
        if self.type == "bool":
            return "true or false"
        if self.type == "batch":
            return 'a positive integer or "full"'
        if self.type == "str":
            return f"one of {', '.join(self.allowed_choices() or ())}"
        what = "an integer" if self.type == "int" else "a number"
        if self.lo is not None and self.hi is not None:
            return (
                f"{what} in {'(' if self.lo_open else '['}{self.lo:g}, "
                f"{self.hi:g}{')' if self.hi_open else ']'}"
            )
        return f"{what} {self.allowed()}" if self.allowed() else what

    def in_range(self, value) -> bool:
        """``value`` (a number) is within ``lo``…``hi``."""
        return within(value, self.lo, self.hi, self.lo_open, self.hi_open)

    def validate(self, value, where: str | None = None):
        """``value`` checked and normalized (floats as float, integers as int); ValueError
        ``"{where} must be {requirement}, got {value!r}"`` otherwise (``where``: the key path)."""
        where = where or self.path
        bad = ValueError(f"{where} must be {self.requirement()}, got {value!r}")
        if self.type == "bool":
            if not isinstance(value, bool | np.bool_):
                raise bad
            return bool(value)
        if self.type == "str":
            if not isinstance(value, str) or value not in (self.allowed_choices() or ()):
                raise bad
            return value
        if self.type == "batch" and isinstance(value, str) and value == "full":
            return value
        if self.type in ("int", "batch"):
            if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
                raise bad
            value = int(value)
            if self.type == "batch" and value < 1:
                raise bad
        else:
            if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
                raise bad
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"{where} must be a finite number, got {value!r}")
        if not self.in_range(value):
            raise bad
        return value

    def __repr__(self) -> str:
        return f"Setting({self.path}, default {self.default!r}, {self.requirement()})"


def within(value, lo, hi, lo_open=False, hi_open=False) -> bool:
    """``value`` is within the bounds ``lo``/``hi`` (None: none; ``*_open``: strict)."""
    if lo is not None and (value <= lo if lo_open else value < lo):
        return False
    return not (hi is not None and (value >= hi if hi_open else value > hi))


def range_text(lo, hi, lo_open=False, hi_open=False, join: str = " and ") -> str:
    """``> 0``, ``≥ 0 and < 1``: the bounds ``lo``/``hi`` (None: none; ``*_open``: strict)."""
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '≥'} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '≤'} {hi:g}")
    return join.join(parts)


def _setting(section: str):
    """A constructor of the settings of ``section``."""

    def make(name: str, type: str, default, label: str, meaning: str, **kwargs) -> Setting:
        return Setting(name, section, type, default, label, meaning, **kwargs)

    return make


def _table(*settings: Setting) -> dict[str, Setting]:
    return {s.name: s for s in settings}


def _optimizer_names() -> tuple[str, ...]:
    from .optimizers import OPTIMIZERS

    return tuple(OPTIMIZERS)


def _schedule_kinds() -> tuple[str, ...]:
    from .schedules import KINDS

    return KINDS


training = _setting("training")
"""Makes a ``[training]`` setting; optimizers declare their hyper-parameters with it."""

TRAINING = _table(
    training("optimizer", "str", "sgd", "optimizer", "the update rule", choices=_optimizer_names),
    training(
        "lr",
        "float",
        0.1,
        "learning rate",
        "the size of each update (p moves by η times the optimizer's direction)",
        symbol="η",
        lo=0.0,
        lo_open=True,
    ),
    training(
        "batch_size",
        "batch",
        "full",
        "batch size",
        '1 = stochastic, k = mini-batch, "full" = batch gradient descent',
        symbol="B",
        short="batch",
    ),
    training("epochs", "int", 100, "epochs", "passes over the training data", lo=1),
    training("shuffle", "bool", True, "shuffle", "reshuffle the examples every epoch"),
    training(
        "l1",
        "float",
        0.0,
        "L1 penalty",
        "adds λ₁ Σ|W| to the loss (biases are not penalized)",
        symbol="λ₁",
        short="L1",
        lo=0.0,
    ),
    training(
        "l2",
        "float",
        0.0,
        "L2 penalty",
        "adds (λ₂/2) Σ W² to the loss (biases are not penalized)",
        symbol="λ₂",
        short="L2",
        lo=0.0,
    ),
    training(
        "weight_decay",
        "float",
        0.0,
        "weight decay",
        "λ·W added to the gradient of W before the update rule (not to the loss)",
        symbol="λ",
        short="decay",
        lo=0.0,
    ),
    training(
        "clip_value",
        "float",
        None,
        "clip by value",
        "clip each gradient entry to ±clip_value",
        lo=0.0,
        lo_open=True,
    ),
    training(
        "clip_norm",
        "float",
        None,
        "clip by norm",
        "scale all gradients by clip_norm/(‖g‖ + 10⁻⁶) when that is < 1: a global norm just under "
        "clip_norm (`torch.nn.utils.clip_grad_norm_`)",
        lo=0.0,
        lo_open=True,
    ),
)
"""``[training]``: the settings of every run (the optimizer's own come from its class)."""

_schedule = _setting("schedule")
SCHEDULE = _table(
    _schedule(
        "kind",
        "str",
        "constant",
        "schedule",
        "how lr changes with the epoch",
        choices=_schedule_kinds,
    ),
    _schedule("every", "int", None, "every", "step: epochs between drops", lo=1),
    _schedule(
        "factor", "float", None, "factor", "step: lr multiplier at each drop", lo=0.0, lo_open=True
    ),
    _schedule(
        "gamma",
        "float",
        None,
        "gamma",
        "exponential: lr multiplier per epoch",
        lo=0.0,
        lo_open=True,
    ),
    _schedule(
        "lr_min", "float", None, "final rate", "cosine: the rate at the last epoch (0)", lo=0.0
    ),
    _schedule("warmup", "int", 0, "warm-up", "epochs of linear warm-up (any kind)", lo=0),
)
"""``[schedule]``: η as a function of the epoch (``engine/schedules.py``)."""

_stop = _setting("stop")
STOP = _table(
    _stop(
        "loss_below",
        "float",
        None,
        "loss target",
        "stop when the training loss is below this",
        lo=0.0,
        lo_open=True,
    ),
    _stop(
        "patience",
        "int",
        None,
        "patience",
        "stop after this many epochs without a better validation loss",
        lo=1,
    ),
    _stop(
        "restore_best",
        "bool",
        False,
        "restore best",
        "with patience: restore the best weights on stopping",
    ),
    _stop(
        "min_delta",
        "float",
        0.0,
        "minimum improvement",
        "smallest validation-loss decrease that counts as better",
        lo=0.0,
    ),
)
"""``[stop]``: when training ends before ``training.epochs`` (``engine/stopping.py``)."""

layer_setting = _setting("network.layers")
"""Makes a ``[[network.layers]]`` setting; activations declare their own (α) with it."""

LAYER = _table(
    layer_setting(
        "dropout",
        "float",
        0.0,
        "dropout",
        "the probability of dropping each unit while training (not on the output layer)",
        symbol="p",
        short="drop",
        lo=0.0,
        hi=1.0,
        hi_open=True,
    ),
    layer_setting(
        "batch_norm",
        "bool",
        False,
        "batch norm",
        "batch-normalize z (not on the output layer)",
        short="BN",
    ),
)
"""The per-layer hyper-parameters of ``[[network.layers]]`` (the layer's own keys — size,
activation, init — are the network's shape, described in ``scenarios/schema.py``)."""

SECTIONS = {"training": TRAINING, "schedule": SCHEDULE, "stop": STOP, "network.layers": LAYER}
"""Every table, by section."""


def optimizer_settings(optimizer: str) -> dict[str, Setting]:
    """The hyper-parameters optimizer ``optimizer`` declares (besides lr and weight_decay);
    ValueError naming the optimizers when there is none of that name."""
    from .optimizers import OPTIMIZERS

    try:
        cls = OPTIMIZERS[optimizer]
    except (KeyError, TypeError):
        raise ValueError(
            f"training.optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}"
        ) from None
    return {s.name: s for s in cls.settings}


def all_optimizer_settings() -> dict[str, tuple[Setting, ...]]:
    """Every optimizer hyper-parameter name, with its declarations (one per optimizer that
    takes it; their defaults may differ: ε is 1e-8 for Adam, 1e-10 for Adagrad)."""
    from .optimizers import OPTIMIZERS

    out: dict[str, list[Setting]] = {}
    for cls in OPTIMIZERS.values():
        for s in cls.settings:
            out.setdefault(s.name, []).append(s)
    return {name: tuple(found) for name, found in out.items()}


def every_setting() -> list[Setting]:
    """Every declared setting: the sections' and each registered optimizer's."""
    from .optimizers import OPTIMIZERS

    own = [s for cls in OPTIMIZERS.values() for s in cls.settings]
    return [s for table in SECTIONS.values() for s in table.values()] + own


def training_settings(optimizer: str) -> dict[str, Setting]:
    """``[training]`` with optimizer ``optimizer``: ``TRAINING`` and that optimizer's own
    settings, in the order the scenario format documents them."""
    return {**TRAINING, **optimizer_settings(optimizer)}


def find(path: str, optimizer: str | None = None) -> Setting:
    """The setting at key path ``path`` (``training.lr``, ``schedule.gamma``, ``stop.patience``,
    ``network.layers.dropout``; an optimizer's ``training.beta1`` needs ``optimizer``);
    KeyError naming the path otherwise."""
    section, _, name = path.rpartition(".")
    table = SECTIONS.get(section)
    if table is not None and name in table:
        return table[name]
    if section == "training" and optimizer is not None:
        own = optimizer_settings(optimizer)
        if name in own:
            return own[name]
    raise KeyError(f"no setting {path!r}")
