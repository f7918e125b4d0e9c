"""For the tests of what a rebuild keeps: xor trained an epoch, then rebuilt with a unit more
(``)``, asked since the history is lost): the run back at step 1 with the trained weights."""

from __future__ import annotations


async def rebuilt_after_an_epoch(app, pilot, settle):
    """``e``, ``)``, ``y`` in the lab ``app`` (xor); returns the session the rebuild made."""
    await pilot.press("e")
    await settle(pilot)
    await pilot.press("right_parenthesis")  # asks: the history is lost; the weights kept
    await pilot.pause(0.2)
    await pilot.press("y")
    await pilot.pause(0.2)
    session = app.session
    assert session.steps_done == 0 and session.run.net.sizes == [2, 5, 1]
    return session
