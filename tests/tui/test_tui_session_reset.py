"""``r`` Reset: step 1 again from the network's initial weights, keeping the edits, the settings
changed while it trained and the breakpoints — and the question says so. It said "Reset to the
scenario's initial network?", kept the edited network, and silently put back the η of before:
after a divergence, "Lower the learning rate … r resets" then diverged again at the old η."""

from __future__ import annotations

from tui.live_changes import change
from tui.screens.dialogs import ConfirmDialog
from tui.session import LabSession

WIDE = (120, 40)


def test_reset_keeps_the_rate_changed_while_it_trained():
    session = LabSession.open("xor")
    session.controller.run(47)
    change(session, {"training.lr": 0.1}, running=False)
    fresh = session.reset()
    assert fresh.steps_done == 0
    assert fresh.run.trainer.lr.lr == 0.1
    assert fresh.run.trainer.changes == []  # in force from step 1, not a change at step 48
    first = LabSession.open("xor", overrides=["training.lr=0.1"])
    for a, b in zip(fresh.run.net.layers, first.run.net.layers):
        assert all((a.params[k] == b.params[k]).all() for k in a.params)


def test_reset_without_changes_is_the_scenario_again():
    session = LabSession.open("xor")
    session.controller.run(5)
    fresh = session.reset()
    assert fresh.edits is None and fresh.scenario is session.scenario


def test_reset_after_clipping_was_turned_off_while_it_trained():
    """exploding-fixed-clipping-xavier clips at norm 1; turning clipping off while it trained
    and then resetting was 'Cannot reset: exploding-fixed-clipping-xavier.toml (edited):
    training.clip_norm: must be a number, got None' (fuzz campaign). Off is the key left out."""
    session = LabSession.open("exploding-fixed-clipping-xavier", ["training.epochs=2"])
    session.controller.run(2)
    change(session, {"training.clip_norm": "off"}, running=False)
    fresh = session.reset()
    assert "clip_norm" not in fresh.scenario.training
    assert fresh.scenario.label == "exploding-fixed-clipping-xavier.toml (edited)"
    change(fresh, {"training.clip_value": 0.5}, running=False)
    again = fresh.reset()  # the label says edited once, however often it is reset
    assert again.scenario.label == "exploding-fixed-clipping-xavier.toml (edited)"
    assert again.scenario.training["clip_value"] == 0.5


def test_reset_after_the_schedule_went_back_to_constant():
    """After step → constant while it trained, the trainer keeps every and factor (unused), and
    reset wrote them into [schedule]: 'schedule.every: does not apply here: kind "constant"
    takes: kind, warmup' (fuzz campaign). Only the keys of the kind in force are kept."""
    session = LabSession.open("xor")
    session.controller.run(3)
    change(session, {"schedule.kind": "step", "schedule.every": 2, "schedule.factor": 0.5}, False)
    change(session, {"schedule.kind": "constant"}, running=False)
    fresh = session.reset()
    assert fresh.scenario.schedule == {"kind": "constant", "warmup": 0}
    assert fresh.run.trainer.lr.kind == "constant"


async def test_the_question_says_what_reset_keeps(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "e")
        await settle(pilot)
        await pilot.press("less_than_sign")
        app.session.command("break", "delta@1")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == (
            "Reset to step 1 with the network's initial weights (keeping η 0.5 and the "
            "breakpoints)? The training up to step 2 will be lost."
        )
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert app.session.steps_done == 0
        assert app.session.run.trainer.lr.lr == 0.5


async def test_the_question_agrees_with_the_breakpoints_alone(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        app.session.command("break", "delta@1")
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.question == (  # not "the breakpoints is kept"
            "Reset to step 1 with the network's initial weights (keeping the breakpoints)? "
            "The training up to step 1 will be lost."
        )
