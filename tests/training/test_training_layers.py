"""Dropout and batch normalization: their math, finite differences, events and the fast path."""

import numpy as np
import pytest
from training_helpers import make_learner

from engine import LayerSpec, Trainer, build_network
from engine.gradcheck import gradient_check


def bn_dropout_specs(activation="tanh"):
    return [
        LayerSpec(5, activation, batch_norm=True, dropout=0.3),
        LayerSpec(4, "sigmoid", dropout=0.5),
        LayerSpec(2, "linear"),
    ]


def perturb_gamma_beta(net, seed=1):
    """Move γ, β away from 1, 0 so their gradients are exercised in general position."""
    rng = np.random.default_rng(seed)
    for layer in net.layers:
        if layer.batch_norm:
            gamma = rng.uniform(0.5, 2.0, layer.n_out) * rng.choice([-1, 1], layer.n_out)
            beta = rng.normal(size=layer.n_out)
            layer.params = {**layer.params, "gamma": gamma, "beta": beta}


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "elu", "prelu", "linear"])
def test_batch_norm_and_dropout_pass_finite_differences(batch, activation):
    x, y = batch
    learner = make_learner(bn_dropout_specs(activation), l2=0.01)
    perturb_gamma_beta(learner.net)
    report = gradient_check(learner, x, y, rng=np.random.default_rng(5))
    assert report.passed, str(report)
    names = {p.name for layer in report.layers for p in layer.params}
    assert {"gamma", "beta"} <= names


def test_batch_norm_only_passes_finite_differences(batch):
    x, y = batch
    specs = [LayerSpec(4, "tanh", batch_norm=True), LayerSpec(3, "tanh", batch_norm=True)]
    specs.append(LayerSpec(2, "linear"))
    learner = make_learner(specs)
    perturb_gamma_beta(learner.net, seed=3)
    report = gradient_check(learner, x, y)
    assert report.passed, str(report)


def test_dropout_with_a_fixed_mask_passes_finite_differences_by_hand(batch):
    """Independent of gradcheck: C(p ± ε) with the same mask, against the Gradient event."""
    x, y = batch
    learner = make_learner([LayerSpec(4, "tanh", dropout=0.4), LayerSpec(2, "linear")])
    net = learner.net
    grads = {}
    for event in learner.events(x, y, 0.0, rng=np.random.default_rng(9)):
        if event.kind == "gradient":
            grads[event.l] = {"W": event.grad_W, "b": event.grad_b}

    def cost():
        rng = np.random.default_rng(9)  # the same mask at every evaluation
        a = x
        for layer in net.layers:
            z, a, _ = layer.forward(a, rng, True)
        return net.loss.value(z, a, y)

    eps = 1e-6
    for layer in net.layers:
        for name in ("W", "b"):
            p = layer.params[name]
            numeric = np.zeros(p.shape)
            for idx in np.ndindex(p.shape):
                for sign in (1, -1):
                    q = p.copy()
                    q[idx] += sign * eps
                    saved = layer.params
                    layer.params = {**saved, name: q}
                    numeric[idx] += sign * cost() / (2 * eps)
                    layer.params = saved
            np.testing.assert_allclose(grads[layer.l][name], numeric, rtol=1e-6, atol=1e-9)


def test_dropout_mask_values_rate_and_event_fields():
    p = 0.25
    learner = make_learner([LayerSpec(200, "relu", dropout=p), LayerSpec(1, "linear")])
    x = np.random.default_rng(0).normal(size=(50, 3))
    y = np.zeros((50, 1))
    events = list(learner.events(x, y, 0.1, rng=np.random.default_rng(1)))
    forward = next(e for e in events if e.kind == "forward" and e.l == 1)
    mask = forward.mask
    assert set(np.unique(mask)) == {0.0, 1.0 / (1.0 - p)}
    assert abs(np.mean(mask == 0) - p) < 0.02
    sigma = np.maximum(forward.z, 0.0)
    np.testing.assert_array_equal(forward.a, sigma * mask)
    # the next layer sees the dropped-out output
    assert next(e for e in events if e.kind == "forward" and e.l == 2).a_prev is forward.a
    delta = next(e for e in events if e.kind == "delta" and e.l == 1)
    assert delta.mask is mask
    np.testing.assert_array_equal(delta.delta, delta.from_above * mask * delta.local_slope)
    assert not mask.flags.writeable


