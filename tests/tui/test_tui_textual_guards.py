"""The guard around OptionList paging before layout (ctrl+p then PageUp crashed the lab)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList

import tui.app  # noqa: F401  (installs the guards, as the lab does)
from tui import textual_guards


class ZeroHeight(App):
    CSS = "OptionList { height: 0; border: none; }"

    def compose(self) -> ComposeResult:
        yield OptionList("one", "two", "three")


async def test_paging_an_option_list_that_has_no_size_yet_does_nothing():
    app = ZeroHeight()
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)
        options.highlighted = 0
        await pilot.pause()
        assert not options.scrollable_content_region  # as in the palette before its layout
        options.action_page_up()
        options.action_page_down()
        assert options.highlighted == 0


async def test_without_the_guard_textual_raises_there():
    """If this starts passing without the guard, Textual fixed it and the guard can go."""
    app = ZeroHeight()
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)
        options.highlighted = 0
        await pilot.pause()
        try:
            textual_guards._move_page(options, -1)
        except KeyError:
            pass
        else:
            raise AssertionError("Textual no longer raises: remove tui/textual_guards.py")
