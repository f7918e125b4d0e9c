"""Escape dismisses the lab's notifications (the "Training diverged" toast covers the lower
right of the Debugger panel for 8 s), and does only that while one is shown; in a dialog it
closes the dialog. Without a notification escape's other meanings are unchanged: their tests
(the lesson's answer box, the network editor, the comparison) press it with none shown."""

from __future__ import annotations

from tui.screens.help import HelpScreen

WIDE = (120, 40)


async def _diverged(pilot, settle) -> None:
    app = pilot.app
    await pilot.press("space")
    await settle(pilot)
    assert app.session.view.status == "diverged"
    await pilot.pause()
    assert app.screen.query("Toast"), "the divergence is notified"


async def test_escape_dismisses_the_divergence_notification_and_does_nothing_else(lab_app, settle):
    app = lab_app("exploding-gradients")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await _diverged(pilot, settle)
        focused, lesson_open = app.focused, app.lesson_open
        position = app.session.controller.position
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("Toast")
        assert not list(app._notifications)
        assert app.focused is focused and app.lesson_open == lesson_open
        assert app.session.controller.position == position
        assert app.session.view.status == "diverged"


async def test_escape_closes_a_dialog_over_a_notification(lab_app, settle):
    app = lab_app("exploding-gradients")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await _diverged(pilot, settle)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
