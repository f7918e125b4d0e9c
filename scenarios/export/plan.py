"""What an exported PyTorch script must reproduce, gathered from a scenario and its fresh run.

``make_plan(scenario, run)`` reads the settings the scenario states (its validated sections,
``scenarios/loader.py``) and what the engine resolved when it built the run: the data after the
validation split and standardization, the initial weights its initializers drew, and the
defaults a scenario leaves out (an optimizer's β₁, leaky ReLU's slope, batch norm's ε and
momentum). Anything the exporter does not know how to write in PyTorch is an ``ExportError``
naming it, so a setting added to the lab later is refused rather than silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios import schema

# What the exporter can write, per scenario section, written out here rather than taken from the
# engine or the schema: a key added there is refused (unless at its default) until the export
# writes it.
LAYER_KEYS = {
    "size",
    "activation",
    "alpha",
    "init",
    "std",
    "limit",
    "value",
    "gain",
    "bias_init",
    "bias_std",
    "bias_limit",
    "bias_value",
    "weights",
    "bias",
    "dropout",
    "batch_norm",
}
NETWORK_KEYS = {"loss", "dtype", "layers"}
TRAINING_KEYS = {
    "optimizer",
    "lr",
    "batch_size",
    "epochs",
    "shuffle",
    "l1",
    "l2",
    "weight_decay",
    "clip_value",
    "clip_norm",
    "momentum",
    "nesterov",
    "beta1",
    "beta2",
    "rho",
    "eps",
}
SCHEDULE_KEYS = {"kind", "every", "factor", "gamma", "lr_min", "warmup"}
STOP_KEYS = {"loss_below", "patience", "min_delta", "restore_best"}

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "softmax")
LOSSES = ("mse", "quadratic", "bce", "cross_entropy")
OPTIMIZER_SETTINGS = {  # the lab's optimizer → the hyper-parameters its rule reads
    "sgd": (),
    "momentum": ("momentum", "nesterov"),
    "rmsprop": ("rho", "eps"),
    "adam": ("beta1", "beta2", "eps"),
    "adagrad": ("eps",),
}
SCHEDULES = ("constant", "step", "exponential", "cosine")
DTYPES = ("float64", "float32")


class ExportError(ValueError):
    """The scenario uses something the PyTorch export cannot reproduce; the message names it."""


@dataclass(frozen=True)
class LayerPlan:
    """Weight layer l: Linear(n_in, n_out), then batch norm, the activation and dropout."""

    l: int
    n_in: int
    n_out: int
    activation: str
    alpha: float | None  # leaky_relu slope, prelu initial slope, elu scale
    batch_norm: bool
    bn_eps: float
    bn_momentum: float
    dropout: float
    init: str  # how the lab drew W ("explicit" for weights written in the scenario)


@dataclass(frozen=True)
class Plan:
    name: str
    title: str
    summary: str
    seed: int
    dtype: str
    layers: tuple[LayerPlan, ...]
    loss: str
    targets: str  # "indices" (cross-entropy on one-hot rows) or "rows"
    classes: str | None  # how accuracy reads the outputs: binary, argmax, index (None: no accuracy)
    n_classes: int | None
    optimizer: str
    lr: float
    hyper: dict  # the optimizer's hyper-parameters, by the lab's names
    weight_decay: float
    l1: float
    l2: float
    clip_value: float | None
    clip_norm: float | None
    schedule: dict  # kind, warmup and the kind's settings
    epochs: int
    batch_size: int
    full_batch: bool  # batch_size = "full"
    shuffle: bool
    loss_below: float | None
    patience: int | None
    min_delta: float
    restore_best: bool
    arrays: dict[str, np.ndarray] = field(repr=False)  # data and initial parameters
    n_train: int = 0
    n_val: int = 0
    # the scenario's chaotic_from_epoch, and whether it was measured on this very run (the
    # scenario as written, with its own seed) rather than on the scenario without this export's
    # --seed, --set or edits
    chaotic_from: int | None = None
    chaos_measured_here: bool = False

    @property
    def dropout(self) -> bool:
        return any(layer.dropout for layer in self.layers)

    @property
    def lab_generator(self) -> bool:
        """The script draws from the lab's training generator (shuffling, dropout masks)."""
        return self.shuffle or self.dropout

    @property
    def output_in_loss(self) -> bool:
        """The output activation is part of the PyTorch loss (BCEWithLogits, CrossEntropy)."""
        return self.loss in ("bce", "cross_entropy")


