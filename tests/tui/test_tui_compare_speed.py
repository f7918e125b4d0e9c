"""The comparison's speed (``tui.comparison``): both runs keep to one speed, a step each per
tick, starting at the faster of the two scenarios' ``[lab] speed``; ``+`` and ``-`` in the view
change it and its line shows it; a reset keeps it; a pause cuts a wait short."""

from __future__ import annotations

import threading
import time

import pytest

from scenarios.compare import pair
from tui.comparison import Comparison, starting_speed
from tui.screens.compare import CompareScreen
from tui.speed import MAX

LONG = ["training.epochs=100000"]
WIDE = (120, 40)


class WindowClock:
    """A clock whose sleeps move its time on at once; at ``window`` seconds it calls
    ``at_end()`` (once)."""

    def __init__(self, window: float, at_end) -> None:
        self.t, self.window, self.at_end = 0.0, window, at_end

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float, wake) -> None:
        self.t += seconds
        if self.at_end is not None and self.t >= self.window - 1e-9:
            self.at_end, at_end = None, self.at_end
            at_end()


def long_pair():
    return pair("overfitting", "overfitting-fixed-l2", overrides=LONG)


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, wake) -> None:
        wake.wait(seconds)


@pytest.mark.parametrize("speed", [1, 5, 20, 500])
def test_both_runs_take_as_many_steps_as_the_speed_in_a_second_of_the_clock(speed):
    comparison = Comparison(long_pair(), speed=speed)
    comparison.pacer.clock = WindowClock(1.0, comparison.interrupt)
    runaway = lambda: comparison.sessions[0].steps_done > 2 * speed + 300  # noqa: E731 (unpaced)
    status, _ = comparison.train("continue", cancelled=runaway)
    assert status == "paused"
    assert [s.steps_done for s in comparison.sessions] == [speed, speed]
    assert {s.view.status for s in comparison.sessions} == {"paused"}


def test_it_starts_at_the_faster_of_the_two_scenarios_speeds():
    slow_and_fix = pair("exploding-gradients", "exploding-fixed-clipping-xavier")
    assert (slow_and_fix.a.lab["speed"], slow_and_fix.b.lab["speed"]) == (1, 5)
    assert starting_speed(slow_and_fix) == 5
    assert Comparison(slow_and_fix).pacer.speed == 5
    assert starting_speed(pair("xor", "spiral", overrides=["lab.speed=max"])) == MAX
    assert Comparison(slow_and_fix, speed=MAX).reset().pacer.speed == MAX


def test_a_pause_cuts_a_slow_wait_short():
    comparison = Comparison(long_pair(), speed=1)
    comparison.pacer.clock = RealClock()
    ended = []
    worker = threading.Thread(
        target=lambda: ended.append(comparison.train("continue", cancelled=lambda: False))
    )
    worker.start()
    deadline = time.monotonic() + 10
    while any(s.steps_done < 1 for s in comparison.sessions):  # then a wait of one second
        assert time.monotonic() < deadline
        time.sleep(0.01)
    asked = time.monotonic()
    comparison.interrupt()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - asked < 0.5
    assert ended == [("paused", "")]
    assert [s.steps_done for s in comparison.sessions] == [1, 1]


async def test_plus_and_minus_set_the_speed_of_both_runs_and_a_reset_keeps_it(lab_app):
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("minus")  # the lab's own speed: not the comparison's
        await pilot.press("c")
        screen = await until_compare(pilot)

        def line() -> str:
            return screen.query_one("#cmp-speed").render().plain

        assert screen.comparison.pacer.speed == 10  # dying-relu and its fix: 10 a second
        assert line().startswith("speed 10/s for both runs")
        await pilot.press("plus", "plus")
        assert screen.comparison.pacer.speed == 50
        assert line().startswith("speed 50/s for both runs")
        await pilot.press("minus")
        assert line().startswith("speed 20/s for both runs")
        await pilot.press("r")
        await pilot.pause()
        assert screen.comparison.pacer.speed == 20 and line().startswith("speed 20/s")
        for _ in range(12):
            await pilot.press("plus")
        assert line() == "speed max for both runs  (- slower)"
        await pilot.press("question_mark")  # the lab's help, which names this view's keys
        await pilot.pause(0.2)
        from tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.pacer.speed == 5  # the lab's, as it was


async def until_compare(pilot, tries: int = 50) -> CompareScreen:
    for _ in range(tries):
        if isinstance(pilot.app.screen, CompareScreen):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError("the comparison view did not open")


class HeldClock:
    """A clock whose sleeps last until a pause cuts them (or 10 s): the screen is read while
    the training thread waits after a step."""

    def __init__(self) -> None:
        self.t = 0.0
        self.waiting = threading.Event()

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float, wake) -> None:
        self.t += seconds
        self.waiting.set()
        wake.wait(10)


async def test_each_step_is_drawn_while_the_runs_wait_for_the_next(lab_app):
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_compare(pilot)
        clock = HeldClock()
        screen.comparison.pacer.set(1)
        screen.comparison.pacer.clock = clock
        await pilot.press("space")
        for _ in range(200):
            if clock.waiting.is_set():
                break
            await pilot.pause(0.01)
        assert clock.waiting.is_set()  # step 1 taken; the next one is a second away
        await pilot.pause(0.4)  # a few of the screen's ticks
        line = screen.query_one("#cmp-status-a").render().plain
        assert "running" in line and "step 1 " in line, line
        await pilot.press("space")
        await pilot.pause(0.2)
        assert not app.training
