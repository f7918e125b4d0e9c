"""The lab's first focus: a session opened with its lesson gives the focus to the lesson's
action list at once — not first to the tabs (Textual's rule: the first widget that takes the
focus) and then to the list, each change restyling the widgets it touches before the first
frame (issue 17). Where the lesson is out of sight, or there is none, Textual's rule as before."""

from __future__ import annotations

import pytest
from scenario_texts import BARE
from textual.screen import Screen

from tui.app import LabApp
from tui.session import LabSession


def _record_focus(monkeypatch) -> list[str]:
    focused: list[str] = []
    set_focus = Screen.set_focus

    def spy(screen, widget, *args, **kwargs):
        if widget is not None and widget is not screen.focused:
            focused.append(widget.id or type(widget).__name__)
        return set_focus(screen, widget, *args, **kwargs)

    monkeypatch.setattr(Screen, "set_focus", spy)
    return focused


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_lesson_opened_at_start_takes_the_first_focus(monkeypatch, size):
    focused = _record_focus(monkeypatch)
    app = LabApp(session=LabSession.open("dying-relu"))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert focused == ["lesson-actions"], focused  # never the tabs first
        assert app.focused is app.query_one("#lesson-actions")
        assert app.query_one("#lesson-actions").highlighted == 0
        assert app.screen.AUTO_FOCUS is None  # Textual's rule from then on
        await pilot.press("L")  # the lesson hidden: the focus leaves it, as before
        await pilot.pause()
        assert not app.lesson_open and app.focused is not app.query_one("#lesson-actions")


@pytest.mark.parametrize("size", [(120, 40), (70, 20)])
async def test_without_a_lesson_in_sight_the_first_focus_is_textuals(monkeypatch, tmp_path, size):
    """No lesson (a bare scenario), or a terminal too small for the lab (the lesson out of
    sight): the first widget that takes the focus, the tabs, as Textual gives it."""
    bare = tmp_path / "bare.toml"
    bare.write_text(BARE)
    focused = _record_focus(monkeypatch)
    for scenario in (str(bare), "dying-relu"):
        focused.clear()
        app = LabApp(session=LabSession.open(scenario))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            if scenario == "dying-relu" and size == (120, 40):
                continue  # the lesson in sight: the test above
            assert focused[:1] == ["tabs"], (scenario, focused)
            assert app.focused is app.tabs
