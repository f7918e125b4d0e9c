"""A complete training run: the network, learner and trainer, the data, the schedule, the stopping
rules and a bounded history, with ``fit()`` for headless training (build one with
``engine.build.build_run``).

The per-step history ``history.steps`` (a bounded ``StatsHistory``) records the loss and
per-layer statistics of the steps ``run_history.sampled`` picks — every step of the first 512,
then every 2nd, 4th, 8th, 16th and from step 8,192 on every 32nd, which is all a plot of the
whole run can show — and of every step taken as events (their statistics exist anyway);
statistics are computed only for those steps. At the end of every epoch the epoch's metrics
(``engine.metrics``) go to ``history.epochs`` and the stopping rules (``engine.stopping``) are
checked. A step whose check fails (``Learner.finite``: the loss, every update, the gradients
before clipping) stops the run as ``diverged`` once the step, replayed as events, shows a
non-finite value; ``divergence`` then names the first quantity that became non-finite.
A run that reaches its end with a finite loss over a million times its start is ``diverged``
too (``engine.blowup``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from .blowup import BlowUp, blow_up_bound, blown_up
from .data import Dataset
from .json_numbers import json_number
from .learner import Learner, StepResult
from .metrics import EpochMetrics, Grid, epoch_metrics, evaluate, predict_grid, with_params
from .network import Network
from .nonfinite import NonFinite
from .run_divergence import DivergenceSearch
from .run_figures import KeptFigures
from .run_history import RunHistory, sampled
from .schedules import Schedule
from .stopping import EarlyStopping, StopRules
from .trainer import Trainer

CHECKPOINT_EVERY = 64  # steps between the snapshots a divergence is replayed from


class Run(KeptFigures, DivergenceSearch):
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
        trainer.lr = schedule
        self.stop = stop
        self.history = RunHistory(net.L)
        self.record_history = True
        """Record the per-step history (``history.steps``); off where nothing reads it (headless
        ``train``): no statistics are computed then but the last step's, when asked for."""
        self.measure_training_set = True
        """Evaluate the whole training set at every epoch's end (``EpochMetrics.train_loss``,
        ``accuracy``). Off where nothing reads it per epoch (headless ``train``): it is then
        evaluated only for a ``loss_below`` rule, and once at the end — where a loss over the
        whole set that is not finite, though every step's check passed, ends the run as
        ``diverged`` (else at the epoch it happens). The validation set is always evaluated."""
        self.early = (
            EarlyStopping(stop.patience, stop.min_delta, stop.restore_best)
            if stop.patience is not None
            else None
        )
        self.stop_reason: str | None = None
        self.divergence: NonFinite | BlowUp | None = None
        self._last_stats: tuple | None = ()
        self.last_loss: float | None = None
        self.first_loss: float | None = None  # step 1's, where a finite blow-up is judged from
        self.high_since: int | None = None  # the first step of the last stretch above that bound
        self._blow_up_bound = math.inf
        self._epoch_loss_sum = 0.0
        self._epoch_steps = 0
        self._recent = None  # the figures after each recent step (``run_figures``)
        self._start_figures = ()  # … and where the keeping started (``keep_recent``)
        self._checkpoint = trainer.snapshot()
        self._checkpoint_step = 0
        self._output = learner.output  # (zᴸ, aᴸ) of the whole training set: reused buffers
        self._final: tuple | None = None  # (what it measured, final_metrics()) of a new evaluation

    def headless(self) -> Run:
        """Measure only what headless ``train`` reports: no per-step history (only the last
        step's statistics, for the summary) and no training-set evaluation at every epoch's end
        (see ``record_history`` and ``measure_training_set``). Returns the run."""
        self.record_history = self.measure_training_set = False
        return self

    @property
    def schedule(self) -> Schedule:
        """η(step, epoch) in force: the trainer's (its η₀ and keys can change while it trains)."""
        schedule = self.trainer.lr
        assert isinstance(schedule, Schedule)  # a run's trainer has the run's schedule
        return schedule

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
        self._after_step(result.loss, result.finite, None)
        return result

    def step_events(self):
        """Yield the next step's events; history and stopping are updated at its StepEnd."""
        self._maybe_checkpoint()
        events = []
        with np.errstate(all="ignore"):
            for event in self.trainer.step_events():
                events.append(event)
                if event.kind == "step_end":
                    self._after_step(event.loss, self.learner.finite, events)
                yield event

    def record_step(self, loss: float, finite: bool, events=None) -> bool:
        """The bookkeeping of a step taken on ``trainer`` directly (e.g. by the debugger's
        controller), called right after it: history, epoch metrics, stopping rules, divergence.
        ``finite``: the step's check (``StepResult.finite``); ``events``: the step's events when
        they were produced (the first non-finite quantity is then found in them). Returns
        whether training has stopped (``stop_reason`` is set)."""
        self._after_step(loss, finite, events)
        self._maybe_checkpoint()
        return self.stop_reason is not None

    @property
    def last_stats(self) -> tuple:
        """The ``LayerStats`` of the last step (computed when read; () before any step)."""
        if self._last_stats is None:
            self._last_stats = self.learner.step_stats() or ()
        return self._last_stats

    def _maybe_checkpoint(self) -> None:
        steps_done = self.learner.t  # asked after every step: ``steps_done`` without its calls
        if steps_done - self._checkpoint_step >= CHECKPOINT_EVERY:
            self._checkpoint = self.trainer.snapshot()
            self._checkpoint_step = steps_done

    def _after_step(self, loss: float, finite: bool, events) -> None:
        step = self.learner.t
        self._last_stats = None
        if self.record_history and (events is not None or sampled(step)):
            self.history.steps.record(step, loss, self.last_stats)
        previous_loss, self.last_loss = self.last_loss, loss
        if step == 1:
            self.first_loss, self._blow_up_bound = loss, blow_up_bound(loss)
        if not loss > self._blow_up_bound:
            self.high_since = None
        elif self.high_since is None or self.high_since > step:
            self.high_since = step
        self._epoch_loss_sum += loss
        self._epoch_steps += 1
        if not finite and self._diverged(loss, events, previous_loss):
            self.stop_reason = "diverged"
            return
        if self.trainer.epoch_done:
            self._end_epoch()
        recent = self._recent
        if recent is not None:  # (``_figures``, written out: this runs at every step)
            recent.append(
                (
                    step,
                    self._epoch_loss_sum,
                    self._epoch_steps,
                    loss,
                    self.first_loss,
                    self._blow_up_bound,
                    self.high_since,
                )
            )

    def _end_epoch(self) -> None:
        mean_loss = self._epoch_loss_sum / max(self._epoch_steps, 1)
        self._epoch_loss_sum, self._epoch_steps = 0.0, 0
        lr = self.schedule(self.steps_done, self.trainer.epoch)
        train = self.measure_training_set or self.stop.loss_below is not None
        metrics = epoch_metrics(
            self.net,
            self.data,
            self.trainer.epoch,
            self.steps_done,
            lr,
            mean_loss,
            self._output,
            train,
        )
        self.history.epochs.append(metrics)
        if self.stop_reason is not None:
            return
        if train and not math.isfinite(metrics.train_loss):  # each step finite, not C₀ on all
            self._diverged_in_evaluation(metrics.train_loss)
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
        if self.stop_reason == "epochs" or (
            self.stop_reason == "patience" and not self.stop.restore_best
        ):
            self.divergence = blown_up(self)  # a finite blow-up (engine.blowup)
            if self.divergence is not None:
                self.stop_reason = "diverged"

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
                self._output,
            )

    def predict_grid(self, resolution: int = 50, params=None) -> Grid:
        """Network outputs over a grid spanning the data (1 or 2 input features); ``params``:
        the layers' parameters to use instead of those in force (one dict per layer)."""
        return predict_grid(with_params(self.net, params), self.data, resolution)

    def predict(self, x, params=None) -> np.ndarray:
        """aᴸ for inputs x in evaluation mode (``params``: as for ``predict_grid``)."""
        with np.errstate(all="ignore"):
            return with_params(self.net, params).forward(x)

    # --- headless training ----------------------------------------------------------------------

    def fit(
        self,
        max_steps: int | None = None,
        callback: Callable[[Run, EpochMetrics], object] | None = None,
    ) -> dict:
        """Train until a stopping rule fires (or ``max_steps`` more steps, stop_reason
        "max_steps"); return the headless summary (``docs/train-json.md``).

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
                    last = self.history.epochs.last
                    assert last is not None  # an epoch was just added
                    callback(self, last)
            final = self.final_metrics()
            assert final.train_loss is not None  # the training set was evaluated
            if self.stop_reason != "diverged" and not math.isfinite(final.train_loss):
                self._diverged_in_evaluation(final.train_loss)
        elapsed = time.perf_counter() - start
        taken = self.steps_done - start_steps
        return self.summary(taken / elapsed if elapsed > 0 and taken else 0.0)

    @property
    def restored_epoch(self) -> int | None:
        """The epoch whose weights early stopping put back (``stop.restore_best``) when it
        stopped the run; None otherwise. The network in force is then that epoch's."""
        early = self.early
        if (
            self.stop_reason == "patience"
            and early is not None
            and early.restore_best
            and early.best_state is not None
        ):
            return early.best_epoch
        return None

    def final_metrics(self) -> EpochMetrics:
        """The metrics of the network as it is now, with the training set (``train_loss``):
        those the last epoch measured when nothing moved since, else a new evaluation — after
        early stopping restored the best weights, those weights' (kept until the run moves)."""
        last = self.history.epochs.last
        if (
            last is not None
            and last.step == self.steps_done
            and last.train_loss is not None
            and self.restored_epoch is None
        ):
            return last
        key = (self.steps_done, self.restored_epoch)
        if self._final is None or self._final[0] != key:
            if last is not None and last.step == self.steps_done and key[1] is None:
                self._final = (key, self._with_training_set(last))  # its validation figures hold
            else:
                self._final = (key, self.epoch_metrics())
        return self._final[1]

    def _with_training_set(self, metrics: EpochMetrics) -> EpochMetrics:
        """``metrics`` of the network in force with the training set measured too."""
        data = self.data
        with np.errstate(all="ignore"):
            train_loss, accuracy = evaluate(
                self.net, data, data.x_train, data.y_train, data.labels_train, self._output
            )
        return metrics._replace(train_loss=train_loss, accuracy=accuracy)

    def summary(self, steps_per_second: float = 0.0) -> dict:
        """The headless summary object (``docs/train-json.md``); non-finite numbers as "nan"/"inf".

        ``final.accuracy`` is on the validation set when there is one, else on the training set.
        """
        m = self.final_metrics()
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
            "layers": layer_entries(self.last_stats),
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
            self._last_stats,
            self.last_loss,
        ) = snapshot
        self.trainer.restore(trainer)
        if early is not None:
            e = self.early
            assert e is not None  # the snapshot holds early stopping's state
            e.best, e.best_epoch, e.best_state, e.wait = early
        self.history.steps.truncate(self.steps_done)
        self.history.epochs.truncate(self.steps_done)
        self._final = None
        self._checkpoint = self.trainer.snapshot()
        self._checkpoint_step = self.steps_done
        recent = self._recent
        if recent is not None and recent.maxlen is not None:
            self.keep_recent(recent.maxlen - 1)  # from the state restored

    def describe(self) -> str:
        return (
            f"{self.net.describe()}; {self.data.describe()}; {self.learner.optimizer!r}, "
            f"lr {self.schedule.describe()}"
        )

    def __repr__(self) -> str:
        return f"Run({self.name or 'unnamed'}, step {self.steps_done}, {self.describe()})"


SUMMARY_STATS = (
    "grad_norm",
    "delta_mean_abs",
    "weight_norm",
    "update_ratio",
    "dead_fraction",
    "saturated_fraction",
)
"""The per-layer statistics of the headless summary, in its order."""


def layer_entries(stats) -> list[dict]:
    """The summary's ``layers``: per ``LayerStats``, its ``l`` and ``SUMMARY_STATS`` (non-finite
    numbers as "nan"/"inf")."""
    return [
        {"l": s.l, **{name: json_number(getattr(s, name)) for name in SUMMARY_STATS}} for s in stats
    ]
