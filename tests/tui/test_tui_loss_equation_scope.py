"""The Debugger panel's Loss equation says C₀ is the whole batch's data loss, and gives the
selected output unit's own term beside it (a new-user audit read worked-example's 'Loss
(quadratic), output unit 0, example 0' over 'C₀ = … = 0.2984' as output 0's loss, 0.2748)."""

from __future__ import annotations

from panel_harness import PanelApp, make_view, move
from textual.widgets import Static

from tui.panels.debugger_panel import DebuggerPanel
from tui.view import Selection


def text(app, widget_id: str) -> str:
    return " ".join(app.query_one(f"#{widget_id}", Static).content.plain.split())


async def test_the_loss_equation_names_the_whole_batch_and_the_units_term():
    view = make_view("worked-example", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        move(view, "finish")  # the forward phase → Loss
        assert view.event.kind == "loss"
        view.selection = Selection(2, 1)  # output unit 1
        app.panel.refresh_view(view)
        await pilot.pause()
        title = text(app, "debugger-equation-title")
        assert title == (
            "Loss (quadratic): C₀ of the whole batch; ∂C/∂a for output unit 1, example 0"
        )
        assert "= (0.2748 + 0.02356) / 1 = 0.2984" in text(app, "debugger-equation")
        notes = text(app, "debugger-equation-notes")
        assert "C₀ is the data loss (C without the penalty; none here, so C = C₀)" in notes
        assert "of the whole batch" in notes
        assert "the term of output unit 1, example 0: ℓ1 = 0.02356" in notes
