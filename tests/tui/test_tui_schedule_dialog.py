"""The palette's "Change schedule while it trains": the kind with the parameters it reads."""

from __future__ import annotations

from engine import live

WIDE = (120, 40)


async def open_dialog(app, pilot):
    from tui.screens.schedule_dialog import ScheduleDialog

    app.action_change_setting("schedule.kind")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ScheduleDialog)
    return dialog


def shown(dialog) -> set[str]:
    return {
        row.id.removeprefix("row-")
        for row in dialog.query(".schedule-parameter")
        if row.display and row.id is not None
    }


async def test_a_constant_schedule_becomes_a_step_schedule_with_its_parameters(lab_app, settle):
    """A constant schedule could not become a step or an exponential one: the one-value dialog
    sent the kind alone, refused with "schedule.every is needed by kind = 'step'", and the
    parameters alone were refused under the constant schedule."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        dialog = await open_dialog(app, pilot)
        assert dialog.query_one("#path").value == "constant" and shown(dialog) == set()
        dialog.query_one("#path").value = "step"
        await pilot.pause()
        assert shown(dialog) == {"every", "factor"}  # the fields of the kind typed
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # refused: its parameters are needed with it
        reason = str(dialog.query_one("#setting-refused").render())
        assert "schedule.every is needed by kind = 'step'" in reason
        assert app.session.run.trainer.changes == []
        dialog.query_one("#parameter-every").value = "2"
        dialog.query_one("#parameter-factor").value = "0.5"
        dialog.query_one("#parameter-gamma").value = "0.9"  # another kind's: not sent
        dialog.query_one("#parameter-factor").focus()  # Enter in any field applies them all, once
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
        (change,) = app.session.run.trainer.changes
        assert change.new == {
            "schedule.kind": "step",
            "schedule.every": 2,
            "schedule.factor": 0.5,
        }
        schedule = app.session.run.trainer.lr
        assert (schedule.kind, schedule.every, schedule.factor) == ("step", 2, 0.5)
        assert schedule(3, 3) == 0.5 and schedule(5, 5) == 0.25  # η₀ 1 halved every 2 epochs
        assert "schedule constant → step, every 2, factor 0.5 from step 2" in (
            app.session.view.message
        )
        dialog = await open_dialog(app, pilot)  # opens again with the values in force
        assert dialog.query_one("#path").value == "step"
        assert dialog.query_one("#parameter-every").value == "2"
        assert shown(dialog) == {"every", "factor"}
        dialog.query_one("#path").value = "exponential"
        await pilot.pause()
        assert shown(dialog) == {"gamma"}


async def test_a_value_that_is_not_toml_is_refused_at_the_dialog(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        before = live.read_all(app.session.run.trainer)
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#path").value = "{kind = 'step'"  # an unclosed table: no kind's rows
        await pilot.pause()
        assert shown(dialog) == set()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert str(dialog.query_one("#setting-refused").render()).startswith(
            "schedule.kind: the value is not valid TOML"
        )
        dialog.query_one("#path").value = "exponential"
        dialog.query_one("#parameter-gamma").value = "{0.9"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert str(dialog.query_one("#setting-refused").render()).startswith(
            "schedule.gamma: the value is not valid TOML"
        )
        assert live.read_all(app.session.run.trainer) == before
