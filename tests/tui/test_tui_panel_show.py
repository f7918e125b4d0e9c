"""Show (the panels' Static): skips needless layouts (also when new text takes exactly the room
the widget has), and recovers when a layout was lost."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.panels.base import Show


class ShowApp(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Show("", id="auto")
            yield Show("", id="wide", classes="auto-width")

    CSS = "#wide { width: auto; text-wrap: nowrap; }"


def lose_layout(show: Show, content: str) -> None:
    """Change the content without a layout, as when a layout request is lost."""
    Static.update(show, content, layout=False)


def spy_layouts(show: Show) -> list[bool]:
    asked: list[bool] = []
    refresh = show.refresh

    def spy(*args, layout: bool = False, **kwargs):
        asked.append(layout)
        return refresh(*args, layout=layout, **kwargs)

    show.refresh = spy
    return asked


async def test_the_same_content_after_a_lost_layout_is_laid_out_again():
    app = ShowApp()
    async with app.run_test(size=(40, 10)) as pilot:
        show = app.query_one("#auto", Show)
        await pilot.pause()
        lose_layout(show, "one\ntwo")
        await pilot.pause()
        assert show.size.height == 1  # the second line is not shown
        show.update("one\ntwo")
        await pilot.pause()
        assert show.size.height == 2


async def test_same_shape_new_content_after_a_lost_layout_is_laid_out_again():
    app = ShowApp()
    async with app.run_test(size=(40, 10)) as pilot:
        wide = app.query_one("#wide", Show)
        await pilot.pause()
        before = wide.size
        lose_layout(wide, "abcdef\nghijkl")
        await pilot.pause()
        assert wide.size == before != (6, 2)
        wide.update("ABCDEF\nGHIJKL")  # same shape as what it holds, but never laid out
        await pilot.pause()
        assert wide.size == (6, 2)


async def test_no_layout_when_the_shape_is_the_same_and_the_size_holds_it():
    app = ShowApp()
    async with app.run_test(size=(40, 10)) as pilot:
        show = app.query_one("#auto", Show)
        show.update("0.5\n0.25")
        await pilot.pause()
        asked = spy_layouts(show)
        show.update("0.6\n0.35")
        show.update("0.6\n0.35")  # identical: nothing at all
        show.update("0.7\n0.45\n1")  # one line more: a layout
        assert asked == [False, True]
        await pilot.pause()
        assert show.size.height == 3


async def test_a_longer_number_in_the_same_room_needs_no_layout():
    app = ShowApp()
    async with app.run_test(size=(30, 10)) as pilot:
        show = app.query_one("#auto", Show)
        show.update("step 9  loss 0.5")
        await pilot.pause()
        assert show.size == (30, 1)
        asked = spy_layouts(show)
        show.update("step 10  loss 0.4871")  # wider, still one line of the 30
        assert asked == [False]
        show.update("step 11  loss 0.4871  accuracy 97.5%")  # wraps: two lines now
        assert asked == [False, True]
        await pilot.pause()
        assert show.size == (30, 2)
        asked.clear()  # (Textual refreshes it as it lays it out)
        show.update("step 123  loss 0.4  accuracy 100%")  # other words, the same two lines
        assert asked == [False]
        show.update("step 1")  # back to one line: a layout, the widget shrinks
        assert asked == [False, True]
        await pilot.pause()
        assert show.size == (30, 1)
