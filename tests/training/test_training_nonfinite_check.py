"""The non-finite check needs no per-layer statistics and misses nothing: a NaN or ∞ injected in
an activation, a gradient, an update or a parameter stops the run at the step it appears, named
by step, layer and quantity — on the fast path (lean, and the event stream drained where lean
does not apply) and in the debugger — and a finite sum that overflows is no divergence."""

import numpy as np
import pytest
from training_helpers import small_run

import engine.layers
import engine.lean
from engine.activations import ReLU
from engine.arrays import dot
from engine.debugger.follow import follow_run
from engine.optimizers import SGD

K = 7  # the step the value is injected into
W2 = (4, 5)  # layer 2's W: the only array of this shape
W2_FLAT = 5 * 2 + 5  # where layer 2's W starts in the lean path's flat arrays (W¹, b¹, W², …)


def run_with(dropout=0.0, **training):
    return small_run(
        network={
            "loss": "bce",
            "layers": [
                {"size": 5, "activation": "tanh", "dropout": dropout},
                {"size": 4, "activation": "relu"},
                {"size": 1, "activation": "sigmoid"},
            ],
        },
        training={"optimizer": "sgd", "lr": 0.1, "batch_size": 8, "epochs": 50, **training},
    )


def at_step_k(run) -> bool:
    return run.learner.t + 1 == K  # inside step K (the learner commits t at its end)


def inject_activation(monkeypatch, run, value):
    relu = ReLU.__call__

    def poisoned(self, z, out=None, **params):
        a = relu(self, z, out, **params)
        if at_step_k(run):
            a[0, 1] = value
        return a

    monkeypatch.setattr(ReLU, "__call__", poisoned)
    return (K, "forward", 2, "a")


def inject_gradient(monkeypatch, run, value):
    rule = engine.layers.gradients

    def poisoned(delta, a_prev, grad_W=None, grad_b=None, ones_B=None, product=dot):
        grad_W, grad_b = rule(delta, a_prev, grad_W, grad_b, ones_B, product)
        if grad_W.shape == W2 and at_step_k(run):
            grad_W[1, 2] = value
        return grad_W, grad_b

    monkeypatch.setattr(engine.layers, "gradients", poisoned)
    monkeypatch.setattr(engine.lean, "gradients", poisoned)
    return (K, "gradient", 2, "grad_W")


def inject_update(monkeypatch, run, value):
    rule = SGD.update

    def poisoned(self, p, g, state, lr, t, out=SGD.update.__defaults__[0]):
        p_new, step, new_state = rule(self, p, g, state, lr, t, out)
        if t == K and (p.shape == W2 or p.ndim == 1 and p.size > 40):
            where = (0, 3) if p.ndim == 2 else (W2_FLAT + 3,)
            step[where], p_new[where] = value, p[where] - value
        return p_new, step, new_state

    monkeypatch.setattr(SGD, "update", poisoned)
    return (K, "update", 2, "W_new")


def inject_parameter(monkeypatch, run, value):
    """A bias that is already −∞ (or NaN, or +∞) when step K starts, as a session file could
    bring: at −∞ a dead ReLU unit and a finite loss (what a check on the loss and the weights'
    norms missed). It comes in through ``restore``, as a loaded session's state does."""
    with np.errstate(all="ignore"):
        run.fit(max_steps=K - 1)
    run.stop_reason = None
    trainer, *rest = run.snapshot()
    (params, opt_state, t), *trainer_rest = trainer
    layers = list(params)
    weights, buffers = layers[1]
    b = weights["b"].copy()
    b[2] = value
    layers[1] = ({**weights, "b": b}, buffers)
    run.restore((((tuple(layers), opt_state, t), *trainer_rest), *rest))
    return (K, "forward", 2, "z")


INJECTIONS = {
    "activation": inject_activation,
    "gradient": inject_gradient,
    "update": inject_update,
    "parameter": inject_parameter,
}


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("place", list(INJECTIONS))
@pytest.mark.parametrize("path", ["lean", "events drained"])
def test_an_injected_value_stops_the_run_at_its_step_naming_layer_and_quantity(
    monkeypatch, place, value, path
):
    run = run_with(dropout=0.2 if path == "events drained" else 0.0)
    assert run.learner.path == ("lean" if path == "lean" else "layer 1 has dropout")
    expected = INJECTIONS[place](monkeypatch, run, value)
    summary = run.fit()
    assert summary["stop_reason"] == "diverged" and run.steps_done == K
    assert run.divergence[:4] == expected


@pytest.mark.parametrize("place", list(INJECTIONS))
def test_the_debugger_stops_at_the_injected_value(monkeypatch, place):
    run = run_with()
    expected = INJECTIONS[place](monkeypatch, run, np.nan)
    controller = follow_run(run)
    with np.errstate(all="ignore"):
        stop = controller.cont()
    assert stop.reason == "nan" and controller.position.step == K
    event = controller.event
    assert (event.kind, getattr(event, "l", None)) == expected[1:3]
    assert f"{expected[3]} of layer 2" in stop.message


def test_a_gradient_hidden_by_clipping_by_value_is_still_caught(monkeypatch):
    """clip(∞, −c, c) = c: the update stays finite; the gradients' norm before clipping is not."""
    run = run_with(clip_value=0.5)
    expected = inject_gradient(monkeypatch, run, np.inf)
    run.fit()
    assert run.stop_reason == "diverged" and run.divergence[:4] == expected


def test_a_finite_sum_that_overflows_is_not_divergence():
    """Weights of 10¹⁶⁰ in a tanh layer: ‖P‖² overflows, every value stays finite."""
    run = run_with(epochs=3)
    layer = run.net.layers[0]
    layer.params = {**layer.params, "W": np.full((5, 2), 1e160)}
    summary = run.fit()
    assert summary["stop_reason"] == "epochs" and run.divergence is None
    assert not run.learner.finite  # the check did fire
    assert np.isfinite(run.net.layers[0].params["W"]).all()
