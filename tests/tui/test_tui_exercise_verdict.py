"""An exercise's verdict is on screen once the answer is checked: it comes after the question
and the "where" text, which fill the exercise's column at 80×24 and in the 120×40 lesson
column — there it was below the visible part, and enter looked as if it did nothing."""

from __future__ import annotations

import pytest

from tui.messages import RunLessonAction

WIDE, NARROW = (120, 40), (80, 24)


def on_screen(panel, name: str) -> bool:
    """Whether the first line of widget ``name`` lies in the visible part of the exercise's
    scrolling text."""
    body = panel.query_one("#exercise-body")
    region = panel.query_one(name).region
    return region.height > 0 and body.region.y <= region.y < body.region.bottom


async def posed(app, pilot, settle, number: int):
    """The Lesson panel with exercise action ``number`` posed (the preset's numbering)."""
    await pilot.pause()
    app.panels["lesson"].post_message(RunLessonAction(number))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await settle(pilot)
    panel = app.panels["lesson"]
    assert panel.attempt is not None and panel.attempt.open
    return panel


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_a_wrong_answer_shows_its_verdict(lab_app, settle, size):
    app = lab_app("vanishing-gradients")  # action 5: exercise 1, a prompt of four lines
    async with app.run_test(size=size) as pilot:
        panel = await posed(app, pilot, settle, 5)
        assert not str(panel.query_one("#exercise-verdict").render()).strip()  # no answer yet
        await pilot.press(*f"{-panel.attempt.expected:.6g}", "enter")
        await settle(pilot)
        assert "Not quite" in str(panel.query_one("#exercise-verdict").render())
        assert on_screen(panel, "#exercise-verdict")


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_a_right_answer_shows_its_verdict(lab_app, settle, size):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=size) as pilot:
        panel = await posed(app, pilot, settle, 5)
        await pilot.press(*f"{panel.attempt.expected:.6g}", "enter")
        await settle(pilot)
        assert "Right" in str(panel.query_one("#exercise-verdict").render())
        assert on_screen(panel, "#exercise-verdict")
