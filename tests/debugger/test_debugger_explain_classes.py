"""Every registered activation, loss and optimizer explains itself, and its explanation computes
the engine's value.

The explanations are rendered with every number at full precision (17 significant digits, a
float's exact round trip) and each substituted step is evaluated as arithmetic: it must give the
number the engine computed (σ′ = the Delta event's local slope, ∂C/∂a = its ∇ₐC, the new weight
= the Update event's W_new, …). A formula whose text does not compute the engine's value fails.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from debugger_helpers import make_trainer

import engine
from engine.debugger import Controller
from engine.debugger import formatting as fmt
from engine.debugger.explain import text
from engine.debugger.explain.backward import SlopeTerms
from engine.debugger.explain.loss import LossTerms
from engine.debugger.explain.text import P, S


@pytest.fixture
def exact(monkeypatch):
    """Explanations write every number with 17 significant digits (exact)."""

    def num(x, digits=17):
        return fmt.num(x, 17)

    def signed(x, digits=17):
        shown = num(x)
        return f"({shown})" if shown.startswith("-") else shown

    monkeypatch.setattr(text, "num", num)
    monkeypatch.setattr(text, "signed", signed)


def evaluate(step: str) -> float:
    """A substituted step (``0.25 × (1 − 0.25)``, ``√0.04``, ``1 if -0.3 > 0 else 0.01``) as
    Python arithmetic."""
    code = step.replace("×", "*").replace("·", "*").replace("−", "-").replace("²", "**2")
    code = code.replace("^", "**").replace("√(", "sqrt(")
    code = re.sub(r"√([-+0-9.e]+)", r"sqrt(\1)", code)
    assert not re.search(r"[^\x00-\x7f]", code), f"not arithmetic: {step!r}"
    return float(eval(code, {"__builtins__": {}}, {"sqrt": math.sqrt, "min": min, "log": math.log}))


def check_line(line) -> int:
    """Each numeric step of ``line`` (all but its formula) computes the line's result."""
    checked = 0
    for step in line.steps[1:]:
        value = evaluate(step.render())
        assert math.isclose(value, line.result, rel_tol=1e-9, abs_tol=1e-15), (
            line.render(),
            value,
        )
        checked += 1
    return checked


@pytest.mark.parametrize("name", list(engine.ACTIVATIONS))
def test_every_activation_explains_its_slope_with_the_engines_value(name, exact):
    act = engine.make_activation(name)
    z = np.array([[-2.5, -0.3, 0.0, 0.4, 3.0]])
    params = {"alpha": np.full(5, 0.3)} if act.learnable else {}
    a = act(z, **params)
    slope = act.slope(z, a, **params)
    for j in range(z.shape[1]):
        values = {k: float(v[j]) for k, v in params.items()}
        own = {k: P(v) for k, v in values.items()}
        floats = {"z": z[0, j], "a": a[0, j], **values}
        formula, numbers = act.explain_slope(SlopeTerms(P(z[0, j]), P(a[0, j]), own, floats))
        assert text.as_txt(formula).u, name
        assert text.as_txt(formula).a.isascii(), (name, text.as_txt(formula).a)
        assert math.isclose(evaluate(text.as_txt(numbers).u), slope[0, j], abs_tol=1e-15), (
            name,
            z[0, j],
        )


def loss_case(name: str, rng):
    """(z, a, y) fitting loss ``name``: its output activation, its kind of target."""
    loss = engine.make_loss(name)
    z = rng.normal(size=(4, 3))
    act = engine.make_activation(loss.fused_activation or "linear")
    a = act(z)
    if name == "cross_entropy":
        y = np.eye(3)[rng.integers(0, 3, 4)]
    elif name == "bce":
        y = (rng.random((4, 3)) > 0.5).astype(float)
    else:
        y = rng.normal(size=(4, 3))
    return loss, z, a, y


@pytest.mark.parametrize("name", list(engine.LOSSES))
def test_every_loss_explains_its_terms_gradient_and_fused_delta(name, exact):
    loss, z, a, y = loss_case(name, np.random.default_rng(1))
    assert loss.formula[0] and loss.formula[1].isascii()
    terms = loss.terms(z, a, y)
    assert math.isclose(terms.sum() / loss.denominator(a.shape), loss.value(z, a, y), rel_tol=1e-12)
    grad = loss.grad_a(z, a, y)
    fused = loss.fused_delta(z, a, y) if loss.fused_activation else None
    B, n = a.shape
    for i in range(B):
        for j in range(n):
            t = LossTerms(
                S("a", 2, (j,)), S("y", None, (j,)), P(a[i, j]), P(y[i, j]), B, n, y[i].sum()
            )
            formula, numbers = loss.explain_grad(t)
            assert text.as_txt(formula).a.isascii()
            assert math.isclose(evaluate(text.as_txt(numbers).u), grad[i, j], rel_tol=1e-9)
            if fused is not None:
                formula, numbers = loss.explain_fused_delta(t)
                assert math.isclose(evaluate(text.as_txt(numbers).u), fused[i, j], abs_tol=1e-15)
    if fused is None:
        with pytest.raises(TypeError, match="no fused output delta"):
            loss.explain_fused_delta(t)


