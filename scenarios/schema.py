"""The scenario file format as data: every section, key, type, default, range and allowed value.

``validate.py`` walks a parsed TOML document against these tables; ``README.md`` documents the
same tables for people. Names of activations, initializers, losses and optimizers come from the
engine's registries, so adding one there makes it valid here.

A ``Key`` with no default and ``required=False`` is optional: when it is absent it is also absent
from the validated section (the engine then uses its own default, e.g. an optimizer's β₁).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import engine
import engine.data
from engine.initializers import INIT_PARAMS

MISSING = object()


@dataclass(frozen=True)
class Key:
    """One key of a section.

    ``type`` is one of: str, text (a string without surrounding blank lines), line (one-line
    string), name (kebab-case), int, float, bool, batch (positive int or "full"), vector
    (numbers), matrix (equal-length rows of numbers), numbers (vector or matrix),
    number_or_vector, str_list, str_or_str_list, index (1-based integers). ``lo``/``hi`` bound
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


def _registry(table: dict) -> Callable[[], tuple[str, ...]]:
    return lambda: tuple(table)


ACTIVATION_NAMES = _registry(engine.ACTIVATIONS)
INIT_NAMES = _registry(engine.INITIALIZERS)
LOSS_NAMES = _registry(engine.LOSSES)
OPTIMIZER_NAMES = _registry(engine.OPTIMIZERS)
DTYPE_NAMES = _registry(engine.DTYPES)


def activations_with_alpha() -> tuple[str, ...]:
    """Activations that take ``alpha`` (their class has its own constructor for it)."""
    base_init = engine.activations.Activation.__init__
    return tuple(name for name, cls in engine.ACTIVATIONS.items() if cls.__init__ is not base_init)


def optimizer_settings(optimizer: str) -> tuple[str, ...]:
    """The hyper-parameter keys an optimizer takes besides lr and weight_decay."""
    return tuple(engine.OPTIMIZERS[optimizer].defaults)


def init_settings(init: str) -> tuple[str, ...]:
    """The parameter keys an initializer takes (``std``, ``limit``, ``value``, ``gain``)."""
    keys = tuple(INIT_PARAMS.get(init, ()))
    return keys if init in ("zeros", "constant") else (*keys, "gain")


# The optimizer hyper-parameters that can appear in [training], with their ranges.
OPTIMIZER_KEYS = {
    "momentum": Key("float", "optimizer momentum: μ (0.9)", lo=0.0, hi=1.0, hi_open=True),
    "nesterov": Key("bool", "optimizer momentum: Nesterov's variant (false)"),
    "beta1": Key("float", "optimizer adam: β₁ (0.9)", lo=0.0, hi=1.0, hi_open=True),
    "beta2": Key("float", "optimizer adam: β₂ (0.999)", lo=0.0, hi=1.0, hi_open=True),
    "rho": Key("float", "optimizer rmsprop: ρ (0.99)", lo=0.0, hi=1.0, hi_open=True),
    "eps": Key(
        "float", "optimizers rmsprop, adam (1e-8), adagrad (1e-10): ε", lo=0.0, lo_open=True
    ),
}

TOP = {
    "name": Key("name", "unique id, kebab-case", required=True),
    "title": Key("line", "one line", required=True),
    "summary": Key("text", "what the scenario shows, two or three sentences", required=True),
    "lesson": Key("text", "markdown: what to watch in which panel, why, what fixes it", ""),
    "seed": Key("int", "seed of every random choice of the run", 0, lo=0),
}

# Sections that are tables, and whether the file must have them.
SECTIONS = {
    "data": True,
    "network": True,
    "training": False,
    "schedule": False,
    "stop": False,
}
# Sections that are arrays of tables ([[expect]], [[breakpoints]]).
ARRAYS = ("expect", "breakpoints")

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
    "alpha": Key("float", "leaky_relu slope (0.01) / prelu initial slope (0.25) / elu scale (1.0)"),
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
    "dropout": Key(
        "float", "drop probability p (not on the output layer)", 0.0, lo=0.0, hi=1.0, hi_open=True
    ),
    "batch_norm": Key("bool", "batch-normalize z (not on the output layer)", False),
}

TRAINING = {
    "optimizer": Key("str", "update rule", "sgd", choices=OPTIMIZER_NAMES),
    "lr": Key("float", "learning rate η", 0.1, lo=0.0, lo_open=True),
    "batch_size": Key("batch", '1 = stochastic, k = mini-batch, "full" = batch', "full"),
    "epochs": Key("int", "passes over the training data", 100, lo=1),
    "shuffle": Key("bool", "reshuffle the examples every epoch", True),
    "l1": Key("float", "L1 penalty λ₁", 0.0, lo=0.0),
    "l2": Key("float", "L2 penalty λ₂", 0.0, lo=0.0),
    "weight_decay": Key("float", "λ·W added to the gradient of W (not to the loss)", 0.0, lo=0.0),
    **OPTIMIZER_KEYS,
    "clip_value": Key("float", "clip each gradient entry to ±clip_value", lo=0.0, lo_open=True),
    "clip_norm": Key("float", "scale gradients to a global norm ≤ clip_norm", lo=0.0, lo_open=True),
}

SCHEDULE_KINDS = ("constant", "step", "exponential", "cosine")
SCHEDULE = {
    "kind": Key("str", "how lr changes with the epoch", "constant", choices=SCHEDULE_KINDS),
    "every": Key("int", "step: epochs between drops", lo=1),
    "factor": Key("float", "step: lr multiplier at each drop", lo=0.0, lo_open=True),
    "gamma": Key("float", "exponential: lr multiplier per epoch", lo=0.0, lo_open=True),
    "lr_min": Key("float", "cosine: the rate at the last epoch", lo=0.0),
    "warmup": Key("int", "epochs of linear warm-up (any kind)", 0, lo=0),
}
SCHEDULE_COMMON = ("kind", "warmup")
SCHEDULE_KIND_KEYS = {
    "constant": (),
    "step": ("every", "factor"),
    "exponential": ("gamma",),
    "cosine": ("lr_min",),
}
SCHEDULE_KIND_REQUIRED = {"step": ("every", "factor"), "exponential": ("gamma",)}

STOP = {
    "loss_below": Key("float", "stop when the training loss is below this", lo=0.0, lo_open=True),
    "patience": Key("int", "stop after this many epochs without a better validation loss", lo=1),
    "restore_best": Key("bool", "with patience: restore the best weights on stopping", False),
    "min_delta": Key(
        "float", "smallest validation-loss decrease that counts as better", 0.0, lo=0.0
    ),
}

BREAKPOINT = {
    "at": Key("str", "where to stop: an event kind, optionally with a layer (debugger syntax)"),
    "when": Key("str", "condition expression (debugger syntax)"),
    "temporary": Key("bool", "delete the breakpoint after it is hit once", False),
    "ignore": Key("int", "number of hits to pass over before stopping", 0, lo=0),
    "enabled": Key("bool", "whether the breakpoint is active", True),
}
