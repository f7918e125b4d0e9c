"""The gradients panel: a bar per layer, bands for vanishing and exploding, history, switch."""

from __future__ import annotations

import numpy as np
import pytest
from panel_harness import PanelApp, make_view, record_steps
from textual.widgets import Select, Static

from tui.messages import CycleStat
from tui.panels.format import fmt
from tui.panels.gradient_bands import BAND_STYLES, BANDS, axis_labels, band, legend, position
from tui.panels.gradients_panel import GradientsPanel, covered_steps, fit, fitted
from tui.view import STATS


def bar_lines(app) -> list:
    content = app.query_one("#gradients-bars", Static).content
    return content.plain.splitlines(), content


def styles_on_line(content, line_no: int) -> set:
    plain = content.plain
    start = sum(len(line) + 1 for line in plain.splitlines()[:line_no])
    end = start + len(plain.splitlines()[line_no])
    return {str(s.style) for s in content.spans if s.start < end and s.end > start}


async def test_one_bar_per_layer_with_the_recorded_value():
    view = make_view("xor", steps=3)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines, _ = bar_lines(app)
        assert len(lines) == view.run.net.L == 2
        grad_norms = view.run.history.steps.last()[2][:, 0]
        for l, line in enumerate(lines, start=1):
            assert line.startswith(f"l{l}")
            assert line.split()[-1] == fmt(grad_norms[l - 1], 3)
        history = app.query_one("#gradients-history", Static).content.plain.splitlines()
        assert len(history) == 2


async def test_vanishing_and_exploding_layers_take_their_band_colours():
    view = make_view("xor")
    record_steps(view, 4, grad_norm=[1e-9, 1e3])
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.bands == ["vanishing", "exploding"]
        lines, content = bar_lines(app)
        assert lines[0].split()[-1] == "1e-9" and lines[1].split()[-1] == "1,000"
        assert BAND_STYLES["vanishing"] in styles_on_line(content, 0)
        assert BAND_STYLES["exploding"] in styles_on_line(content, 1)
        assert BAND_STYLES["exploding"] not in styles_on_line(content, 0)
        legend = app.query_one("#gradients-legend", Static).content.plain
        assert "vanishing <1e-5" in legend and "exploding >1e2" in legend


async def test_a_large_value_is_written_in_groups_of_three_as_the_lab_writes_counts():
    view = make_view("xor")
    record_steps(view, 4, grad_norm=[12769.3, 0.5])
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines, _ = bar_lines(app)
        assert lines[0].split()[-1] == "12,769"  # was "12769"
        caption = app.query_one("#gradients-history-title", Static).content.plain
        assert caption.endswith("0.5…12,769"), caption


async def test_nan_statistics_render_as_words_without_errors():
    view = make_view("xor")
    record_steps(view, 3, grad_norm=[float("nan"), float("inf")])
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines, _ = bar_lines(app)
        assert lines[0].split()[-1] == "nan" and lines[1].split()[-1] == "inf"
        assert app.panel.bands == ["nan", "exploding"]  # +∞ lies past the high end
        history = app.query_one("#gradients-history", Static).content.plain
        assert "!" in history


async def test_switching_the_statistic_redraws_and_the_select_asks_the_app():
    view = make_view("xor")
    record_steps(view, 2, dead_fraction=[0.95, 0.0], grad_norm=0.1)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view.stat = "dead_fraction"
        app.panel.refresh_view(view)
        lines, _ = bar_lines(app)
        assert lines[0].split()[-1] == "95%" and lines[1].split()[-1] == "0%"
        assert app.panel.bands == ["very high", "ok"]
        assert app.requests(CycleStat) == []  # following the view is not a request
        app.query_one("#gradients-stat", Select).value = "update_ratio"
        await pilot.pause()
        assert [m.stat for m in app.requests(CycleStat)] == ["update_ratio"]


async def test_no_steps_yet_says_so():
    view = make_view("xor")
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "no steps yet" in app.query_one("#gradients-bars", Static).content.plain


@pytest.mark.parametrize("stat", list(STATS))
def test_every_statistic_has_bands_and_a_monotone_axis(stat):
    b = BANDS[stat]
    assert position(stat, b.lo) == 0.0 and position(stat, b.hi) == 1.0
    assert band(stat, b.high * 1.01) == b.high_name
    if b.low is not None:
        # low, and far under a later layer (``VANISHING_DECADES``: else, where the statistic has
        # one, the quiet band)
        assert band(stat, b.low / 10, later=b.high) == b.low_name
    assert band(stat, float("nan")) == "nan"


