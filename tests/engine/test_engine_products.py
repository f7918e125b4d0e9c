"""``arrays.product_for``: a layer's matrix products are ``np.dot`` below ``MATMUL_FROM``
multiply-adds and ``np.matmul`` from there — the same BLAS products, so the same bits whichever
is chosen, in the three layouts a dense layer multiplies (zˡ = aˡ⁻¹ Wᵀ, ∂C/∂W = δᵀ aˡ⁻¹,
δ W), with and without ``out``."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import LayerSpec, Learner, Trainer, build_network, make_optimizer
from engine.arrays import MATMUL_FROM, dot, matmul, product_for
from engine.layers import backpropagate, gradients, linear

SIZES = st.integers(1, 90)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([np.float64, np.float32]),
    SIZES,
    SIZES,
    SIZES,
    st.integers(0, 2**32 - 1),
)
def test_dot_and_matmul_give_the_same_bits_in_a_layers_layouts(dtype, B, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    a_prev = rng.standard_normal((B, n_in)).astype(dtype)
    W = rng.standard_normal((n_out, n_in)).astype(dtype)
    delta = rng.standard_normal((B, n_out)).astype(dtype)
    for left, right in ((a_prev, W.T), (delta.T, a_prev), (delta, W)):
        expected = dot(left, right)
        out = np.empty_like(expected)
        assert matmul(left, right, out) is out
        assert out.tobytes() == expected.tobytes()
        assert matmul(left, right).tobytes() == expected.tobytes()


def test_the_choice_goes_by_the_number_of_multiply_adds():
    assert product_for(MATMUL_FROM - 1) is dot
    assert product_for(MATMUL_FROM) is matmul


def test_a_layers_equations_take_the_product_they_are_given():
    rng = np.random.default_rng(0)
    a_prev, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), np.ones(2)
    delta = rng.standard_normal((4, 2))
    calls = []

    def product(x, y, out=None):
        calls.append((x.shape, y.shape))
        return dot(x, y, out)

    linear(a_prev, W.T, b, None, product)
    gradients(delta, a_prev, product=product)
    backpropagate(delta, W, None, product)
    assert calls == [((4, 3), (3, 2)), ((2, 4), (4, 3)), ((4, 2), (2, 3))]


def make_trainer():
    rng = np.random.default_rng(3)
    specs = [LayerSpec(6, "tanh"), LayerSpec(5, "relu"), LayerSpec(2, "sigmoid")]
    net = build_network(3, specs, "bce", rng)
    x, y = rng.normal(size=(12, 3)), (rng.random((12, 2)) > 0.5).astype(float)
    learner = Learner(net, make_optimizer("momentum"))
    return Trainer(learner, x, y, batch_size=5, lr=0.1, rng=np.random.default_rng(4))


def parameter_bytes(trainer):
    return [p.tobytes() for layer in trainer.learner.net.layers for p in layer.params.values()]


@pytest.mark.parametrize("threshold", [0, 1 << 62], ids=["matmul", "dot"])
def test_both_paths_train_the_same_whichever_product(monkeypatch, threshold):
    """With every product ``matmul`` (or every one ``dot``), the fast path and the event stream
    still agree bit for bit, and with the default choice: the choice changes no number."""
    runs = []
    for limit in (threshold, MATMUL_FROM):
        monkeypatch.setattr("engine.arrays.MATMUL_FROM", limit)
        fast, stream = make_trainer(), make_trainer()
        for _ in range(7):
            loss = fast.step().loss
            assert loss == list(stream.step_events())[-1].loss
        runs.append(parameter_bytes(fast))
        assert runs[-1] == parameter_bytes(stream)
    assert runs[0] == runs[1]
