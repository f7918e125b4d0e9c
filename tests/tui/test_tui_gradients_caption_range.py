"""The Gradients panel's history caption gives the range of the values drawn, never the padded
ends of a scale widened past them (``MIN_DECADES``: values that hardly change are drawn near
the middle of a half-decade scale, not magnified).

A new-user audit read learning-rate-too-high after one step, one value 1.72, as 'step 1, log
0.967…3.06' and the saturation preset's one 100% as 'step 1, linear 90%…100%': ends no layer
ever had, written as the data's min…max.
"""

from __future__ import annotations

import numpy as np
import pytest
from panel_harness import PanelApp, make_view, record_steps
from textual.widgets import Static

from tui.panels.gradients_panel import GradientsPanel, caption_range


@pytest.mark.parametrize(
    ("stat", "values", "caption"),
    [
        ("grad_norm", [1.72], ("", "1.72")),  # one number: no scale to name
        ("saturated_fraction", [1.0], ("", "100%")),
        ("grad_norm", [0.5, 0.52], ("nearly level", "0.5…0.52")),  # scale 0.29…0.9
        ("saturated_fraction", [0.97, 1.0], ("nearly level", "97%…100%")),
        ("grad_norm", [0.01, 0.5, 1.0], ("log", "0.01…1")),  # the scale is the values' range
        ("dead_fraction", [0.0, 0.5], ("linear", "0%…50%")),
        ("grad_norm", [0.0], ("log", "all 0")),
        ("grad_norm", [np.nan], ("log", "not finite")),
    ],
)
def test_the_caption_is_the_values_range(stat, values, caption):
    assert caption_range(stat, [np.array(values)]) == caption


async def caption(view, stat: str = "grad_norm") -> str:
    view.stat = stat
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.fit.stacked
        return app.query_one("#gradients-history-title", Static).content.plain


async def test_the_audits_one_step_captions_give_the_one_value():
    view = make_view("learning-rate-too-high", steps=1)
    assert await caption(view) == "step 1, 1.72"  # was "step 1, log 0.967…3.06"
    view = make_view("saturation", steps=1)
    assert await caption(view, "saturated_fraction") == "step 1, 100%"  # was linear 90%…100%


async def test_a_nearly_level_history_says_so_with_its_own_ends():
    view = make_view("xor")
    record_steps(view, 6, grad_norm=[0.5, 0.52])
    assert await caption(view) == "steps 1–6, nearly level 0.5…0.52"


async def test_beside_the_axis_one_value_is_written_without_a_scale():
    """The one-row layout (7 layers in 40×19) writes the caption's two lines beside the axis."""
    view = make_view("vanishing-gradients")
    record_steps(view, 1, grad_norm=0.3)
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(40, 19)) as pilot:
        await pilot.pause()
        assert not app.panel.fit.stacked
        axis = app.query_one("#gradients-axis", Static).content.plain
        steps, values = axis.splitlines()
        assert steps.endswith(" step 1") and values.endswith("1e2  0.3"), axis  # log 0.169…0.533
