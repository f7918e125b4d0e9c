"""The Debugger panel shows an event's numbers above the fold of its scrolling columns.

A new-user audit stepped xor to Update(l=2) at 120×40 and read the heading ``W² after  1×4
W_new@2`` as the arrays column's last line, with no numbers under it (the new weights and the
step ΔW below the fold; at 200×50 they showed). Now an Update lists each parameter after the
update, then its step, then before it; the scalar fields share a line; the position line fits
on one line (leaving out the layer and phase the event's name says); and a heading whose numbers
would all be below the fold moves below it with them. An Update's step shows beside the
parameter after it where they fit: ΔW¹ (4×2) was below the fold under W¹ after's four rows.
"""

from __future__ import annotations

import re

import pytest
from panel_harness import make_view, move
from textual.widgets import Static

from tui.panels.debugger_panel import DebuggerPanel, position_line
from tui.panels.event_arrays import event_arrays, kept_with_numbers, scalar_lines

HEADING = re.compile(r"\S.*  \d+(?:×\d+)?(?:  \S+)?")  # label  shape  [name]


def read(line: str) -> list[float]:
    """The numbers of an array's row (or an equation's last side) as written."""
    return [float(x) for x in line.split()]


def visible(app) -> list[str]:
    """The arrays column's lines that show without scrolling."""
    lines = app.query_one("#debugger-event", Static).content.plain.splitlines()
    return lines[: app.query_one("#debugger-arrays").content_region.height]


async def step_to(app, pilot, kind: str, l: int | None = None) -> None:
    """Press s until the lab is at the event ``kind`` (of layer ``l``)."""
    for _ in range(40):
        event = app.session.view.event
        if event is not None and event.kind == kind and getattr(event, "l", None) in (l, None):
            await pilot.pause(0.1)
            return
        await pilot.press("s")
        await pilot.pause()
    raise AssertionError(f"no {kind} event")


@pytest.mark.parametrize("l", [1, 2])
async def test_an_update_shows_the_new_weights_and_its_equation_at_120x40(lab_app, l):
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await step_to(app, pilot, "update", l)
        event = app.session.view.event
        shown = visible(app)
        assert f"W{'¹²'[l - 1]} after  {event.W_new.shape[0]}×{event.W_new.shape[1]}" in "\n".join(
            shown
        )
        after = next(k for k, line in enumerate(shown) if " after  " in line)
        assert read(shown[after + 1])[:2] == pytest.approx(event.W_new[0, :2], rel=1e-3)
        if l == 2:  # one row: the step ΔW shows too
            assert shown[after + 2].startswith("ΔW²  1×4")
            assert read(shown[after + 3]) == pytest.approx(event.step_W[0], rel=1e-3)
        else:  # four rows: the step ΔW¹ beside them, row by row (stacked, it was below the fold)
            assert "   ΔW¹  4×2  step_W@1" in shown[after]
            rows = shown[after + 1 :]
            assert len(rows) >= 3
            for line, new, step in zip(rows, event.W_new, event.step_W, strict=False):
                assert read(line) == pytest.approx([*new, *step], rel=1e-3)
        # the equation, down to the new weight W₀₀, shows whole in the column beside
        side = app.query_one("#debugger-side")
        equation = app.query_one("#debugger-equation")
        assert equation.virtual_region.bottom <= side.content_region.height
        assert read(equation.content.plain.splitlines()[-1].split("=")[-1]) == pytest.approx(
            [event.W_new[0, 0]], rel=1e-3
        )


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("scenario", ["xor", "worked-example"])
async def test_no_heading_is_the_last_line_above_the_fold(lab_app, size, scenario):
    """At every event of step 1: a heading that shows has a line of its numbers under it."""
    app = lab_app(scenario)
    async with app.run_test(size=size) as pilot:
        if size[0] < 110:
            app.action_show_tab("debugger")
        await pilot.pause(0.1)
        kinds = []
        while not kinds or kinds[-1] != "step_end":
            await pilot.press("s")
            await pilot.pause(0.05)
            event = app.session.view.event
            kinds.append(event.kind)
            shown = visible(app)
            everything = app.query_one("#debugger-event", Static).content.plain.splitlines()
            if len(everything) > len(shown):  # the column scrolls: something is below the fold
                last = shown[-1]
                assert not HEADING.fullmatch(last), f"{event}: {last!r} over nothing"
        assert "update" in kinds


def test_scalars_share_a_line_that_fits():
    view = make_view("xor", debugger=True)
    while view.event.kind != "loss":
        move(view, "step")
    one = [line.plain for line in scalar_lines(view.event, 56)]
    assert one == ["loss 0.7084  data_loss 0.7084  penalty 0"]
    narrow = [line.plain for line in scalar_lines(view.event, 20)]
    assert narrow == ["loss 0.7084", "data_loss 0.7084", "penalty 0"]


def test_an_update_lists_after_step_before_then_the_gradients():
    view = make_view("vanishing-fixed-batchnorm", debugger=True)
    while view.event.kind != "update":
        move(view, "step")
    labels = [
        line.split("  ")[0]
        for line in event_arrays(view.event).plain.splitlines()
        if HEADING.fullmatch(line)
    ]
    assert labels == [
        "W¹ after",
        "ΔW¹",
        "W¹ before",
        "b¹ after",
        "Δb¹",
        "b¹ before",
        "γ¹ after",
        "Δγ¹",
        "γ¹ before",
        "β¹ after",
        "Δβ¹",
        "β¹ before",
        "∂C/∂W¹",
        "∂C/∂b¹",
    ]


def test_a_heading_at_the_fold_moves_below_it():
    assert kept_with_numbers(6, 1, 7) == [kept_with_numbers(6, 1, 7)[0]]  # one blank line
    assert len(kept_with_numbers(5, 2, 7)) == 2  # a heading of two lines, both at the fold
    assert kept_with_numbers(5, 1, 7) == []  # one line of numbers shows under it
    assert kept_with_numbers(7, 1, 7) == []  # already below the fold
    assert kept_with_numbers(6, 1, None) == []


def test_the_position_line_leaves_out_what_the_event_name_says_when_narrow():
    view = make_view("xor", debugger=True)
    while view.event.kind != "update":
        move(view, "step")
    full = position_line(view).plain
    assert full == "step 1  epoch 1  batch 1/1  phase update  layer 1  Update(l=1) 9/11"
    assert position_line(view, len(full)).plain == full
    assert (
        position_line(view, 60).plain
        == "step 1  epoch 1  batch 1/1  phase update  Update(l=1) 9/11"
    )
    assert position_line(view, 54).plain == "step 1  epoch 1  batch 1/1  Update(l=1) 9/11"


async def test_the_panel_draws_the_position_for_its_width(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await step_to(app, pilot, "update", 1)
        panel = app.query_one(DebuggerPanel)
        line = app.query_one("#debugger-position", Static)
        assert line.size.height == 1  # it took two lines beside the lesson column
        assert "Update(l=1)" in line.content.plain and panel.size.width < 70
