"""Errors in the lab's workers and commands become a dialog with the work kept:
the training worker had exit_on_error=True, so an exception in the training thread ended the lab
with the unsaved run gone; the dialog workers ended it too."""

from __future__ import annotations

import numpy as np

from tui.screens.dialogs import ErrorDialog
from tui.session import LabSession

WIDE = (120, 40)
LONG = ["training.epochs=100000", "stop.loss_below=1e-300"]


def fail_once_at(trainer, call: int):
    """Make the trainer's fast-path step raise once, at its ``call``-th call from now."""
    real = trainer.step
    calls = [0]

    def step():
        calls[0] += 1
        if calls[0] == call:
            trainer.learner.net.layers[0].params["W"] = np.full((4, 2), 7.0)  # half-applied
            raise RuntimeError("injected failure in the training step")
        return real()

    trainer.step = step


def same_params(a: LabSession, b: LabSession) -> bool:
    return all(
        x.params[k].tobytes() == y.params[k].tobytes()
        for x, y in zip(a.run.net.layers, b.run.net.layers)
        for k in x.params
    )


async def test_an_exception_in_training_is_a_dialog_and_the_run_is_kept(lab_app, settle):
    app = lab_app("xor", overrides=LONG)
    async with app.run_test(size=WIDE) as pilot:
        fail_once_at(app.session.run.trainer, 40)  # step 1 runs on events: this is step 41
        await pilot.press("space")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, ErrorDialog)
        assert "RuntimeError: injected failure in the training step" in app.screen.message
        assert "kept at the end of step 40" in app.screen.message
        session = app.session
        assert session.view.status == "paused" and session.steps_done == 40
        clean = LabSession.open("xor", LONG)
        clean.controller.run(40)
        assert same_params(session, clean)  # the half-applied step was undone
        await pilot.press("enter")
        await pilot.press("e")  # and training goes on from there
        await settle(pilot)
        assert session.steps_done == 41 and not isinstance(app.screen, ErrorDialog)
        clean.controller.run(1)
        assert same_params(session, clean)


async def test_a_failing_dialog_worker_is_a_dialog_not_the_end_of_the_lab(
    lab_app, monkeypatch, settle
):
    import engine.gradcheck

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure in the gradient check")

    monkeypatch.setattr(engine.gradcheck, "check_run", broken)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        app.action_gradient_check()
        await pilot.pause(0.3)
        assert app.is_running and isinstance(app.screen, ErrorDialog)
        assert "gradient check: RuntimeError: injected failure" in app.screen.message
        assert app.session.steps_done == 1


async def test_a_failing_step_command_is_a_dialog(lab_app, monkeypatch):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        controller = app.session.controller

        def broken(*args):
            raise IndexError("injected failure in a step")

        monkeypatch.setattr(controller, "step", broken)
        await pilot.press("s")
        await pilot.pause(0.1)
        assert app.is_running and isinstance(app.screen, ErrorDialog)
        assert "IndexError: injected failure in a step" in app.screen.message
        assert "kept at the start of step 1" in app.screen.message


async def test_reset_after_the_data_file_was_removed_keeps_the_run(lab_app, settle, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    scenario = tmp_path / "csv.toml"
    scenario.write_text(
        'name = "csv"\ntitle = "t"\nsummary = "s"\n[data]\nkind = "csv"\npath = "d.csv"\n'
        'target = "y"\n[network]\nloss = "bce"\n[[network.layers]]\nsize = 3\n'
        'activation = "tanh"\n[[network.layers]]\nsize = 1\n'
    )
    app = lab_app(str(scenario))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "e")
        await settle(pilot)
        session = app.session
        (tmp_path / "d.csv").unlink()
        await pilot.press("r")
        await pilot.pause(0.1)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert app.is_running and isinstance(app.screen, ErrorDialog)
        assert "Cannot reset" in app.screen.title_text and "no such file" in app.screen.message
        assert app.session is session and session.steps_done == 2
