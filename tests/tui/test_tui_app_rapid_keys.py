"""Keys pressed faster than the training thread starts: the lab must not freeze."""

from __future__ import annotations

from textual import events


async def test_epoch_keys_faster_than_the_thread_starts_do_not_freeze(lab_app):
    """Three ``e`` in one burst: the second stops the first run before its thread has started
    (a worker cancelled that early never runs, and the lab used to wait for it forever: every
    key, q included, then waited too)."""
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        try:
            for _ in range(3):
                app.post_message(events.Key("e", "e"))  # queued at once, like a fast typist
            # the last e trains its epoch (one step of xor) and the lab is idle again; an
            # earlier run whose thread started before the next e was handled trained its own
            # (how many did depends on the threads' timing: one epoch of xor is one fast step)
            for _ in range(1000):
                await pilot.pause(0.01)
                if not app.training and app.session.run.trainer.steps_done >= 1:
                    break
            assert not app.training, "the lab still waits for a training thread"
            steps = app.session.run.trainer.steps_done
            assert 1 <= steps <= 3
        finally:
            app._train_done.set()  # on failure, let the app close instead of hanging the test
        await pilot.press("s")  # and keys work
        await pilot.pause(0.1)
        assert app.session.controller.position.step == steps + 1
