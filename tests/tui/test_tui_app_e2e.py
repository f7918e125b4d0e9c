"""End to end: the installed ``backprop-lab`` in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # skipped without tmux or the installed script (tests/conftest.py)


def console_script() -> str:
    beside = Path(sys.executable).with_name("backprop-lab")
    return str(beside) if beside.exists() else str(shutil.which("backprop-lab"))


class Tmux:
    """One tmux server running the lab; ``screen()`` is the visible text."""

    def __init__(self, args: list[str], size: tuple[int, int]):
        self.socket = f"backprop-lab-e2e-{uuid.uuid4().hex[:8]}"
        self.tmux = ["tmux", "-L", self.socket]
        env = {**os.environ, "TERM": "xterm-256color"}
        width, height = size
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", "lab", "-x", str(width), "-y", str(height)]
            + [console_script(), *args],
            check=True,
            env=env,
            timeout=30,
        )

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", "lab"], capture_output=True, text=True
        ).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([*self.tmux, "send-keys", "-t", "lab", key], check=True)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on the screen:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text in self.screen() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert text not in self.screen(), f"{text!r} still on the screen"

    def alive(self) -> bool:
        return (
            subprocess.run([*self.tmux, "has-session", "-t", "lab"], capture_output=True).returncode
            == 0
        )

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def lab():
    sessions = []

    def start(*args: str, size=(120, 40)) -> Tmux:
        session = Tmux(list(args), size)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


def test_a_new_user_steps_trains_reads_help_and_quits(lab):
    t = lab("open", "xor", "--set", "lab.speed=max")  # trained to its end below, not watched
    t.wait_for("Backprop Lab")
    screen = t.wait_for("╭─ Gradients")
    for title in ("Network", "Loss", "Gradients", "Debugger", "Data"):
        assert title in screen
    assert "idle" in screen and "StepStart" in screen
    t.keys("s", "s")
    t.wait_for("Forward(l=2)")
    t.keys("f")
    t.wait_for("· Loss")
    t.keys("Space")
    # the status word and the message row under it may land one frame apart
    screen = t.wait_for("Training stopped: the train-set loss fell to")
    assert "stopped" in screen.splitlines()[0]  # the status line
    t.keys("?")
    t.wait_for("Backprop Lab — help")
    t.keys("Escape")
    # a key right after escape would read as alt+key: wait for the help to close first
    t.wait_gone("Backprop Lab — help")
    t.keys("q")
    t.wait_for("is not saved")  # the trained steps would be lost: it asks
    t.keys("y")
    deadline = time.monotonic() + 15
    while t.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not t.alive(), "the lab did not quit on q"


def test_a_small_terminal_shows_tabs_and_a_too_small_one_a_message(lab):
    t = lab("open", "xor", size=(80, 24))
    screen = t.wait_for("speed 10/s")  # the status line (its title gives way at 80 columns)
    assert "Network  Loss  Gradients  Debugger  Data" in screen
    t.keys("4")
    screen = t.wait_for("╭─ Debugger")
    assert "╭─ Network" not in screen
    subprocess.run([*t.tmux, "resize-window", "-t", "lab", "-x", "70", "-y", "20"], check=True)
    t.wait_for("at least 80×24")
    subprocess.run([*t.tmux, "resize-window", "-t", "lab", "-x", "120", "-y", "40"], check=True)
    screen = t.wait_for("╭─ Gradients")
    assert "╭─ Network" in screen and "╭─ Data" in screen


def test_a_diverging_scenario_pauses_with_its_explanation(lab):
    t = lab("open", "exploding-gradients")
    t.wait_for("Backprop Lab")
    t.keys("Space")
    screen = t.wait_for("Diverged at step")  # the message row, a frame after the status word
    assert "diverged" in screen.splitlines()[0] and "layer" in screen


def _status_step(screen: str) -> int:
    import re

    match = re.search(r"step ([\d,]+) · epoch", screen.splitlines()[0])
    assert match, f"no step on the status line:\n{screen}"
    return int(match.group(1).replace(",", ""))


def test_xor_at_two_steps_a_second_plays_each_step_and_space_pauses_it(lab):
    """The real lab at ``--set lab.speed=2``: the step count grows by about two a second, the
    status line names each event as the step plays (δ backward included), space pauses."""
    t = lab("open", "xor", "--set", "lab.speed=2")
    t.wait_for("speed 2/s")
    t.keys("Space")
    t.wait_for("running")
    start = time.monotonic()
    events = set()
    while time.monotonic() - start < 3.0:
        line = t.screen().splitlines()[0]
        events.update(
            name for name in ("Forward", "Loss", "Delta", "Gradient", "Update") if name in line
        )
        time.sleep(0.03)
    first = _status_step(t.screen())
    time.sleep(2.0)
    second = _status_step(t.screen())
    assert first <= 10, f"step {first} after ~3 s at 2 steps a second"
    assert 2 <= second - first <= 7, f"steps {first} → {second} in 2 s at 2 steps a second"
    assert {"Forward", "Delta", "Update"} <= events, f"events seen on the status line: {events}"
    t.keys("Space")
    screen = t.wait_for("paused")
    paused_at = _status_step(screen)
    time.sleep(1.0)
    assert _status_step(t.screen()) == paused_at
