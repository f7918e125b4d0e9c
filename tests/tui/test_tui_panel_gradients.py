"""The gradients panel: a bar per layer, bands for vanishing and exploding, history, switch."""

from __future__ import annotations

import pytest
from panel_harness import PanelApp, make_view, record_steps
from textual.widgets import Select, Static

from tui.messages import CycleStat
from tui.panels.gradients_panel import BAND_STYLES, BANDS, GradientsPanel, band, position
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
            assert line.split()[-1] == f"{grad_norms[l - 1]:.4g}"
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
        assert lines[0].split()[-1] == "1e-9" and lines[1].split()[-1] == "1000"
        assert BAND_STYLES["vanishing"] in styles_on_line(content, 0)
        assert BAND_STYLES["exploding"] in styles_on_line(content, 1)
        assert BAND_STYLES["exploding"] not in styles_on_line(content, 0)
        legend = app.query_one("#gradients-legend", Static).content.plain
        assert "vanishing <1e-5" in legend and "exploding >1e2" in legend


async def test_nan_statistics_render_as_words_without_errors():
    view = make_view("xor")
    record_steps(view, 3, grad_norm=[float("nan"), float("inf")])
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines, _ = bar_lines(app)
        assert lines[0].split()[-1] == "nan" and lines[1].split()[-1] == "inf"
        assert app.panel.bands == ["nan", "nan"]
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
    assert band(stat, b.high * 1.01) in ("exploding", "high")
    if b.low is not None:
        assert band(stat, b.low / 10) == "vanishing"
    assert band(stat, float("nan")) == "nan"
