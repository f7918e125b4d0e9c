"""``?`` paints the keys before the guide is built: Textual's Markdown (the guide, below the
keys and out of sight until scrolled to) is mounted once the keys are on the screen."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import Markdown

from tui.screens.help import GUIDE, HelpScreen, KeysTable


async def _until(condition, timeout: float = 5.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.002)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_keys_are_painted_before_the_guide_is_mounted(lab_app, monkeypatch, size):
    guides_at_paint: list[int] = []  # the help's Markdown widgets, at each paint of the keys
    paint = KeysTable.render_lines

    def painted(table, crop):
        guides_at_paint.append(len(table.screen.query(Markdown)))
        return paint(table, crop)

    monkeypatch.setattr(KeysTable, "render_lines", painted)
    app = lab_app("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await _until(lambda: bool(guides_at_paint))
        assert isinstance(app.screen, HelpScreen)
        assert guides_at_paint[0] == 0
        # then the guide, whole, under the keys
        await _until(lambda: len(app.screen.query(Markdown)) == 1)
        guide = app.screen.query_one(Markdown)
        assert guide.source == GUIDE
        scroll = app.screen.query_one("VerticalScroll")
        assert list(scroll.children) == [app.screen.query_one("#help-keys"), guide]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_a_guide_due_after_the_help_closed_is_not_mounted(lab_app):
    """The keys' paint hands the guide's mounting to the event loop; if the help is closed by
    then (escape at once), nothing is mounted and nothing fails."""
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        guides = len(help_screen.query(Markdown))
        help_screen._add_guide()  # a paint's call that comes after the close
        await pilot.pause()
        assert len(help_screen.query(Markdown)) == guides
        assert not isinstance(app.screen, HelpScreen)
