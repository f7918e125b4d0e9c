"""The loss panel: the plot follows the history, downsampled; log scale; NaN as a word."""

from __future__ import annotations

import time

import numpy as np
import pytest
from panel_harness import PanelApp, make_view, record_steps
from textual.widgets import Static

from tui.messages import ToggleLogScale
from tui.panels.format import WARNING
from tui.panels.loss_panel import LossPanel
from tui.panels.loss_sampling import MAX_POINTS, downsample, spread
from tui.panels.plot import CachedPlot


async def test_plot_and_numbers_follow_the_run():
    view = make_view("xor", steps=40)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.points == 40
        stats = app.query_one("#loss-stats", Static).content.plain
        last_loss = view.run.history.steps.last()[1]
        metrics = view.run.history.epochs.last
        assert "epoch 40" in stats and "step 40" in stats
        assert f"batch loss {last_loss:.4g}" in stats
        assert f"train-set loss {metrics.train_loss:.4g}" in stats
        assert "acc " in stats  # a classification run reports its accuracy


async def test_log_toggle_changes_the_y_scale_and_the_button_asks_for_it():
    view = make_view("xor", steps=20)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        loss = view.run.history.steps.loss()
        np.testing.assert_allclose(app.panel.plotted, loss)
        view.log_scale = True
        app.panel.refresh_view(view)
        np.testing.assert_allclose(app.panel.plotted, np.log10(loss))
        # labelled with round losses themselves, placed at their logarithms, from the round
        # loss at or below the minimum
        labels = [float(text) for text in app.panel.y_labels]
        assert len(labels) >= 2
        assert labels[0] <= loss.min() < labels[1] and all(v <= loss.max() for v in labels)
        np.testing.assert_allclose(app.panel.y_ticks, np.log10(labels))
        assert str(app.query_one("#loss-log").label) == "y: log"
        await pilot.resize_terminal(100, 30)  # repainting the log plot must not fail
        await pilot.pause()
        view.log_scale = False
        app.panel.refresh_view(view)
        np.testing.assert_allclose(app.panel.plotted, loss)
        await pilot.click("#loss-log")
        await pilot.pause()
        assert len(app.requests(ToggleLogScale)) == 1


async def test_still_fluid_after_a_hundred_thousand_steps():
    view = make_view("xor")
    record_steps(view, 100_000, loss=np.linspace(1.0, 0.01, 100_000), grad_norm=0.1)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert 0 < app.panel.points <= MAX_POINTS
        record_steps(view, 10, loss=0.01)
        start = time.perf_counter()
        for _ in range(5):
            record_steps(view, 1, loss=0.01)
            app.panel.refresh_view(view)
        assert (time.perf_counter() - start) / 5 < 0.05  # well under a frame at 15 Hz


async def test_non_finite_loss_is_a_word_in_the_warning_colour_and_not_plotted():
    view = make_view("xor", steps=5)
    record_steps(view, 1, loss=float("nan"))
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        content = app.query_one("#loss-stats", Static).content
        assert "batch loss nan" in content.plain and "not plotted" in content.plain
        start = content.plain.index("nan")
        assert any(s.start == start and s.style == WARNING for s in content.spans)
        assert app.panel.points == 5
        view.log_scale = True
        app.panel.refresh_view(view)  # log scale with a NaN: no exception
        assert app.panel.points == 5


def test_downsample_keeps_the_shape_and_drops_non_finite_points():
    x = np.arange(1000, dtype=float)
    y = x.copy()
    y[10] = np.nan
    xs, ys = downsample(x, y, 100)
    assert xs.shape == (100,) and np.all(np.isfinite(ys))
    assert np.all(np.diff(ys) > 0)  # a rising line stays rising
    assert abs(xs.mean() - x.mean()) < 10


def test_spread_keeps_what_averaging_hides():
    x = np.arange(1.0, 11.0)
    y = np.ones(10)
    y[4] = 9.0  # one step's spike
    y[7] = np.nan  # left out, as downsample leaves it out
    xs, means = downsample(x, y, 3)
    xs_band, low, high = spread(x, y, y, 3)
    np.testing.assert_array_equal(xs_band, xs)
    assert means.max() < 4 and high.max() == 9.0  # the mean hides it, the range does not
    np.testing.assert_array_equal(low, [1.0, 1.0, 1.0])
    assert spread(x, y, y, 20) is None  # nothing averaged, nothing hidden
    # points that are themselves buckets of steps bring their own extremes
    _, low, high = spread(x, y - 0.5, y + 2, 3)
    assert low.min() == 0.5 and high.max() == 11.0


def test_averaged_points_are_means_over_steps_not_over_points():
    """A point of the history may be an old bucket of many steps: a run that joins it and
    exact steps is the mean over its steps (the bucket counted for one step before)."""
    x, y, counts = np.array([1.0, 2.0, 3.0, 4.0]), np.array([4.0, 0.0, 0.0, 0.0]), [2, 1, 1, 1]
    xs, ys = downsample(x, y, 2, np.array(counts))
    np.testing.assert_allclose(xs, [4 / 3, 3.5])
    np.testing.assert_allclose(ys, [8 / 3, 0.0])
    xs_band, low, high = spread(x, y, y, 2, np.array(counts))
    np.testing.assert_array_equal(xs_band, xs)  # the range dots stand at the curve's points
    np.testing.assert_array_equal(low, [0.0, 0.0])
    np.testing.assert_array_equal(high, [4.0, 0.0])


