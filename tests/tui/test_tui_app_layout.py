"""The layout at different terminal sizes, and themes."""

from __future__ import annotations

import pytest

from tui.app import TAB_ORDER
from tui.frames import PANEL_NAMES


def visible_panels(app) -> list[str]:
    return [
        name
        for name in PANEL_NAMES
        if app.panels[name].display and app.panels[name].region.area > 0
    ]


async def test_every_panel_is_visible_at_120x40_and_the_lesson_is_a_column(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.lesson_open  # a preset with a lesson opens with it
        assert sorted(visible_panels(app)) == sorted(PANEL_NAMES)
        screen = app.screen.region
        lesson = app.panels["lesson"].region
        for name in PANEL_NAMES:
            region = app.panels[name].region
            assert screen.contains_region(region), name
            assert region.width >= 28 and region.height >= 10, (name, region)
            if name != "lesson":
                assert region.right <= lesson.x, name  # the lesson: the rightmost column
        assert not app.tabs.display
        assert not app.query_one("#too-small").display
        app.show_lesson(False)  # without it, the other five have the whole width
        await pilot.pause()
        assert sorted(visible_panels(app)) == sorted(set(PANEL_NAMES) - {"lesson"})
        for name in set(PANEL_NAMES) - {"lesson"}:
            region = app.panels[name].region
            assert region.width >= 38 and region.height >= 10, (name, region)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_smaller_terminals_show_one_panel_behind_tabs(lab_app, size):
    app = lab_app("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.tabs.display
        assert visible_panels(app) == ["lesson"]  # opened with the preset, as its tab
        panel = app.panels["lesson"]
        assert panel.region.width == size[0]
        for name in TAB_ORDER:  # every panel is reachable, by its tab
            app.tabs.active = f"tab-{name}"
            await pilot.pause()
            assert visible_panels(app) == [name]


@pytest.mark.parametrize("size", [(79, 24), (80, 23), (60, 15)])
async def test_a_too_small_terminal_asks_to_enlarge_it(lab_app, size):
    app = lab_app("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        message = app.query_one("#too-small")
        assert message.display and message.region.area > 0
        assert "80×24" in str(message.render())
        assert visible_panels(app) == []
        for key in ("space", "e", "s", "ctrl+p"):  # nothing acts unseen
            await pilot.press(key)
            await pilot.pause(0.2)
            assert app.session.steps_done == 0 and not app.training, key
            assert len(app.screen_stack) == 1, key
        await pilot.press("q")  # still quits
    assert app.return_code == 0


async def test_resizing_switches_the_layout(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert visible_panels(app) == []
        await pilot.resize_terminal(130, 42)
        await pilot.pause()
        assert sorted(visible_panels(app)) == sorted(PANEL_NAMES)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert visible_panels(app) == [app.current_tab]


@pytest.mark.parametrize("size", [(70, 20), (80, 24)])
async def test_panels_a_larger_terminal_shows_for_the_first_time_are_drawn(lab_app, size):
    """A lab started too small for its panels (under 80×24: none shown; 80×24: one, behind its
    tab), then enlarged to the grid: the panels shown for the first time stayed empty (no
    network, no loss or data plot, no debugger) until a key moved the lab: the lab draws only
    the visible panels, and a panel never drawn did nothing on its resize. The data picture,
    drawn then, was half its height."""
    app = lab_app("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(130, 42)
        await pilot.pause()
        await pilot.pause()
        assert sorted(visible_panels(app)) == sorted(PANEL_NAMES)
        assert [n for n in PANEL_NAMES if app.panels[n].last_view is None] == []
        text = app.export_screenshot().replace("&#160;", " ")
        assert "2 → 4 → 1" in text  # the network's caption
        assert "train-set loss" in text  # the loss plot's legend
        assert "(tint: confidence)" in text  # the data plot's legend
        canvas = app.panels["data"].query_one("#data-canvas")
        # the picture as high as its area: it was drawn at half that, the size the area had
        # beside the (1-D) plot area the first drawing hides
        assert len(canvas.content.lines) == canvas.size.height > 10


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_the_lab_runs_in_light_and_dark_themes(lab_app, settle, theme):
    app = lab_app("xor", theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "s", "e")
        await settle(pilot)
        assert app.theme == theme
        assert app.current_theme.dark == (theme == "textual-dark")
        svg = app.export_screenshot()
        assert "Backprop&#160;Lab" in svg
