"""Resuming while paused: "running" is on the screen before any panel is redrawn
(``FrameScheduler.status_first`` with ``urgent=False``), and the panels follow in training's
frames; no progress frame draws a panel into the line's frame."""

from __future__ import annotations

import asyncio
import time

from textual import events

NEVER_STOP = ["training.epochs=100000000", "stop.loss_below=1e-300", "lab.speed=max"]
WIDE = (120, 40)


async def _until(condition, timeout: float = 5.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.002)


def _record(app) -> list[tuple[str, str]]:
    """In order: what the status line painted ("line", its text), which panel drew ("panel",
    its name), what the message row painted ("message", its text)."""
    seen: list[tuple[str, str]] = []
    line = app.status_bar.line
    paint = line.render_lines

    def painted(crop):
        seen.append(("line", line.render().plain))
        return paint(crop)

    line.render_lines = painted
    for name, panel in app.panels.items():

        def drawn(view, name=name, draw=panel.refresh_view) -> None:
            seen.append(("panel", name))
            draw(view)

        panel.refresh_view = drawn
    return seen


async def _paused_after_training(app, pilot) -> None:
    await pilot.pause()
    await pilot.press("space")
    await _until(lambda: app.training and app.session.steps_done > 50)
    await pilot.press("space")
    await _until(lambda: not app.training)
    await _until(lambda: not app.frames.dirty)
    await pilot.pause(0.1)
    assert "Paused at step" in str(app.status_bar.message.render())


async def test_space_paints_running_on_the_status_line_before_any_panel_is_redrawn(lab_app):
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _paused_after_training(app, pilot)
        visible = [name for name in app.panels if app.frames.visible(name)]
        assert len(visible) == 6  # 120×40: every panel is on the screen
        seen = _record(app)
        app.post_message(events.Key("space", " "))
        await _until(lambda: app.training)
        await _until(lambda: any(kind == "line" and "running" in text for kind, text in seen))
        # the panels training does not move are redrawn once, and the moving ones in turn
        drawn = {"debugger", "loss", "network"}
        await _until(lambda: drawn <= {n for k, n in seen if k == "panel"})
        running = next(i for i, (k, text) in enumerate(seen) if k == "line" and "running" in text)
        first_panel = next(i for i, (kind, _) in enumerate(seen) if kind == "panel")
        assert running < first_panel, seen[: first_panel + 1]
        # the message row under it goes with the panels' frame
        await _until(lambda: not app.status_bar.message.has_class("-shown"))
        await app.stop_training()


async def test_the_debuggers_continue_paints_running_first_too(lab_app):
    from tui import messages as msg

    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _paused_after_training(app, pilot)
        seen = _record(app)
        app.post_message(msg.DebugCommand("continue"))
        await _until(lambda: any(kind == "line" and "running" in text for kind, text in seen))
        await _until(lambda: any(kind == "panel" for kind, _ in seen))
        running = next(i for i, (k, text) in enumerate(seen) if k == "line" and "running" in text)
        first_panel = next(i for i, (kind, _) in enumerate(seen) if kind == "panel")
        assert running < first_panel, seen[: first_panel + 1]
        await app.stop_training()


async def test_no_progress_frame_comes_before_the_running_line_is_painted(lab_app):
    """The refresh timer picks up training's progress as soon as it is published; until the
    line saying "running" is painted it draws nothing (``next_frame``), then as before."""
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _paused_after_training(app, pilot)
        line = app.status_bar.line
        waiting = []
        when_painted = line.when_painted

        def held(callback):
            waiting.append(callback)  # the line is never said to be painted

        line.when_painted = held
        frames = app.frames.frames
        seen = _record(app)
        app.post_message(events.Key("space", " "))
        await _until(lambda: app.training and app.session.published is not None)
        await _until(lambda: app.session.view.progress is not None)  # _tick picked it up
        await pilot.pause(0.2)
        assert app.frames.frames == frames
        assert not [n for k, n in seen if k == "panel"]
        line.when_painted = when_painted
        waiting[0]()
        await _until(lambda: app.frames.frames > frames)
        await _until(lambda: any(kind == "panel" for kind, _ in seen))
        await app.stop_training()
