"""The bounded statistics history: exact recent values, bounded memory, correct old buckets."""

import tracemalloc

import numpy as np
import pytest

from engine import LayerSpec, Learner, build_network, make_optimizer
from engine.history import STAT_NAMES, StatsHistory
from engine.stats import LayerStats


def fake_stats(step: int, n_layers: int) -> tuple:
    """Distinct, step-dependent statistics for each layer."""
    return tuple(
        LayerStats(l, *(step * 10.0 + l + k / 10 for k in range(len(STAT_NAMES))))
        for l in range(1, n_layers + 1)
    )


def stats_array(steps: np.ndarray, n_layers: int) -> np.ndarray:
    l = np.arange(1, n_layers + 1, dtype=float)
    k = np.arange(len(STAT_NAMES)) / 10
    values = steps[:, None, None] * 10.0 + l[None, :, None] + k[None, None, :]
    return np.concatenate([np.broadcast_to(l[None, :, None], (len(steps), n_layers, 1)), values], 2)


def test_exact_while_short():
    h = StatsHistory(2, recent=16, coarse=8)
    for s in range(1, 11):
        h.record(s, s * 0.5, fake_stats(s, 2))
    assert len(h) == 10
    np.testing.assert_array_equal(h.steps(), np.arange(1, 11))
    np.testing.assert_array_equal(h.loss(), np.arange(1, 11) * 0.5)
    np.testing.assert_array_equal(h.counts(), np.ones(10))
    np.testing.assert_array_equal(h.series("grad_norm", 2), np.arange(1, 11) * 10.0 + 2)
    np.testing.assert_array_equal(h.series("act_std", 1), np.arange(1, 11) * 10.0 + 1.7)
    step, loss, last = h.last()
    assert (step, loss) == (10, 5.0)
    assert last.shape == (2, len(STAT_NAMES))
    assert last[1, 0] == 102.0


def test_record_many_equals_record():
    a, b = StatsHistory(3, recent=8, coarse=4), StatsHistory(3, recent=8, coarse=4)
    steps = np.arange(1, 1001)
    losses = np.sin(steps) + 2
    for s, c in zip(steps, losses):
        a.record(int(s), float(c), fake_stats(int(s), 3))
    b.record_many(steps[:333], losses[:333], stats_array(steps[:333].astype(float), 3))
    b.record_many(steps[333:], losses[333:], stats_array(steps[333:].astype(float), 3))
    sa, sb = a.snapshot(), b.snapshot()
    for x, y in zip(sa, sb):
        np.testing.assert_array_equal(x, y)
    assert a.n_recorded == b.n_recorded == 1000


def test_old_buckets_are_means_and_envelopes():
    """Buckets hold the mean step/loss/statistics and the loss min/max of the steps merged."""
    n = 5000
    rng = np.random.default_rng(1)
    steps = np.arange(1, n + 1)
    losses = rng.random(n)
    h = StatsHistory(2, recent=64, coarse=16)
    h.record_many(steps, losses, stats_array(steps.astype(float), 2))
    snap = h.snapshot()
    assert snap.counts.sum() == n
    assert len(snap.steps) <= 16 + 2 * 64
    # the exact part is the tail, at least `recent` steps long
    exact = snap.counts == 1
    n_exact = int(exact.sum())
    assert 64 <= n_exact <= 128
    np.testing.assert_array_equal(snap.loss[-n_exact:], losses[-n_exact:])
    np.testing.assert_array_equal(snap.steps[-n_exact:], steps[-n_exact:])
    # each old bucket covers consecutive steps: check against direct computation
    start = 0
    for i in range(len(snap.counts) - n_exact):
        c = int(snap.counts[i])
        sl = slice(start, start + c)
        assert snap.steps[i] == pytest.approx(steps[sl].mean(), rel=1e-12)
        assert snap.loss[i] == pytest.approx(losses[sl].mean(), rel=1e-12)
        assert snap.loss_min[i] == losses[sl].min()
        assert snap.loss_max[i] == losses[sl].max()
        assert snap.series("update_ratio", 2)[i] == pytest.approx(
            steps[sl].mean() * 10 + 2 + 0.3, rel=1e-12
        )
        start += c
    assert start + n_exact == n
    # all buckets but the last old one have the same width
    old = snap.counts[~exact]
    assert (old[:-1] == h.width).all() and old[-1] <= h.width


