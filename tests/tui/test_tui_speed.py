"""Playback speed (``tui.speed``): steps a second on an injected clock, animated steps at slow
speeds, ``+``/``-`` and the status line, pausing at once."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from engine.debugger.position import event_name
from tui.gate import ThreadYield
from tui.session import LabSession
from tui.speed import LADDER, MAX, MonotonicClock, Pacer, faster, slower

NEVER_STOP = ["training.epochs=100000000", "stop.loss_below=1e-300"]
WIDE = (120, 40)


class WindowClock:
    """A clock whose sleeps move its time on at once; when it reaches ``window`` seconds it
    calls ``at_end()`` (once), and ``then`` (seconds → function) calls others on the way."""

    def __init__(self, window: float, at_end, then: dict | None = None) -> None:
        self.t = 0.0
        self.window = window
        self.calls = sorted((then or {}).items()) + [(window, at_end)]

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float, wake) -> None:
        self.t += seconds
        while self.calls and self.t >= self.calls[0][0] - 1e-9:
            self.calls.pop(0)[1]()
        wake.wait(0.0001)


class SteppedClock:
    """A clock whose every sleep waits until the test lets it go (``release``), so the test can
    look at the screen while the training thread waits between two events."""

    def __init__(self) -> None:
        self.t = 0.0
        self.waiting = threading.Semaphore(0)
        self.go = threading.Semaphore(0)

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float, wake) -> None:
        self.t += seconds
        self.waiting.release()
        while not self.go.acquire(timeout=0.01):
            if wake.is_set():  # paused, or a new speed
                return

    async def next_wait(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.waiting.acquire(blocking=False):
            assert time.monotonic() < deadline, "the training thread did not wait"
            await asyncio.sleep(0.002)


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


# --- the ladder and the pacer ------------------------------------------------------------------


def test_plus_and_minus_walk_the_ladder_from_anywhere():
    assert [faster(s) for s in (1, 2, 5, 3, 10_000, MAX)] == [2, 5, 10, 5, MAX, MAX]
    assert [slower(s) for s in (1, 2, 3, 30, MAX)] == [1, 1, 2, 20, 10_000]
    speed, seen = 1, [1]
    while speed != MAX:
        speed = faster(speed)
        seen.append(speed)
    assert tuple(seen) == LADDER


def test_the_pacer_keeps_to_its_speed_and_forgives_a_stall():
    clock = WindowClock(1e9, lambda: None)
    pacer = Pacer(4, clock)
    pacer.begin()
    for _ in range(8):
        pacer.wait()
    assert clock.t == pytest.approx(2.0)  # 8 steps at 4 a second
    clock.t += 10.0  # a stall of 10 s: no burst of 40 steps afterwards
    pacer.wait()
    before = clock.t
    pacer.wait()
    assert clock.t - before == pytest.approx(0.25)
    pacer.set(MAX)
    pacer.wait()
    assert clock.t - before == pytest.approx(0.25)  # max: no wait


def test_a_new_speed_or_a_halt_cuts_a_real_wait_short():
    pacer = Pacer(1, MonotonicClock())
    pacer.begin()
    pacer.wait()  # one second
    threading.Timer(0.05, pacer.set, (MAX,)).start()
    start = time.monotonic()
    pacer.wait()
    assert time.monotonic() - start < 0.5  # not the rest of the second
    pacer.set(1)
    pacer.begin()
    threading.Timer(0.05, pacer.halt).start()
    start = time.monotonic()
    pacer.wait()
    assert time.monotonic() - start < 0.5


def test_full_speed_gives_way_to_a_paced_speed_set_while_it_trains():
    """At full speed the session looks at nothing after a step but the clock (``on_due``); a
    speed set meanwhile takes over at the next look: 2 s at 5 steps a second, ~10 steps."""
    session = LabSession.open("xor", overrides=[*NEVER_STOP, "lab.speed=max"])
    session.pacer.clock = WindowClock(2.0, session.interrupt)  # still at 0 s at full speed
    switched = []

    class Switching(ThreadYield):  # due after every step (``every`` 0), on the thread
        def __call__(self, now: float) -> None:
            super().__call__(now)
            if session.steps_done >= 300 and not switched:
                switched.append(session.steps_done)
                session.pacer.set(5)

    status, _ = session.train(
        "continue", cancelled=lambda: session.steps_done > 100_000, progress=Switching(every=0)
    )
    assert status == "paused" and switched
    assert abs(session.steps_done - switched[0] - 10) <= 2


def test_a_paced_run_goes_on_at_full_speed_once_it_is_set():
    """1 s at 5 steps a second, then full speed: no more waits, and the session is called
    now and then (``ThreadYield``'s interval) rather than after every step."""
    session = LabSession.open("xor", overrides=[*NEVER_STOP, "lab.speed=5"])
    session.pacer.clock = WindowClock(
        60.0, session.interrupt, {1.0: lambda: session.pacer.set(MAX)}
    )
    calls = []

    class Counting(ThreadYield):
        def __call__(self, now: float) -> None:
            super().__call__(now)
            calls.append(session.steps_done)

    status, _ = session.train(
        "continue", cancelled=lambda: session.steps_done >= 2000, progress=Counting()
    )
    assert status == "paused" and session.steps_done >= 2000
    assert session.pacer.clock.t < 2.0  # no paced waits after the switch
    assert 5 <= len(calls) < 200 and calls[4] == 5  # 5 paced steps, then a look now and then


# --- in the lab ---------------------------------------------------------------------------------


@pytest.mark.parametrize("speed,plus,steps", [(5, 0, 50), (20, 0, 200), (5, 1, 100)])
async def test_the_speed_sets_the_steps_taken_in_a_window_of_the_clock(
    lab_app, settle, speed, plus, steps
):
    """10 s of an injected clock: speed × 10 steps, whatever the machine's own speed (``+``
    before training moves 5 → 10)."""
    app = lab_app("xor", overrides=[*NEVER_STOP, f"lab.speed={speed}"])
    async with app.run_test(size=WIDE) as pilot:
        session = app.session
        session.pacer.clock = WindowClock(10.0, session.interrupt)
        for _ in range(plus):
            await pilot.press("plus")
        await pilot.press("space")
        await settle(pilot)  # the thread's end and its TrainingStopped, which sets "paused"
        assert abs(session.steps_done - steps) <= 1
        assert session.view.status == "paused"


async def test_a_slower_speed_takes_over_in_the_middle_of_a_run(lab_app):
    """2 s at 2 steps a second (animated), then 2 s at 20 (whole steps): ~4 + ~40 steps."""
    app = lab_app("xor", overrides=[*NEVER_STOP, "lab.speed=2"])
    async with app.run_test(size=WIDE) as pilot:
        session = app.session
        kinds = set()
        session.pacer.clock = WindowClock(
            4.0, session.interrupt, {2.0: lambda: session.pacer.set(20)}
        )
        original = session.controller.on_event

        def spy(fn):
            return original(lambda rec, ev: (kinds.add(ev.kind), fn(rec, ev)))

        session.controller.on_event = spy
        await pilot.press("space")
        await _until(lambda: not app.training)
        assert 40 <= session.steps_done <= 48
        assert {"forward", "loss", "delta", "gradient", "update"} <= kinds


async def test_a_slow_speed_shows_every_event_of_a_step_on_the_picture_and_the_debugger(lab_app):
    """At 2 steps a second the training thread waits after each event; while it waits, the
    screen shows that event: forward layer by layer, the loss, δ backward layer by layer, the
    gradients and the updates — δ on the picture's nodes at a Delta event."""
    app = lab_app("xor", overrides=[*NEVER_STOP, "lab.speed=2"])
    async with app.run_test(size=WIDE) as pilot:
        clock = SteppedClock()
        app.session.pacer.clock = clock
        picture = app.panels["network"].query_one("NetworkPicture")
        position = app.panels["debugger"].query_one("#debugger-position")
        await pilot.press("space")
        shown = []
        for _ in range(2 * 11):  # two steps of xor: 11 events each, StepStart takes no time
            await clock.next_wait()
            event = app.session.published.event
            name = event.kind if getattr(event, "l", None) is None else f"{event.kind}{event.l}"
            expected = f"{event_name(event)} "
            await _until(lambda e=expected: e in position.content.plain)  # drawn while it waits
            status = app.status_bar.line.render().plain
            assert status.endswith(f"· {event_name(event)} │ speed 2/s")
            node_name = picture.shown.node_name
            shown.append((name, node_name))
            if name.startswith("delta"):
                assert node_name == "δ"  # the picture's nodes show δ at a Delta event
                assert picture.shown.lit_column == event.l
            clock.go.release()
            if len(shown) == 13:
                break
        names = [name for name, _ in shown]
        assert names[:10] == [
            "forward1",
            "forward2",
            "loss",
            "delta2",
            "gradient2",
            "delta1",
            "gradient1",
            "update1",
            "update2",
            "step_end",
        ]
        assert names[10:13] == ["forward1", "forward2", "loss"]  # and the next step
        # space pauses at once, in the middle of the step, at the event shown
        await clock.next_wait()
        at = app.session.published.event
        await pilot.press("space")
        await _until(lambda: not app.training, timeout=2.0)
        assert app.session.view.status == "paused"
        assert app.session.controller.event is at and at.kind == "delta"
        assert app.session.controller.position.step == 2
        assert app.session.steps_done == 1  # the second step is not applied


async def test_plus_and_minus_change_the_status_line_and_the_palette_has_them(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:

        def line() -> str:
            return app.status_bar.line.render().plain

        assert line().endswith("│ speed 10/s")
        await pilot.press("plus")
        assert line().endswith("│ speed 20/s")
        await pilot.press("minus", "minus", "minus")
        assert line().endswith("│ speed 2/s")
        await pilot.press("minus", "minus")
        assert line().endswith("│ speed 1/s")
        app.session.pacer.set(5000)
        await pilot.press("plus", "plus")
        assert line().endswith("│ speed max")
        await app.run_action("slower")  # as the command palette runs it
        await pilot.pause()
        assert line().endswith("│ speed 10,000/s")
        from tui.palette import lab_entries

        titles = [text for text, _, _ in lab_entries()]
        assert "Faster (+)" in titles and "Slower (-)" in titles


async def test_the_speed_survives_a_reset_and_a_new_scenario_brings_its_own(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("minus")
        assert app.session.pacer.speed == 5
        await pilot.press("r")  # nothing trained: no question
        await pilot.pause()
        assert app.session.pacer.speed == 5
        app.open_scenario("spiral")
        await _until(lambda: app.session.scenario.name == "spiral")
        assert app.session.pacer.speed == 50


def test_a_session_file_keeps_the_scenarios_speed(tmp_path):
    session = LabSession.open("xor", overrides=["lab.speed=2"])
    path = session.save(tmp_path / "s.lab.npz")
    assert LabSession.load(path).pacer.speed == 2


@pytest.mark.parametrize("presses, expected", [((faster, faster), 50), ((slower,) * 3, 1)])
def test_a_session_file_keeps_the_speed_set_with_plus_and_minus(tmp_path, presses, expected):
    session = LabSession.open("xor")  # 10 steps a second
    for press in presses:
        session.pacer.set(press(session.pacer.speed))
    path = session.save(tmp_path / "s.lab.npz")
    assert LabSession.load(path).pacer.speed == expected
    session.pacer.set(MAX)
    assert LabSession.load(session.save(path)).pacer.speed == MAX
