"""After one step the Loss panel has one point: its axis is widened around it, but it says
nothing about a flatness one point cannot have — it read "nearly flat: 0.7053–0.7053 (±0%)"
after vanishing-gradients' first step, before the lesson asks to train and watch the loss
barely move. With two points or more the note is as before."""

from __future__ import annotations

import numpy as np
from panel_harness import PanelApp, make_view, record_steps
from textual.widgets import Static

from tui.panels.loss_panel import LossPanel

PANEL = (28, 18)  # the Loss panel's size in the 120×40 grid beside the lesson


def stats(app) -> str:
    return app.query_one("#loss-stats", Static).content.plain


async def test_one_point_is_not_called_nearly_flat():
    view = make_view("vanishing-gradients")
    record_steps(view, 1, loss=np.array([0.7053]))
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        assert app.panel.flat is None
        assert "nearly flat" not in stats(app) and "0.7053" in stats(app)


async def test_two_points_that_barely_move_still_are():
    view = make_view("vanishing-gradients")
    record_steps(view, 2, loss=np.array([0.7053, 0.7050]))
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        assert "nearly flat: 0.705–0.7053" in stats(app)
