"""The training gate: the UI's holds pause the training thread between steps."""

from __future__ import annotations

import threading
import time

from tui.gate import TrainingGate


def _stepper(gate: TrainingGate):
    """A thread calling ``between_steps`` in a loop (a stand-in for training); returns
    (count, stop)."""
    count = [0]
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            gate.between_steps()
            count[0] += 1
            time.sleep(0.0005)

    threading.Thread(target=run, daemon=True).start()
    return count, stop


def test_a_hold_pauses_the_stepping_thread_until_released():
    gate = TrainingGate(max_wait=30.0)
    count, stop = _stepper(gate)
    try:
        time.sleep(0.05)
        assert count[0] > 0
        gate.hold("frame")
        time.sleep(0.05)  # the thread reaches its next step boundary and waits there
        held = count[0]
        time.sleep(0.1)
        assert count[0] <= held + 1
        assert gate.held and gate.waits >= 1
        gate.release("frame")
        time.sleep(0.05)
        assert count[0] > held + 5
        assert not gate.held
    finally:
        stop.set()
        gate.release()


def test_every_hold_must_be_released():
    gate = TrainingGate()
    gate.hold("frame")
    gate.hold("input")
    gate.release("input")
    assert gate.held
    gate.release("frame")
    assert not gate.held
    gate.hold("frame")
    gate.hold("input")
    gate.release()  # all of them
    assert not gate.held


def test_a_late_time_out_does_not_end_a_newer_hold():
    gate = TrainingGate()
    gate.hold("input")
    first = gate.holds
    gate.hold("input")  # a second key before the first one's time-out
    gate.release("input", first)
    assert gate.held
    gate.release("input", gate.holds)
    assert not gate.held


def test_the_thread_never_waits_longer_than_max_wait():
    gate = TrainingGate(max_wait=0.05)
    gate.hold("frame")
    start = time.monotonic()
    gate.between_steps()
    assert 0.04 <= time.monotonic() - start < 1.0
    assert gate.waits == 1


def test_the_thread_gives_way_every_yield_every_seconds():
    gate = TrainingGate(yield_every=0.01)
    start = time.monotonic()
    while time.monotonic() - start < 0.1:
        gate.between_steps()
    assert 5 <= gate.yields <= 11
    never = TrainingGate(yield_every=1e9)
    for _ in range(1000):
        never.between_steps()
    assert never.yields == 0
