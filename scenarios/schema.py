"""The scenario file format as data: every section, key, type, default, range and allowed value.

``validate.py`` walks a parsed TOML document against these tables; ``README.md`` documents the
same tables for people (its tables are generated from these: ``python -m scenarios.doc_tables``).
The hyper-parameters — ``[training]`` with each optimizer's own, ``[schedule]``, ``[stop]``, a
layer's dropout and batch norm — are declared once in the engine (``engine.settings``,
``Optimizer.settings``) and their keys derived from there (``setting_key``). Names of
activations, initializers, losses and optimizers come from the engine's registries, so adding one
there makes it valid here.

A ``Key`` with no default and ``required=False`` is optional: when it is absent it is also absent
from the validated section (the engine then uses its own default, e.g. an optimizer's β₁).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import engine
import engine.data
from engine import settings
from engine.initializers import INIT_PARAMS
from engine.number_text import short_exponent
from engine.schedules import KINDS
from engine.settings import Setting, range_text, within

MISSING = object()


@dataclass(frozen=True)
class Key:
    """One key of a section.

    ``type`` is one of: str, text (a string without surrounding blank lines), line (one-line
    string), name (kebab-case), int, float, bool, batch (positive int or "full"), speed (an
    integer within ``lo``…``hi`` or "max"), vector
    (numbers), matrix (equal-length rows of numbers), numbers (vector or matrix),
    number_or_vector, str_list, str_or_str_list, entry (indices from 0). ``lo``/``hi`` bound
    numbers
    (``lo_open``/``hi_open`` make the bound strict).
    """

    type: str
    doc: str = ""
    default: object = MISSING
    required: bool = False
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] | None = None
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False

    def allowed(self) -> tuple[str, ...] | None:
        return self.choices() if callable(self.choices) else self.choices

    def contains(self, value) -> bool:
        """A number ``value`` is within the bounds."""
        return within(value, self.lo, self.hi, self.lo_open, self.hi_open)

    def range(self, join: str = " and ") -> str:
        """The bounds as text: ``> 0``, ``≥ 0 and < 1`` (empty without bounds)."""
        return range_text(self.lo, self.hi, self.lo_open, self.hi_open, join)


def _registry(table: dict) -> Callable[[], tuple[str, ...]]:
    return lambda: tuple(table)


ACTIVATION_NAMES = _registry(engine.ACTIVATIONS)
INIT_NAMES = _registry(engine.INITIALIZERS)
LOSS_NAMES = _registry(engine.LOSSES)
OPTIMIZER_NAMES = _registry(engine.OPTIMIZERS)
DTYPE_NAMES = _registry(engine.DTYPES)


def activations_with_alpha() -> tuple[str, ...]:
    """Activations that take ``alpha`` (they declare it among their ``settings``)."""
    return tuple(
        name
        for name, cls in engine.ACTIVATIONS.items()
        if any(s.name == "alpha" for s in cls.settings)
    )


def optimizer_settings(optimizer: str) -> tuple[str, ...]:
    """The hyper-parameter keys an optimizer takes besides lr and weight_decay."""
    return tuple(settings.optimizer_settings(optimizer))


def init_settings(init: str) -> tuple[str, ...]:
    """The parameter keys an initializer takes (``std``, ``limit``, ``value``, ``gain``)."""
    keys = tuple(INIT_PARAMS.get(init, ()))
    return keys if init in ("zeros", "constant") else (*keys, "gain")


def setting_doc(s: Setting) -> str:
    """The "meaning" of a declared setting: ``learning rate η: the step size …``."""
    return f"{s.title}: {s.meaning}" if s.symbol else s.meaning


def setting_key(s: Setting, doc: str | None = None, *, default: bool = True) -> Key:
    """The ``Key`` of a declared setting: its type, range and choices, and its default (None:
    absent) unless ``default`` is False — then the key stays absent when a file does not set it,
    and the engine uses its own default (an optimizer's β₁)."""
    return Key(
        s.type,
        doc or setting_doc(s),
        s.default if default and s.default is not None else MISSING,
        choices=s.choices,
        lo=s.lo,
        hi=s.hi,
        lo_open=s.lo_open,
        hi_open=s.hi_open,
    )


def _declared_keys(registry: dict, what: str) -> dict[str, Key]:
    """The settings the classes of ``registry`` declare, one key per name (absent unless set:
    the class's default applies); the meaning says which of them take it, with what default."""
    declared: dict[str, list[tuple[str, Setting]]] = {}
    for owner, cls in registry.items():
        for s in cls.settings:
            declared.setdefault(s.name, []).append((owner, s))
    keys = {}
    for name, found in declared.items():
        first = found[0][1]
        if len({s.meaning for _, s in found}) > 1:  # one meaning each (α: a slope, a scale)
            doc = "; ".join(f"{o}: {s.meaning} (default {_shown(s.default)})" for o, s in found)
        else:
            by_default: dict[str, list[str]] = {}
            for owner, s in found:
                by_default.setdefault(_shown(s.default), []).append(owner)
            where = "; ".join(f"{', '.join(o)}: default {d}" for d, o in by_default.items())
            plural = "s" if len(found) > 1 else ""
            doc = f"{setting_doc(first)} ({what}{plural} {where})"
        keys[name] = setting_key(first, doc, default=False)
    return keys


def optimizer_keys() -> dict[str, Key]:
    """The hyper-parameters of every registered optimizer, as keys of ``[training]``."""
    return _declared_keys(engine.OPTIMIZERS, "optimizer")


def activation_keys() -> dict[str, Key]:
    """The settings of every registered activation (α), as keys of ``[[network.layers]]``."""
    return _declared_keys(engine.ACTIVATIONS, "activation")


def activation_settings(activation: str) -> dict[str, Key]:
    """The keys activation ``activation`` takes, each with its own declared range."""
    own = engine.ACTIVATIONS[activation].settings
    return {s.name: setting_key(s, default=False) for s in own}


def _shown(value) -> str:
    """A default as the scenario file writes it: ``true``, ``0.9``, ``1e-8``."""
    if isinstance(value, bool):
        return str(value).lower()
    return short_exponent(f"{value:g}")


def training_keys(optimizer: str) -> dict[str, Key]:
    """``[training]`` for ``optimizer``: every run's keys and that optimizer's own, each
    validated with that optimizer's declared range."""
    own = settings.optimizer_settings(optimizer)
    return TRAINING_COMMON | {name: setting_key(s, default=False) for name, s in own.items()}


TOP = {
    "name": Key("name", "unique id, kebab-case", required=True),
    "title": Key("line", "one line", required=True),
    "summary": Key("text", "what the scenario shows, two or three sentences", required=True),
    "lesson": Key("text", "markdown: what to watch in which panel, why, what fixes it", ""),
    "seed": Key("int", "seed of every random choice of the run", 0, lo=0),
    "compare": Key(
        "str",
        "the preset to compare this one with: a problem's fix, or a fix's problem "
        "(`lab:compare` in the lesson opens it)",
    ),
    "chaotic_from_epoch": Key(
        "int",
        "the first epoch whose figures move by more than 1e-11 (relative) when every initial "
        "weight moves by one ulp: training is chaotic from there, and another implementation "
        "(the exported PyTorch script, the lab on another machine) agrees with this run's "
        "figures only before it",
        lo=1,
    ),
}

# Sections that are tables, and whether the file must have them.
SECTIONS = {
    "data": True,
    "network": True,
    "training": False,
    "schedule": False,
    "stop": False,
    "lab": False,
}
# Sections that are arrays of tables ([[expect]], [[breakpoints]], [[exercises]]).
ARRAYS = ("expect", "breakpoints", "exercises")

DATA_KINDS = engine.data.KINDS
GENERATORS = tuple(engine.data.GENERATORS)

DATA = {
    "kind": Key("str", "where the examples come from", required=True, choices=DATA_KINDS),
    "validation": Key(
        "float", "fraction held out for validation", 0.0, lo=0.0, hi=1.0, hi_open=True
    ),
    "standardize": Key("bool", "scale each feature to mean 0, std 1", False),
    "labels": Key(
        "str",
        "how class targets are encoded (default: decided by the loss)",
        choices=tuple(engine.data.ENCODINGS),
    ),
    "x": Key("numbers", "inline inputs, one row per example"),
    "y": Key("numbers", "inline targets, one row (or number) per example"),
    "n": Key("int", "number of examples to generate (generators: 200; digits: all)", lo=2),
    "noise": Key(
        "float",
        "std of Gaussian noise on the points (classification) or on y (regression); 0.1",
        lo=0.0,
    ),
    "w": Key("number_or_vector", "linear: slope w (2.0); plane: slopes [w1, w2] ([1.0, -2.0])"),
    "b": Key("float", "linear, plane: intercept b of y = w·x + b (0.5)"),
    "freq": Key("float", "sine: y = sin(π·freq·x) (1.0)", lo=0.0, lo_open=True),
    "turns": Key("float", "spiral: turns of each arm (1.0)", lo=0.0, lo_open=True),
    "classes": Key("int", "spiral: number of arms, one class each (2)", lo=2),
    "spread": Key("float", "gauss: standard deviation of each blob (0.4)", lo=0.0, lo_open=True),
    "path": Key("str", "csv/npz: file, relative to the scenario file or absolute"),
    "target": Key("str", "csv: name of the target column; npz: array name (default y)"),
    "features": Key("str_or_str_list", "csv: feature columns; npz: array name(s)"),
}
DATA_COMMON = ("kind", "validation", "standardize", "labels")
DATA_KIND_KEYS = {
    "inline": ("x", "y"),
    "xor": ("n", "noise"),
    "circle": ("n", "noise"),
    "gauss": ("n", "noise", "spread"),
    "spiral": ("n", "noise", "turns", "classes"),
    "moons": ("n", "noise"),
    "linear": ("n", "noise", "w", "b"),
    "sine": ("n", "noise", "freq"),
    "plane": ("n", "noise", "w", "b"),
    "csv": ("path", "target", "features"),
    "npz": ("path", "target", "features"),
    "digits": ("n",),
}
DATA_KIND_REQUIRED = {"inline": ("x", "y"), "csv": ("path", "target"), "npz": ("path",)}

NETWORK = {
    "loss": Key("str", "the cost C", required=True, choices=LOSS_NAMES),
    "dtype": Key("str", "floating-point type of every array", "float64", choices=DTYPE_NAMES),
    # "layers" is an array of tables, checked against LAYER.
}

LAYER = {
    "size": Key("int", "number of units nˡ", required=True, lo=1),
    "activation": Key("str", "σ of this layer", "sigmoid", choices=ACTIVATION_NAMES),
    **activation_keys(),
    "init": Key("str", "how W is drawn", "xavier_uniform", choices=INIT_NAMES),
    "std": Key("float", "init = normal: standard deviation (0.05)", lo=0.0, lo_open=True),
    "limit": Key("float", "init = uniform: W ~ U(−limit, limit) (0.05)", lo=0.0, lo_open=True),
    "value": Key("float", "init = constant: the value (0.0)"),
    "gain": Key("float", "scale factor of the random initializers (1.0)", lo=0.0, lo_open=True),
    "bias_init": Key("str", "how b is drawn", "zeros", choices=INIT_NAMES),
    "bias_std": Key("float", "bias_init = normal: standard deviation (0.05)", lo=0.0, lo_open=True),
    "bias_limit": Key("float", "bias_init = uniform: limit (0.05)", lo=0.0, lo_open=True),
    "bias_value": Key("float", "bias_init = constant: the value (0.0)"),
    "weights": Key("matrix", "explicit W, shape (size, n_in)"),
    "bias": Key("vector", "explicit b, length size"),
    **{name: setting_key(s) for name, s in settings.LAYER.items()},
}

TRAINING_COMMON = {name: setting_key(s) for name, s in settings.TRAINING.items()}
TRAINING = TRAINING_COMMON | optimizer_keys()
"""Every key ``[training]`` can hold (which optimizer keys apply depends on the optimizer:
``training_keys``)."""

SCHEDULE_KINDS = KINDS
SCHEDULE = {name: setting_key(s) for name, s in settings.SCHEDULE.items()}
SCHEDULE_COMMON = ("kind", "warmup")
SCHEDULE_KIND_KEYS = {
    "constant": (),
    "step": ("every", "factor"),
    "exponential": ("gamma",),
    "cosine": ("lr_min",),
}
SCHEDULE_KIND_REQUIRED = {"step": ("every", "factor"), "exponential": ("gamma",)}

STOP = {name: setting_key(s) for name, s in settings.STOP.items()}

LAB = {
    "speed": Key(
        "speed",
        "the lab's starting training speed in steps per second (`+`/`-` change it; at 4 or "
        'fewer the lab animates each step event by event), or "max": as fast as it can',
        10,
        lo=1,
        hi=10_000,
    ),
}
"""``[lab]``: how the lab shows the run (headless commands ignore it)."""

BREAKPOINT = {
    "at": Key("str", "where to stop: an event kind, optionally with a layer (debugger syntax)"),
    "when": Key("str", "condition expression (debugger syntax)"),
    "temporary": Key("bool", "delete the breakpoint after it is hit once", False),
    "ignore": Key("int", "number of hits to pass over before stopping", 0, lo=0),
    "enabled": Key("bool", "whether the breakpoint is active", True),
}