def make_plan(scenario, run) -> Plan:
    """The ``Plan`` of ``scenario`` and ``run`` (built from it, not trained: the initial weights
    are read from it); ``ExportError`` naming the first setting PyTorch export lacks."""
    if run.steps_done:
        raise ValueError("export a freshly built run: its initial weights are written")
    network, training = scenario.network, scenario.training
    _known(network, NETWORK_KEYS, schema.NETWORK, "network")
    _known(training, TRAINING_KEYS, schema.TRAINING, "training")
    _known(scenario.schedule, SCHEDULE_KEYS, schema.SCHEDULE, "schedule")
    _known(scenario.stop, STOP_KEYS, schema.STOP, "stop")
    for l, table in enumerate(network["layers"], start=1):
        _known(table, LAYER_KEYS, schema.LAYER, f"network.layers[{l}]")
    _choice(network.get("dtype", "float64"), DTYPES, "network.dtype")
    _choice(network["loss"], LOSSES, "network.loss")
    _choice(training["optimizer"], OPTIMIZER_SETTINGS, "training.optimizer")
    schedule = dict(scenario.schedule)
    _choice(schedule.get("kind", "constant"), SCHEDULES, "schedule.kind")

    layers = tuple(_layer(layer, table) for layer, table in zip(run.net.layers, network["layers"]))
    data, optimizer, stop = run.data, run.learner.optimizer, run.stop
    arrays = {
        "x_train": data.x_train,
        "y_train": data.y_train,
        "x_val": data.x_val,
        "y_val": data.y_val,
    }
    targets = "rows"
    if network["loss"] == "cross_entropy" and _one_hot(data.y_train) and _one_hot(data.y_val):
        targets = "indices"
        arrays["y_train"] = data.y_train.argmax(axis=1)
        arrays["y_val"] = data.y_val.argmax(axis=1)
    for layer in run.net.layers:
        arrays[f"W{layer.l}"] = layer.params["W"]
        arrays[f"b{layer.l}"] = layer.params["b"]
    name = training["optimizer"]
    return Plan(
        name=scenario.name,
        title=scenario.title,
        summary=scenario.summary,
        seed=run.seed,
        dtype=network.get("dtype", "float64"),
        layers=layers,
        loss=network["loss"],
        targets=targets,
        classes=_classes(data),
        n_classes=data.n_classes,
        optimizer=name,
        lr=float(training["lr"]),
        hyper={key: getattr(optimizer, key) for key in OPTIMIZER_SETTINGS[name]},
        weight_decay=float(training.get("weight_decay") or 0.0),
        l1=float(training.get("l1") or 0.0),
        l2=float(training.get("l2") or 0.0),
        clip_value=training.get("clip_value"),
        clip_norm=training.get("clip_norm"),
        schedule={"kind": "constant", "warmup": 0, **schedule},
        epochs=int(training["epochs"]),
        batch_size=run.trainer.batch_size,
        full_batch=training["batch_size"] == "full",
        shuffle=bool(training["shuffle"]),
        loss_below=stop.loss_below,
        patience=stop.patience,
        min_delta=stop.min_delta,
        restore_best=stop.restore_best,
        arrays=arrays,
        n_train=data.n_train,
        n_val=data.n_val,
        chaotic_from=scenario.chaotic_from_epoch,
        chaos_measured_here=not scenario.overrides and run.seed == scenario.seed,
    )


def _layer(layer, table: dict) -> LayerPlan:
    activation = layer.activation.name
    if activation not in ACTIVATIONS:
        raise ExportError(
            f"network.layers[{layer.l}].activation = {activation!r} has no PyTorch export "
            f"(the exporter writes {', '.join(ACTIVATIONS)})"
        )
    return LayerPlan(
        l=layer.l,
        n_in=layer.n_in,
        n_out=layer.n_out,
        activation=activation,
        alpha=layer.activation.alpha,
        batch_norm=bool(layer.batch_norm),
        bn_eps=float(layer.bn_eps),
        bn_momentum=float(layer.bn_momentum),
        dropout=float(layer.dropout),
        init="explicit" if table.get("weights") is not None else table.get("init", ""),
    )


def _classes(data) -> str | None:
    """How the lab reads a predicted class from the outputs (``Dataset.predicted_classes``)."""
    if data.task != "classification":
        return None
    if data.n_outputs > 1:
        return "argmax"
    return "index" if data.encoding == "index" else "binary"


def _one_hot(y: np.ndarray) -> bool:
    """Every row is one 1 and zeros (so class indices say the same)."""
    return bool(np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1))


def _known(section: dict, keys: set, declared: dict, where: str) -> None:
    """Refuse a setting the export does not write, unless it has its default value (then the
    scenario does not use it: validated sections carry every default)."""
    for key, value in section.items():
        if key in keys:
            continue
        default = getattr(declared.get(key), "default", schema.MISSING)
        if default is schema.MISSING or value != default:
            raise ExportError(f"{where}.{key} = {value!r} has no PyTorch export yet")


def _choice(value, allowed, where: str) -> None:
    if value not in allowed:
        raise ExportError(
            f"{where} = {value!r} has no PyTorch export (the exporter writes {', '.join(allowed)})"
        )
