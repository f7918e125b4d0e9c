"""The lab's training thread: one worker trains the lab's session — or a comparison's two
sessions in lockstep (``tui/comparison.py``) — and never waits for the UI.

A mixin of ``LabApp`` (``tui/app.py``): the worker publishes progress through the session
(``LabSession.published``), which the app's refresh timer (or the comparison view's) picks up;
keys stop it through a token and the session's ``interrupt()``.
"""

from __future__ import annotations

import asyncio

from textual import work
from textual.worker import get_current_worker

from tui import messages as msg
from tui.lab_host import LabHost
from tui.lesson_goal import LessonGoal
from tui.screens.dialogs import ErrorDialog

STOP_POLL = 0.001  # seconds between looks at the stopping thread (5 ms added ~2.5 ms to a pause)


class TrainingWorker(LabHost):
    """The training thread's start, stop and end (see the module docstring)."""

    @property
    def training(self) -> bool:
        return not self._train_done.is_set()

    def start_training(
        self, until: str | LessonGoal, trainee=None, *, status_first: bool = False
    ) -> None:
        """Start the training worker on ``trainee``: the lab's session (by default) or a
        ``Comparison`` (its two sessions in lockstep; the comparison view draws it).

        ``status_first`` (a run the user asked for: space, the Debugger's continue, ``e``): the
        status line shows "running" in a frame of its own, before the panels' first progress
        frames (``FrameScheduler.status_first``)."""
        if trainee is not None and trainee is not self.session:
            self.trainee = trainee
            self._train_token += 1
            self._train_done.clear()
            trainee.starting()
            self._train(trainee, until, self._train_token)
            return
        session = self.trainee = self.lab_session
        self._train_token += 1
        self.frames.next_frame = 0.0
        self._train_done.clear()
        session.view.status = "running"
        session.view.message = ""
        session.view.progress = session.published = None
        session.sync_view()
        if status_first:
            self.frames.status_first(urgent=False)
        else:
            self.mark_dirty(urgent=False)  # the status line at once, the panels in turn
        self._train(session, until, self._train_token)

    _start_training = start_training

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train(self, session, until: str | LessonGoal, token: int) -> None:
        """Train on the fast path until ``until`` ("continue", "epoch" or a lesson's goal: see
        ``LabSession.train``) is reached, a breakpoint fires, training diverges or the worker is
        cancelled. The thread never waits for the UI: the session publishes its progress
        (``LabSession.published``), ``_tick`` picks it up."""
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled or token != self._train_token

        try:
            if cancelled():  # stopped before this thread started: the session is not touched
                return
            if session is self.lab_session:  # the lab's: at its speed, animated when slow
                status, message = session.train(
                    until, cancelled=cancelled, progress=self.yielder, announce=self.announce_event
                )
            else:  # a comparison: both runs as fast as they go
                status, message = session.train(until, cancelled=cancelled, progress=self.yielder)
        finally:
            self._train_done.set()
        self.post_message(msg.TrainingStopped(status, message, token))

    async def stop_training(self, *, status_first: bool = False, draw: bool = True) -> None:
        """Cancel the training worker and wait until its thread has finished its step (it looks
        at the stop request after every step, or every event of an animated step).

        ``status_first`` (a pause the user asked for, or one before a dialog): the status line
        shows "paused" in a frame of its own before the panels are redrawn
        (``FrameScheduler.status_first``). ``draw=False``: nothing is drawn; the caller, which
        changes the session further (a debugger command), draws it.

        No frame is drawn while the thread stops (``FrameScheduler.hold_for_line``): one due
        then would draw the panels training moved before the line — and, for a debugger
        command, before the Debugger panel. With ``status_first`` the hold lasts until the line
        is painted; else it ends when the thread has stopped, and the caller draws (or the
        frame below) before the event loop can run a frame."""
        if not self.training:
            return
        # A stale token stops the thread; the worker is not cancelled, since a worker cancelled
        # before its thread starts never runs it, and _train_done would never be set (a freeze).
        self._train_token += 1  # its TrainingStopped message is now stale
        trainee = self.trainee
        lab = trainee is self.session
        if lab:  # no progress frame while it stops: what the key moves comes first
            self.frames.hold_for_line()
        trainee.interrupt()
        try:
            while not self._train_done.is_set():  # it ends within a step: ~1 ms on spiral at max
                await asyncio.sleep(STOP_POLL)
        except BaseException:  # the key's task cancelled (the app closing): never frames held
            if lab:
                self.frames.hold_for_line(False)
            raise
        trainee.training_ended()
        if not lab:  # a comparison: its view draws the pause
            trainee.paused()
            return
        if not status_first:  # frames again: from here the caller draws, before any can come
            self.frames.hold_for_line(False)
        session = self.lab_session
        session.view.status = "paused"
        session.view.progress = None
        session.view.message = session.paused_message()  # mid-step: an animated step's event
        session.sync_view()
        if not draw:
            return
        if status_first:
            self.frames.status_first()
        else:
            self.mark_dirty()

    def on_training_stopped(self, message: msg.TrainingStopped) -> None:
        if message.token != self._train_token or self.session is None:
            return
        if self.trainee is not self.session:  # a comparison: each run's view has its status
            self.trainee.training_ended()
            stopped = getattr(self.screen, "training_stopped", None)
            if stopped is not None:
                stopped()
            return
        failed = message.status == "error"  # an exception in training; the run was kept
        self.session.view.status = "paused" if failed else message.status
        self.session.view.progress = None
        self.session.view.message = message.message
        self.session.sync_view()
        if message.status == "diverged":
            self.session.point_at_non_finite()  # the equation explains the value named
        self.frames.status_first()  # where it stopped: the line at once, the panels after
        if message.status == "diverged":
            self.notify(message.message, title="Training diverged", severity="error", timeout=8)
        if failed:
            self.push_screen(ErrorDialog("Training stopped by an error", message.message))
