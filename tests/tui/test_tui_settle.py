"""The app tests' ``settle`` (tests/tui/conftest.py) on a slow machine: it returns only once the
lab shows how training ended, however late the training thread's ``TrainingStopped`` arrives."""

from __future__ import annotations

import threading
import time

from tui import messages as msg


async def test_settle_waits_for_the_lab_to_show_how_training_ended(lab_app, settle, monkeypatch):
    """The thread marks itself done, then posts ``TrainingStopped``: here it loses the CPU for
    0.3 s in between, as on a loaded machine. ``settle`` used to return while the status was
    still "running" (it waited for the thread alone)."""
    app = lab_app("xor", overrides=["training.epochs=2000", "stop.loss_below=1e-12"])
    async with app.run_test(size=(120, 40)) as pilot:
        post = app.post_message

        def late(message):
            if isinstance(message, msg.TrainingStopped):
                assert threading.current_thread() is not threading.main_thread()
                time.sleep(0.3)
            return post(message)

        monkeypatch.setattr(app, "post_message", late)
        await pilot.press("space")
        await settle(pilot)
        assert app.session.steps_done == 2000
        assert app.session.view.status == "stopped"
        assert app.session.view.message.startswith("Training stopped: all 2,000 epochs done.")
