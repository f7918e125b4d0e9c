"""The lab at the end of training: space does not train past it, the status
line says so and names x, which extends training by the scenario's epochs; a saved extension
loads again."""

from __future__ import annotations

import pytest

SHORT = ["training.epochs=3", "stop.loss_below=1e-12"]


async def test_space_at_the_end_does_not_train_on_and_x_extends(lab_app, settle):
    app = lab_app("xor", overrides=SHORT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await settle(pilot)
        view = app.session.view
        assert app.session.steps_done == 3 and view.status == "stopped"
        assert view.message == ("Training stopped: all 3 epochs done. x trains 3 more epochs.")
        for key in ("space", "e", "s", "n", "f"):
            await pilot.press(key)
            await settle(pilot)
            assert app.session.steps_done == 3, key  # space used to train on without end
            assert view.message.startswith("Training is finished: all 3 epochs done.")
        assert "x trains 3 more epochs" in app.status_bar.message.render().plain
        await pilot.press("x")
        await settle(pilot)
        assert app.session.steps_done == 6
        assert view.message.startswith("Training stopped: all 6 epochs done.")


async def test_x_before_the_end_says_why_it_does_nothing(lab_app, settle):
    app = lab_app("xor", overrides=SHORT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert app.session.steps_done == 0
        assert app.session.view.message.startswith("Training is not finished: it ends after")


async def test_an_extended_session_saves_and_loads_with_its_new_end(lab_app, settle, tmp_path):
    from tui.session import LabSession

    app = lab_app("xor", overrides=SHORT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.session.save(tmp_path / "s.lab.npz")
    loaded = LabSession.load(tmp_path / "s.lab.npz")
    assert loaded.run.stop.epochs == 6 and loaded.controller.finished() is not None
    loaded.extend()
    loaded.train("continue", cancelled=lambda: False)
    assert loaded.steps_done == 9


NEVER_ENDS = ["training.epochs=100000000", "stop.loss_below=1e-300"]


MOTION_KEYS = ["space", "s", "n", "f", "b", "e", "x"]
OTHER_KEYS = ["B", "ctrl+s", "r", "q"]  # dialogs over the run: breakpoints, save, reset, quit


def test_every_key_that_moves_the_run_is_tested():
    """A motion key added to the lab must be added to the pausing test below."""
    from tui.keys import KEYS

    moving = {
        a.key for a in KEYS if a.action.startswith(("debug(", "run_pause", "epoch", "extend"))
    }
    assert moving == set(MOTION_KEYS)


@pytest.mark.parametrize("key", MOTION_KEYS + OTHER_KEYS)
async def test_a_key_that_acts_on_the_run_pauses_a_long_training_first(lab_app, key):
    """Training that would not end for hours stops within a second of any key that steps,
    goes back, extends, edits breakpoints, saves, resets or quits (the view keys — l, t, 1–5,
    ?, o's picker — leave it running, by design)."""
    import asyncio
    import time

    app = lab_app("xor", overrides=NEVER_ENDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        for _ in range(200):
            await pilot.pause(0.01)
            if app.session.steps_done > 20:
                break
        assert app.training
        start = time.monotonic()
        await pilot.press(key)
        while app.training and key not in ("e", "x") and time.monotonic() - start < 5:
            await asyncio.sleep(0.01)
        if key in ("e", "x"):  # e trains to the end of the epoch (one step of xor), x refuses
            await app.workers.wait_for_complete()
        assert not app.training
        assert time.monotonic() - start < 3
