"""Snapshots of the lab's main states at 80×24 and 120×40 (pytest-textual-snapshot).

Every state is reached by real key presses on a seeded scenario; training runs to completion in
its thread before the screenshot, and the frame is drawn explicitly, so nothing depends on the
refresh timer or the wall clock. After an intended change of the look, review the new images
(``pytest tests/tui/test_tui_app_snapshots.py --snapshot-update`` rewrites them).
"""

from __future__ import annotations

import pytest

from tui.app import LabApp

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def lab() -> LabApp:
    return LabApp("xor", theme="textual-dark")


async def draw(pilot) -> None:
    """Let the app settle and draw every panel now (instead of at the timer's next tick)."""
    app = pilot.app
    await pilot.pause(0.1)
    app.mark_dirty()
    app._refresh_if_dirty()
    await pilot.pause(0.1)


def dialog(key: str):
    """A ``run_before`` that draws the lab, then opens the dialog of ``key``."""

    async def run(pilot) -> None:
        await draw(pilot)
        await pilot.press(key)
        await steady(pilot)

    return run


async def steady(pilot, timeout: float = 5.0) -> None:
    """Wait until two screenshots 0.1 s apart agree (Markdown renders in the background, and a
    busy machine can be slow to finish it)."""
    previous = None
    for _ in range(int(timeout / 0.1)):
        await pilot.pause(0.1)
        current = pilot.app.export_screenshot()
        if current == previous:
            return
        previous = current


def before(*keys: str, tab: str | None = None, setup=None):
    """A ``run_before`` that presses ``keys`` (waiting for training after each) and draws."""

    async def run(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        if setup is not None:
            setup(app)
        for key in keys:
            await pilot.press(key)
            while app.training:
                await pilot.pause(0.01)
            await app.workers.wait_for_complete()  # dialogs opened by a key are waiting
        if tab is not None and app.size[0] < 110:
            app.action_show_tab(tab)
        await draw(pilot)
        await steady(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_fresh(snap_compare, size):
    assert snap_compare(lab(), terminal_size=SIZES[size], run_before=before())


@pytest.mark.parametrize("size", SIZES)
def test_paused_mid_backward(snap_compare, size):
    # three training steps, then into the fourth: forward phase, Loss, δ² , ∂C/∂W², δ¹
    keys = ("e", "e", "e", "f", "s", "s", "s")
    assert snap_compare(lab(), terminal_size=SIZES[size], run_before=before(*keys, tab="debugger"))


@pytest.mark.parametrize("size", SIZES)
def test_breakpoint_hit(snap_compare, size):
    def add_breakpoint(app) -> None:
        app.session.command("break", "update@1 if loss < 0.5")

    run = before("space", tab="debugger", setup=add_breakpoint)
    assert snap_compare(lab(), terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_scenario_picker(snap_compare, size):
    assert snap_compare(lab(), terminal_size=SIZES[size], run_before=dialog("o"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size):
    assert snap_compare(lab(), terminal_size=SIZES[size], run_before=dialog("question_mark"))


def test_too_small(snap_compare):
    assert snap_compare(lab(), terminal_size=(60, 18), run_before=before())
