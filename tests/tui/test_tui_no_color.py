"""The lab without colours (``NO_COLOR``: Textual draws every colour as a grey, as a teacher's
projector or an ssh session may ask for): it must draw at all."""

from __future__ import annotations

import pytest

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
