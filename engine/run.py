"""A complete training run built from a scenario's sections: data, network, training, stopping.

``build_run(data=…, network=…, training=…, schedule=…, stop=…, seed=…)`` takes the sections as
plain dicts with the keys of ``CONVENTIONS.md`` and ``TEAM.md`` (missing keys take their
defaults) and returns a ``Run``: the network, learner and trainer, the data, the schedule and
the stopping rules, a bounded history, and ``fit()`` for headless training.

Randomness: the run's ``seed`` feeds one ``numpy.random.SeedSequence`` whose three children drive,
separately, the data (generated points, validation split), the initial weights, and training
(batch order, dropout masks). Changing the data does not change the initial weights, and so on.

Every step, on either path, records the step's loss and per-layer statistics in
``history.steps`` (a bounded ``StatsHistory``); at the end of every epoch the epoch's metrics
(``engine.metrics``) go to ``history.epochs`` and the stopping rules (``engine.stopping``) are
checked. A step whose loss or parameters are not finite stops the run as ``diverged``;
``divergence`` then names the first quantity that became non-finite.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from .data import Dataset, load_data
from .history import StatsHistory
from .learner import Learner, StepResult
from .metrics import EpochMetrics, Grid, epoch_metrics, predict_grid
from .network import LayerSpec, Network, build_network
from .optimizers import OPTIMIZERS, make_optimizer
from .schedules import Schedule, make_schedule
from .stopping import EarlyStopping, NonFinite, StopRules, first_non_finite
from .threads import configure_blas_threads
from .trainer import Trainer

CHECKPOINT_EVERY = 64  # steps between the snapshots a divergence is replayed from

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
    "dropout",
    "batch_norm",
)
TRAINING_DEFAULTS = {
    "optimizer": "sgd",
    "lr": 0.1,
    "batch_size": "full",
    "epochs": 100,
    "shuffle": True,
    "l1": 0.0,
    "l2": 0.0,
    "weight_decay": 0.0,
    "clip_value": None,
    "clip_norm": None,
}
OPTIMIZER_KEYS = ("momentum", "nesterov", "beta1", "beta2", "rho", "eps")


class EpochLog:
    """Per-epoch metrics in bounded memory: when ``capacity`` entries are held, the older half is
    thinned to every other entry (so a long run keeps its whole curve at falling resolution)."""

    def __init__(self, capacity: int = 4096):
        self.capacity = capacity
        self._items: list[EpochMetrics] = []

    def append(self, metrics: EpochMetrics) -> None:
        if len(self._items) >= self.capacity:
            half = self.capacity // 2
            self._items = self._items[:half:2] + self._items[half:]
        self._items.append(metrics)

    def truncate(self, step: int) -> None:
        """Forget epochs measured after ``step`` (used when a run is restored)."""
        self._items = [m for m in self._items if m.step <= step]

    def state(self) -> dict:
        """Everything held, as plain values: ``{"capacity": int, "items": [EpochMetrics, …]}``
        (a new list); ``EpochLog.from_state(log.state())`` is an equal log."""
        return {"capacity": self.capacity, "items": list(self._items)}

    @classmethod
    def from_state(cls, state: dict) -> EpochLog:
        """The log that ``state()`` described; items may be plain sequences of the fields."""
        log = cls(int(state["capacity"]))
        log._items = [EpochMetrics(*m) for m in state["items"]]
        return log

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __iter__(self):
        return iter(list(self._items))

    @property
    def last(self) -> EpochMetrics | None:
        return self._items[-1] if self._items else None

    def series(self, name: str) -> np.ndarray:
        """One field of every entry as floats (NaN where it does not apply)."""
        if name not in EpochMetrics._fields:
            raise ValueError(f"unknown metric {name!r}; allowed: {', '.join(EpochMetrics._fields)}")
        return np.array(
            [np.nan if (v := getattr(m, name)) is None else v for m in list(self._items)],
            dtype=np.float64,
        )


class RunHistory:
    """``steps``: per-step loss and layer statistics (bounded); ``epochs``: per-epoch metrics."""

    def __init__(self, n_layers: int):
        self.steps = StatsHistory(n_layers)
        self.epochs = EpochLog()

    def __repr__(self) -> str:
        return f"RunHistory({self.steps.n_recorded} steps, {len(self.epochs)} epochs)"


class Run:
    """A network, its data and everything that trains it (build it with ``build_run``)."""

    def __init__(
        self,
        *,
        name: str,
        seed: int,
        data: Dataset,
        net: Network,
        learner: Learner,
        trainer: Trainer,
        schedule: Schedule,
        stop: StopRules,
    ):
        self.name = name
        self.seed = seed
        self.data = data
        self.net = net
        self.learner = learner
        self.trainer = trainer
        self.schedule = schedule
        self.stop = stop
        self.history = RunHistory(net.L)
        self.early = (
            EarlyStopping(stop.patience, stop.min_delta, stop.restore_best)
            if stop.patience is not None
            else None
        )
        self.stop_reason: str | None = None
        self.divergence: NonFinite | None = None
        self.last_stats: tuple = ()
        self.last_loss: float | None = None
        self._epoch_loss_sum = 0.0
        self._epoch_steps = 0
        self._checkpoint = trainer.snapshot()
        self._checkpoint_step = 0

    # --- taking steps -----------------------------------------------------------------------

    @property
    def steps_done(self) -> int:
        return self.trainer.steps_done

    @property
    def epoch(self) -> int:
        """The epoch of the last step taken (0 before the first step)."""
        return self.trainer.epoch if self.steps_done else 0

    def step(self) -> StepResult:
        """The next training step on the fast path; records history, checks stopping.

        NumPy's floating-point warnings (overflow in a diverging run) are left to the caller to
        silence with ``np.errstate`` around a loop of steps, as ``fit`` does (it costs µs a call).
        """
        self._maybe_checkpoint()
        result = self.trainer.step()
        self._after_step(result.loss, result.stats, None)
        return result

    def step_events(self):
        """Yield the next step's events; history and stopping are updated at its StepEnd."""
        self._maybe_checkpoint()
        events = []
        with np.errstate(all="ignore"):
            for event in self.trainer.step_events():
                events.append(event)
                if event.kind == "step_end":
                    self._after_step(event.loss, event.stats, events)
                yield event

    def record_step(self, loss: float, stats: tuple, events=None) -> None:
        """The bookkeeping of a step taken on ``trainer`` directly (e.g. by the debugger's
        controller): history, epoch metrics, stopping rules, divergence. ``events``: the step's
        events when they were produced (the first non-finite quantity is then found in them)."""
        self._after_step(loss, stats, events)
        self._maybe_checkpoint()

    def _maybe_checkpoint(self) -> None:
        if self.steps_done - self._checkpoint_step >= CHECKPOINT_EVERY:
            self._checkpoint = self.trainer.snapshot()
            self._checkpoint_step = self.steps_done

    def _after_step(self, loss: float, stats: tuple, events) -> None:
        self.history.steps.record(self.steps_done, loss, stats)
        self.last_stats, self.last_loss = stats, loss
        self._epoch_loss_sum += loss
        self._epoch_steps += 1
        if self._diverged(loss, stats):
            self.divergence = first_non_finite(events) if events else self._diagnose()
            self.stop_reason = "diverged"
            return
        if self.trainer.epoch_done:
            self._end_epoch()

    def _diverged(self, loss: float, stats: tuple) -> bool:
        """Non-finite loss or parameters (statistics are the cheap first test)."""
        if not math.isfinite(loss):
            return True
        if all(math.isfinite(s.weight_norm) and math.isfinite(s.grad_norm) for s in stats):
            return False
        return any(
            not np.isfinite(p).all() for layer in self.net.layers for p in layer.params.values()
        )

    def _diagnose(self) -> NonFinite | None:
        """Replay the last step with events (from the last checkpoint) to find what went bad."""
        target = self.steps_done
        if self._checkpoint_step >= target:  # no state before the step to replay it from
            return None
        diverged = self.trainer.snapshot()
        self.trainer.restore(self._checkpoint)
        while self.trainer.steps_done < target - 1:
            self.trainer.step()
        events = list(self.trainer.step_events())
        self.trainer.restore(diverged)
        return first_non_finite(events)

    def _end_epoch(self) -> None:
        mean_loss = self._epoch_loss_sum / max(self._epoch_steps, 1)
        self._epoch_loss_sum, self._epoch_steps = 0.0, 0
        lr = self.schedule(self.steps_done, self.trainer.epoch)
        metrics = epoch_metrics(
            self.net, self.data, self.trainer.epoch, self.steps_done, lr, mean_loss
        )
        self.history.epochs.append(metrics)
        if self.stop_reason is not None:
            return
        if not math.isfinite(metrics.train_loss):  # every step finite, but not C₀ on all data
            self.stop_reason = "diverged"
            self.divergence = self._diagnose() or NonFinite(
                self.steps_done, "evaluation", None, "train_loss"
            )
        elif self.stop.loss_below is not None and metrics.train_loss < self.stop.loss_below:
            self.stop_reason = "loss_below"
        elif self.early is not None and self.early.update(
            metrics.epoch, metrics.val_loss, self.net.snapshot()
        ):
            self.stop_reason = "patience"
            if self.early.restore_best and self.early.best_state is not None:
                self.net.restore(self.early.best_state)
        elif self.trainer.epoch >= self.stop.epochs:
            self.stop_reason = "epochs"

    # --- questions ----------------------------------------------------------------------------

    def should_stop(self) -> str | None:
        """The reason training stopped (loss_below, patience, epochs, diverged), or None."""
        return self.stop_reason

    def epoch_metrics(self) -> EpochMetrics:
        """The metrics of the network as it is now (a full evaluation)."""
        mean_loss = self._epoch_loss_sum / self._epoch_steps if self._epoch_steps else math.nan
        with np.errstate(all="ignore"):
            return epoch_metrics(
                self.net,
                self.data,
                self.epoch,
                self.steps_done,
                self.schedule(max(self.steps_done, 1), max(self.epoch, 1)),
                mean_loss,
            )

    def predict_grid(self, resolution: int = 50) -> Grid:
        """Network outputs over a grid spanning the data (1 or 2 input features)."""
        return predict_grid(self.net, self.data, resolution)

    # --- headless training ----------------------------------------------------------------------

    def fit(
        self,
        max_steps: int | None = None,
        callback: Callable[[Run, EpochMetrics], object] | None = None,
    ) -> dict:
        """Train until a stopping rule fires (or ``max_steps`` more steps, stop_reason
        "max_steps"); return the headless summary of ``CONVENTIONS.md``.

        ``callback(run, metrics)`` is called after every epoch.
        """
        start_steps = self.steps_done
        start = time.perf_counter()
        epochs_seen = len(self.history.epochs)
        with np.errstate(all="ignore"):
            while self.stop_reason is None:
                if max_steps is not None and self.steps_done - start_steps >= max_steps:
                    self.stop_reason = "max_steps"
                    break
                self.step()
                if callback is not None and len(self.history.epochs) != epochs_seen:
                    epochs_seen = len(self.history.epochs)
                    callback(self, self.history.epochs.last)
        elapsed = time.perf_counter() - start
        taken = self.steps_done - start_steps
        return self.summary(taken / elapsed if elapsed > 0 and taken else 0.0)

    def summary(self, steps_per_second: float = 0.0) -> dict:
        """The headless summary object (``CONVENTIONS.md``); non-finite numbers as "nan"/"inf".

        ``final.accuracy`` is on the validation set when there is one, else on the training set.
        """
        m = self.epoch_metrics()
        accuracy = m.val_accuracy if self.data.has_validation else m.accuracy
        return {
            "scenario": self.name,
            "seed": self.seed,
            "epochs_run": self.epoch,
            "steps": self.steps_done,
            "stop_reason": self.stop_reason,
            "final": {
                "train_loss": json_number(m.train_loss),
                "val_loss": json_number(m.val_loss),
                "accuracy": json_number(accuracy),
            },
            "steps_per_second": json_number(float(steps_per_second)),
            "layers": [
                {
                    "l": s.l,
                    "grad_norm": json_number(s.grad_norm),
                    "delta_mean_abs": json_number(s.delta_mean_abs),
                    "weight_norm": json_number(s.weight_norm),
                    "update_ratio": json_number(s.update_ratio),
                    "dead_fraction": json_number(s.dead_fraction),
                    "saturated_fraction": json_number(s.saturated_fraction),
                }
                for s in self.last_stats
            ],
        }

    # --- state --------------------------------------------------------------------------------

    def snapshot(self):
        """Everything needed to continue from here, by reference (the history is truncated on
        ``restore`` instead of being copied)."""
        early = None
        if self.early is not None:
            e = self.early
            early = (e.best, e.best_epoch, e.best_state, e.wait)
        return (
            self.trainer.snapshot(),
            self.stop_reason,
            self.divergence,
            early,
            self._epoch_loss_sum,
            self._epoch_steps,
            self.last_stats,
            self.last_loss,
        )

    def restore(self, snapshot) -> None:
        """Go back to a ``snapshot()``; steps and epochs after it leave the history."""
        (
            trainer,
            self.stop_reason,
            self.divergence,
            early,
            self._epoch_loss_sum,
            self._epoch_steps,
            self.last_stats,
            self.last_loss,
        ) = snapshot
        self.trainer.restore(trainer)
        if early is not None:
            e = self.early
            e.best, e.best_epoch, e.best_state, e.wait = early
        self.history.steps.truncate(self.steps_done)
        self.history.epochs.truncate(self.steps_done)
        self._checkpoint = self.trainer.snapshot()
        self._checkpoint_step = self.steps_done

    def describe(self) -> str:
        return (
            f"{self.net.describe()}; {self.data.describe()}; {self.learner.optimizer!r}, "
            f"lr {self.schedule.describe()}"
        )

    def __repr__(self) -> str:
        return f"Run({self.name or 'unnamed'}, step {self.steps_done}, {self.describe()})"