def test_cross_entropy_explains_the_fused_delta_of_soft_targets(exact):
    """Rows that sum to 1 only approximately (0.33333 × 3): δᴸ = (a Σₖyₖ − y)/B, as computed."""
    loss = engine.make_loss("cross_entropy")
    z = np.random.default_rng(2).normal(size=(2, 3))
    a, y = engine.make_activation("softmax")(z), np.full((2, 3), 0.33333)
    fused = loss.fused_delta(z, a, y)
    for i in range(2):
        for j in range(3):
            t = LossTerms(
                S("a", 2, (j,)), S("y", None, (j,)), P(a[i, j]), P(y[i, j]), 2, 3, 0.99999
            )
            formula, numbers = loss.explain_fused_delta(t)
            assert "Σ" in text.as_txt(formula).u
            assert math.isclose(evaluate(text.as_txt(numbers).u), fused[i, j], rel_tol=1e-12)


def walk(controller):
    """The controller at each event of its current step (StepStart to StepEnd)."""
    while True:
        yield controller.event
        if controller.event.kind == "step_end":
            return
        controller.step()


@pytest.mark.parametrize(
    "optimizer,hyper",
    [(name, {}) for name in engine.OPTIMIZERS]
    + [("momentum", {"nesterov": True}), ("adam", {"weight_decay": 0.1})],
)
def test_every_optimizer_explains_its_rule_with_the_engines_numbers(optimizer, hyper, exact):
    c = Controller(make_trainer(optimizer=optimizer, lr=0.1, **hyper))
    c.run(2)  # optimizer state is not empty any more
    c.step()
    checked = 0
    for ev in walk(c):
        if ev.kind != "update":
            continue
        for sel in [(j, k) for j in range(ev.W_old.shape[0]) for k in range(ev.W_old.shape[1])]:
            e = c.explain(sel)
            assert e.result.value == ev.W_new[sel]
            assert e.text(ascii=True).isascii()
            for line in e.lines:
                checked += check_line(line)
        e = c.explain((0,))
        assert e.result.value == ev.b_new[0]
        checked += sum(check_line(line) for line in e.lines)
    assert checked > 0


@pytest.mark.parametrize(
    "activations,loss",
    [
        (("tanh", "relu", "sigmoid"), "bce"),
        (("leaky_relu", "elu", "linear"), "mse"),
        (("prelu", "sigmoid", "linear"), "quadratic"),
        (("sigmoid", "tanh", "softmax"), "cross_entropy"),
    ],
)
def test_a_whole_step_explains_itself_with_the_engines_numbers(activations, loss, exact):
    """Forward, Loss, Delta (σ′ from the activation, fused δᴸ from the loss), Gradient, Update:
    every numeric step of every line computes the engine's number."""
    n_out = 2 if loss == "cross_entropy" else 1
    c = Controller(make_trainer((3, 2, n_out), activations, loss=loss, n=4, batch_size=4))
    c.run(1)
    c.step()
    checked, slopes = 0, 0
    for ev in walk(c):
        if ev.kind in ("forward", "delta"):
            for j in range(ev.z.shape[1] if ev.kind == "forward" else ev.delta.shape[1]):
                e = c.explain((j,), 1)
                lines = e.lines[:-1] if ev.kind == "forward" else e.lines  # a = σ(z) by name
                checked += sum(check_line(line) for line in lines)
                slope = [line for line in e.lines if line.lhs.u.startswith("σ′")]
                if ev.kind == "delta" and not ev.fused:
                    assert len(slope) == 1 and slope[0].result == ev.local_slope[1, j]
                    slopes += 1
        elif ev.kind == "loss":
            e = c.explain((0,), 1)
            assert e.result.value == ev.grad_a[1, 0]
            checked += sum(check_line(line) for line in e.lines)
        elif ev.kind in ("gradient", "update"):
            e = c.explain((0, 1))
            checked += sum(check_line(line) for line in e.lines)
    assert checked > 20 and slopes >= 4
