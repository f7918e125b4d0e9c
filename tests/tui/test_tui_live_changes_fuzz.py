"""Fuzzing the changes made while it trains: values of the wrong type or size for every live
key, keys that are not live, layers that do not exist and the output layer's dropout, handed to
``tui.live_changes.change`` as the lab's dialogs and network editor hand them, paused and while
training: in force from the next step, or 'Refused: …' in one line; the session then steps and
trains. A bounded, deterministic budget; the campaign in tests/fuzz/ runs thousands."""

from __future__ import annotations

from fuzzing import ci_budget, live_change_target, live_changes
from hypothesis import given
from hypothesis import strategies as st


@ci_budget(60)
@given(values=live_changes, running=st.booleans())
def test_live_changes_are_put_in_force_or_refused_in_one_line(values, running):
    """``network.layers[3].dropout = 0`` on spiral passed live.check and ended in KeyError
    (92dbe7c)."""
    live_change_target(values, running)
