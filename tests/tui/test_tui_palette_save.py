"""ctrl+s in the command palette (ctrl+p): the palette, a modal screen, kept the key from the lab
and has none of its own, so ctrl+s there did nothing and said nothing. It now closes the palette
and is the key of the screen under it (``tui.palette.LabCommandPalette``)."""

from __future__ import annotations

from pilot_waits import until
from textual.command import CommandPalette

from tui.screens.dialogs import PathDialog

WIDE = (120, 40)


async def test_ctrl_s_in_the_palette_over_the_lab_opens_the_save_dialog(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app))
        await pilot.press("s", "a", "ctrl+s")  # typing a search, then the key
        await until(pilot, lambda: isinstance(app.screen, PathDialog))
        assert isinstance(app.screen, PathDialog)
        assert app.screen.action_label == "Save"
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)


async def test_ctrl_s_in_the_palette_over_help_says_where_it_saves(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        help_screen = app.screen
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: list(app._notifications))
        assert app.screen is help_screen
        assert [n.title for n in app._notifications] == ["Session not saved"]
