"""Waiting in a pilot test for what the lab does in its own time (a worker, a dialog, a
notification)."""

from __future__ import annotations


async def until(pilot, done, tries: int = 1000) -> None:
    """Pause until ``done()`` (at most ``tries`` short pauses: 20 s, for a machine under load;
    4 s was too short for a save while training stopped). It returns either way: the test's
    next assertion says what did not happen."""
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.02)
