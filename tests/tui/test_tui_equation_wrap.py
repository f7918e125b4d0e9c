"""No silent truncation of equations: in the Debugger panel, at 80×24 and
120×40, every line of the explanation and of the pending update fits the column (nothing needs
a horizontal scroll), and joining a wrapped equation's lines gives the equation back. The one
wrapping function (``engine.debugger.formatting.wrap_equation``) is tested on its own too."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.containers import ScrollableContainer
from textual.widgets import Static

from engine.debugger.formatting import CUT, cells, wrap_equation
from tui import messages as msg
from tui.example import current_example
from tui.panels.debugger_panel import DebuggerPanel, explain_select

SIZES = [(120, 40), (80, 24)]


def joined(lines: list[str]) -> str:
    """The wrapped lines back on one line: continuations lose their indent, one space between."""
    return " ".join([lines[0], *(line.lstrip(" ") for line in lines[1:])])


def selections(event, net):
    """A few units or weights of the event's layer: the first and the last."""
    l = net.L if event.kind == "loss" else getattr(event, "l", None)
    if l is None:
        return [None]
    layer = net.layer(l)
    if event.kind in ("gradient", "update"):
        return [
            msg.SelectWeight(l, 0, 0),
            msg.SelectWeight(l, layer.n_out - 1, layer.n_in - 1),
            msg.SelectUnit(l, 0),  # the bias
        ]
    return [msg.SelectUnit(l, 0), msg.SelectUnit(l, layer.n_out - 1)]


def check_side(app) -> int:
    """Every line of the equation and of the pending update fits the Debugger's right column;
    each equation's lines join to the equation the debugger wrote; the number of lines seen."""
    side = app.query_one("#debugger-side", ScrollableContainer)
    room = app.query_one(DebuggerPanel).widths()[1]
    assert room <= side.scrollable_content_region.width
    assert side.max_scroll_x == 0, "something in the column needs a horizontal scroll"
    seen = 0
    view = app.session.view
    names = ["debugger-equation"]
    if view.event is not None and view.event.kind == "update":
        names.append("debugger-update")  # elsewhere a sentence, wrapped by the widget
    for name in names:
        widget = app.query_one(f"#{name}", Static)
        for line in widget.content.plain.splitlines():
            assert cells(line) <= room, (name, line, room)
            seen += 1
    if view.event is not None:
        result = view.controller.explain(explain_select(view), current_example(view).index)
        shown = app.query_one("#debugger-equation", Static).content.plain.splitlines()
        at = 0
        for line in result.lines:
            for step in line.render().splitlines():  # each step, as the debugger wrote it
                wrapped = wrap_equation(step, room)
                assert shown[at : at + len(wrapped)] == wrapped
                assert joined(wrapped) == step  # nothing cut, nothing dropped
                at += len(wrapped)
        assert at == len(shown)
    return seen


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scenario", ["xor", "spiral"])
async def test_no_equation_line_is_cut_in_the_debugger(lab_app, size, scenario):
    app = lab_app(scenario)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if size[0] < 110:
            app.action_show_tab("debugger")
            await pilot.pause()
        seen = 0
        wrapped = 0
        while True:
            await pilot.press("s")
            event = app.session.view.event
            for select in selections(event, app.session.run.net):
                if select is not None:
                    app.post_message(select)
                await pilot.pause()
                seen += check_side(app)
                equation = app.query_one("#debugger-equation", Static).content.plain
                wrapped += sum(line.startswith("      ") for line in equation.splitlines())
            if event.kind == "step_end":
                break
        assert seen > 50 and wrapped > 0  # long equations were there, and were wrapped


def test_the_lines_that_were_cut_before_are_wrapped_at_operators():
    forward = "    = 0.1500 × 0.05000 + 0.2000 × 0 + 0.3500"
    assert wrap_equation(forward, 30) == ["    = 0.1500 × 0.05000", "        + 0.2000 × 0 + 0.3500"]
    bce = "C₀ = −(1/(B·n)) Σ [y log a + (1 − y) log(1 − a)]"
    lines = wrap_equation(bce, 34)
    assert lines == ["C₀ = −(1/(B·n)) Σ [y log a", "       + (1 − y) log(1 − a)]"]
    assert wrap_equation(bce, 80) == [bce]
    assert wrap_equation(bce, None) == [bce]


def test_a_word_wider_than_the_line_is_cut_with_a_mark():
    lines = wrap_equation("x = 0.1234567890123", 8)
    assert all(cells(line) <= 8 for line in lines)
    assert any(line.endswith(CUT) for line in lines)
    assert "".join(line.strip().removesuffix(CUT) for line in lines).replace(" ", "") == (
        "x=0.1234567890123"
    )


TOKENS = st.sampled_from(
    ["0.1500", "(-0.02422)", "W²₀₁", "δ³ₖ", "σ′(z²₁)", "(1 − y)", "log(1 − a)", "m̂", "1.000"]
)
OPERATORS = st.sampled_from([" + ", " − ", " × ", " · ", " / ", " = "])


@given(
    st.lists(st.tuples(OPERATORS, TOKENS), max_size=14),
    TOKENS,
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=16, max_value=100),
)
def test_wrapped_equations_fit_and_join_back(rest, first, lead, width):
    text = " " * lead + "= " + first + "".join(op + token for op, token in rest)
    lines = wrap_equation(text, width)
    assert all(cells(line) <= width for line in lines)
    if not any(line.endswith(CUT) for line in lines):
        assert joined(lines) == text
    for line in lines[1:]:  # continuations start with an operator or a word of the piece
        assert line.startswith(" ")
