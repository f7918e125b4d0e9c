"""The Gradient event's equation writes only the penalties in force. overfitting-fixed-l2 (L2
only, λ₂ = 0.01) wrote ∂C/∂W¹₀₀ = Σₓ δ¹₀ a⁰₀ + λ₂ W + λ₁ sign(W): a term for the L1 penalty,
which is off, beside the lesson's λ W. Now λ₂ W¹₀₀ for L2, λ₁ sign(W¹₀₀) for L1, both when both
are on, each with its numbers (λ and the weight before the step), in the Debugger panel and in
the line mode alike (both explain with the engine's controller)."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from engine.debugger.follow import follow_run
from scenarios import build_run, load_scenario

CASES = {
    "l2": ((), "λ₂ W¹₀₀", ("λ₁", "sign")),
    "l1": (("training.l2=0", "training.l1=0.001"), "λ₁ sign(W¹₀₀)", ("λ₂",)),
    "both": (("training.l1=0.001",), "λ₂ W¹₀₀ + λ₁ sign(W¹₀₀)", ()),
}


def gradient_of_layer_1(overrides=()):
    """overfitting-fixed-l2 at step 1's Gradient(l=1), the explanation of W¹₀₀."""
    run = build_run(load_scenario("overfitting-fixed-l2", tuple(overrides)))
    c = follow_run(run)
    while not (c.event.kind == "gradient" and c.event.l == 1):
        c.step()
    return run, c, c.explain((0, 0), 0)


@pytest.mark.parametrize("case", list(CASES))
def test_the_gradient_writes_only_the_penalties_in_force(case):
    overrides, written, absent = CASES[case]
    run, c, e = gradient_of_layer_1(overrides)
    line = e.lines[0]
    formula = line.steps[0].render()
    assert formula == "Σₓ δ¹₀ a⁰₀ + " + written
    assert line.steps[1].render().endswith(" + " + written)
    for word in absent:
        assert word not in formula
    # the numbers: λ and W¹₀₀ as they were at the step, giving the recorded penalty
    W = float(c.view.params_before[0]["W"][0, 0])
    l1, l2 = run.trainer.learner.l1, run.trainer.learner.l2
    terms = {t.role: t.value for t in e.terms}
    assert terms.get("l2", 0.0) == l2 and terms.get("l1", 0.0) == l1
    assert ("l2" in terms) == bool(l2) and ("l1" in terms) == bool(l1)
    penalty = float(c.event.grad_W_penalty[0, 0])
    assert math.isclose(l2 * W + l1 * math.copysign(1.0, W), penalty, rel_tol=1e-12)
    numbers = line.steps[2].render()
    if l2:
        assert f"0.01000 × {W:.4g}" in numbers
    if l1:
        assert "0.001000 × " + ("1" if W > 0 else "(-1)") in numbers


def test_without_a_penalty_the_gradient_has_no_penalty_term():
    _, _, e = gradient_of_layer_1(("training.l2=0",))
    text = e.text()
    assert "λ" not in text and "sign" not in text and "penalty" not in text


def test_the_line_mode_writes_the_same_penalty_term():
    """``backprop-lab debug overfitting-fixed-l2``: ``explain 0,0`` at Gradient(l=1)."""
    from tui.cli import main

    _, _, e = gradient_of_layer_1()
    result = CliRunner().invoke(
        main,
        ["debug", "overfitting-fixed-l2"],
        input="tbreak gradient@1\nc\nexplain 0,0\nascii on\nexplain 0,0\nq\n",
    )
    assert result.exit_code == 0, result.output
    assert e.text() in result.output
    assert "∂C/∂W¹₀₀ = Σₓ δ¹₀ a⁰₀ + λ₂ W¹₀₀\n" in result.output
    assert "dC/dW[1][0,0] = sum_x delta[1][0] a[0][0] + l2 W[1][0,0]\n" in result.output
    assert "sign" not in result.output
