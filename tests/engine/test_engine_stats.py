"""Per-layer statistics against direct NumPy computations on small cases."""

import math

import numpy as np
import pytest

from engine import STAT_NAMES, LayerSpec, Learner, build_network, make_optimizer

X = np.array([[1.0, 2.0], [0.5, 1.5], [2.0, 0.1], [1.0, 1.0]])  # positive inputs


def step_events(specs, loss, y, optimizer="sgd", **settings):
    net = build_network(2, specs, loss, np.random.default_rng(0))
    learner = Learner(net, make_optimizer(optimizer), **settings)
    learner.step(X, y, 0.05)  # a step first: the statistics reuse the previous ‖W‖
    events = list(learner.events(X, y, 0.05))
    return net, events


def by_kind(events, kind):
    return {e.l: e for e in events if e.kind == kind}


def test_dead_relu_unit():
    """Unit 1 of the relu layer has z < 0 for every example: a third of the units is dead."""
    W = [[-1.0, -1.0], [1.0, 0.5], [0.5, -0.2]]
    specs = [
        LayerSpec(3, "relu", weights=W, bias=[-0.5, 0.1, 0.0]),
        LayerSpec(1, "linear", weights=[[0.3, -0.2, 0.4]], bias=[0.0]),
    ]
    net, events = step_events(specs, "mse", np.ones((4, 1)))
    z = by_kind(events, "forward")[1].z
    assert np.all(z[:, 0] < 0) and np.any(z[:, 1:] > 0, axis=0).all()
    stats = events[-1].stats
    assert stats[0].dead_fraction == pytest.approx(np.mean(np.all(z <= 0, axis=0))) == 1 / 3
    assert stats[0].saturated_fraction == 0.0  # relu does not saturate
    assert stats[1].dead_fraction == 0.0  # linear cannot die


def test_saturated_sigmoid_layer():
    """Large weights push most sigmoid units to σ′ < 1% of its maximum 1/4."""
    W = [[20.0, 20.0], [0.1, -0.1], [-15.0, 5.0]]
    specs = [
        LayerSpec(3, "sigmoid", weights=W),
        LayerSpec(1, "sigmoid", weights=[[0.5, 0.5, 0.5]]),
    ]
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    net, events = step_events(specs, "bce", y)
    fwd = by_kind(events, "forward")
    a = fwd[1].a
    expected = np.mean(a * (1 - a) < 0.01 * 0.25)
    stats = events[-1].stats
    assert 0.4 < expected < 1.0  # the case is non-trivial: some units saturated, some not
    assert stats[0].saturated_fraction == pytest.approx(expected)
    a2 = fwd[2].a
    assert stats[1].saturated_fraction == pytest.approx(np.mean(a2 * (1 - a2) < 0.0025))


@pytest.mark.parametrize("settings", [{}, {"l2": 0.1, "clip_norm": 0.01}])
def test_every_statistic_against_numpy(settings):
    specs = [LayerSpec(4, "tanh"), LayerSpec(3, "elu"), LayerSpec(2, "linear")]
    y = np.random.default_rng(1).normal(size=(4, 2))
    net, events = step_events(specs, "quadratic", y, optimizer="momentum", **settings)
    fwd, deltas = by_kind(events, "forward"), by_kind(events, "delta")
    grads, updates = by_kind(events, "gradient"), by_kind(events, "update")
    stats = events[-1].stats
    assert [s.l for s in stats] == [1, 2, 3]
    assert STAT_NAMES == (
        "grad_norm",
        "delta_mean_abs",
        "weight_norm",
        "update_ratio",
        "saturated_fraction",
        "dead_fraction",
        "act_mean",
        "act_std",
    )
    for l, s in enumerate(stats, start=1):
        u = updates[l]
        assert s.grad_norm == pytest.approx(np.linalg.norm(grads[l].grad_W), rel=1e-12)
        assert s.delta_mean_abs == pytest.approx(np.mean(np.abs(deltas[l].delta)), rel=1e-12)
        assert s.weight_norm == pytest.approx(np.linalg.norm(u.W_new), rel=1e-12)
        ratio = np.linalg.norm(u.step_W) / np.linalg.norm(u.W_old)
        assert s.update_ratio == pytest.approx(ratio, rel=1e-12)
        a = fwd[l].a
        assert s.act_mean == pytest.approx(a.mean(), rel=1e-12)
        assert s.act_std == pytest.approx(a.std(), rel=1e-9)
        assert s.weight_norm == pytest.approx(np.linalg.norm(net.layer(l).params["W"]), rel=1e-12)
    z1 = fwd[1].z
    slope1 = 1 - np.tanh(z1) ** 2
    assert stats[0].saturated_fraction == pytest.approx(np.mean(slope1 < 0.01))


def test_a_step_from_zero_weights_has_an_infinite_update_ratio():
    """‖ΔW‖/‖W‖ with ‖W‖ = 0 before the update was reported as 0 — the "frozen" reading — at
    the first and largest step of learning-rate-too-high (init zeros; new-user audit). A step
    from zero weights is infinitely large beside them: +∞; the next step's ratio is finite."""
    specs = [LayerSpec(1, "linear", init="zeros")]
    net = build_network(2, specs, "mse", np.random.default_rng(0))
    learner = Learner(net, make_optimizer("sgd"))
    learner.step(X, np.ones((4, 1)), 0.1)
    (first,) = learner.step_stats()
    assert first.grad_norm > 0 and first.update_ratio == math.inf
    learner.step(X, np.ones((4, 1)), 0.1)
    (second,) = learner.step_stats()
    assert 0 < second.update_ratio < math.inf


def test_zero_weights_that_do_not_move_give_a_zero_update_ratio():
    specs = [LayerSpec(2, "tanh", init="zeros"), LayerSpec(1, "linear", init="zeros")]
    net = build_network(2, specs, "mse", np.random.default_rng(0))
    learner = Learner(net, make_optimizer("sgd"))
    learner.step(X, np.ones((4, 1)), 0.1)
    stats = learner.step_stats()
    assert stats[0].update_ratio == 0.0 and stats[1].update_ratio == 0.0
    assert all(math.isfinite(v) for s in stats for v in s)


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e200), (np.float32, 1e30)])
def test_a_norm_whose_squares_overflow_is_still_a_number(dtype, big):
    """An exploding gradient's entries past ~1e154 (float32: ~1e19) overflow Σx²: the norm is
    taken again scaled by the largest entry, and stays "inf" only for an infinite entry."""
    from engine.stats import _std, norm

    rng = np.random.default_rng(0)
    x = (rng.standard_normal((7, 5)) * big).astype(dtype)
    assert not np.isfinite(np.vdot(x, x))  # the plain sum of squares overflows
    expected = float(np.linalg.norm(x.astype(np.float64) / big)) * big
    assert norm(x) == pytest.approx(expected, rel=1e-5 if dtype is np.float32 else 1e-12)
    a = x.astype(np.float64) / big
    assert _std(x, float(np.mean(x.astype(np.float64)))) == pytest.approx(
        float(np.std(a)) * big, rel=1e-5 if dtype is np.float32 else 1e-9
    )
    for bad in (np.inf, np.nan):
        y = x.copy()
        y[3, 1] = bad
        with np.errstate(all="ignore"):
            assert norm(y) == pytest.approx(np.linalg.norm(y), nan_ok=True)
    small = rng.standard_normal((7, 5)).astype(dtype)  # the plain path, unchanged
    assert norm(small) == math.sqrt(float(np.vdot(small, small)))
