"""The Debugger panel shows a long sum's largest terms: at exploding-gradients' divergence the
equation of z²₇ = -inf names the one term that is not 0, W²₇,₂₀ a¹₂₀, with its numbers, where it
showed four ``× 0`` terms (new-user audit, finding E3). The panel writes the explanation line
mode's ``explain`` writes, wrapped to its column, at 80×24 and 120×40, no number cut."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from engine.debugger.formatting import cells
from tui.panels.debugger_panel import DebuggerPanel


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_divergence_equation_shows_the_term_that_makes_it(lab_app, settle, size):
    app = lab_app("exploding-gradients")
    async with app.run_test(size=size) as pilot:
        await pilot.press("space")
        await settle(pilot)
        if size[0] < 110:
            app.action_show_tab("debugger")
        await pilot.pause(0.2)
        view = app.session.view
        assert view.status == "diverged"
        room = app.query_one(DebuggerPanel).widths()[1]
        shown = app.query_one("#debugger-equation", Static).content.plain
        expected = view.controller.explain((7,), 0)  # what line mode's 'explain 7' writes
        assert shown == "\n".join(line.render(width=room) for line in expected.lines)
        assert all(cells(line) <= room for line in shown.splitlines())
        one_line = " ".join(part.strip() for part in shown.splitlines())
        assert "= W²₇,₂₀ a¹₂₀ + … (31 more terms, all 0) + b²₇" in one_line
        assert "= (-3.992e198) × 8.450e187 + … (31 more terms, all 0) + (-7.562e187)" in one_line
        assert "= -inf" in one_line
