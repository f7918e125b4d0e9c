"""The lab without colours (``NO_COLOR``: Textual draws every colour as a grey, as a teacher's
projector or an ssh session may ask for). It must draw at all, and what the panels tell apart by
colour — a point's and an area's class — must still be told apart, by characters (projector
audit, /work/notes/audit_projector.md)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tui.app import LabApp


@pytest.fixture
def no_color(monkeypatch):
    """Apps made from here on draw without colours, as ``NO_COLOR=1 backprop-lab`` does."""
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_lab_draws_without_colours(no_color, size):
    """Textual's monochrome filter read ``style.color`` of the network picture's unstyled blank
    row: the lab ended at its first frame at 120×40."""
    app = LabApp("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.no_color
        picture = app.query_one("#network-picture")
        lines = app.screen._compositor.render_update(full=True)  # every widget, filtered
        assert lines is not None
        assert picture.region.height or size == (80, 24)  # drawn in the grid at 120×40
        assert app.is_running


async def test_without_colours_the_data_plane_marks_each_class(no_color):
    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        data = app.query_one("#data")
        plane = data.query_one("#data-canvas", Static).visual.plain
        note = data.query_one("#data-note", Static).visual.plain
        assert "▀" not in plane  # no half blocks: their two colours are two greys
        assert plane.count("○") == 2 and plane.count("●") == 2  # xor's four points, by class
        assert "·" in plane and "░" in plane  # the two predicted areas
        assert "○· 0" in note and "●░ 1" in note


async def test_with_colours_the_data_plane_is_tinted_as_before():
    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        plane = app.query_one("#data-canvas", Static).visual.plain
        assert "▀" in plane and "○" not in plane
        assert "● 0" in app.query_one("#data-note", Static).visual.plain
