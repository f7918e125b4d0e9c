"""Snapshots of the comparison view at 80×24 (tabs) and 120×40 (everything): vanishing-gradients
beside vanishing-fixed-relu-he, both trained to their end in the lab's worker (``c``, space).
Review the images after an intended change (``--snapshot-update`` rewrites them)."""

from __future__ import annotations

import pytest

from tui.app import LabApp
from tui.screens.compare import CompareScreen

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def compared(*keys: str):
    """A ``run_before``: ``c``, then space (training both to their end), then ``keys``."""

    async def run(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        await pilot.press("c")
        for _ in range(100):
            if isinstance(app.screen, CompareScreen):
                break
            await pilot.pause(0.05)
        await pilot.press("space")
        while app.training:
            await pilot.pause(0.02)
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.3)
        app.screen.redraw()
        await pilot.pause(0.3)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_compare_trained(snap_compare, size):
    app = LabApp("vanishing-gradients", theme="textual-dark")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=compared())


def test_compare_gradients_tab_at_80x24(snap_compare):
    app = LabApp("vanishing-gradients", theme="textual-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=compared("2"))