def deep_view(L: int, steps: int = 3):
    """A view of a run of vanishing-gradients (7 layers) or of a deeper net of the same kind."""
    if L == 7:
        return make_view("vanishing-gradients", steps=steps)
    layers = [{"size": 4, "activation": "tanh"} for _ in range(L - 1)]
    layers.append({"size": 1, "activation": "sigmoid"})
    overrides = ["network.layers=" + repr(layers).replace("'", '"').replace(":", " =")]
    return make_view("vanishing-gradients", steps=steps, overrides=overrides)


@pytest.mark.parametrize("size", [(40, 19), (80, 19)])  # the 120×40 grid cell, the 80×24 tab
@pytest.mark.parametrize("L", [7, 12])
async def test_deep_networks_fit_one_row_per_layer_with_their_labels(size, L):
    view = deep_view(L)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        layout = app.panel.fit
        assert not layout.stacked and not layout.scroll
        bars = app.query_one("#gradients-bars", Static).content.plain.splitlines()
        assert len(bars) == L
        inner = size[0] - 4  # border and padding
        for l, line in enumerate(bars, start=1):
            assert line.split()[0] == f"l{l}"
            assert len(line) <= inner, line  # nothing wraps or is cut
        # each row's value, to three significant digits
        values = view.run.history.steps.last()[2][:, 0]
        shown = [next(t for t in line.split()[1:] if t[0].isdigit()) for line in bars]
        assert shown == [fmt(v, 3) for v in values]
        for text, v in zip(shown, values):
            assert float(text) == pytest.approx(v, rel=5e-3)
            assert len(text.split("e")[0].replace(".", "").lstrip("0")) <= 3
        # every layer's row, the axis and the legend are on the screen, none scrolled away, and
        # each takes as many rows as it has lines (nothing wrapped)
        scroll = app.query_one("#gradients-scroll")
        assert scroll.max_scroll_y == 0
        heights = {
            name: app.query_one(f"#gradients-{name}", Static).size.height
            for name in ("bars", "axis", "legend")
        }
        assert heights == {"bars": L, "axis": 2, "legend": 1}
        axis = app.query_one("#gradients-axis", Static).content.plain
        legend_text = app.query_one("#gradients-legend", Static).content.plain
        assert "steps 1–3" in axis and "log " in axis
        assert "vanishing" in legend_text and "exploding" in legend_text
        assert max(len(line) for line in (axis + "\n" + legend_text).splitlines()) <= inner


async def test_beyond_a_dozen_layers_the_rows_scroll_without_wrapping():
    view = deep_view(20)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(40, 19)) as pilot:
        await pilot.pause()
        assert app.panel.fit.scroll
        scroll = app.query_one("#gradients-scroll")
        assert scroll.max_scroll_y > 0
        bars = app.query_one("#gradients-bars", Static)
        assert bars.size.height == 20  # one row per layer: no wrapped rows
        assert all(
            len(line) <= scroll.scrollable_content_region.width
            for line in bars.content.plain.splitlines()
        )


async def test_few_layers_keep_the_history_block_under_the_bars():
    view = make_view("xor", steps=3)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(40, 19)) as pilot:
        await pilot.pause()
        assert app.panel.fit.stacked
        history = app.query_one("#gradients-history", Static)
        assert history.display and len(history.content.plain.splitlines()) == 2
        title = app.query_one("#gradients-history-title", Static).content.plain
        assert title.startswith("steps 1–3, log ") and len(title) <= 36


@pytest.mark.parametrize(
    "L,width,height,stacked,scroll",
    [
        (2, 36, 16, True, False),
        (6, 36, 16, True, False),
        (7, 36, 16, False, False),
        (13, 36, 16, False, False),
        (14, 36, 16, False, True),
        (7, 76, 20, True, False),
    ],
)
def test_fit_chooses_the_layout_by_the_rows_needed(L, width, height, stacked, scroll):
    layout = fit(L, width, height)
    assert (layout.stacked, layout.scroll) == (stacked, scroll)
    assert layout.rows <= height or scroll
    assert layout.width + (1 if scroll else 0) <= width
    if not stacked:
        assert layout.history >= 4 and layout.track >= 6