def test_million_steps_fixed_memory():
    """10⁶ recorded steps: the arrays never grow, and nothing else accumulates either."""
    n_layers = 3
    h = StatsHistory(n_layers)
    budget = h.nbytes
    assert budget < 2_000_000  # about 1.5 MB for 3 layers with the default sizes
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    block = 50_000
    for start in range(0, 1_000_000, block):
        steps = np.arange(start + 1, start + block + 1, dtype=float)
        h.record_many(steps, 1.0 / steps, stats_array(steps, n_layers))
        del steps
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert h.n_recorded == 1_000_000
    assert h.nbytes == budget
    assert grown < 100_000, f"history retained {grown} bytes beyond its arrays"
    assert len(h) <= h.coarse + 2 * h.recent
    snap = h.snapshot()
    assert snap.counts.sum() == 1_000_000
    # the most recent steps are exact
    n_exact = int((snap.counts == 1).sum())
    assert n_exact >= h.recent
    tail = np.arange(1_000_000 - n_exact + 1, 1_000_001, dtype=float)
    np.testing.assert_array_equal(snap.steps[-n_exact:], tail)
    np.testing.assert_array_equal(snap.loss[-n_exact:], 1.0 / tail)
    np.testing.assert_array_equal(snap.series("grad_norm", 3)[-n_exact:], tail * 10 + 3)
    # the old part still covers the whole run, from step 1
    assert snap.steps[0] < h.width
    assert np.all(np.diff(snap.steps) > 0)
    # recording one by one after that keeps working, exact
    h.record(1_000_001, 0.25, fake_stats(1_000_001, n_layers))
    assert h.loss()[-1] == 0.25 and h.steps()[-1] == 1_000_001
    assert h.nbytes == budget


def test_record_one_by_one_through_many_folds():
    """The real per-step path, through many folds and pair merges."""
    h = StatsHistory(1, recent=4, coarse=4)
    for s in range(1, 2001):
        h.record(s, float(s), fake_stats(s, 1))
    snap = h.snapshot()
    assert snap.counts.sum() == 2000
    assert len(snap.steps) <= 4 + 8
    np.testing.assert_array_equal(snap.loss[snap.counts == 1], snap.steps[snap.counts == 1])
    # loss == step, so each point's mean loss equals its mean step
    np.testing.assert_allclose(snap.loss, snap.steps, rtol=1e-12)
    assert snap.loss_min[0] == 1.0


def test_records_real_statistics():
    """The statistics of a real step go in and come out unchanged (what recording costs is the
    benchmark's to measure, not a test's)."""
    rng = np.random.default_rng(0)
    net = build_network(
        2, [LayerSpec(8, "tanh"), LayerSpec(8, "tanh"), LayerSpec(1, "sigmoid")], "bce", rng
    )
    learner = Learner(net, make_optimizer("sgd"))
    x = rng.normal(size=(32, 2))
    y = (rng.random((32, 1)) > 0.5).astype(float)
    result = learner.step(x, y, 0.1)
    stats = learner.step_stats()
    h = StatsHistory(3)
    for s in range(5000):
        h.record(s, result.loss, stats)
    assert h.series("grad_norm", 1)[-1] == stats[0].grad_norm
    assert h.loss()[-1] == result.loss


def test_bad_arguments():
    with pytest.raises(ValueError, match="power of two"):
        StatsHistory(2, recent=100)
    with pytest.raises(ValueError, match="n_layers"):
        StatsHistory(0)
    h = StatsHistory(2, recent=4, coarse=4)
    h.record(1, 1.0, fake_stats(1, 2))
    with pytest.raises(ValueError, match="unknown statistic 'nope'; allowed: grad_norm"):
        h.series("nope", 1)
    with pytest.raises(IndexError, match="layer 3 does not exist"):
        h.series("grad_norm", 3)
    with pytest.raises(ValueError, match="record_many needs"):
        h.record_many([1, 2], [1.0, 2.0], np.zeros((2, 3, 9)))


def test_clear():
    h = StatsHistory(1, recent=4, coarse=4)
    for s in range(100):
        h.record(s, 1.0, fake_stats(s, 1))
    h.clear()
    assert len(h) == 0 and h.n_recorded == 0 and h.last() is None
    h.record(7, 2.0, fake_stats(7, 1))
    np.testing.assert_array_equal(h.steps(), [7.0])


def test_truncate_forgets_later_steps_and_keeps_working():
    """After a restore to an earlier step, the history continues from there, still bounded."""
    h = StatsHistory(1, recent=16, coarse=8)
    for s in range(1, 1001):
        h.record(s, float(s), fake_stats(s, 1))
    h.truncate(990)
    assert h.steps()[-1] == 990 and h.n_recorded == 990
    assert h.counts().sum() == 990
    h.truncate(500)  # beyond the exact part: whole buckets after step 500 go
    assert h.steps().max() <= 500
    assert h.counts().sum() == h.n_recorded <= 500
    budget = h.nbytes
    for s in range(int(h.n_recorded) + 1, 20_001):  # through merges with an odd bucket count
        h.record(s, float(s), fake_stats(s, 1))
    snap = h.snapshot()
    assert snap.counts.sum() == h.n_recorded
    assert np.all(np.diff(snap.steps) > 0)
    np.testing.assert_allclose(snap.loss, snap.steps, rtol=1e-12)
    assert len(snap.steps) <= 8 + 32 and h.nbytes == budget
    assert snap.steps[-1] == 20_000
