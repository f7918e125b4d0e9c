"""Where training ends, for a ``Controller``: whether the position is past the end, letting a
finished run go on, and getting back to a good state after an exception.

Training is over at the StepEnd of the step where it ended — the epoch limit (``max_epochs``),
the step limit (``max_steps``) or the controller's stop rule — and at the StepStart of the step
after it (where a controller over a finished run starts). Forward motions do not move from there
(the controller's ``"finished"`` stop); ``back`` and ``restart`` do.
"""

from __future__ import annotations

from ..number_text import count, counted
from .stops import Stop


def finished(ctl) -> str | None:
    """Why training is over at ``ctl``'s position (e.g. ``"all 2,000 epochs done"``, worded as
    ``stopping.why_stopped``), or None while it goes on."""
    rec = ctl._rec
    if ctl._at_end():
        done = rec
    elif ctl._index == 0:
        done = ctl.timeline.get(rec.step - 1)
        if done is None:
            return _finished_at_start(ctl, rec)
    else:
        return None
    if done.stop_reason:
        return done.stop_reason
    return _limit_reached(ctl, done.step, done.epoch, done.batch)


def _limit_reached(ctl, step: int, epoch: int, batch: int) -> str | None:
    """The limit that the step (``step``, ``epoch``, ``batch``) reached, if any."""
    if ctl.max_steps is not None and step >= ctl.max_steps:
        return _steps_done(ctl.max_steps)
    if ctl.max_epochs is not None and (
        epoch > ctl.max_epochs
        or (epoch == ctl.max_epochs and batch == ctl.trainer.batches_per_epoch)
    ):
        return _epochs_done(ctl.max_epochs)
    return None


def _steps_done(max_steps: int) -> str:
    return f"the step limit was reached ({counted(max_steps, 'step')})"


def _epochs_done(max_epochs: int) -> str:
    return f"all {counted(max_epochs, 'epoch')} done" if max_epochs != 1 else "1 epoch done"


def _finished_at_start(ctl, rec) -> str | None:
    """``finished`` at the StepStart the controller started from (no earlier record): the
    stop rule asked about the state it was given (``stop(None)``), or the limits."""
    start = ctl.start_step
    if rec.step - 1 != start or start == 0:
        return None
    reason = ctl.stop_rule(None) if ctl.stop_rule is not None else None
    if reason:
        return reason
    if ctl.max_steps is not None and start >= ctl.max_steps:
        return _steps_done(ctl.max_steps)
    if ctl.max_epochs is not None and rec.epoch > ctl.max_epochs:
        return _epochs_done(ctl.max_epochs)
    return None


def in_every_step(ctl, kind: str) -> bool:
    """Every step has an event of ``kind`` (a Clip event only while clipping is on)."""
    learner = ctl.learner
    return kind != "clip" or learner.clip_value is not None or learner.clip_norm is not None


def back_to(ctl, matches, reason: str) -> Stop:
    """Once training has finished, the event a forward motion asked for shown in the last step
    instead: back, event by event, to the last event ``matches`` accepts (every step has one),
    the message saying why it is shown there; else the ``"finished"`` stop, the position kept
    (a last step the controller does not keep)."""
    while ctl.back(1).reason == "done":
        if matches(ctl._event()):
            position = ctl.position
            return Stop(
                "done",
                position,
                f"Training is finished ({reason}): {position.event_name()} of its last "
                f"step, {count(position.step)}, gone back to.",
            )
    return Stop("finished", ctl.position, f"Training is finished: {reason}.")


def resume(ctl, *, max_epochs: int | None = None, max_steps: int | None = None) -> None:
    """Let a finished run go on: the end recorded at the current step is forgotten and the
    limits given replace the old ones (the stop rule must no longer give a reason, or the next
    step ends training again)."""
    if max_epochs is not None:
        ctl.max_epochs = max_epochs
    if max_steps is not None:
        ctl.max_steps = max_steps
    rec = ctl._rec
    done = rec if ctl._at_end() else ctl.timeline.get(rec.step - 1)
    if done is not None:
        done.stop_reason = None


def recover(ctl) -> None:
    """After an exception escaped a motion (a bug, a failed allocation): put the trainer back
    in the state the current position stands for — after the current step if it completed,
    before it if not — from the latest checkpoint, replaying the steps in between. The run goes
    on from its last good step; the position is unchanged."""
    ctl._gen = None  # a generator that raised is finished; it is rebuilt when needed
    rec = ctl._rec
    steps_done = rec.step if rec.complete else rec.step - 1
    _, snapshot = ctl.timeline.nearest_checkpoint(steps_done)
    trainer = ctl.trainer
    trainer.restore(snapshot)
    while trainer.steps_done < steps_done:
        trainer.step()
