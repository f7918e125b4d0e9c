"""Snapshots of the network picture at launch (pytest-textual-snapshot), as
``test_tui_app_snapshots.py`` takes them: xor (nodes joined by lines, maps of 4 hidden units),
spiral (two 32-wide layers: strips beside their weights' bands) and vanishing-gradients (seven
layers), each at 80×24 (the Network tab) and 120×40 (the grid, with the Lesson column), in a
dark and a light theme.

After an intended change of the look, review the new images
(``pytest tests/tui/test_tui_picture_snapshots.py --snapshot-update`` rewrites them).
"""

from __future__ import annotations

import pytest
from test_tui_app_snapshots import SIZES, before

from tui.app import LabApp

SCENARIOS = ("xor", "spiral", "vanishing-gradients")
THEMES = ("textual-dark", "textual-light")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_picture(snap_compare, scenario, size, theme):
    app = LabApp(scenario, theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=before(tab="network"))
