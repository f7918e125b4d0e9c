"""What the panels draw: one ``LabView`` the app hands to every panel's ``refresh_view``.

The view is read-only for panels: they read the engine state it points to (``run``, the debugger
``controller``, the current ``event``) and never compute gradients themselves. To change anything
they post a message from ``tui.messages``; the app handles it and refreshes the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

from engine.history import HistoryArrays
from scenarios.lesson import STATS as LESSON_STATS

if TYPE_CHECKING:
    from engine.events import Event
    from engine.run import Run
    from scenarios import Scenario

Status = Literal["idle", "running", "paused", "stopped", "diverged"]
"""idle: nothing run yet · running: the training worker is busy · paused: stopped mid-way by the
user or a breakpoint · stopped: training ended (epochs, loss target, patience) · diverged: a
quantity went non-finite; ``LabView.message`` says which."""

STATS = LESSON_STATS
"""Per-layer statistics the gradients panel can show: ``engine.stats.LayerStats`` field → label
(defined beside the lesson actions that name them, ``scenarios/lesson.py``).
``LabView.stat`` is one of these keys; ``CycleStat`` moves to the next one in this order."""


class TrainingSnapshot(NamedTuple):
    """What the training thread last published while it runs (``LabSession.published``):
    immutable, so the UI thread reads one consistent state without ever making it wait. The
    parameters are the layers' ``params`` dicts after that step, by reference (the engine never
    writes into arrays anybody holds). While a slow speed animates each step (``tui.speed``),
    ``event`` is the step's current event and ``step`` the step it belongs to."""

    step: int
    epoch: int
    batch: int
    loss: float | None  # the step's loss (its batch, training mode, penalty included)
    lr: float  # the rate in force after it: η of the next step (``Trainer.rate_after``); while
    # a step is animated, that step's own
    params: tuple[dict, ...]
    event: Any = None  # the current event of an animated step, else None


@dataclass(frozen=True, slots=True)
class Selection:
    """What the user selected for explanation: a layer ``l`` (1-based), optionally a unit
    ``unit`` j (row j of Wˡ) and optionally a weight ``weight = (j, k)`` (entry Wˡⱼₖ, from input
    k to unit j)."""

    l: int
    unit: int | None = None
    weight: tuple[int, int] | None = None


@dataclass(slots=True)
class LabView:
    """The state of the lab at one moment, as the panels see it.

    The app owns the one instance, updates it in place on the main thread and calls every panel's
    ``refresh_view(view)`` at most ~15 times a second. ``generation`` grows by one each time
    ``run`` is replaced (scenario opened, network applied, reset, session loaded), so a panel can
    rebuild its layout only then; ``tick`` grows on every refresh.
    """

    run: Run
    controller: Any  # the debugger controller (engine.debugger), driving ``run``
    scenario: Scenario
    status: Status = "idle"
    message: str = ""  # one line for the user: why training stopped, what diverged, …
    event: Event | None = None  # the event the debugger is paused at, None between steps
    selection: Selection | None = None
    example: int = 0  # the row of the batch explained and drawn (``tui.example``)
    log_scale: bool = False  # loss plot on a log scale
    stat: str = "grad_norm"  # a key of STATS
    generation: int = 0
    tick: int = 0
    breakpoints: list = field(default_factory=list)  # the controller's breakpoints, for display
    progress: TrainingSnapshot | None = None  # while training runs: its latest snapshot


def completed_step(view: LabView) -> int:
    """The last step completed where the lab stands: the training thread's latest while it runs,
    else the one at the debugger's position — its step at a StepEnd, else the step before (at an
    Update the new weights are computed, not applied) —, whichever way the debugger came there,
    else the trainer's. Going back inside a step the trainer has taken leaves the trainer, its
    network and the run's history after that step (only going back across a StepEnd forgets the
    later steps: ``engine.debugger.follow``): what the panels draw is read up to this step
    (``counters``, ``drawn_params``, ``steps_history``)."""
    progress = view.progress
    if view.status == "running":
        return progress.step if progress is not None else view.run.trainer.steps_done
    controller = view.controller
    if controller is None:
        return view.run.trainer.steps_done
    position = controller.position
    return position.step if position.at_step_end else position.step - 1


