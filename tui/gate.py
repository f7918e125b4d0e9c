"""How the training thread makes way for the UI thread, so that keys stay quick while training.

Both threads need CPython's global interpreter lock (GIL). A small network's step is numpy calls
on tiny arrays that let go of the GIL only for a few microseconds (``np.arange``, …) and take it
straight back; a thread waiting for the GIL only forces a switch after a whole switch interval
(5 ms) *without* any hand-over, so those brief releases keep resetting its clock and it can wait
hundreds of milliseconds (measured: a callback handed to the event loop from another thread took
up to 0.5 s while XOR trained; the terminal's input thread and the UI thread both wait like this).

``TrainingGate`` fixes both sides:

- **between steps** (``between_steps``, called by the training thread after every step) the thread
  waits while the UI holds the gate, and otherwise sleeps for an instant every ``yield_every``
  seconds, which hands the GIL to a waiting thread (a ``time.sleep(0)`` costs ~50 µs: ~3% of the
  training time at the default 2 ms);
- the UI thread **holds** the gate while it draws a frame or handles a key or a click
  (``hold(why)`` … ``release(why)``): the training thread then pauses at its next step boundary
  and the UI runs alone. Every hold is released by the UI; the training thread never waits longer
  than ``max_wait`` for one, whatever happens.

``hold`` and ``release`` are called on the UI thread only; ``between_steps`` on the training thread.
"""

from __future__ import annotations

import threading
import time


class TrainingGate:
    """The UI's holds on the training thread, and the training thread's pauses for the UI."""

    def __init__(self, yield_every: float = 0.002, max_wait: float = 0.25) -> None:
        self.yield_every = yield_every
        self.max_wait = max_wait
        self._open = threading.Event()
        self._open.set()
        self._holds: set[str] = set()
        self.holds = 0  # holds taken so far
        self._last_yield = time.monotonic()
        self.waits = 0  # steps that waited for a hold (for tests and measurements)
        self.yields = 0  # instants given to the other threads

    # --- the UI thread ------------------------------------------------------------------------

    def hold(self, why: str) -> None:
        """Pause the training thread at its next step boundary until ``why`` is released."""
        self._holds.add(why)
        self.holds += 1
        self._open.clear()

    def release(self, why: str | None = None, number: int | None = None) -> None:
        """Release the hold ``why`` (every hold when None); training goes on once none is left.
        With ``number`` (``holds`` just after that hold was taken), only if it was not taken
        again since: a late time-out does not end a newer hold."""
        if number is not None and number != self.holds:
            return
        if why is None:
            self._holds.clear()
        else:
            self._holds.discard(why)
        if not self._holds:
            self._open.set()

    @property
    def held(self) -> bool:
        return not self._open.is_set()

    # --- the training thread ------------------------------------------------------------------

    def between_steps(self) -> None:
        """Wait while the UI holds the gate; otherwise give other threads the GIL now and then."""
        if not self._open.is_set():
            self.waits += 1
            self._open.wait(self.max_wait)
            self._last_yield = time.monotonic()
            return
        now = time.monotonic()
        if now - self._last_yield >= self.yield_every:
            self.yields += 1
            time.sleep(0)
            self._last_yield = time.monotonic()
