"""What the panels draw: one ``LabView`` the app hands to every panel's ``refresh_view``.

The view is read-only for panels: they read the engine state it points to (``run``, the debugger
``controller``, the current ``event``) and never compute gradients themselves. To change anything
they post a message from ``tui.messages``; the app handles it and refreshes the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

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


def counters(view: LabView) -> tuple[int, int, int, float | None]:
    """(step, epoch, batch, loss of that step) of the latest step: from the training thread's
    snapshot while it runs, else the last step completed at the debugger's position (the one
    before the step in progress there, whichever way the debugger came: the step's loss is
    its StepEnd's), else the run's (the loss is None before the first step)."""
    progress = view.progress
    if view.status == "running" and progress is not None:
        return progress.step, progress.epoch, progress.batch, progress.loss
    run = view.run
    trainer = run.trainer
    controller = view.controller
    if controller is not None and view.status != "running":  # (running: the trainer's, live)
        position = controller.position
        done = position.step if position.at_step_end else position.step - 1
        record = controller.timeline.get(done)
        if record is not None and record.complete:
            return record.step, record.epoch, record.batch, record.loss
        if done != trainer.steps_done:  # not remembered (a session just opened: see below)
            return done, run.epoch, trainer.batch, None
    # the run's last step, which the controller did not take (a session just opened from a
    # file): its loss is ``run.last_loss``
    return trainer.steps_done, run.epoch, trainer.batch, run.last_loss


def epoch_metrics_at(view: LabView, step: int):
    """The metrics of the last epoch that ended by ``step`` (None before the first)."""
    epochs = view.run.history.epochs
    return next((epochs[i] for i in reversed(range(len(epochs))) if epochs[i].step <= step), None)


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
    (the arrays in force may be mid-step), else None, meaning those in force."""
    progress = view.progress
    return progress.params if view.status == "running" and progress is not None else None


def drawn_net(view: LabView):
    """The network with ``drawn_params(view)``: ``view.run.net`` itself when not training."""
    from engine.metrics import with_params

    return with_params(view.run.net, drawn_params(view))


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
