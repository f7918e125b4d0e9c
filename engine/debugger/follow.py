"""A debugger over a complete run: the run's bookkeeping kept in step with the controller.

``follow_run(run)`` makes a ``Controller`` over ``run.trainer`` whose completed steps feed the
run's statistics history, epoch metrics, stopping rules (``loss_below``, ``patience``, the epoch
limit) and divergence report, exactly as ``Run.fit`` would, and whose ``back`` makes the run
forget what came after the step it returns to. The lab and the line-mode debugger both use it.

Known limit: going back before an epoch in which early stopping recorded a new best validation
loss keeps that best (and its weights) — the patience count goes on from there.
"""

from __future__ import annotations

from ..stopping import why_stopped
from .controller import Controller


def follow_run(run, **options) -> Controller:
    """A Controller over ``run.trainer`` that keeps ``run`` up to date (options: Controller's)."""
    controller = Controller(
        run.trainer, max_epochs=run.stop.epochs, stop=lambda record: stop_message(run), **options
    )
    controller.on_step(lambda record: run.record_step(record.loss, record.finite, record.events))
    controller.on_rewind(lambda step: _rewind(run, step))
    return controller


def stop_message(run) -> str | None:
    """Why the run's stopping rules ended training, in words with the figures
    (``stopping.why_stopped``), or None while it goes on."""
    reason = run.stop_reason
    if reason is None:
        return None
    return why_stopped(reason, run.stop, run.history.epochs.last, run.early, run.steps_done)


def _rewind(run, step: int) -> None:
    """The controller went back to after ``step`` steps: forget what came later."""
    run.history.steps.truncate(step)
    run.history.epochs.truncate(step)
    if step < run.steps_done or run.stop_reason is not None:
        run.stop_reason = None
        run.divergence = None
