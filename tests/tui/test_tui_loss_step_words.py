"""The Loss panel's figures say which step they are after — the last one completed — so inside
step 1 it does not read "epoch 0 step 0" beside the status line's and the Debugger's "step 1 ·
epoch 1" (new-user audit of watching training: the same screen read as a contradiction)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tui.panels.loss_panel import LossPanel


def loss_stats(app) -> str:
    return str(app.query_one(LossPanel).query_one("#loss-stats", Static).render())


def status(app) -> str:
    return str(app.query_one("#status-line", Static).render())


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_inside_a_step_the_loss_panel_names_the_last_step_done(lab_app, settle, size):
    app = lab_app("xor")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.action_show_tab("loss")  # a tab of its own at 80x24
        await settle(pilot)
        for _ in range(3):  # into step 1: StepStart, Forward(l=1), Forward(l=2)
            await pilot.press("s")
        await settle(pilot)
        assert "step 1 · epoch 1" in status(app)
        stats = loss_stats(app)
        assert "no step done yet" in stats, stats
        assert "step 0" not in stats and "epoch 0" not in stats, stats

        controller = app.session.controller
        while not controller.position.at_step_end:  # to the end of step 1
            await pilot.press("s")
        await settle(pilot)
        assert "step 1 · epoch 1" in status(app)
        assert "after step 1  (epoch 1)" in loss_stats(app)

        for _ in range(2):  # into step 2: the figures are still step 1's
            await pilot.press("s")
        await settle(pilot)
        assert "step 2 · epoch 2" in status(app)
        stats = loss_stats(app)
        assert "after step 1  (epoch 1)" in stats, stats
        assert "step 2" not in stats, stats
