"""Where the batch loss is named, the Loss panel says when it includes the L1/L2 penalty
(``engine.loss_names``: the batch loss has it, the train-set and val losses do not): in
overfitting-fixed-l2 the batch loss stays well above the train-set loss partly because of it,
and nothing on screen said so (new-user audit of the lessons, the comparison with overfitting)."""

from __future__ import annotations

import numpy as np
import pytest
from panel_harness import make_view
from textual.widgets import Static

from engine import live
from engine.loss_names import penalty_name
from tui.panels.loss_panel import LossPanel, legend
from tui.panels.loss_penalty import step_penalty, steps_penalty


def test_the_penalty_is_named_by_the_strengths_in_force():
    assert penalty_name(0.0, 0.0) == ""
    assert penalty_name(0.0, 0.01) == "L2 penalty"
    assert penalty_name(1e-4, 0.0) == "L1 penalty"
    assert penalty_name(1e-4, 0.01) == "L1+L2 penalty"


def test_a_penalty_turned_on_while_it_trains_counts_from_its_first_step():
    run = make_view("xor", steps=2).run
    trainer = run.trainer
    trainer.change(live.check(trainer, {"training.l2": 0.01}))  # in force from step 3
    with np.errstate(all="ignore"):
        run.step()
        run.step()
    trainer.change(live.check(trainer, {"training.l2": 0.0}))  # off again from step 5
    assert [step_penalty(trainer, s) for s in range(0, 6)] == [
        "",
        "",
        "",
        "L2 penalty",
        "L2 penalty",
        "",
    ]
    assert steps_penalty(trainer, 2) == ""  # steps 1–2: none had it
    assert steps_penalty(trainer, 3) == "L2 penalty"
    assert steps_penalty(trainer, 5) == "L2 penalty"  # some of steps 1–5 had it


def test_the_legend_puts_the_penalty_under_the_name_where_the_row_is_narrow():
    wide = legend(3, None, [], 40, penalty="L2 penalty")
    assert wide.plain == "━ batch loss + L2 penalty"
    narrow = legend(3, None, [], 14, penalty="L2 penalty")
    assert narrow.plain.split("\n") == ["━ batch loss", "  + L2 penalty"]
    assert legend(3, None, [], 14).plain == "━ batch loss"  # without a penalty: as before


def texts(app) -> tuple[str, str]:
    panel = app.query_one(LossPanel)
    label = str(panel.query_one("#loss-scale-label", Static).render())
    return label, str(panel.query_one("#loss-stats", Static).render())


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize(("scenario", "penalty"), [("overfitting-fixed-l2", True), ("xor", False)])
async def test_the_loss_panel_says_the_batch_loss_has_the_penalty(
    lab_app, settle, size, scenario, penalty
):
    app = lab_app(scenario)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.action_show_tab("loss")  # a tab of its own at 80x24
        controller = app.session.controller
        await pilot.press("s")
        while not controller.position.at_step_end:  # to the end of step 1
            await pilot.press("s")
        await settle(pilot)
        label, stats = texts(app)
        assert "batch loss" in label and "batch loss" in stats, (label, stats)
        assert ("+ L2 penalty" in label) is penalty, label
        assert ("(with L2 penalty)" in stats) is penalty, stats
        width = app.query_one(LossPanel).query_one("#loss-scale-label").size.width
        assert all(len(line) <= width for line in label.split("\n")), (label, width)


def test_the_comparison_says_which_run_s_batch_loss_has_the_penalty():
    """overfitting | overfitting-fixed-l2: B's 'batch loss 0.6129' stayed above A's without
    saying it includes the L2 penalty; said where the whole line fits, left out where not."""
    from scenarios.compare import pair
    from tui.comparison import Comparison
    from tui.panels.compare_panels import status_line
    from tui.view import counters

    comparison = Comparison(
        pair("overfitting", "overfitting-fixed-l2", overrides=["training.epochs=3"])
    )
    comparison.train("continue", cancelled=lambda: False)
    names = comparison.names
    problem, fix = (status_line(i, names[i], s.view) for i, s in enumerate(comparison.sessions))
    loss = counters(comparison.sessions[1].view)[3]
    assert f"batch loss {loss:.4g} (with L2 penalty)" in fix.plain, fix.plain
    assert "penalty" not in problem.plain, problem.plain
    wide = status_line(1, names[1], comparison.sessions[1].view, 118)
    assert wide.plain == fix.plain and wide.cell_length <= 118
    narrow = status_line(1, names[1], comparison.sessions[1].view, 70, epoch=False)
    assert narrow.cell_length <= 70 and "penalty" not in narrow.plain, narrow.plain