def test_the_history_caption_shortens_to_fit_and_never_cuts_a_number():
    caption = ("steps 1–216", "1–216", "log", "0.0708…0.2560")
    assert fitted(*caption, 40) == "steps 1–216, log 0.0708…0.2560"
    assert fitted(*caption, 26) == "steps 1–216, 0.0708…0.2560"
    assert fitted(*caption, 20) == "1–216, 0.0708…0.2560"
    assert fitted(*caption, 12) == "0.0708…0.2560"
    assert fitted("step 3", "3", "linear", "0…1", 30) == "step 3, linear 0…1"


@pytest.mark.parametrize("width", [24, 26, 30, 40])
async def test_the_history_caption_fits_the_panel(width):
    view = make_view("spiral", steps=216)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(width, 19)) as pilot:
        await pilot.pause()
        assert app.panel.fit.stacked
        title = app.query_one("#gradients-history-title", Static)
        text = title.content.plain
        assert len(text) <= title.content_region.width
        assert text.endswith(fmt(float(text.rpartition("…")[2]), 4))  # the upper bound whole


def test_axis_labels_keep_the_thresholds_when_short_of_room():
    assert axis_labels("grad_norm", 12).split() == ["1e-5", "1e2"]
    assert axis_labels("grad_norm", 40).split() == ["1e-8", "1e-5", "1e2", "1e4"]


def test_the_legend_shortens_to_fit():
    """One line with the thresholds, else a line a band with them, else names alone. In the
    lab's 120×40 grid with the lesson (26 cells) it read "━ vanishing ━ exploding" under an
    axis too narrow for the 1e2 tick: nothing on screen said where "exploding" begins."""
    assert legend("grad_norm", 80).plain == "━ vanishing <1e-5  ━ exploding >1e2"
    assert legend("grad_norm", 30).plain == "━ vanishing <1e-5\n━ exploding >1e2"
    assert legend("grad_norm", 16).plain == "━ vanishing ━ exploding"
    assert legend("dead_fraction", 40).plain == "█ high >50%  █ very high >90%"
    assert legend("dead_fraction", 26).plain == "█ high >50%\n█ very high >90%"


async def test_a_narrow_panel_names_both_thresholds_on_two_lines():
    view = make_view("xor")
    record_steps(view, 3, grad_norm=0.1)  # 0 in every layer is zero, a third legend name
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(30, 20)) as pilot:  # 26 cells inside, as in the lab's grid
        await pilot.pause()
        legend_widget = app.query_one("#gradients-legend", Static)
        assert legend_widget.content.plain == "━ vanishing <1e-5\n━ exploding >1e2"
        assert legend_widget.size.height == 2
        assert app.query_one("#gradients-scroll").max_scroll_y == 0


async def test_an_all_zero_history_says_so_instead_of_an_axis_range():
    view = make_view("xor")
    record_steps(view, 5, grad_norm=0.0)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(40, 19)) as pilot:
        await pilot.pause()
        title = app.query_one("#gradients-history-title", Static).content.plain
        assert title == "steps 1–5, log all 0"
        lines, _ = bar_lines(app)
        assert [line.split()[-1] for line in lines] == ["0", "0"]
        # 0 in the output layer too: nothing vanished on its way back, none came at all
        assert app.panel.bands == ["zero", "zero"]


@pytest.mark.parametrize("width", [30, 60])
async def test_the_step_beside_the_menu_is_whole_or_left_out(width):
    """Beside the statistic's menu (24 cells) "step 216" needs 9; in the lab's 120×40 grid with
    the lesson open the panel keeps 1 cell there, and it showed a lone "s"."""
    app = PanelApp(GradientsPanel(), make_view("spiral", steps=216))
    async with app.run_test(size=(width, 19)) as pilot:
        await pilot.pause()
        steps = app.query_one("#gradients-steps", Static)
        text = str(steps.content)
        assert len(text) <= steps.content_region.width
        assert text == ("step 216" if width == 60 else "")


