"""A low ‖∂C/∂W‖ or mean |δ| is *vanishing* only when it is far under the layers after it (the
error shrank on its way back), else *small*: a trained network is not told its gradients vanish
(``tui.panels.gradient_bands.VANISHING_DECADES``). Pure functions on real runs' statistics, and
one panel."""

from __future__ import annotations

import math

import numpy as np
from panel_harness import PanelApp, make_view
from textual.widgets import Static

from scenarios import build_run, load_scenario
from tui.panels.base import MUTED
from tui.panels.gradient_bands import (
    BAND_STYLES,
    band,
    band_grid,
    layer_bands,
    legend,
    value_style,
)
from tui.panels.gradients_panel import GradientsPanel


def last_stats(name: str, steps: int, *overrides: str) -> dict[str, np.ndarray]:
    """Each layer's ‖∂C/∂W‖ and mean |δ| after ``steps`` steps of preset ``name``."""
    run = build_run(load_scenario(name, overrides))
    for _ in range(steps):
        run.step()
    stats = run.history.steps.last()[2]
    return {"grad_norm": stats[:, 0], "delta_mean_abs": stats[:, 1]}


def test_a_trained_network_is_small_not_vanishing():
    """linear-regression after 300 steps: ‖∂C/∂W¹‖ 2e-16 in its only layer, the loss at its
    least-squares floor; vanishing-fixed-relu-he with B = 128 after 300 steps: mean |δ| below
    1e-6 in three layers, the output's 1.9e-6 — both were called vanishing."""
    linear = last_stats("linear-regression", 300)
    assert linear["grad_norm"][0] < 1e-12
    assert layer_bands("grad_norm", linear["grad_norm"]) == ["small"]
    relu = last_stats("vanishing-fixed-relu-he", 300, "training.batch_size=128")
    bands = layer_bands("delta_mean_abs", relu["delta_mean_abs"])
    assert "vanishing" not in bands and bands.count("small") >= 2, bands


def test_the_problem_preset_still_vanishes_at_its_first_steps():
    """vanishing-gradients, steps 1 and 10: layer 1's gradient and error are four decades under
    layer 7's."""
    for steps in (1, 10):
        stats = last_stats("vanishing-gradients", steps)
        for stat, values in stats.items():
            bands = layer_bands(stat, values)
            assert bands[0] == "vanishing" and "small" not in bands, (steps, stat, bands)


def test_vanishing_is_two_decades_under_the_largest_later_layer():
    assert band("grad_norm", 1e-7, later=1.01e-5) == "vanishing"
    assert band("grad_norm", 1e-7, later=0.99e-5) == "small"
    assert band("grad_norm", 1e-7) == "small"  # the output layer: none after it
    assert band("grad_norm", 1e-3, later=1.0) == "ok"  # above the threshold: ok, as before
    # the largest later layer, not the output's alone; the output itself never vanishes
    assert layer_bands("grad_norm", [1e-8, 1e-3, 1e-7]) == ["vanishing", "ok", "small"]
    assert layer_bands("delta_mean_abs", [5e-8, 5e-7, 2e-6]) == ["small", "small", "ok"]
    # behind a dead layer (δ = 0) the error has vanished
    assert layer_bands("delta_mean_abs", [0.0, 0.0, 0.025]) == ["vanishing", "vanishing", "ok"]
    assert layer_bands("grad_norm", [1e-9, math.nan, None]) == ["small", "nan", "nan"]


def test_no_gradient_at_all_is_zero_a_warning_not_small():
    """dying-relu: ‖∂C/∂W‖ is exactly 0 in every layer (its last hidden layer all dead). That is
    no quiet, trained network: *zero*, in the warning colour, reversed without colours, and
    named in the legend — where *small*, muted, read as nothing to worry about."""
    assert layer_bands("grad_norm", [0.0, 0.0]) == ["zero", "zero"]
    assert layer_bands("grad_norm", [1e-9, 0.0]) == ["small", "zero"]
    assert layer_bands("grad_norm", [0.0, 0.1]) == ["vanishing", "ok"]  # far under a later one
    assert layer_bands("update_ratio", [0.0]) == ["frozen"]  # its own words, as before
    assert BAND_STYLES["zero"] == BAND_STYLES["vanishing"] != MUTED
    assert value_style("zero", marked=True).endswith("reverse")
    assert legend("grad_norm", 80, shown={"zero"}).plain == (
        "━ vanishing <1e-5  ━ zero no gradient  ━ exploding >1e2"
    )
    dying = last_stats("dying-relu", 1)
    assert layer_bands("grad_norm", dying["grad_norm"]) == ["zero"] * 4


def test_the_other_bands_do_not_depend_on_the_later_layers():
    assert band("update_ratio", 1e-9) == band("update_ratio", 1e-9, later=1.0) == "frozen"
    assert band("grad_norm", 1e3) == "exploding" and band("grad_norm", math.inf) == "exploding"
    assert layer_bands("dead_fraction", [0.95, 0.6, 0.0]) == ["very high", "high", "ok"]


def test_the_history_columns_are_banded_layer_by_layer_as_the_bars():
    """Each column of the strips (layers down the first axis) as ``layer_bands`` has a step."""
    grid = np.array([[1e-9, 1e-9, 1e-2], [1e-3, 1e-8, 1e-2], [1e-8, 1e-8, 1e-2]])
    bands = band_grid("grad_norm", grid)
    for c in range(grid.shape[1]):
        assert list(bands[:, c]) == layer_bands("grad_norm", grid[:, c])
    assert list(bands[0]) == ["vanishing", "small", "ok"]


def test_small_is_muted_named_in_the_legend_and_not_reversed_without_colours():
    assert BAND_STYLES["small"] == MUTED != BAND_STYLES["vanishing"]
    assert value_style("small", marked=True) == MUTED  # reverse video marks warnings only
    assert legend("grad_norm", 80, shown={"small"}).plain == (
        "━ vanishing <1e-5 ≪ later  ━ small <1e-5 not ≪ later  ━ exploding >1e2"
    )
    assert legend("delta_mean_abs", 26, marked=True, shown={"small"}).plain == (
        "╌ vanishing <1e-6 ≪ later\n╌ small <1e-6 not ≪ later\n━ exploding >1"
    )
    assert "small" not in legend("grad_norm", 80).plain  # only when a layer is drawn so


async def test_linear_regression_trained_shows_small_in_the_panel():
    """The learner's view: linear-regression trained, its layer muted and named in the key."""
    app = PanelApp(GradientsPanel(), make_view("linear-regression", steps=300))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert app.panel.bands == ["small"]
        bars = app.query_one("#gradients-bars", Static).content
        styles = {str(span.style) for span in bars.spans}
        assert MUTED in styles and BAND_STYLES["vanishing"] not in styles
        key = app.query_one("#gradients-legend", Static).content.plain
        assert "small <1e-5 not ≪ later" in key
