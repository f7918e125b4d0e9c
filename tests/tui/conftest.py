"""Fixtures of the lab's app-level tests (``test_tui_app_*.py``).

Apps are driven with Textual's Pilot. Training runs in a thread worker; a test that starts it
waits for it with ``settle`` (until the thread is done and the lab shows how it ended, then a
pause) instead of sleeping.
"""

from __future__ import annotations

import pytest

WIDE = (120, 40)
NARROW = (80, 24)


def _ended(app) -> bool:
    """The training thread has finished and the lab has taken in how it ended. The thread marks
    itself done (``app.training`` false) before it posts ``TrainingStopped``, whose handler sets
    the status ("stopped", "paused", "diverged"): until then the lab's status is "running"."""
    session = app.session
    return not app.training and (session is None or session.view.status != "running")


async def _settle(pilot, delay: float = 0.05, timeout: float = 30.0) -> None:
    """Wait until the training thread has finished, its end is taken in (``_ended``), and the
    screen has caught up."""
    app = pilot.app
    waited = 0.0
    while not _ended(app) and waited < timeout:
        await pilot.pause(0.01)
        waited += 0.01
    assert not app.training, "training did not stop"
    assert _ended(app), "training stopped, but the lab still shows it running"
    await pilot.pause(delay)


@pytest.fixture
def settle():
    """``await settle(pilot)``: wait for the training thread and a redraw."""
    return _settle


@pytest.fixture
def lab_app():
    """A factory of lab apps: ``lab_app("xor", seed=0, overrides=[...])``."""
    from tui.app import LabApp

    def make(scenario: str | None = "xor", **kwargs) -> LabApp:
        return LabApp(scenario=scenario, **kwargs)

    return make


class InstantClock:
    """A clock whose sleeps take (almost) no time: they move its own time on instead. The
    pause it does take lets the UI thread have the interpreter and the session's lock."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float, wake) -> None:
        self.t += seconds
        wake.wait(0.0002)


@pytest.fixture(autouse=True)
def instant_clock(monkeypatch):
    """The lab keeps to its scenario's speed (``tui.speed``) on a clock; in these tests the
    default clock is an ``InstantClock``, so training takes the steps and the events a real
    speed would, without the wait. Tests of the speed inject their own clock."""
    monkeypatch.setattr("tui.speed.MonotonicClock", InstantClock)
