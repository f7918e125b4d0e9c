"""The suite on a machine of any speed: Hypothesis's default settings (tests/conftest.py) have no
deadline, so an example that a loaded machine stalls does not fail a property test."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

_calls: list[int] = []


@given(st.integers())
def test_a_property_test_survives_one_stalled_example(n):
    """The third example stalls for 0.3 s, as a busy CI machine may; with Hypothesis's default
    200 ms deadline this failed ('Unreliable test timings')."""
    _calls.append(n)
    if len(_calls) == 3:
        time.sleep(0.3)
