"""Resuming while paused: "running" is on the screen before any panel is redrawn
(``FrameScheduler.status_first`` with ``urgent=False``), and the panels follow in training's
frames; no progress frame draws a panel into the line's frame."""

from __future__ import annotations

from status_first_harness import NEVER_STOP, WIDE, record, until
from textual import events


async def _paused_after_training(app, pilot) -> None:
    await pilot.pause()
    await pilot.press("space")
    await until(lambda: app.training and app.session.steps_done > 50)
    await pilot.press("space")
    await until(lambda: not app.training)
    await until(lambda: not app.frames.dirty)
    await pilot.pause(0.1)
    assert "Paused at step" in str(app.status_bar.message.render())


async def test_space_paints_running_on_the_status_line_before_any_panel_is_redrawn(lab_app):
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _paused_after_training(app, pilot)
        visible = [name for name in app.panels if app.frames.visible(name)]
        assert len(visible) == 6  # 120×40: every panel is on the screen
        seen = record(app)
        app.post_message(events.Key("space", " "))
        await until(lambda: app.training)
        await until(lambda: any(kind == "line" and "running" in text for kind, text in seen))
        # the panels training does not move are redrawn once, and the moving ones in turn
        drawn = {"debugger", "loss", "network"}
        await until(lambda: drawn <= {n for k, n in seen if k == "panel"})
        running = next(i for i, (k, text) in enumerate(seen) if k == "line" and "running" in text)
        first_panel = next(i for i, (kind, _) in enumerate(seen) if kind == "panel")
        assert running < first_panel, seen[: first_panel + 1]
        # the message row under it goes with the panels' frame
        await until(lambda: not app.status_bar.message.has_class("-shown"))
        await app.stop_training()


async def test_the_debuggers_continue_paints_running_first_too(lab_app):
    from tui import messages as msg

    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _paused_after_training(app, pilot)
        seen = record(app)
        app.post_message(msg.DebugCommand("continue"))
        await until(lambda: any(kind == "line" and "running" in text for kind, text in seen))
        await until(lambda: any(kind == "panel" for kind, _ in seen))
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
        seen = record(app)
        app.post_message(events.Key("space", " "))
        await until(lambda: app.training and app.session.published is not None)
        await until(lambda: app.session.view.progress is not None)  # _tick picked it up
        await pilot.pause(0.2)
        assert app.frames.frames == frames
        assert not [n for k, n in seen if k == "panel"]
        line.when_painted = when_painted
        waiting[0]()
        await until(lambda: app.frames.frames > frames)
        await until(lambda: any(kind == "panel" for kind, _ in seen))
        await app.stop_training()
