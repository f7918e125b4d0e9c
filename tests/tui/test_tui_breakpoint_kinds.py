"""The breakpoints screen (B) says which event each breakpoint kind stops before: the status
line names events StepStart, Delta(l=1), … while breakpoints are written start, delta@1, …
(new-user audit: both appeared side by side in the dialog with nothing to translate them)."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Static

from engine.debugger.breakpoints import KIND_ALIASES
from engine.debugger.position import KIND_NAMES
from tui.screens.breakpoints import BreakpointsScreen

WIDE, NARROW = (120, 40), (80, 24)
KIND_WORDS = ("start", "forward", "loss", "delta", "gradient", "clip", "update", "end")  # as typed


async def test_the_breakpoints_screen_maps_each_kind_to_its_event(lab_app):
    for size in (WIDE, NARROW):
        app = lab_app("xor")
        async with app.run_test(size=size) as pilot:
            await pilot.press("B")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BreakpointsScreen)
            note = screen.query_one(".dialog-note", Static)
            size_now = note.size
            strips = note.render_lines(Region(0, 0, size_now.width, size_now.height))
            rows = [strip.text.rstrip() for strip in strips]  # as laid out in the dialog
            for word in KIND_WORDS:
                pair = f"{word}={KIND_NAMES[KIND_ALIASES[word]]}"
                assert any(pair in row for row in rows), (size, pair)  # never broken in two
            assert "delta@1 stops before Delta(l=1)" in " ".join(rows)
