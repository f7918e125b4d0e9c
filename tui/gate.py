"""How the training thread makes way for the UI thread, so that keys stay quick while training,
without ever waiting for it.

Both threads need CPython's global interpreter lock (GIL). A small network's step is numpy calls
on tiny arrays that let go of the GIL only for a few microseconds and take it straight back; a
thread waiting for the GIL only forces a switch after a whole switch interval (5 ms) *without*
any hand-over, so those brief releases keep resetting its clock and it can wait hundreds of
milliseconds (measured: a callback handed to the event loop from another thread took up to 0.5 s
while XOR trained; the terminal's input thread and the UI thread both wait like this).

``ThreadYield`` is called by the training thread after a step with the time, whenever its
``due`` time has passed (after every step is fine too). For a moment after a key or a click
(``hurry``, called on the UI thread, makes it due at once) it sleeps for an instant after every
step, which hands the GIL to a waiting thread: the UI thread then gets the interpreter back as
soon as it asks, through the several hand-overs between a key and its picture (its p95 stays
under 50 ms: ``benchmarks/bench_keys.py``). Otherwise it does so every ``every`` seconds (50 ms),
a bound on how long a starved thread can wait. It used to yield every 2 ms: on a machine shared
with other work each such sleep gives the core away for up to a scheduler slice, and measured
in-app training at 0.77× headless against 0.92× with a yield every 50 ms and keys just as quick.
The training thread never waits for the UI beyond these instants: it publishes snapshots of its
progress, and frames are drawn from them while it goes on (``tui.frames``).
"""

from __future__ import annotations

import time


class ThreadYield:
    """The training thread's pauses for the other threads (see the module docstring)."""

    def __init__(self, every: float = 0.05) -> None:
        self.every = every
        self.last = 0.0
        self.until = 0.0  # yield after every step until then (monotonic seconds)
        self.yields = 0  # instants given to the other threads (for tests and measurements)
        self.due = 0.0  # the next call is needed after the first step that ends after this

    def hurry(self, seconds: float = 0.1) -> None:
        """Yield after every step for ``seconds`` (called on the UI thread for input). Due at
        once — unless it falls between a call's look at ``until`` and its new ``due``, a few
        bytecodes: then at that call's ``due``, within ``every``."""
        self.until = time.monotonic() + seconds
        self.due = 0.0

    def __call__(self, now: float) -> None:
        """After a step (``now``: ``time.monotonic()``): give the GIL away if it is time."""
        if now - self.last >= self.every or now < self.until:
            self.yields += 1
            time.sleep(0)
            self.last = time.monotonic()
        self.due = now if now < self.until else self.last + self.every
