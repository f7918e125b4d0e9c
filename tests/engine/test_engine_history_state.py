"""Saving and restoring histories through their public state: StatsHistory and EpochLog."""

import numpy as np
import pytest

from engine.history import STAT_NAMES, StatsHistory
from engine.metrics import EpochMetrics
from engine.run_history import EpochLog
from engine.stats import LayerStats


def fake_stats(step: int, n_layers: int) -> tuple:
    return tuple(
        LayerStats(l, *(step * 10.0 + l + k / 10 for k in range(len(STAT_NAMES))))
        for l in range(1, n_layers + 1)
    )


def record(h: StatsHistory, steps) -> None:
    for s in steps:
        h.record(s, np.cos(s) + 2.0, fake_stats(s, h.n_layers))


def assert_same(a: StatsHistory, b: StatsHistory) -> None:
    for x, y in zip(a.snapshot(), b.snapshot(), strict=True):
        assert x.dtype == y.dtype
        assert x.tobytes() == y.tobytes()
    assert (a.n_recorded, a.width, len(a)) == (b.n_recorded, b.width, len(b))


@pytest.mark.parametrize("n", [0, 5, 8, 9, 100, 333])
def test_from_state_is_the_same_history_and_goes_on_the_same(n):
    h = StatsHistory(3, recent=4, coarse=4)
    record(h, range(1, n + 1))
    if n > 50:
        h.truncate(n - 7)  # all exact rows of the last fold gone: an odd bucket may be left
    copy = StatsHistory.from_state(h.state())
    assert_same(h, copy)
    # folding and merging continue identically
    more = range(n + 1, n + 200)
    record(h, more)
    record(copy, more)
    assert_same(h, copy)


def test_state_is_a_copy_and_holds_only_the_rows_in_use():
    h = StatsHistory(2, recent=64, coarse=64)
    record(h, range(1, 11))
    state = h.state()
    assert state["rows"].shape == (10, 2 + 2 * len(LayerStats._fields))
    assert state["sums"].shape[0] == 0
    before = state["rows"].copy()
    h.truncate(3)
    record(h, range(4, 30))
    np.testing.assert_array_equal(state["rows"], before)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda s: s.pop("rows"), "lacks rows"),
        (lambda s: s.update(rows=s["rows"][:, :5]), "rows have shape"),
        (lambda s: s.update(rows=np.zeros((9, s["rows"].shape[1]))), "rows have shape"),
        (lambda s: s.update(count=s["count"][:1]), "count has shape"),
        (lambda s: s.update(width=3), "power of two"),
    ],
)
def test_a_bad_state_is_a_clear_error(change, message):
    h = StatsHistory(2, recent=4, coarse=4)
    record(h, range(1, 20))
    state = h.state()
    change(state)
    with pytest.raises(ValueError, match=message):
        StatsHistory.from_state(state)


def metrics(epoch: int) -> EpochMetrics:
    return EpochMetrics(epoch, 10 * epoch, 0.1, 1.0 / epoch, None, 0.5, None, 1.5 / epoch)


def test_epoch_log_state_round_trip_keeps_thinning_the_same():
    log = EpochLog(capacity=8)
    for e in range(1, 20):
        log.append(metrics(e))
    copy = EpochLog.from_state(log.state())
    assert list(copy) == list(log) and copy.capacity == 8
    for e in range(20, 40):
        log.append(metrics(e))
        copy.append(metrics(e))
    assert list(copy) == list(log)
    # plain sequences of the fields (as a file may hold them) come back as EpochMetrics
    plain = EpochLog.from_state({"capacity": 8, "items": [list(m) for m in log]})
    assert list(plain) == list(log) and isinstance(plain.last, EpochMetrics)
