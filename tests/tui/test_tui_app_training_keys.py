"""Keys while the training thread runs: drawn at once; the thread goes on meanwhile."""

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
        app.frames.next_frame = time.monotonic() + 60
        builds = loss.query_one("#loss-plot").builds
        app.post_message(events.Key("l", "l"))
        await _until(lambda: loss.log_scale)  # the loss panel was redrawn on the new scale
        await _until(lambda: loss.query_one("#loss-plot").builds > builds)
        assert app.training
        await app.stop_training()


async def test_the_training_thread_goes_on_while_a_frame_is_drawn(lab_app):
    """A frame no longer holds the training thread: steps are taken while it is drawn (here a
    slow one, as on a slow terminal). Before, the thread waited for every frame to end."""
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        loss = app.panels["loss"]
        draw = loss.refresh_view
        during = []

        def slow(view) -> None:
            before = app.session.steps_done
            time.sleep(0.3)  # lets go of the interpreter, as rendering does now and then
            during.append(app.session.steps_done - before)
            draw(view)

        loss.refresh_view = slow
        app.post_message(events.Key("l", "l"))  # a frame at once, with the loss panel
        await _until(lambda: during)
        assert during[0] > 0  # the training thread took steps while the frame was drawn
        await app.stop_training()


async def test_keys_while_training_are_handled_while_it_goes_on(lab_app):
    """Keys reach their action while XOR's tiny steps keep the thread busy (it held the
    interpreter for up to half a second at a time before the thread yielded), and each makes
    the thread yield after every step for a moment (how fast: benchmarks/bench_keys.py)."""
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        view = app.session.view
        yields = app.yielder.yields
        for _ in range(5):
            before, steps = view.log_scale, app.session.steps_done
            app.post_message(events.Key("l", "l"))
            assert app.yielder.until > time.monotonic()  # hurried at once, on arrival
            await _until(lambda b=before: view.log_scale != b, timeout=10.0)
            await _until(lambda s=steps: app.session.steps_done > s + 10, timeout=10.0)
        assert app.yielder.yields > yields
        assert app.training
        await app.stop_training()


async def test_training_frames_are_rationed_and_a_panels_deferred_redraw_joins_them(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        frames = app.frames
        before = frames.frames
        await asyncio.sleep(1.0)
        assert frames.frames - before <= frames.TRAINING_HZ + 1  # at most TRAINING_HZ a second
        await _until(lambda: frames.frames > before, timeout=10.0)  # and they do come
        data = app.panels["data"]
        drawn = data._drawn
        frames.next_frame = time.monotonic() + 60  # no rationed frame for a while
        data._last_draw = 0.0  # the throttle's time is up: a redraw is due
        data._deferred_redraw()  # the throttle's timer: ask the app, do not draw now
        assert data._drawn == drawn and "data" in frames.stale
        await app.stop_training()


async def test_the_debugger_position_follows_training_as_the_status_line_does(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        position = app.panels["debugger"].query_one("#debugger-position")

        def shown_step() -> int:
            words = position.content.plain.split()
            if words[:4] == ["no", "step", "completed", "yet"]:  # not drawn since it started
                return 0
            return int(words[words.index("step") + 1].replace(",", ""))

        first = shown_step()
        await _until(lambda: shown_step() > first + 100)  # not frozen at the step it started
        await app.stop_training()


def _frames_shown(app) -> list[list[str]]:
    """A list that gets, per frame drawn from now on, the items it drew (in order): "status",
    the moving panels' names, "position" (the Debugger panel's position line)."""
    frames, shown = app.frames, []
    draw, status = frames._draw, app.status_bar.show

    def each_frame(*args) -> None:
        shown.append([])
        draw(*args)

    def noting(name, fn):
        return lambda view: (shown[-1].append(name) if shown else None, fn(view))[1]

    frames._draw = each_frame
    app.status_bar.show = noting("status", status)
    for name in ("loss", "gradients", "data", "network"):
        panel = app.panels[name]
        panel.refresh_view = noting(name, panel.refresh_view)
    debugger = app.panels["debugger"]
    debugger.show_position = noting("position", debugger.show_position)
    return shown


async def test_training_frames_draw_the_status_line_and_each_moving_panel_in_turns(lab_app):
    """At full speed a screen update renders every widget in the box around all it changed,
    so the status line (the top row) and a panel further down are never drawn in the same
    progress frame; the panels training moves and the Debugger's position line still all come
    round."""
    app = lab_app("xor", overrides=[*NEVER_STOP, "lab.speed=max"])
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        shown = _frames_shown(app)
        await _until(lambda: len(shown) >= 14, timeout=10.0)
        await app.stop_training()
    progress = shown[:14]
    assert ["status"] in progress
    moving = [frame for frame in progress if frame != ["status"]]
    assert all(len(frame) == 1 and frame[0] != "status" for frame in moving), progress
    assert {frame[0] for frame in moving} == {"loss", "gradients", "data", "network", "position"}


async def test_at_a_readable_speed_every_frame_draws_one_step_across_the_screen(lab_app):
    """At 10 steps a second (xor's speed) a learner reads the numbers as they change: each
    progress frame draws the status line, every moving panel and the position line together,
    so that they all name the same step (in turns, the Debugger named step 190 beside a status
    line at 199 and a Loss panel at 192)."""
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        shown = _frames_shown(app)
        await _until(lambda: len(shown) >= 4, timeout=10.0)
        await app.stop_training()
    everything = sorted(["status", "position", "loss", "gradients", "data", "network"])
    assert [sorted(frame) for frame in shown[:4]] == [everything] * 4, shown[:4]


async def test_the_refresh_timer_draws_training_progress_without_asking_for_more(lab_app):
    """The refresh timer picks up training's progress and draws it itself when a frame is
    due: it hands nothing else to the event loop (each such call cost the UI thread time the
    training thread waits for, 15 times a second)."""
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(pilot)
        asked = []
        call_later = app.call_later

        def counting(callback, *args, **kwargs):
            asked.append(getattr(callback, "__name__", repr(callback)))
            return call_later(callback, *args, **kwargs)

        app.call_later = counting
        frames, ticks = app.frames.frames, 0
        progress = app.session.view.progress
        while ticks < 8:  # progress picked up by eight ticks
            await pilot.pause(0.02)
            if app.session.view.progress is not progress:
                progress, ticks = app.session.view.progress, ticks + 1
        assert app.frames.frames > frames  # progress was drawn
        assert "frame_now" not in asked
        await app.stop_training()