def test_an_infinite_update_ratio_is_drawn_past_the_high_band_not_as_nan():
    """The first step from zero weights has ‖ΔW‖/‖W‖ = +∞: a full bar in the large-step style
    and a full history column, not the empty bar and "!" of a NaN."""
    import math

    import numpy as np

    from tui.panels.gradient_bands import BAND_STYLES, band, bar
    from tui.panels.gradients_panel import LEVELS, history_strip

    assert band("update_ratio", math.inf) == "large step"
    assert band("update_ratio", math.nan) == "nan" and band("update_ratio", -math.inf) == "nan"
    full = bar("update_ratio", math.inf, 10)
    assert full.plain == "█" * 10
    assert all(BAND_STYLES["large step"] in str(span.style) for span in full.spans)
    strip = history_strip("update_ratio", np.array([math.inf, 1e-3, math.nan]), 1e-6, 1e-1)
    assert strip.plain[0] == LEVELS[-1] and strip.plain[2] == "!"


def paused_after(scenario: str, steps: int, overrides=()):
    """A view of ``scenario`` trained ``steps`` steps on the debugger's fast path, as the lab
    trains (``follow_run``: the run records every step at first, then one in 2, 4, …), paused
    at the last step's end."""
    from engine.debugger.follow import follow_run
    from scenarios import build_run, load_scenario
    from tui.view import LabView

    sc = load_scenario(scenario, tuple(overrides))
    run = build_run(sc)
    controller = follow_run(run, history=200)
    controller.run(steps)
    view = LabView(run=run, controller=controller, scenario=sc, status="paused")
    view.event = controller.event
    return view


def stats_shown(view, step: int):
    """The ‖∂C/∂W‖ of each layer at ``step`` as the Debugger's StepEnd has them."""
    controller = view.controller
    return [s.grad_norm for s in controller.stats_of(controller.timeline.get(step))]


async def test_the_bars_and_the_history_reach_the_step_the_lab_stands_at():
    """vanishing-gradients paused at the end of step 1,243, which the run did not record
    (from step 1,024 it records one step in 4): the bars showed step 1,240's statistics and
    the caption read 'steps 1–1,240'. Going back into step 1,243 (its last Update), the step
    completed is 1,242, also unrecorded."""
    view = paused_after("vanishing-gradients", 1243, ["training.epochs=200"])
    assert view.run.history.steps.last()[0] == 1240  # the run's own record ends before
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        for step in (1243, 1242):
            if step == 1242:
                view.controller.back()
                view.event = view.controller.event
                assert view.event.kind == "update"
            app.panel.refresh_view(view)
            await pilot.pause()
            lines, _ = bar_lines(app)
            expected = [fmt(g, 3) for g in stats_shown(view, step)]
            assert [line.split()[-1] for line in lines] == expected
            caption = app.query_one("#gradients-history-title", Static).content.plain
            assert caption.startswith(f"steps 1–{step:,},"), caption


def test_the_steps_covered_start_at_the_first_step_an_old_bucket_holds():
    """A bucket of steps 1–4 has the mean step 2.5: the strips cover steps 1–10, not 2–10."""
    from engine.history import StatsHistory
    from engine.stats import LayerStats

    history = StatsHistory(1, recent=2, coarse=2)
    history.record_many(np.arange(1, 11), np.zeros(10), np.ones((10, 1, len(LayerStats._fields))))
    arrays = history.snapshot()
    assert arrays.counts[0] > 1  # the oldest point is a bucket
    assert covered_steps(arrays) == (1, 10)


@pytest.mark.parametrize("size", [(120, 40), (40, 19)])  # history block / strips beside the bars
async def test_the_caption_range_holds_every_value_the_bars_show(size):
    """vanishing-gradients after 300 steps: l7's last step, 0.523, is above the mean of every
    column of its strip; the caption, the range of the means, read 'log 4.66e-6…0.42' under
    that bar (120×40) and 'log 1e-5…0.227' beside it (40×19)."""
    view = make_view("vanishing-gradients", steps=300)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        layout = app.panel.fit
        assert layout.stacked == (size == (120, 40))
        if layout.stacked:
            caption = app.query_one("#gradients-history-title", Static).content.plain
        else:
            caption = app.query_one("#gradients-axis", Static).content.plain
        lo, hi = (float(x.replace(",", "")) for x in caption.split()[-1].split("…"))
        lines, _ = bar_lines(app)
        shown = [float(line.split()[-1 if layout.stacked else -2]) for line in lines]
        assert shown == pytest.approx(app.panel.values, rel=5e-3)
        assert all(lo <= v <= hi for v in shown), (caption, shown)
        assert hi == max(shown)  # the top of the scale is l7's bar, as written
