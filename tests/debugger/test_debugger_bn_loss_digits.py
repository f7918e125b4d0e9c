"""The line mode's numbers the audit found missing or misleading: batch norm's γ and β (never
shown, ``p gamma@1`` refused), the loss before it is known (``loss = nan``), the gradient a
clipped Update's ``grad_W`` is, and arrays written with too few digits (``[[0.0004 0.0009] …``
for 4.386e-4 …, ``-0.``)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from debugger_helpers import make_trainer

from engine.debugger import Controller, EvalError
from engine.debugger.formatting import array, num
from engine.debugger.linemode import LineMode
from scenarios import build_run, load_scenario


def preset(name: str) -> Controller:
    return Controller(build_run(load_scenario(name)).trainer)


def drive(c: Controller, script: str) -> str:
    out = io.StringIO()
    assert LineMode(c, io.StringIO(script), out).run() == 0
    return out.getvalue()


def go_to(c: Controller, kind: str, l: int):
    while not (c.event.kind == kind and getattr(c.event, "l", None) == l):
        c.step()
    return c.event


# --- batch norm's γ and β ------------------------------------------------------------------


def test_gradient_and_update_summaries_show_gamma_and_beta():
    c = preset("vanishing-fixed-batchnorm")
    out = drive(c, "f\nn\nf\nn\nq\n")
    gradient = out[out.index("layer 1: Gradient.") :]
    assert re.search(r"\n  ∂C/∂γ¹ = \[ *0\.04383 ", gradient)
    assert re.search(r"\n  ∂C/∂β¹ = \[ *0\.09914 ", gradient)
    assert "\n  γ¹ ← γ¹ − Δγ¹, Δγ¹ = [" in out and "\n  β¹ ← β¹ − Δβ¹, Δβ¹ = [" in out


def test_gamma_and_beta_are_names_of_the_expression_language():
    c = preset("vanishing-fixed-batchnorm")
    grad = go_to(c, "gradient", 1)
    assert np.array_equal(c.evaluate("grad_gamma@1"), grad.extra["gamma"])
    assert np.array_equal(c.evaluate("grad_beta@1"), grad.extra["beta"])
    assert c.evaluate("gamma@1[0]") == 1.0 and c.evaluate("beta@1[0]") == 0.0
    update = go_to(c, "update", 1)
    assert np.array_equal(c.evaluate("step_gamma@1"), update.extra["gamma"][2])
    assert np.array_equal(c.evaluate("step_beta@1"), update.extra["beta"][2])
    c.next_batch()  # StepEnd: the parameters in force are the updated ones
    assert c.evaluate("gamma@1[0]") == update.extra["gamma"][1][0]
    out = drive(c, "p gamma@7\np grad_gamma@1\nq\n")
    assert "gamma@7 does not exist: layer 7 has no batch norm" in out
    assert "unknown name" not in out


def test_explain_of_a_batch_norm_bias_shows_the_beta_and_gamma_rules():
    c = preset("vanishing-fixed-batchnorm")
    ev = go_to(c, "gradient", 1)
    e = c.explain((0,))
    text = e.text()
    assert "∂C/∂β¹₀ = Σₓ ∂C/∂u¹₀" in text and "∂C/∂γ¹₀ = Σₓ ∂C/∂u¹₀ ẑ¹₀" in text
    results = [line.result for line in e.lines]
    assert results[-2:] == [ev.extra["beta"][0], ev.extra["gamma"][0]]
    grad_u = e.terms_of("grad_u")
    assert np.isclose(sum(t.value for t in grad_u), ev.extra["beta"][0])
    go_to(c, "update", 1)
    text = c.explain((0,)).text()
    assert "batch norm, by the same rule: γ¹₀ ← γ¹₀ − Δγ¹₀ = 1.000 − " in text


# --- the loss before it is known -----------------------------------------------------------


def test_print_says_the_loss_is_not_known_yet():
    c = Controller(make_trainer())
    out = drive(c, "p loss\np loss_change\ndisplay loss\nf\np loss\np loss_change\nq\n")
    assert "loss = nan" not in out and "loss_change = nan" not in out
    assert "*** loss is not known yet: the loss comes with the Loss event of step 1" in out
    assert "loss_change is not known yet: " in out and "the Loss event of step 2" in out
    assert f"loss = {num(c.event.value)}" in out  # after the Loss event
    c.next_batch()
    c.step()  # step 2's StepStart: the loss is step 1's, its change not known yet
    with pytest.raises(EvalError, match="comes with the Loss event of step 2"):
        c.evaluate("loss_change")
    c.finish()  # step 2's Loss
    assert c.evaluate("loss_change") == c.event.value - c.timeline.get(1).loss


@pytest.mark.parametrize(
    "condition",
    ["forward if loss < 10", "start if not loss > 10", "forward if nan(loss)", "loss_change < 1"],
)
def test_conditions_on_a_loss_not_known_yet_do_not_stop(condition):
    c = Controller(make_trainer(), max_steps=5)
    bp = c.add_breakpoint(condition)
    stop = c.cont()
    assert stop.reason != "condition_error"
    if "nan" in condition:  # the loss is never NaN here: nothing stops it before the end
        assert stop.reason == "end" and c.position.step == 5
    else:  # the first time the value is known and the condition holds
        assert stop.reason == "breakpoint" and c.position.step == 2 and bp.hits == 1


def test_until_on_loss_change_waits_for_it():
    c = Controller(make_trainer(), max_steps=5)
    stop = c.until("loss_change < 1")  # not known at step 1: the first StepEnd it is, step 2
    assert stop.reason == "until" and c.position.step == 2 and c.position.at_step_end


# --- help expressions ----------------------------------------------------------------------


def test_help_expressions_names_the_new_values():
    out = drive(Controller(make_trainer()), "help expressions\nq\n")
    for name in ("gamma", "beta", "grad_gamma", "grad_beta", "step_gamma", "step_beta"):
        assert re.search(rf"\b{name}\b", out)
    assert "before clipping" in out and "not known yet" in out


def test_grad_w_at_a_clipped_update_is_the_gradient_before_clipping():
    c = Controller(make_trainer(clip_norm=1e-3))
    update = go_to(c, "update", 1)
    clip = c.view.find("clip")
    assert 1 in clip.changed
    before = c.view.find("gradient", 1).grad_W
    assert np.array_equal(c.evaluate("grad_W@1"), before)
    assert not np.allclose(before, update.grad_W)  # the Update's own is the clipped one


# --- digits --------------------------------------------------------------------------------


def test_summaries_show_four_significant_digits():
    out = drive(preset("worked-example"), "f\nf\nn\nq\n")  # Gradient(l=1), Update(l=1)
    c = preset("worked-example")
    grad = go_to(c, "gradient", 1).grad_W
    update = go_to(c, "update", 1).step_W
    assert f"∂C/∂W¹ = [[{num(grad[0, 0])} {num(grad[0, 1])}]" in out
    assert f"ΔW¹ = [[{num(update[0, 0])} {num(update[0, 1])}]" in out
    assert num(grad[0, 0]) == "4.386e-4" and "0.0004 " not in out


def test_arrays_have_four_significant_digits_and_no_negative_zero():
    assert array(np.array([5.7738e-3, -5.7813e-5])) == "[ 0.005774 -5.781e-5]"
    assert array(np.array([[0.08217, 0.08267], [-0.0226, -0.02274]])) == (
        "[[ 0.08217  0.08267]\n [-0.02260 -0.02274]]"
    )
    assert array(np.array([-0.0, -0.2185])) == "[      0 -0.2185]"
    c = preset("overfitting-fixed-dropout")
    out = drive(c, "s\nf\ns\nn\nn\nq\n")  # Forward(l=1), Loss, Delta(l=3, 2, 1)
    assert "a¹ = [" in out and "δ¹ = [" in out
    assert not re.search(r"-0\.(?!\d)", out)
