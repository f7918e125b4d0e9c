"""A debugger over a complete run: the run's bookkeeping kept in step with the controller.

``follow_run(run)`` makes a ``Controller`` over ``run.trainer`` whose completed steps feed the
run's statistics history, epoch metrics, stopping rules (``loss_below``, ``patience``, the epoch
limit) and divergence report, exactly as ``Run.fit`` would, and whose ``back`` makes the run
forget what came after the step it returns to. The lab and the line-mode debugger both use it.

Training ends where the run's rules end it, and the controller moves no further (see
``controller.py``); ``extend(run, controller, n)`` lets a finished run train n more epochs.

Known limit: going back before an epoch in which early stopping recorded a new best validation
loss keeps that best (and its weights) — the patience count goes on from there.
"""

from __future__ import annotations

import dataclasses

from ..limits import check_step_back
from ..number_text import count
from ..stopping import why_stopped
from .controller import Controller
from .errors import DebuggerError


def follow_run(run, *, history_field: str | None = None, **options) -> Controller:
    """A Controller over ``run.trainer`` that keeps ``run`` up to date (options: Controller's).

    What step-back will keep is checked against the memory limit first (``engine.limits``;
    MemoryLimitError naming ``history_field``, by default the history's length)."""
    history = options.get("history", 100)
    check_step_back(run, history, history_field or f"the step-back history ({history:,} steps)")
    controller = Controller(
        run.trainer,
        max_epochs=run.stop.epochs,
        stop=lambda record: run.stop_reason and stop_message(run),
        record_step=run.record_step,  # true when the run's rules ended training
        **options,
    )
    run.keep_recent(history)  # as far back as the controller goes
    controller.on_rewind(lambda step: _rewind(run, step))
    return controller


def stop_message(run) -> str | None:
    """Why the run's stopping rules ended training, in words with the figures
    (``stopping.why_stopped``), or None while it goes on."""
    reason = run.stop_reason
    if reason is None:
        return None
    why = why_stopped(reason, run.stop, run.history.epochs.last, run.early, run.steps_done)
    if reason == "diverged" and run.divergence is not None:
        return f"{why} ({run.divergence.describe()})"
    return why


def extend(run, controller: Controller, epochs: int) -> str:
    """Let a finished run train ``epochs`` more epochs; a sentence saying until when.

    The epoch limit becomes the last epoch trained + ``epochs``; a rule that ended training
    (``loss_below``, ``patience``) no longer stops it, since it would end it again at once, and
    the other rules still apply. The extension lasts until the scenario is reset or reopened.
    DebuggerError when training is not finished or diverged (more steps would only carry the
    NaN or ∞ forward)."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise DebuggerError(f"extend takes a whole number of epochs ≥ 1, got {epochs!r}")
    reason = controller.finished()
    if reason is None:
        raise DebuggerError(
            f"training is not finished: it ends after epoch {count(run.stop.epochs)} (or when a "
            "stop rule fires); extend it once it has ended"
        )
    if run.stop_reason == "diverged" or reason.startswith("training diverged"):
        raise DebuggerError(
            "training diverged, and more epochs would not bring it back; go back to before the "
            "divergence or start again (with a lower learning rate)"
        )
    ended_by = run.stop_reason
    rules = run.stop
    until = run.epoch + epochs
    run.stop = dataclasses.replace(
        rules,
        epochs=until,
        loss_below=None if ended_by == "loss_below" else rules.loss_below,
        patience=None if ended_by == "patience" else rules.patience,
        restore_best=rules.restore_best and ended_by != "patience",
    )
    if run.stop.patience is None:
        run.early = None
    run.stop_reason = None
    controller.resume(max_epochs=until)
    dropped = {"loss_below": "stop.loss_below", "patience": "stop.patience"}.get(ended_by)
    off = f"; {dropped} no longer stops it" if dropped else ""
    plural = "s" if epochs != 1 else ""
    return f"Extended by {epochs:,} epoch{plural}: training now ends after epoch {until:,}{off}."


def _rewind(run, step: int) -> None:
    """The controller went back to after ``step`` steps: forget what came later (the run's
    own figures too: the steps taken again are counted once)."""
    run.history.steps.truncate(step)
    run.history.epochs.truncate(step)
    run.rewind_figures(step)
    if step < run.steps_done or run.stop_reason is not None:
        run.stop_reason = None
        run.divergence = None
