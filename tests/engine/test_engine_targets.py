"""Targets: cross-entropy takes one-hot rows or class indices (docs/notation.md), and a trainer
refuses x and y whose shapes do not fit the network instead of broadcasting them."""

import numpy as np
import pytest

from engine import LayerSpec, Learner, Trainer, build_network, make_optimizer, one_hot
from engine.losses import make_loss

LABELS = np.array([0, 2, 1, 2, 0])


def softmax_net(seed=0):
    rng = np.random.default_rng(seed)
    specs = [LayerSpec(4, "tanh"), LayerSpec(3, "softmax")]
    return build_network(2, specs, "cross_entropy", rng), rng.normal(size=(5, 2))


def test_cross_entropy_class_indices_are_read_as_one_hot():
    loss = make_loss("cross_entropy")
    z = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [-2.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0, 5, 0]])
    a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = one_hot(LABELS, 3)
    for indices in (LABELS, LABELS.astype(float)):
        assert loss.value(z, a, indices) == loss.value(z, a, y)
        np.testing.assert_array_equal(loss.grad_a(z, a, indices), loss.grad_a(z, a, y))
        np.testing.assert_array_equal(loss.fused_delta(z, a, indices), loss.fused_delta(z, a, y))
    # C = mean of −log a[label]: the value itself, not only agreement with the one-hot form
    expected = -np.mean(np.log(a[np.arange(5), LABELS]))
    assert loss.value(z, a, LABELS) == pytest.approx(expected, rel=1e-14)


def test_a_training_run_on_class_indices_is_bitwise_the_one_hot_run():
    trainers = []
    for y in (LABELS, one_hot(LABELS, 3)):
        net, x = softmax_net()
        learner = Learner(net, make_optimizer("adam"))
        trainers.append(Trainer(learner, x, y, batch_size=2, rng=np.random.default_rng(1)))
    for _ in range(6):
        a, b = (t.step() for t in trainers)
        assert a.loss == b.loss
    for la, lb in zip(*(t.learner.net.layers for t in trainers)):
        assert la.params["W"].tobytes() == lb.params["W"].tobytes()


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.array([0, 3, 1, 2, 0]), r"class index 3 is outside 0…2"),
        (np.array([0, 0.5, 1, 2, 0]), "whole numbers"),
        (np.array([[0], [1], [2], [1], [0]]), r"shape \(5, 3\) or \(5,\) class indices"),
    ],
)
def test_bad_class_indices_are_refused(labels, message):
    net, x = softmax_net()
    with pytest.raises(ValueError, match=message):
        Trainer(Learner(net, make_optimizer("sgd")), x, labels)


@pytest.mark.parametrize(
    ("x_shape", "y_shape", "message"),
    [
        ((6, 2), (6,), r"y must have shape \(6, 1\) for 6 examples, got \(6,\)"),
        ((6, 2), (5, 1), r"y must have shape \(6, 1\) for 6 examples, got \(5, 1\)"),
        ((6, 3), (6, 1), r"x must have shape \(n, 2\): one row per example, got \(6, 3\)"),
        ((6,), (6, 1), r"x must have shape \(n, 2\)"),
    ],
)
def test_shapes_that_do_not_fit_the_network_are_refused(x_shape, y_shape, message):
    """A 1-D y with one linear output unit would broadcast to (n, n) and give a wrong loss."""
    rng = np.random.default_rng(0)
    net = build_network(2, [LayerSpec(3, "tanh"), LayerSpec(1, "linear")], "mse", rng)
    with pytest.raises(ValueError, match=message):
        Trainer(Learner(net, make_optimizer("sgd")), np.zeros(x_shape), np.zeros(y_shape))
