"""Keys while the training thread runs: drawn at once, with the thread held meanwhile."""

from __future__ import annotations

import asyncio
import time

from textual import events

NEVER_STOP = ["training.epochs=100000000", "stop.loss_below=1e-300"]
WIDE = (120, 40)


async def _training(pilot) -> None:
    app = pilot.app
    await pilot.press("space")
    for _ in range(200):
        await pilot.pause(0.01)
        if app.session.steps_done > 20:
            break
    assert app.training and app.session.steps_done > 20


async def _until(condition, timeout: float = 5.0) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.002)
    return time.monotonic() - start


async def test_a_key_while_training_is_drawn_at_once_not_at_the_next_rationed_frame(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        loss = app.panels["loss"]
        assert not loss.log_scale
        # the frames that training's progress asks for are rationed; make the next one very late
        app._next_frame = time.monotonic() + 60
        builds = loss.query_one("#loss-plot").builds
        app.post_message(events.Key("l", "l"))
        await _until(lambda: loss.log_scale)  # the loss panel was redrawn on the new scale
        await _until(lambda: loss.query_one("#loss-plot").builds > builds)
        assert app.training
        await app.stop_training()


async def test_a_key_while_training_holds_the_training_thread_until_its_frame(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        holds, waits = app.gate.holds, app.gate.waits
        app.post_message(events.Key("l", "l"))
        assert app.gate.held  # at once, before the key is even dispatched
        await _until(lambda: app.panels["loss"].log_scale)
        await _until(lambda: not app.gate.held)  # released by the frame that shows it
        assert app.gate.holds > holds
        assert app.gate.waits > waits  # the thread did stop at a step boundary
        steps = app.session.steps_done
        await _until(lambda: app.session.steps_done > steps + 10)  # and goes on
        await app.stop_training()


async def test_a_key_without_a_frame_releases_the_thread_after_a_moment(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        app._next_frame = time.monotonic() + 60  # no frame from training's progress
        app.post_message(events.Key("f12", None))  # bound to nothing: nothing to draw
        assert app.gate.held
        waited = await _until(lambda: not app.gate.held)
        assert waited < 1.0
        steps = app.session.steps_done
        await _until(lambda: app.session.steps_done > steps + 10)
        await app.stop_training()


async def test_keys_while_training_are_handled_quickly(lab_app):
    """From a key's arrival to its action, while XOR's tiny steps keep the thread busy (it held
    the interpreter for up to half a second at a time before the training gate)."""
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        latencies = []
        view = app.session.view
        for _ in range(10):
            before = view.log_scale
            app.post_message(events.Key("l", "l"))
            latencies.append(await _until(lambda b=before: view.log_scale != b))
            await asyncio.sleep(0.05)
        latencies.sort()
        assert latencies[5] < 0.05, latencies
        assert latencies[-1] < 0.5, latencies  # a shared CI machine may add a slow moment
        assert app.training
        await app.stop_training()


async def test_training_frames_are_rationed_and_a_panels_deferred_redraw_joins_them(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        frames = []
        done = app._frame_done

        def counted(started: float) -> None:
            frames.append(started)
            done(started)

        app._frame_done = counted
        await asyncio.sleep(1.0)
        assert 1 <= len(frames) <= app.TRAINING_HZ + 1  # at most TRAINING_HZ a second
        data = app.panels["data"]
        drawn = data._drawn
        app._next_frame = time.monotonic() + 60  # no rationed frame for a while
        data._last_draw = 0.0  # the throttle's time is up: a redraw is due
        data._deferred_redraw()  # the throttle's timer: ask the app, do not draw now
        assert data._drawn == drawn and "data" in app._stale
        await app.stop_training()


async def test_the_debugger_position_follows_training_as_the_status_line_does(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        position = app.panels["debugger"].query_one("#debugger-position")

        def shown_step() -> int:
            words = position.content.plain.split()
            return int(words[words.index("step") + 1].replace(",", ""))

        first = shown_step()
        await _until(lambda: shown_step() > first + 100)  # not frozen at the step it started
        await app.stop_training()