def test_the_curve_of_a_long_run_keeps_the_mean_of_its_steps():
    """12,000 steps, the old ones folded into the history's buckets: reduced to one point,
    the curve is the mean loss over every step."""
    view = make_view("xor")
    loss = np.linspace(2.0, 0.01, 12_000) ** 2
    record_steps(view, 12_000, loss=loss)
    snapshot = view.run.history.steps.snapshot()
    assert snapshot.counts.max() > 1  # buckets of several steps, beside exact steps
    _, (mean,) = downsample(snapshot.steps, snapshot.loss, 1, snapshot.counts)
    assert mean == pytest.approx(loss.mean(), rel=1e-12)
    unweighted = downsample(snapshot.steps, snapshot.loss, 1)[1][0]
    assert unweighted != pytest.approx(loss.mean(), rel=1e-3)  # what the plot showed before


async def test_a_one_step_spike_stays_in_view_when_points_are_averaged():
    """Thousands of steps averaged into a few hundred points (the old ones first merged into
    the history's buckets): the axis reaches the spike, the dots of each point's range show it,
    and the legend names them; a run short enough to be drawn point for point has no range."""
    view = make_view("xor")
    loss = np.full(12_000, 0.5)
    loss[1234] = 50.0  # folded into an old bucket of the history by the steps after it
    record_steps(view, 12_000, loss=loss)
    snapshot = view.run.history.steps.snapshot()
    assert snapshot.counts[0] > 1 and snapshot.loss.max() < 50  # the bucket's mean hides it
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert panel.points <= MAX_POINTS and panel.plotted.max() < 5  # the averaged curve
        assert panel.banded and max(float(v) for v in panel.y_labels) >= 40
        assert "its range" in app.query_one("#loss-scale-label", Static).content.plain
        view.log_scale = True
        panel.refresh_view(view)
        assert max(panel.y_ticks) >= np.log10(40)
    short = make_view("xor", steps=40)
    app = PanelApp(LossPanel(), short)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.panel.banded
        assert "range" not in app.query_one("#loss-scale-label", Static).content.plain


async def test_a_diverging_loss_is_clipped_for_the_plot_and_labelled_readably():
    view = make_view("xor")
    record_steps(view, 50, loss=np.logspace(0, 300, 50))
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.clipped
        stats = app.query_one("#loss-stats", Static).content.plain
        assert "batch loss 1e300" in stats and "plot clipped at 1e30" in stats
        # the decades are the loss's own, not the clipped plot's (it said 30 beside 1e300)
        assert "the loss spans 300 decades" in stats
        built = app.query_one("#loss-plot", CachedPlot).plt.build()
        assert "1e30" in built  # the axis is drawn, with short labels
        assert "000000000" not in built


async def test_on_the_log_scale_a_loss_is_drawn_up_to_its_overflow():
    """learning-rate-too-high's loss quadruples a step for ~500 steps until it overflows; on
    the log scale it was clipped at 1e30 like the linear plot's values, so the straight line
    the lesson promises filled the first tenth of the plot and the rest lay flat under the lid
    (new-user audit). plotext is handed log₁₀ there (≤ 308): nothing needs clipping."""
    view = make_view("xor")
    view.log_scale = True
    record_steps(view, 50, loss=np.logspace(0, 300, 50))
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.plotted.max() == pytest.approx(300.0)  # 1e300 where it is
        assert not app.panel.clipped
        stats = app.query_one("#loss-stats", Static).content.plain
        assert "clipped" not in stats


async def test_axes_have_round_ticks_whole_steps_and_one_label_format():
    view = make_view("xor", steps=1)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.panel.x_labels == ["1"]  # one step: that step, not fractions around it
        for _ in range(1499):
            view.run.step()
        app.panel.refresh_view(view)
        await pilot.pause()
        steps = [int(text.replace(",", "")) for text in app.panel.x_labels]  # whole steps
        assert len(steps) >= 2 and all(t % 500 == 0 for t in steps), app.panel.x_labels
        labels = app.panel.y_labels
        assert len({len(text.partition(".")[2]) for text in labels}) == 1  # one format
        values = np.array([float(text) for text in labels])
        np.testing.assert_allclose(np.diff(values), values[1] - values[0])  # evenly spaced
        assert all(round(v / (values[1] - values[0]), 6).is_integer() for v in values)  # round


async def test_numbers_under_the_plot_break_between_items_not_inside_one():
    view = make_view("spiral", steps=30)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(34, 20)) as pilot:
        await pilot.pause()
        lines = app.query_one("#loss-stats", Static).content.plain.split("\n")
        assert len(lines) >= 2, lines
        for line in lines:  # every label keeps its number on its line
            assert line.split()[-1] not in {"epoch", "step", "loss", "acc"}, lines
