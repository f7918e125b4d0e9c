"""A ``Run`` built from a scenario's sections: data, network, training, schedule, stopping.

``build_run(data=…, network=…, training=…, schedule=…, stop=…, seed=…)`` takes the sections as
plain dicts with the keys of the scenario format (``docs/``; missing keys take their defaults)
and returns a ``Run`` (``engine.run``).

Randomness: the run's ``seed`` feeds one ``numpy.random.SeedSequence`` whose three children drive,
separately, the data (generated points, validation split), the initial weights, and training
(batch order, dropout masks). Changing the data does not change the initial weights, and so on.
"""

from __future__ import annotations

import numpy as np

from . import limits, settings
from .data import Dataset, load_data
from .learner import Learner
from .live import check_batch_size
from .network import LayerSpec, Network, build_network
from .optimizers import make_optimizer
from .run import Run
from .schedules import make_schedule
from .stopping import StopRules
from .threads import configure_blas_threads
from .trainer import Trainer

LAYER_KEYS = (
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
    *settings.LAYER,
)


def build_run(
    *,
    data: dict,
    network: dict,
    training: dict | None = None,
    schedule: dict | None = None,
    stop: dict | None = None,
    seed: int = 0,
    base_dir=None,
    name: str = "",
) -> Run:
    """The ``Run`` the scenario sections describe; ValueError naming the field when they do not
    make sense together (e.g. an output layer whose size does not match the data)."""
    configure_blas_threads()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be an integer ≥ 0, got {seed!r}")
    data_ss, init_ss, train_ss = np.random.SeedSequence(int(seed)).spawn(3)
    network = dict(network or {})
    training, hyper = _training(training)

    loss = network.get("loss")
    if loss is None:
        raise ValueError("network.loss is required")
    dtype = network.get("dtype", "float64") or "float64"
    dataset = load_data(
        dict(data or {}),
        rng=np.random.default_rng(data_ss),
        loss=loss,
        dtype=dtype if dtype in ("float64", "float32") else "float64",
        base_dir=base_dir,
    )
    specs = layer_specs(network.get("layers"))
    check_memory(dataset, specs, training, stop, dtype)
    net = build_network(dataset.n_features, specs, loss, np.random.default_rng(init_ss), dtype)
    _check_output(net, dataset)

    optimizer = make_optimizer(
        training["optimizer"], weight_decay=training["weight_decay"], **hyper
    )
    learner = Learner(
        net,
        optimizer,
        l1=training["l1"],
        l2=training["l2"],
        clip_value=training["clip_value"],
        clip_norm=training["clip_norm"],
    )
    epochs = training["epochs"]
    stop_rules = StopRules.from_section(stop, epochs)
    if stop_rules.patience is not None and not dataset.has_validation:
        raise ValueError(
            "stop.patience: early stopping watches the validation loss, so it needs "
            "data.validation > 0"
        )
    sched = make_schedule(training["lr"], schedule, epochs)
    batch_size = _batch_size(training["batch_size"], dataset, net)
    shuffle = training["shuffle"]
    trainer = Trainer(
        learner,
        dataset.x_train,
        dataset.y_train,
        batch_size=batch_size,
        lr=sched,
        shuffle=shuffle,
        rng=np.random.default_rng(train_ss),
    )
    return Run(
        name=name,
        seed=int(seed),
        data=dataset,
        net=net,
        learner=learner,
        trainer=trainer,
        schedule=sched,
        stop=stop_rules,
    )


