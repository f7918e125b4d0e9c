"""A lesson's code block shows each command in full, at every size of the lab: its long lines
break as a shell reads them (``tui/panels/command_lines.py``), where Textual's block scrolled
sideways with no key to do it — at 120x40 the three commands of gradient-descent-modes all read
``backprop-lab open grad``."""

from __future__ import annotations

import re

import pytest
from textual.content import Content
from textual.selection import Selection

COMMANDS = (
    "backprop-lab open gradient-descent-modes",
    "backprop-lab open gradient-descent-modes --set training.batch_size=1 --set lab.speed=50",
    "backprop-lab open gradient-descent-modes --set training.batch_size=8 --set lab.speed=10",
)


def joined(lines: list[str]) -> list[str]:
    """The commands of ``lines``: a line ending in `` \\`` continued by the next."""
    text = re.sub(r" \\\n\s*", " ", "\n".join(line.rstrip() for line in lines))
    return [line.strip() for line in text.split("\n") if line.strip()]


async def until_shown(pilot, found, tries: int = 100):
    """``found()`` once it is true (the lesson's Markdown builds its blocks in the background)."""
    for _ in range(tries):
        if value := found():
            return value
        await pilot.pause(0.02)
    raise AssertionError("the lesson's code block was never shown whole")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_every_command_of_the_code_block_is_on_screen_in_full(lab_app, size):
    from textual.widgets.markdown import MarkdownFence

    app = lab_app("gradient-descent-modes")
    async with app.run_test(size=size) as pilot:
        panel = app.panels["lesson"]
        fence = await until_shown(pilot, lambda: next(iter(panel.query(MarkdownFence)), None))
        text = panel.query_one("#lesson-text")

        def whole():  # the block scrolled to the top of the text, once its blocks are all in
            text.scroll_to_widget(fence, animate=False, top=True)
            shown = fence.region.intersection(text.content_region)
            return shown if shown.height == fence.region.height > 2 else None

        shown = await until_shown(pilot, whole)
        screen = app.screen._compositor.render_update(full=True)
        rows = ["".join(strip.text for strip in row) for row in screen.strips]
        lines = [row[shown.x : shown.right] for row in rows[shown.y : shown.bottom]]
        assert joined(lines) == list(COMMANDS), "\n".join(lines)
        copied, _ = fence.query_one("#code-content").get_selection(Selection(None, None))
        assert joined(copied.split("\n")) == list(COMMANDS)  # as drawn: a shell reads it so


def test_a_long_command_breaks_before_its_options_each_line_fitting():
    from tui.panels.command_lines import broken

    code = Content("\n".join(COMMANDS))
    for width in (24, 30, 46, 72, 100):
        lines = broken(code, width).plain.split("\n")
        assert all(len(line) <= width for line in lines), (width, lines)
        assert joined(lines) == list(COMMANDS), (width, lines)
    assert broken(code, 46).plain.split("\n")[2:5] == [
        "backprop-lab open gradient-descent-modes \\",
        "  --set training.batch_size=1 \\",
        "  --set lab.speed=50",
    ]
    # no room for the indentation: "  gradient-descent-modes \\" is 26 cells
    assert broken(code, 24).plain.split("\n")[3:8] == [
        "backprop-lab open \\",
        "gradient-descent-modes \\",
        "--set \\",
        "training.batch_size=1 \\",
        "--set lab.speed=50",
    ]
    assert broken(code, 100).plain == code.plain  # lines that fit are left as they are
