"""Numerical stability at |z| = 1000: no overflow, no invalid operation, finite losses.

The one deliberate condition is the sigmoid's: e⁻ᶻ overflows to ∞ for z < −709 and 1/(1 + ∞) = 0.
It declares it (``Activation.quiet``) and whoever applies it silences it, once per pass, as the
engine does; nothing else may overflow."""

import math

import numpy as np
import pytest

from engine import LayerSpec, Learner, build_network, make_activation, make_loss, make_optimizer

# Underflow (e^−1000 → 0) is the correct, harmless outcome; everything else must not happen.
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}
BIG = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])


def sigmoid(z):
    """σ(z) as a layer applies it: its declared conditions silenced, all others strict."""
    act = make_activation("sigmoid")
    assert act.quiet == {"over": "ignore"}
    with np.errstate(**act.quiet):
        return act(z)


def test_only_the_sigmoid_declares_a_deliberate_overflow():
    from engine import ACTIVATIONS

    assert {name for name, cls in ACTIVATIONS.items() if cls.quiet} == {"sigmoid"}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_and_softmax_at_plus_minus_1000(dtype):
    z = BIG.astype(dtype)
    with np.errstate(**STRICT):
        a = sigmoid(z)
        np.testing.assert_array_equal(a, [[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]])
        s = make_activation("softmax")(z)
        np.testing.assert_allclose(s, [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
        assert np.all(np.isfinite(make_activation("sigmoid").slope(z, a)))
        for name in ("tanh", "elu", "relu", "leaky_relu", "linear"):
            act = make_activation(name)
            out = act(z)
            assert np.all(np.isfinite(out)) and np.all(np.isfinite(act.slope(z, out)))
    assert a.dtype == s.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_losses_at_plus_minus_1000(dtype):
    z = BIG.astype(dtype)
    y = np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype=dtype)
    with np.errstate(**STRICT):
        sig = sigmoid(z)
        bce = make_loss("bce")
        # wrong by 1000 on three entries of six: log(1 + e^1000) ≈ 1000 each, plus log 2 at z = 0
        assert bce.value(z, sig, y) == pytest.approx((3000 + math.log(2)) / 6, rel=1e-6)
        delta = bce.fused_delta(z, sig, y)
        assert np.all(np.isfinite(delta))
        y_ok = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype=dtype)  # saturated and right
        assert bce.value(z, sig, y_ok) == pytest.approx(math.log(2) / 6, rel=1e-6)
        soft = make_activation("softmax")(z)
        ce = make_loss("cross_entropy")
        onehot = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=dtype)
        # row 1: logsumexp = 1000, target z = −1000; row 2: 1000 + log 2, target z = −1000
        assert ce.value(z, soft, onehot) == pytest.approx((4000 + math.log(2)) / 2, rel=1e-6)
        assert np.all(np.isfinite(ce.fused_delta(z, soft, onehot)))
        for name in ("mse", "quadratic"):
            assert math.isfinite(make_loss(name).value(z, z, y))
            assert np.all(np.isfinite(make_loss(name).grad_a(z, z, y)))


def test_grad_a_of_saturated_correct_outputs_is_finite():
    """∇ₐC where the output rounded to exactly 0 or 1 and is right: a limit, not NaN."""
    z = BIG
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    sig = sigmoid(z)
    g = make_loss("bce").grad_a(z, sig, y)
    n = y.size
    # saturated entries: ∓1/n; at z = 0 (a = 1/2, y = 1): (a − y)/(a(1 − a)·n) = −2/n
    np.testing.assert_allclose(g, [[-1 / n, 1 / n, -2 / n], [1 / n, -1 / n, -1 / n]])
    soft = make_activation("softmax")(z)
    onehot = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    g = make_loss("cross_entropy").grad_a(z, soft, onehot)
    np.testing.assert_allclose(g, [[-0.5, 0.0, 0.0], [0.0, -1.0, 0.0]])


@pytest.mark.parametrize(
    ("specs", "loss"),
    [
        ([LayerSpec(3, "sigmoid"), LayerSpec(2, "sigmoid")], "bce"),
        ([LayerSpec(3, "tanh"), LayerSpec(2, "softmax")], "cross_entropy"),
        ([LayerSpec(3, "elu"), LayerSpec(2, "sigmoid")], "mse"),
    ],
)
def test_a_training_step_with_huge_pre_activations(specs, loss):
    """Weights that put |z| near 1000 in every layer: the step stays finite, no warnings."""
    rng = np.random.default_rng(0)
    specs = [
        LayerSpec(s.size, s.activation, init="constant", init_params={"value": 500.0})
        for s in specs
    ]
    net = build_network(2, specs, loss, rng)
    learner = Learner(net, make_optimizer("adam"), l2=0.01)
    x = np.array([[1.0, 1.0], [-1.0, -1.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(**STRICT):
        events = list(learner.events(x, y, 0.1))
        result = learner.step(x, y, 0.1)
    z1 = events[1].z
    assert np.abs(z1).max() == pytest.approx(1000.0)
    assert math.isfinite(events[-1].loss) and math.isfinite(result.loss)
    for e in events:
        if e.kind in ("delta", "gradient", "update"):
            for name, array in e.arrays().items():
                if e.kind == "delta" and e.fused and name == "from_above":
                    continue  # ∇ₐC of an output saturated on the wrong side is 1/0: δᴸ is fused
                assert np.all(np.isfinite(array)), f"{e.kind} {name} of layer {e.l}"
    for layer in net.layers:
        assert all(np.all(np.isfinite(p)) for p in layer.params.values())
