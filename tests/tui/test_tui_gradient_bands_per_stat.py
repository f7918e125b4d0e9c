"""Each statistic of the Gradients panel is banded, and its legend worded, for what its value
means: ‖∂C/∂W‖ vanishing / exploding, mean |δ| on its own thresholds (δ carries the batch
mean's 1/B), the update ratio ‖ΔW‖/‖W‖ frozen / large step (a large step is not an exploding
gradient). ``tui.panels.gradient_bands.BANDS`` gives the thresholds and their reasons."""

from __future__ import annotations

import pytest
from panel_harness import PanelApp, make_view
from textual.widgets import Static

from tui.panels.gradient_bands import BAND_STYLES, BANDS, band, legend
from tui.panels.gradients_panel import GradientsPanel
from tui.view import STATS


async def shown(view, stat: str, size=(120, 40)):
    """The bands of the panel's layers and its legend, for ``stat``."""
    view.stat = stat
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = app.query_one("#gradients-legend", Static).content.plain
        return list(app.panel.bands), list(app.panel.values), text


async def test_vanishing_gradients_trained_its_output_layer_takes_a_large_step_not_exploding():
    """vanishing-gradients after its 300 steps: layer 7's ‖ΔW‖/‖W‖ is about 0.26, drawn in the
    'exploding >1e-1' colour under a legend of 'vanishing' and 'exploding', in a lesson about
    vanishing gradients. Its gradient norm (0.52) is nowhere near exploding."""
    view = make_view("vanishing-gradients", steps=300)
    bands, values, text = await shown(view, "update_ratio")
    assert 0.1 < values[-1] < 1.0
    assert bands[-1] == "large step"
    assert "frozen <1e-6" in text and "large step >1e-1" in text
    assert "exploding" not in text and "vanishing" not in text
    assert BAND_STYLES["large step"] != BAND_STYLES["exploding"]  # amber, not the error red
    grad_bands, grad_values, _ = await shown(view, "grad_norm")
    assert grad_bands[-1] == "ok" and grad_values[-1] < 1


async def test_a_healthy_first_step_from_a_fixed_init_is_not_called_exploding():
    """xor's and the batch-norm fix's first steps rewrite over a tenth of some layers: a large
    step, which the panel called exploding."""
    for name in ("xor", "vanishing-fixed-batchnorm"):
        view = make_view(name, steps=1)
        bands, values, _ = await shown(view, "update_ratio")
        large = [v for v in values if v > 0.1]
        assert large, (name, values)
        assert "exploding" not in bands and bands.count("large step") == len(large)


async def test_mean_delta_has_its_own_thresholds_exploding_gradients_first_step():
    """exploding-gradients, step 1: every layer's ‖∂C/∂W‖ is past 1e2 (exploding), and the error
    δ grows tenfold from layer 8 (mean |δ⁸| 0.56) to layer 1 (6.1) — yet on ‖∂C/∂W‖'s
    thresholds (exploding > 1e2) every mean |δ| was 'ok'."""
    view = make_view("exploding-gradients", steps=1)
    grad_bands, _, _ = await shown(view, "grad_norm")
    assert set(grad_bands) == {"exploding"}
    bands, values, text = await shown(view, "delta_mean_abs")
    assert values[0] > 5 * values[-1]  # grown on its way back
    assert values[0] > 1 and all(b == "exploding" for b, v in zip(bands, values) if v > 1)
    assert "vanishing <1e-6" in text and "exploding >1" in text


def test_mean_delta_and_the_gradient_norm_do_not_share_thresholds():
    """mean |δ| is smaller than ‖∂C/∂W‖ by up to the batch size times the layer's width: the
    same thresholds cannot mean the same for both."""
    g, d = BANDS["grad_norm"], BANDS["delta_mean_abs"]
    assert (d.low, d.high) != (g.low, g.high)
    assert d.low < g.low and d.high < g.high


@pytest.mark.parametrize("stat", list(STATS))
def test_every_statistics_legend_names_its_own_bands(stat):
    b = BANDS[stat]
    text = legend(stat, 80).plain
    assert b.high_name in text
    if b.low is not None:
        assert b.low_name in text
        assert band(stat, b.low / 10, later=b.high) == b.low_name
    assert band(stat, b.high * 1.01) == b.high_name


def test_without_colours_the_update_ratios_legend_marks_its_zones():
    """NO_COLOR (``marked``): the legend's marks are the axis's zone lines, words per stat."""
    assert legend("update_ratio", 80, marked=True).plain == "╌ frozen <1e-6  ━ large step >1e-1"
    assert legend("grad_norm", 80, marked=True).plain == "╌ vanishing <1e-5  ━ exploding >1e2"
