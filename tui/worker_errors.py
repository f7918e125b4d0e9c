"""A worker of the lab that fails becomes a dialog: the lab and its session stay as they were.
``WorkerErrors`` is a part of ``LabApp`` (tui/app.py), whose workers all run with
``exit_on_error=False``."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from tui.lab_host import LabHost
from tui.screens.dialogs import ErrorDialog


class WorkerErrors(LabHost):
    """``on_worker_state_changed`` for ``LabApp`` (which provides ``session``, ``mark_dirty`` and
    the training thread's ``_train_done``)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed (``exit_on_error=False`` on all of them): its error in a dialog,
        the lab and its session as they were — never the end of the lab."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        if worker.group == "train":  # session.train keeps the run; this is past even that
            self._train_done.set()
            if self.session is not None:
                self.session.view.status = "paused"
                self.mark_dirty()
        error = worker.error
        text = " ".join(str(error).split())[:300] or type(error).__name__
        what = worker.name.removeprefix("action_").replace("_", " ")
        self.push_screen(
            ErrorDialog(
                "Something went wrong",
                f"{what}: {type(error).__name__}: {text}\n\nThe lab and its session are as they "
                "were before; ctrl+s saves the session.",
            )
        )