def test_dropout_is_off_at_evaluation_and_needs_a_generator():
    net = build_network(
        3, [LayerSpec(4, "tanh", dropout=0.5), LayerSpec(1)], "mse", np.random.default_rng(0)
    )
    x = np.ones((2, 3))
    z, a, extra = net.layers[0].forward(x, None, False)
    np.testing.assert_array_equal(a, np.tanh(z))
    assert extra == {}
    with pytest.raises(ValueError, match="layer 1: dropout"):
        net.layers[0].forward(x, None, True)


def test_batch_norm_forward_values_and_running_statistics():
    learner = make_learner([LayerSpec(3, "tanh", batch_norm=True), LayerSpec(1, "linear")])
    layer = learner.net.layers[0]
    x = np.random.default_rng(2).normal(size=(8, 3)) * 3 + 1
    y = np.zeros((8, 1))
    W, b = layer.W, layer.b
    events = list(learner.events(x, y, 0.1, rng=np.random.default_rng(0)))
    f = next(e for e in events if e.kind == "forward" and e.l == 1)
    z = x @ W.T + b
    mean, var = z.mean(axis=0), z.var(axis=0)
    np.testing.assert_allclose(f.batch_mean, mean, rtol=1e-13)
    np.testing.assert_allclose(f.batch_var, var, rtol=1e-13)
    np.testing.assert_allclose(f.z_hat, (z - mean) / np.sqrt(var + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(f.a, np.tanh(f.z_hat), rtol=1e-12)  # γ = 1, β = 0 at first
    # running statistics are committed with the step (PyTorch's rule, unbiased variance)
    np.testing.assert_allclose(layer.buffers["running_mean"], 0.1 * mean, rtol=1e-13)
    np.testing.assert_allclose(layer.buffers["running_var"], 0.9 + 0.1 * var * 8 / 7, rtol=1e-13)
    # evaluation uses them
    z_eval, a_eval, _ = layer.forward(x, None, False)
    running = layer.buffers
    expected = (z_eval - running["running_mean"]) / np.sqrt(running["running_var"] + 1e-5)
    gamma, beta = layer.params["gamma"], layer.params["beta"]
    np.testing.assert_allclose(a_eval, np.tanh(gamma * expected + beta), rtol=1e-12)
    # the Delta and Gradient events carry ∂C/∂ẑ and the gradients of γ and β
    d = next(e for e in events if e.kind == "delta" and e.l == 1)
    g = next(e for e in events if e.kind == "gradient" and e.l == 1)
    assert d.grad_z_hat.shape == (8, 3)
    assert set(g.extra) == {"gamma", "beta"}
    np.testing.assert_allclose(g.grad_b, 0.0, atol=1e-12)  # the mean subtraction cancels b
    u = next(e for e in events if e.kind == "update" and e.l == 1)
    assert set(u.extra) == {"gamma", "beta"}


def test_abandoned_step_leaves_parameters_and_running_statistics_untouched():
    learner = make_learner(bn_dropout_specs())
    before = learner.net.snapshot()
    x = np.random.default_rng(0).normal(size=(6, 3))
    stream = learner.events(x, np.zeros((6, 2)), 0.1, rng=np.random.default_rng(0))
    for event in stream:
        if event.kind == "update":
            break
    stream.close()
    for (params, buffers), layer in zip(before, learner.net.layers, strict=True):
        assert layer.buffers is buffers
        for name, value in params.items():
            assert layer.params[name] is value


def make_trainer(batch_size=4, optimizer="adam", activation="prelu"):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    specs = [
        LayerSpec(4, activation, batch_norm=True, dropout=0.3),
        LayerSpec(3, "tanh", dropout=0.5),
        LayerSpec(2, "linear"),
    ]
    learner = make_learner(specs, optimizer=optimizer, l2=0.01, clip_norm=1.0)
    return Trainer(learner, x, y, batch_size=batch_size, lr=0.01, rng=np.random.default_rng(3))


def test_event_stream_is_bitwise_the_fast_path_with_dropout_and_batch_norm():
    fast, stepped = make_trainer(), make_trainer()
    for _ in range(9):
        result = fast.step()
        # abandon a step halfway: the masks are drawn again identically afterwards
        stream = stepped.step_events()
        for _ in range(4):
            next(stream)
        stream.close()
        events = list(stepped.step_events())
        assert events[-1].loss == result.loss
        assert events[-1].stats == fast.learner.step_stats()
    for a, b in zip(fast.learner.net.layers, stepped.learner.net.layers, strict=True):
        for name in a.params:
            assert a.params[name].tobytes() == b.params[name].tobytes(), name
        for name in a.buffers:
            assert a.buffers[name].tobytes() == b.buffers[name].tobytes(), name


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (LayerSpec(1, "sigmoid", dropout=0.5), "layer 2 \\(output\\): dropout"),
        (LayerSpec(1, "sigmoid", batch_norm=True), "layer 2 \\(output\\): batch_norm"),
    ],
)
def test_dropout_and_batch_norm_are_refused_on_the_output_layer(spec, message):
    with pytest.raises(ValueError, match=message):
        build_network(2, [LayerSpec(3, "tanh"), spec], "bce", np.random.default_rng(0))


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5])
def test_dropout_probability_must_be_in_0_1(p):
    with pytest.raises(ValueError, match=r"layer 1: dropout must be a number in \[0, 1\)"):
        build_network(2, [LayerSpec(3, dropout=p), LayerSpec(1)], "mse", np.random.default_rng(0))