def layer_specs(layers) -> list[LayerSpec]:
    """``[[network.layers]]`` tables → ``LayerSpec``s (init settings gathered per initializer)."""
    if not layers:
        raise ValueError("network.layers: the network needs at least one layer")
    if not isinstance(layers, list | tuple):
        raise ValueError("network.layers must be a list of layer tables")
    specs = []
    for l, table in enumerate(layers, start=1):
        if not isinstance(table, dict):
            raise ValueError(f"network.layers[{l}] must be a table of layer settings")
        unknown = set(table) - set(LAYER_KEYS)
        if unknown:
            raise ValueError(
                f"network.layers[{l}].{sorted(unknown)[0]} is not a layer setting; allowed: "
                + ", ".join(LAYER_KEYS)
            )
        if "size" not in table:
            raise ValueError(f"network.layers[{l}].size is required (the number of units)")
        init_params = {k: table[k] for k in ("std", "limit", "value", "gain") if k in table}
        bias_params = {
            k.removeprefix("bias_"): table[k]
            for k in ("bias_std", "bias_limit", "bias_value")
            if k in table
        }
        specs.append(
            LayerSpec(
                size=table["size"],
                activation=table.get("activation", "sigmoid"),
                alpha=table.get("alpha"),
                init=table.get("init", "xavier_uniform"),
                init_params=init_params,
                bias_init=table.get("bias_init", "zeros"),
                bias_params=bias_params,
                weights=table.get("weights"),
                bias=table.get("bias"),
                dropout=table.get("dropout", settings.LAYER["dropout"].default),
                batch_norm=table.get("batch_norm", settings.LAYER["batch_norm"].default),
            )
        )
    return specs


def check_memory(dataset: Dataset, specs, training: dict, stop, dtype) -> None:
    """The run fits the memory limit (``engine.limits``), checked before the network is built.
    Sizes that are not whole numbers are left to ``build_network``'s own messages."""
    sizes = [spec.size for spec in specs]
    if not all(isinstance(n, int | np.integer) and not isinstance(n, bool) for n in sizes):
        return
    batch = training.get("batch_size")
    n = dataset.n_train
    batch = min(batch, n) if isinstance(batch, int) and not isinstance(batch, bool) else n
    itemsize = 4 if dtype == "float32" else 8
    source = dataset.source if dataset.kind in ("csv", "npz") else dataset.kind
    limits.check(
        limits.data_parts(
            n + dataset.n_val, dataset.n_features + dataset.n_outputs, f"data ({source})"
        )
        + limits.run_parts(
            n_train=n,
            n_features=dataset.n_features,
            sizes=[max(int(size), 1) for size in sizes],
            batch_size=batch,
            optimizer=str(training.get("optimizer")),
            itemsize=itemsize,
            snapshots=2 if (stop or {}).get("patience") else 1,
        )
    )


def _check_output(net: Network, data: Dataset) -> None:
    out = net.layers[-1]
    need = data.n_outputs
    if out.n_out == need:
        return
    if data.encoding == "onehot":
        assert data.class_names is not None  # one-hot targets are classes
        names = data.class_names
        shown = ", ".join(names) if len(names) <= 12 else f"{', '.join(names[:10])}, …, {names[-1]}"
        why = f"one unit per class ({data.n_classes} classes: {shown})"
    elif data.encoding in ("binary", "index"):
        why = f"one unit for the {data.encoding} class target"
    else:
        why = f"one unit per target column ({need})"
    has = f"{out.n_out} unit" if out.n_out == 1 else f"{out.n_out} units"
    raise ValueError(
        f"layer {out.l} (output) has {has} but the data needs {need}: {why}; set its size to {need}"
    )


def _training(section: dict | None) -> tuple[dict, dict]:
    """(every ``[training]`` setting, checked, defaults filled in; the optimizer's own
    hyper-parameters that the section sets) — ValueError naming the key otherwise."""
    given = {k: v for k, v in (section or {}).items() if v is not None}
    common = settings.TRAINING
    optimizer = common["optimizer"].validate(given.get("optimizer", common["optimizer"].default))
    own = settings.optimizer_settings(optimizer)
    others = settings.all_optimizer_settings()
    for key in given:
        if key not in common and key not in others:
            raise ValueError(
                f"training.{key} is not a training setting; allowed: "
                + ", ".join([*common, *others])
            )
        if key in others and key not in own:
            raise ValueError(
                f"training.{key} does not apply to optimizer {optimizer!r}"
                + (f"; its settings: {', '.join(own)}" if own else "")
            )
    values = {
        name: s.default if given.get(name) is None else s.validate(given[name])
        for name, s in common.items()
    }
    return values, {name: s.validate(given[name]) for name, s in own.items() if name in given}


def _batch_size(value, data: Dataset, net: Network) -> int:
    held = f" ({data.n_val} held out for validation)" if data.n_val else ""
    return check_batch_size(value, data.n_train, net, held)