def json_number(value):
    """A float for JSON: None stays None, NaN and ±Inf become "nan", "inf", "-inf"."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


# --- building a run from sections --------------------------------------------------------------


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
    training = {**TRAINING_DEFAULTS, **{k: v for k, v in (training or {}).items() if v is not None}}
    unknown = set(training) - set(TRAINING_DEFAULTS) - set(OPTIMIZER_KEYS)
    if unknown:
        raise ValueError(
            f"training.{sorted(unknown)[0]} is not a training setting; allowed: "
            + ", ".join([*TRAINING_DEFAULTS, *OPTIMIZER_KEYS])
        )

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
    net = build_network(dataset.n_features, specs, loss, np.random.default_rng(init_ss), dtype)
    _check_output(net, dataset)

    optimizer = _optimizer(training)
    learner = Learner(
        net,
        optimizer,
        l1=_number(training["l1"], "training.l1", low=0.0),
        l2=_number(training["l2"], "training.l2", low=0.0),
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
    lr = _number(training["lr"], "training.lr", low=0.0, strict=True)
    sched = make_schedule(lr, schedule, epochs)
    batch_size = _batch_size(training["batch_size"], dataset, net)
    shuffle = training["shuffle"]
    if not isinstance(shuffle, bool):
        raise ValueError(f"training.shuffle must be true or false, got {shuffle!r}")
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
                dropout=table.get("dropout", 0.0),
                batch_norm=table.get("batch_norm", False),
            )
        )
    return specs


def _check_output(net: Network, data: Dataset) -> None:
    out = net.layers[-1]
    need = data.n_outputs
    if out.n_out == need:
        return
    if data.encoding == "onehot":
        why = f"one unit per class ({data.n_classes} classes: {', '.join(data.class_names)})"
    elif data.encoding in ("binary", "index"):
        why = f"one unit for the {data.encoding} class target"
    else:
        why = f"one unit per target column ({need})"
    raise ValueError(
        f"layer {out.l} (output) has {out.n_out} units but the data needs {need}: {why}; "
        f"set its size to {need}"
    )


def _optimizer(training: dict):
    name = training["optimizer"]
    if name not in OPTIMIZERS:
        raise ValueError(f"training.optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")
    allowed = OPTIMIZERS[name].defaults
    settings = {}
    for key in OPTIMIZER_KEYS:
        if training.get(key) is None:
            continue
        if key not in allowed:
            raise ValueError(
                f"training.{key} does not apply to optimizer {name!r}"
                + (f"; its settings: {', '.join(allowed)}" if allowed else "")
            )
        settings[key] = training[key]
    wd = _number(training["weight_decay"], "training.weight_decay", low=0.0)
    return make_optimizer(name, weight_decay=wd, **settings)


def _batch_size(value, data: Dataset, net: Network) -> int:
    n = data.n_train
    held = f" ({data.n_val} held out for validation)" if data.n_val else ""
    if value == "full":
        size = n
    elif isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f'training.batch_size must be a positive integer or "full", got {value!r}')
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


def _number(value, field, low=None, strict=False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{field} must be a number, got {value!r}")
    if low is not None and (value <= low if strict else value < low):
        raise ValueError(f"{field} must be {'>' if strict else '≥'} {low:g}, got {value!r}")
    return float(value)