@pytest.mark.crosscheck
def test_batch_norm_matches_pytorch_batchnorm1d_in_training_mode():
    torch = pytest.importorskip("torch")
    learner = make_learner([LayerSpec(4, "tanh", batch_norm=True), LayerSpec(2, "linear")])
    perturb_gamma_beta(learner.net, seed=4)
    layer = learner.net.layers[0]
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    events = list(learner.events(x, y, 0.1, rng=np.random.default_rng(0)))

    linear = torch.nn.Linear(3, 4).double()
    bn = torch.nn.BatchNorm1d(4, eps=1e-5, momentum=0.1).double()
    out = torch.nn.Linear(4, 2).double()
    grad_of = {}
    with torch.no_grad():
        old = next(e for e in events if e.kind == "update" and e.l == 1)
        linear.weight.copy_(torch.from_numpy(np.array(old.W_old)))
        linear.bias.copy_(torch.from_numpy(np.array(old.b_old)))
        bn.weight.copy_(torch.from_numpy(np.array(old.extra["gamma"][0])))
        bn.bias.copy_(torch.from_numpy(np.array(old.extra["beta"][0])))
        old2 = next(e for e in events if e.kind == "update" and e.l == 2)
        out.weight.copy_(torch.from_numpy(np.array(old2.W_old)))
        out.bias.copy_(torch.from_numpy(np.array(old2.b_old)))
    bn.train()
    xt = torch.from_numpy(np.array(x))
    z = linear(xt)
    z.retain_grad()
    a = torch.tanh(bn(z))
    loss = torch.nn.functional.mse_loss(out(a), torch.from_numpy(y))
    loss.backward()
    grad_of = {
        "W": linear.weight.grad.numpy(),
        "b": linear.bias.grad.numpy(),
        "gamma": bn.weight.grad.numpy(),
        "beta": bn.bias.grad.numpy(),
    }
    g = next(e for e in events if e.kind == "gradient" and e.l == 1)
    d = next(e for e in events if e.kind == "delta" and e.l == 1)
    np.testing.assert_allclose(d.delta, z.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g.grad_W, grad_of["W"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g.grad_b, grad_of["b"], atol=1e-14)
    np.testing.assert_allclose(g.extra["gamma"], grad_of["gamma"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g.extra["beta"], grad_of["beta"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(
        layer.buffers["running_mean"], bn.running_mean.numpy(), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(layer.buffers["running_var"], bn.running_var.numpy(), rtol=1e-12)