def counters(view: LabView) -> tuple[int, int, int, float | None]:
    """(step, epoch, batch, loss of that step) of the latest step: from the training thread's
    snapshot while it runs, else the last step completed at the debugger's position
    (``completed_step``; the step's loss is its StepEnd's), else the run's (the loss is None
    before the first step)."""
    progress = view.progress
    if view.status == "running" and progress is not None:
        return progress.step, progress.epoch, progress.batch, progress.loss
    run = view.run
    trainer = run.trainer
    controller = view.controller
    if controller is not None and view.status != "running":  # (running: the trainer's, live)
        done = completed_step(view)
        record = controller.timeline.get(done)
        if record is not None and record.complete:
            return record.step, record.epoch, record.batch, record.loss
        if done != trainer.steps_done:
            # the step before the oldest the debugger keeps (the run's start, or where a
            # session was opened), gone back to: the step before the one in progress there, and
            # the loss the run kept for it (``Run.kept_loss``; None before the first step)
            epoch, batch = _batch_before(controller.position, trainer.batches_per_epoch)
            return done, epoch, batch, run.kept_loss(done)
    # the run's last step, which the controller did not take (a session just opened from a
    # file): its loss is ``run.last_loss``
    return trainer.steps_done, run.epoch, trainer.batch, run.last_loss


def _batch_before(position, batches_per_epoch: int) -> tuple[int, int]:
    """(epoch, batch) of the step before ``position``'s step: (0, 0) before the first step, as
    ``Run.epoch`` and the trainer count them."""
    if position.step <= 1:
        return 0, 0
    if position.batch > 1:
        return position.epoch, position.batch - 1
    return position.epoch - 1, batches_per_epoch


def epoch_metrics_at(view: LabView, step: int):
    """The metrics of the last epoch that ended by ``step`` (None before the first)."""
    epochs = view.run.history.epochs
    return next((epochs[i] for i in reversed(range(len(epochs))) if epochs[i].step <= step), None)


def epoch_figures_at(view: LabView, step: int):
    """(the epoch metrics shown at ``step``, the epoch whose weights early stopping restored or
    None): once training has stopped with the best weights restored, the restored network's
    (``Run.final_metrics``), else those of the last epoch ended by ``step``."""
    run = view.run
    restored = run.restored_epoch if view.status != "running" else None
    if restored is not None:
        return run.final_metrics(), restored
    return epoch_metrics_at(view, step), None


def rate_in_force(view: LabView) -> float:
    """η of the next step, or of the step in progress (``Trainer.next_lr``; while training
    runs, from its snapshot): the one rate every view shows as the current one. On the last
    batch of an epoch with a schedule it is already the next epoch's."""
    progress = view.progress
    if view.status == "running" and progress is not None:
        return progress.lr
    trainer = view.run.trainer
    if view.controller is not None and view.event is not None:  # paused at an event
        p = view.controller.position
        if p.kind == "step_end":  # the step is complete: the next one's rate
            return trainer.rate_after(p.step, p.epoch, p.batch)
        return trainer.lr(p.step, p.epoch)  # the step in progress: its StepStart's η
    return trainer.next_lr


def drawn_params(view: LabView) -> tuple[dict, ...] | None:
    """The layers' parameters a panel draws: the training thread's latest snapshot while it runs
    (the arrays in force may be mid-step); paused where the trainer is past the debugger's
    position (``completed_step``: gone back inside a step it took, or across a StepEnd from
    one), those in force at the position, as the Debugger's equations and the line mode use
    them (``engine.debugger.view.View.params``: the step's own until its StepEnd, then the
    updated ones); else None, meaning those in force (``run.net``'s)."""
    progress = view.progress
    if view.status == "running":
        return progress.params if progress is not None else None
    controller = view.controller
    if controller is None or completed_step(view) == view.run.trainer.steps_done:
        return None
    at = controller.view
    return tuple(at.params(l) for l in range(1, at.L + 1))


