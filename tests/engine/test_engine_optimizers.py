"""Each optimizer against values worked out by hand (closed-form Python floats), for 3 steps."""

import math

import numpy as np
import pytest

from engine import LayerSpec, Learner, build_network, make_optimizer

G = (0.5, -0.2, 0.1)  # the gradients of the three steps
P0 = 1.0


def run(name, lrs, grads=G, **settings):
    """Three steps of optimizer ``name`` on a one-element parameter; returns p after each."""
    opt = make_optimizer(name, **settings)
    p, state, out = np.array([P0]), {}, []
    for t, (lr, g) in enumerate(zip(lrs, grads), start=1):
        p_new, step, state = opt.update(p, np.array([g]), state, lr, t)
        assert p_new[0] == pytest.approx(p[0] - step[0], rel=1e-15, abs=1e-15)
        p = p_new
        out.append(float(p[0]))
    return out, state


def test_sgd():
    got, state = run("sgd", (0.1, 0.1, 0.1))
    assert got == pytest.approx([1.0 - 0.05, 0.95 + 0.02, 0.97 - 0.01], rel=1e-14)
    assert state == {}


def test_momentum_with_a_changing_learning_rate():
    """v ← μv + g; p ← p − η_t v: the velocity is not rescaled when η changes (PyTorch)."""
    got, state = run("momentum", (0.1, 0.05, 0.2), momentum=0.9)
    v1 = 0.5
    v2 = 0.9 * 0.5 - 0.2  # 0.25
    v3 = 0.9 * 0.25 + 0.1  # 0.325
    p1 = 1.0 - 0.1 * v1  # 0.95
    p2 = p1 - 0.05 * v2  # 0.9375
    p3 = p2 - 0.2 * v3  # 0.8725
    assert got == pytest.approx([0.95, 0.9375, 0.8725], rel=1e-14)
    assert got == pytest.approx([p1, p2, p3], rel=1e-14)
    assert state["v"][0] == pytest.approx(0.325, rel=1e-14)


def test_nesterov():
    """p ← p − η (g + μ v) with v ← μ v + g."""
    got, _ = run("momentum", (0.1, 0.1, 0.1), momentum=0.9, nesterov=True)
    # v: 0.5, 0.25, 0.325; directions: 0.5 + 0.45, −0.2 + 0.225, 0.1 + 0.2925
    assert got == pytest.approx([1.0 - 0.095, 0.905 - 0.0025, 0.9025 - 0.03925], rel=1e-14)


def test_rmsprop():
    """s ← ρ s + (1 − ρ) g², p ← p − η g / (√s + ε), ρ = 0.9, ε = 1e-8."""
    got, state = run("rmsprop", (0.01, 0.01, 0.01), rho=0.9, eps=1e-8)
    s1 = 0.1 * 0.25  # 0.025
    s2 = 0.9 * 0.025 + 0.1 * 0.04  # 0.0265
    s3 = 0.9 * 0.0265 + 0.1 * 0.01  # 0.02485
    p1 = 1.0 - 0.01 * 0.5 / (math.sqrt(0.025) + 1e-8)
    p2 = p1 + 0.01 * 0.2 / (math.sqrt(0.0265) + 1e-8)
    p3 = p2 - 0.01 * 0.1 / (math.sqrt(0.02485) + 1e-8)
    assert [s1, s2, s3] == pytest.approx([0.025, 0.0265, 0.02485], rel=1e-14)
    assert got == pytest.approx([p1, p2, p3], rel=1e-14)
    # p1 = 1 − 0.005/(0.158113883… + 1e-8) = 0.968377225…
    assert got[0] == pytest.approx(0.968377225398, rel=1e-11)
    assert state["s"][0] == pytest.approx(0.02485, rel=1e-14)


