"""Training a ``LabSession`` in the app's worker thread, at the lab's speed.

A mixin of ``LabSession`` (``tui/session.py``), which provides ``controller``, ``run``,
``pacer``, ``lock``, ``animating``, ``published`` and the messages ``_failed``, ``_outcome`` and
``_divergence_message``. The thread never waits for the UI: it publishes immutable
``TrainingSnapshot``s of its progress, which the app's refresh timer picks up.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from time import monotonic

import numpy as np

from engine.debugger import DebuggerError
from tui.gate import ThreadYield
from tui.lesson_goal import LessonGoal
from tui.session_host import SessionHost
from tui.speed import MAX
from tui.view import TrainingSnapshot

PUBLISH_HZ = 15  # snapshots of training's progress a second, at most


class SessionTraining(SessionHost):
    """``train`` and ``publish`` of ``LabSession`` (see the module docstring)."""

    def train(
        self,
        until: str | LessonGoal,
        cancelled: Callable[[], bool],
        progress: ThreadYield | None = None,
        announce: Callable[[], None] | None = None,
    ) -> tuple[str, str]:
        """Train from the current position: ``until`` is "continue" (until a breakpoint, the
        stopping rules or the last epoch), "epoch" (to the end of the current epoch) or a
        lesson's ``LessonGoal`` (``tui/lesson_goal.py``: the message says it was reached).

        Runs in a worker thread, which never waits for the UI: at most ``PUBLISH_HZ`` times a
        second it publishes an immutable ``TrainingSnapshot`` of its progress (``published``)
        and checks ``cancelled()`` (the training stops at the next step once it is true;
        ``interrupt()`` stops it at the next step at once). ``progress(now)`` (the app's
        ``ThreadYield``; by default one that yields to whoever waits every 50 ms) is called
        with the monotonic time after a step once ``progress.due`` has passed. Returns the
        (status, message) to show.

        At full speed the controller does nothing else after a step but look at the clock
        (``on_due``: a few hundred nanoseconds of Python a step are a percent of a small
        network's training speed). Below it, it keeps to the speed of ``pacer``
        (``tui.speed``): after every step it waits for the step's time; at an animated speed
        the controller takes each step event by event, every event is published (and
        ``announce()`` called, for the UI to draw it now rather than at its next look), and the
        wait is shared out between the events. The lock (``frozen``) is held meanwhile except
        during those waits. A new speed applies at once (from full speed, within
        ``progress``'s interval); going to or from full speed or crossing the animation
        threshold ends the motion and the training goes on in the other mode, from where it
        stands.
        """
        c = self.controller
        c.clear_interrupt()  # before the check: an interrupt from now on stops this run
        if cancelled():  # stopped before this run began
            return "paused", ""
        if self.run.stop_reason == "diverged":
            return "diverged", self._divergence_message(None)
        pacer = self.pacer
        pacer.begin()
        gate = ThreadYield() if progress is None else progress
        publish_due = 0.0
        animate = full = False
        share = 1.0  # of a step's time, for each animated event (StepStart takes none)

        def after_step(record) -> None:
            """At full speed, once ``gate.due`` has passed; else after every step."""
            nonlocal publish_due
            now = monotonic()
            if not animate and now >= publish_due:
                publish_due = now + 1 / PUBLISH_HZ
                self.publish(record)
                if cancelled():
                    c.interrupt()
            gate(now)
            if full:
                gate.due = min(gate.due, publish_due)  # the controller looks at it (on_due)
                if pacer.speed != MAX:
                    c.interrupt()  # the speed came down: go on paced
            elif not animate:
                pacer.wait()
                if pacer.animating or pacer.speed == MAX:
                    c.interrupt()  # the other mode from here on

        def on_event(record, event) -> None:
            if not animate:
                return
            self.publish(record, self.run.last_loss, event)  # the last completed step's
            if event.kind != "step_start":
                if announce is not None:
                    announce()
                self.lock.release()  # the UI draws this event meanwhile
                try:
                    pacer.wait(share)
                finally:
                    self.lock.acquire()
            if cancelled() or not pacer.animating:
                c.interrupt()

        remove_event = c.on_event(on_event)
        try:
            with np.errstate(all="ignore"):
                while True:
                    animate, full = pacer.animating, pacer.speed == MAX
                    share = 1 / max(c.position.n_events - 1, 1)
                    remove = c.on_due(gate, after_step) if full else c.on_step(after_step)
                    try:
                        with self.lock if animate else nullcontext():
                            self.animating = animate
                            try:
                                if isinstance(until, LessonGoal):
                                    stop = until.move(c, events=animate)
                                elif until == "epoch":
                                    stop = c.next_epoch(events=animate)
                                else:
                                    stop = c.cont(events=animate)
                            finally:
                                self.animating = False
                    finally:
                        remove()
                    switched = (pacer.animating, pacer.speed == MAX) != (animate, full)
                    if stop.reason != "interrupted" or cancelled() or not switched:
                        break
        except DebuggerError as e:  # e.g. a watch or condition the debugger refuses
            return "paused", f"Training stopped: {e}"
        except Exception as e:  # a bug or a failed allocation: keep the run, say what happened
            return "error", self._failed(e)
        finally:
            remove_event()
        return self._outcome(stop, until if isinstance(until, LessonGoal) else None)

    def publish(self, record, loss: float | None = None, event=None) -> None:
        """Publish the training thread's progress at ``record`` (a StepRecord): after its step
        (``event`` None or its StepEnd: the next step's η), or at ``event`` within an animated
        step (its own η, its StepStart's, as ``rate_in_force``); ``loss``: the record's unless
        given (within a step: the last step's)."""
        params = tuple(layer.params for layer in self.run.net.layers)
        if event is None or event.kind == "step_end":
            lr = self.run.trainer.rate_after(record.step, record.epoch, record.batch)
        else:
            lr = record.events[0].lr
        loss = record.loss if loss is None else loss
        self.published = TrainingSnapshot(
            record.step, record.epoch, record.batch, loss, lr, params, event
        )