def drawn_net(view: LabView):
    """The network with ``drawn_params(view)``: ``view.run.net`` itself when they are its own."""
    from engine.metrics import with_params

    return with_params(view.run.net, drawn_params(view))


def steps_history(view: LabView):
    """The run's per-step history (``StatsHistory``) up to the debugger's position: the history
    itself, or, paused where the debugger went back inside a step the run recorded, a
    ``HistoryUntil`` that reads it up to ``completed_step(view)`` — as while training runs,
    where the run's history is ahead of the snapshot the status line and the other panels draw
    (``progress``), so that every panel of a frame names the same step."""
    history = view.run.history.steps
    if view.controller is None:
        return history
    done = completed_step(view)
    last = history.last()
    return history if last is None or last[0] <= done else HistoryUntil(history, done)


def epochs_history(view: LabView):
    """The run's epoch metrics (``EpochLog``) up to the debugger's position: the log itself,
    or, paused where the debugger went back inside an epoch's last step, a list of those of
    the epochs ended by ``completed_step(view)``."""
    epochs = view.run.history.epochs
    if view.controller is None:
        return epochs
    done = completed_step(view)
    last = epochs.last
    return epochs if last is None or last.step <= done else [m for m in epochs if m.step <= done]


class HistoryUntil:
    """A ``StatsHistory`` read up to step ``step``: the accessors the panels use, from one
    consistent copy (``snapshot``) without the points after it (an old bucket is kept when its
    mean step is not after it)."""

    def __init__(self, history, step: float):
        arrays = history.snapshot()
        keep = int(np.searchsorted(arrays.steps, step, side="right"))
        self.n_layers = history.n_layers
        self.n_recorded = history.n_recorded - int(arrays.counts[keep:].sum())
        self._arrays = HistoryArrays(*(a[:keep] for a in arrays))

    def __len__(self) -> int:
        return int(self._arrays.steps.shape[0])

    def snapshot(self):
        return self._arrays

    def steps(self) -> np.ndarray:
        return self._arrays.steps

    def loss(self) -> np.ndarray:
        return self._arrays.loss

    def series(self, stat_name: str, l: int) -> np.ndarray:
        return self._arrays.series(stat_name, l)

    def last(self) -> tuple[float, float, np.ndarray] | None:
        """(step, loss, statistics) of the latest exact step kept, as ``StatsHistory.last``."""
        a = self._arrays
        if not len(self) or a.counts[-1] != 1:
            return None
        return a.steps[-1], a.loss[-1], a.stats[-1]


def headline_loss(view: LabView) -> tuple[str, float | None]:
    """The one loss figure the status bar shows, as (field of ``engine.loss_names``, value):
    once a stopping rule ended training, the train-set loss of the network as it is now
    (``Run.final_metrics``: the figure the stop message, ``train`` and ``check`` report, and the
    restored network's after early stopping); else the batch loss of the step at the debugger's
    position once its Loss event is passed, else of the latest step (None before the first:
    ``earlier_loss_step`` says which step it is of then)."""
    run = view.run
    if view.status == "stopped" and run.stop_reason not in (None, "diverged"):
        return "train_loss", run.final_metrics().train_loss
    loss = position_loss(view)
    return "batch_loss", counters(view)[3] if loss is None else loss


def position_loss(view: LabView) -> float | None:
    """The loss of the step in progress at the debugger's position, once its Loss event is
    passed (None before it, at a StepEnd, without a debugger, while training runs)."""
    controller = view.controller
    if controller is None or view.status == "running":
        return None
    position = controller.position
    events = controller.record.events
    if position.at_step_end or events is None:
        return None
    return next((e.value for e in events[: position.index + 1] if e.kind == "loss"), None)


def earlier_loss_step(view: LabView) -> int | None:
    """The step of the status bar's batch loss when it is not the step shown beside it: paused
    inside a step before its Loss event, the loss is the step before's (None otherwise)."""
    controller = view.controller
    if controller is None or view.status == "running" or position_loss(view) is not None:
        return None
    position = controller.position
    step, _, _, loss = counters(view)
    return step if loss is not None and step != position.step else None
