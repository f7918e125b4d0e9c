"""Show skips the layout pass when new text takes exactly the room the widget has."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical

from tui.panels.base import Show


class RoomApp(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Show("", id="line")


def spy_layouts(show: Show) -> list[bool]:
    asked: list[bool] = []
    refresh = show.refresh

    def spy(*args, layout: bool = False, **kwargs):
        asked.append(layout)
        return refresh(*args, layout=layout, **kwargs)

    show.refresh = spy
    return asked


async def test_a_longer_number_in_the_same_room_needs_no_layout():
    app = RoomApp()
    async with app.run_test(size=(30, 10)) as pilot:
        show = app.query_one("#line", Show)
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
