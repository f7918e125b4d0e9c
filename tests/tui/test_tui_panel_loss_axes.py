"""Plots that do not mislead: every curve is named, the log axis is labelled down
to the curve's minimum, a nearly flat loss is drawn nearly flat (and says how little it moves),
a spike that presses the curve into the bottom row asks for the log scale, and the gradients'
history strips do not magnify a level magnitude either."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from panel_harness import PanelApp, make_view, record_steps
from textual.widgets import Button, Static

from engine.debugger.formatting import cells
from tui.panels.format import log_ticks
from tui.panels.gradients_panel import MIN_DECADES, strip_range
from tui.panels.loss_axes import MIN_SPAN, y_range
from tui.panels.loss_panel import NOTHING_ABOVE_ZERO, LossPanel

PANEL = (38, 20)  # the Loss panel's size in the 120×40 grid


def stats(app) -> str:
    return app.query_one("#loss-stats", Static).content.plain


async def test_the_validation_curve_is_named_and_the_legend_fits():
    view = make_view("overfitting", steps=3)  # full batches: three epochs, three val losses
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        label = app.query_one("#loss-scale-label", Static)
        assert (
            "━batch loss" in label.content.plain and "━val loss" in label.content.plain
        )  # 38 cells
        assert cells(label.content.plain) <= label.region.width  # not cut by the button
        button = app.query_one("#loss-log", Button)
        assert str(button.label) == "y: linear"  # the scale, named once
        view.log_scale = True
        app.panel.refresh_view(view)
        await pilot.pause()
        assert str(button.label) == "y: log"
        assert "linear" not in label.content.plain and "log" not in label.content.plain


async def test_the_log_axis_is_labelled_down_to_the_curves_minimum():
    view = make_view("xor")
    loss = np.geomspace(0.7, 0.0105, 300)  # xor's run: ticks stopped at 0.2
    record_steps(view, 300, loss=loss)
    view.log_scale = True
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        labels = [float(text) for text in app.panel.y_labels]
        assert min(labels) <= loss.min() and len(labels) >= 3
        assert max(labels) >= 0.1


@pytest.mark.parametrize(
    "lo,hi", [(0.0105, 0.7), (0.0099, 0.71), (1e-5, 10.0), (0.3, 0.31), (1.0, 1e300)]
)
def test_log_ticks_start_at_or_below_the_minimum(lo, hi):
    ticks = log_ticks(math.log10(lo), math.log10(hi))
    assert 2 <= len(ticks) <= 5
    assert ticks[0] <= math.log10(lo) + 1e-9
    assert ticks[1] <= math.log10(hi) + 1e-9 or len(ticks) == 2  # above hi: only the 2nd of 2
    assert ticks == sorted(ticks)


async def test_a_nearly_flat_loss_is_drawn_flat_and_says_so():
    view = make_view("xor")
    loss = 0.6930 + 0.0015 * np.abs(np.sin(np.arange(300) / 20))  # dying-relu's plateau
    record_steps(view, 300, loss=loss)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        lo, hi = y_range(app.panel.plotted)
        plotted = app.panel.plotted
        assert hi - lo >= MIN_SPAN * plotted.max() - 1e-12  # not magnified to the full height
        assert lo <= plotted.min() and hi >= plotted.max()
        # what is drawn: the means and, under them, the steps' range (down to 0.6930)
        assert "nearly flat: 0.693–0.6945 (±0.1%)" in stats(app)
        values = [float(text) for text in app.panel.y_labels]
        assert values[-1] - values[0] >= 0.02


@pytest.mark.parametrize("log_scale", [False, True])
async def test_a_loss_of_exactly_zero_is_drawn(log_scale):
    """A network that fits its data exactly: every loss 0. The axis had no height, and
    plotext divided by it (ZeroDivisionError: the lab closed with a traceback)."""
    view = make_view("xor")
    record_steps(view, 300, loss=np.zeros(300))
    view.log_scale = log_scale
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        plot = app.panel.query_one("#loss-plot")
        assert plot.builds
        # on the log axis no point can be drawn: it says so, not "space: train"
        assert (app.panel.hint == NOTHING_ABOVE_ZERO) == log_scale
    assert y_range(np.zeros(5)) == (0.0, 1.0)


async def test_the_last_epochs_figures_say_which_epoch_they_are_of():
    """Inside epoch 3 (step 27 of vanishing-gradients' ten batches an epoch) the train-set loss
    and accuracy shown are epoch 2's: they say so; at an epoch's last step they need not."""
    view = make_view("vanishing-gradients", steps=27)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        assert "after epoch 2: train-set loss" in " ".join(stats(app).split())
    view = make_view("vanishing-gradients", steps=20)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        assert "after epoch" not in stats(app) and "train-set loss" in stats(app)


async def test_a_loss_that_moves_is_not_widened():
    view = make_view("xor", steps=40)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        loss = view.run.history.steps.loss()
        assert y_range(app.panel.plotted) == (loss.min(), loss.max())
        assert "nearly flat" not in stats(app)


async def test_a_spike_that_flattens_the_curve_suggests_the_log_scale():
    view = make_view("xor")
    loss = np.full(300, 0.5)
    loss[150:160] = 1e6  # learning-rate-too-high's burst
    record_steps(view, 300, loss=loss)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        assert "l for log" in stats(app)
        view.log_scale = True
        app.panel.refresh_view(view)
        await pilot.pause()
        assert "l for log" not in stats(app)


async def test_a_diverging_loss_suggests_the_log_scale():
    view = make_view("xor")
    record_steps(view, 300, loss=np.geomspace(2.0, 1e40, 300))  # learning-rate-too-high
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=PANEL) as pilot:
        await pilot.pause()
        # the loss's own decades, 2 … 1e40, not the clipped plot's 2 … 1e30
        assert re.search(r"the loss spans 39 decades: l for log", stats(app))


def test_history_strips_do_not_magnify_a_level_magnitude():
    lo, hi = strip_range("grad_norm", [np.array([0.100, 0.102, 0.101])])
    assert math.log10(hi) - math.log10(lo) >= MIN_DECADES - 1e-12 and lo <= 0.1 <= 0.102 <= hi
    assert strip_range("grad_norm", [np.array([1e-6, 0.1])]) == (1e-6, 0.1)  # a real change
    lo, hi = strip_range("dead_fraction", [np.array([0.98, 1.0])])
    assert (lo, hi) == (pytest.approx(0.9), 1.0)
