"""Batch, stochastic and mini-batch descent: updates per epoch, shuffling, counters in events."""

import math

import numpy as np
import pytest
from training_helpers import small_run


@pytest.mark.parametrize(("batch_size", "n", "expected"), [(1, 40, 40), (7, 40, 6), (8, 40, 5)])
def test_updates_per_epoch(batch_size, n, expected):
    run = small_run(
        data={"kind": "xor", "n": n},
        training={"batch_size": batch_size, "epochs": 3, "lr": 0.1},
    )
    assert expected == math.ceil(n / batch_size)
    summary = run.fit()
    assert summary["stop_reason"] == "epochs"
    assert summary["steps"] == 3 * expected
    assert summary["epochs_run"] == 3
    assert [m.step for m in run.history.epochs] == [expected, 2 * expected, 3 * expected]


def test_full_batch_is_one_update_per_epoch():
    run = small_run(training={"batch_size": "full", "epochs": 4})
    assert run.fit()["steps"] == 4


def collect_starts(run, steps):
    starts = []
    for _ in range(steps):
        events = list(run.step_events())
        starts.append(events[0])
        assert events[-1].epoch == events[0].epoch and events[-1].batch == events[0].batch
    return starts


def test_minibatches_cover_every_example_once_per_epoch_reshuffled_each_epoch():
    run = small_run(data={"kind": "xor", "n": 20}, training={"batch_size": 6, "shuffle": True})
    starts = collect_starts(run, 3 * 4)
    orders = []
    for epoch in (1, 2, 3):
        batches = [s for s in starts if s.epoch == epoch]
        assert [s.batch for s in batches] == [1, 2, 3, 4]
        assert [s.batch_size for s in batches] == [6, 6, 6, 2]
        order = np.concatenate([s.indices for s in batches])
        assert sorted(order) == list(range(20))
        orders.append(order)
    assert not np.array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[1], orders[2])
    # the same seed gives the same orders
    again = collect_starts(small_run(data={"kind": "xor", "n": 20}, training={"batch_size": 6}), 4)
    np.testing.assert_array_equal(np.concatenate([s.indices for s in again]), orders[0])


def test_without_shuffle_the_order_is_the_data_order():
    run = small_run(data={"kind": "xor", "n": 10}, training={"batch_size": 4, "shuffle": False})
    starts = collect_starts(run, 6)
    for s in starts:
        assert list(s.indices) == list(range((s.batch - 1) * 4, min(s.batch * 4, 10)))


def test_stochastic_steps_see_one_example():
    run = small_run(data={"kind": "xor", "n": 12}, training={"batch_size": 1})
    events = list(run.step_events())
    assert events[0].batch_size == 1
    assert next(e for e in events if e.kind == "forward").a_prev.shape == (1, 2)
