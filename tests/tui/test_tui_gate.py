"""The training thread makes way for the UI now and then, and never waits for it: it publishes
immutable snapshots of its progress instead."""

from __future__ import annotations

import time

import numpy as np

from tui.gate import ThreadYield
from tui.session import LabSession
from tui.view import TrainingSnapshot


def test_the_thread_yields_at_most_once_per_interval():
    yielder = ThreadYield(every=0.05)
    start = time.monotonic()
    yielder(start)
    assert yielder.yields == 1
    assert yielder.due >= start + 0.05  # the training thread need not call before then
    for _ in range(100):
        yielder(start + 0.01)  # within the interval: nothing
    assert yielder.yields == 1
    yielder(time.monotonic() + 0.06)
    assert yielder.yields == 2


def test_a_hurried_yielder_is_due_after_every_step():
    yielder = ThreadYield(every=0.05)
    now = time.monotonic()
    yielder(now)
    assert yielder.due > now
    yielder.hurry()  # a key, on the UI thread
    assert yielder.due == 0.0
    now = time.monotonic()
    yielder(now)
    assert yielder.due == now and yielder.yields == 2


def test_training_publishes_snapshots_that_never_change():
    """``LabSession.train`` publishes (step, epoch, batch, loss, parameters) on its thread; the
    arrays a snapshot holds keep their values while training goes on (the engine never writes
    into arrays anybody holds)."""
    session = LabSession.open("xor", overrides=["training.epochs=400"])
    snapshots = []

    class Watching(ThreadYield):  # called after every step (``every`` 0), on the thread
        def __call__(self, now: float) -> None:
            super().__call__(now)
            published = session.published
            if published is not None and (not snapshots or snapshots[-1][0] is not published):
                kept = [{k: v.copy() for k, v in p.items()} for p in published.params]
                snapshots.append((published, kept))
                time.sleep(1 / 10)  # the next snapshot comes after the publishing interval

    # six snapshots make the point: all 400 epochs, a snapshot each tenth of a second, took 29 s
    enough = lambda: len(snapshots) >= 6  # noqa: E731
    session.train("continue", cancelled=enough, progress=Watching(every=0.0))
    assert len(snapshots) >= 6
    for published, kept in snapshots:
        assert isinstance(published, TrainingSnapshot) and published.step >= 1
        for params, values in zip(published.params, kept, strict=True):
            for name, array in params.items():
                assert np.array_equal(array, values[name]) and not array.flags.writeable
    steps = [published.step for published, _ in snapshots]
    assert steps == sorted(steps) and steps[-1] <= session.steps_done