def test_adam_bias_correction():
    """m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ): the first step moves p by η·sign(g)."""
    got, state = run("adam", (0.1, 0.1, 0.1), beta1=0.9, beta2=0.999, eps=1e-8)
    # t = 1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25
    p1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8)
    # t = 2: m = 0.045 − 0.02 = 0.025, v = 0.00024975 + 0.00004 = 0.00028975
    m_hat2 = 0.025 / (1 - 0.81)
    v_hat2 = 0.00028975 / (1 - 0.998001)
    p2 = p1 - 0.1 * m_hat2 / (math.sqrt(v_hat2) + 1e-8)
    # t = 3: m = 0.0225 + 0.01 = 0.0325, v = 0.00028946025 + 0.00001 = 0.00029946025
    m_hat3 = 0.0325 / (1 - 0.729)
    v_hat3 = 0.00029946025 / (1 - 0.997002999)
    p3 = p2 - 0.1 * m_hat3 / (math.sqrt(v_hat3) + 1e-8)
    assert got[0] == pytest.approx(0.900000002, rel=1e-12)  # 1 − η·0.5/(0.5 + ε)
    assert got == pytest.approx([p1, p2, p3], rel=1e-12)
    assert state["m"][0] == pytest.approx(0.0325, rel=1e-12)
    assert state["v"][0] == pytest.approx(0.00029946025, rel=1e-12)


def test_adagrad():
    """s ← s + g², p ← p − η g / (√s + ε)."""
    got, state = run("adagrad", (0.1, 0.1, 0.1), eps=1e-10)
    p1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-10)
    p2 = p1 + 0.1 * 0.2 / (math.sqrt(0.29) + 1e-10)
    p3 = p2 - 0.1 * 0.1 / (math.sqrt(0.30) + 1e-10)
    assert got == pytest.approx([p1, p2, p3], rel=1e-14)
    assert state["s"][0] == pytest.approx(0.30, rel=1e-14)


def one_weight_learner(optimizer):
    """z = w x + b, linear output, quadratic loss, w = 0.5, b = 0.1."""
    spec = LayerSpec(1, "linear", weights=[[0.5]], bias=[0.1])
    net = build_network(1, [spec], "quadratic", np.random.default_rng(0))
    return Learner(net, optimizer)


def test_weight_decay_through_the_learner():
    """Weight decay λ on W only: W ← W − η (∂C/∂W + λW), b ← b − η ∂C/∂b.

    One example x = 2, y = 1: C = ½(wx + b − y)², ∂C/∂w = (wx + b − y)·x, ∂C/∂b = wx + b − y.
    """
    learner = one_weight_learner(make_optimizer("sgd", weight_decay=0.1))
    x, y = np.array([[2.0]]), np.array([[1.0]])
    w, b = 0.5, 0.1
    for _ in range(3):
        r = w * 2.0 + b - 1.0
        w, b = w - 0.1 * (r * 2.0 + 0.1 * w), b - 0.1 * r
        learner.step(x, y, 0.1)
    # by hand: (w, b) = (0.5, 0.1) → (0.475, 0.09) → (0.46225, 0.086) → (0.4555275, 0.08495)
    assert (w, b) == pytest.approx((0.4555275, 0.08495), rel=1e-14)
    assert learner.net.layer(1).params["W"][0, 0] == pytest.approx(0.4555275, rel=1e-14)
    assert learner.net.layer(1).params["b"][0] == pytest.approx(0.08495, rel=1e-14)


def test_adam_through_the_learner_counts_steps_from_one():
    learner = one_weight_learner(make_optimizer("adam"))
    x, y = np.array([[2.0]]), np.array([[1.0]])
    ts = []
    for _ in range(3):
        ts += [e.t for e in learner.events(x, y, 0.01) if e.kind == "update"]
    assert ts == [1, 2, 3] and learner.t == 3
    # step 1: Adam moves every parameter by η·g/(|g| + ε): g_w = 0.2, g_b = 0.1
    learner = one_weight_learner(make_optimizer("adam"))
    learner.step(x, y, 0.01)
    assert learner.net.layer(1).params["W"][0, 0] == pytest.approx(
        0.5 - 0.01 * 0.2 / (0.2 + 1e-8), rel=1e-14
    )
    assert learner.net.layer(1).params["b"][0] == pytest.approx(
        0.1 - 0.01 * 0.1 / (0.1 + 1e-8), rel=1e-14
    )


def test_bad_settings():
    with pytest.raises(ValueError, match="optimizer 'adam' has no setting momentum; allowed: "):
        make_optimizer("adam", momentum=0.9)
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'; allowed: sgd"):
        make_optimizer("adamw")
