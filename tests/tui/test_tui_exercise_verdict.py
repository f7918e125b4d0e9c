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


def whole_on_screen(panel, name: str) -> bool:
    """Whether widget ``name`` lies whole in the visible part of the exercise's text."""
    body = panel.query_one("#exercise-body").region
    region = panel.query_one(name).region
    return region.height > 0 and body.y <= region.y and region.bottom <= body.bottom


async def test_the_verdict_stays_whole_on_screen_when_its_lines_wrap_anew(lab_app, settle):
    """Scrolled into view for its size when the answer was checked, the verdict was left cut
    when its lines wrapped anew: after a resize of the terminal (110×40: its last two lines
    below the visible part), or when the exercise's text was laid out only after the answer
    came (typed in one go with the exercise's number: in tmux only "Not quite: 0.0321 is off"
    above the answer box, "the sign is wrong" cut off)."""
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        panel = await posed(app, pilot, settle, 5)
        await pilot.press(*"0.0321", "enter")
        await settle(pilot)
        assert whole_on_screen(panel, "#exercise-verdict")
        for size in [(110, 40), (130, 36), WIDE]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert panel.query_one("#exercise-verdict").region.height > 1
            assert whole_on_screen(panel, "#exercise-verdict"), size
