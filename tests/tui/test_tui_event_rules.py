"""The Debugger panel's arrays column states each layer's own rule: its heading and its array
names hold for the numbers under them — plain, dropout, batch norm or both — and batch norm's
γ and β are shown at Gradient and Update events; an array's entries all show four significant
digits (audit: δ⁶ of vanishing-fixed-batchnorm under 'δ⁶ = from above ⊙ σ′(z⁶)', the dropout
mask missing from the headings, ∂C/∂W² written ' 0.08217 / -0.0226')."""

from __future__ import annotations

import numpy as np
import pytest
from debugger_helpers import make_trainer

from engine.debugger import Controller
from scenarios import build_run, load_scenario
from tui.panels.event_arrays import event_arrays
from tui.panels.format import array_lines


def controller(scenario: str) -> Controller:
    return Controller(build_run(load_scenario(scenario)).trainer)


def go_to(c: Controller, kind: str, l: int):
    while not (c.event.kind == kind and getattr(c.event, "l", None) == l):
        c.step()
    return c.event


def heading(event) -> str:
    """The title of the arrays column, its wrapped lines joined."""
    lines = event_arrays(event).plain.splitlines()
    return lines[0]


def test_batch_norm_delta_states_the_batch_norm_rule():
    c = controller("vanishing-fixed-batchnorm")
    ev = go_to(c, "delta", 6)
    shown = event_arrays(ev).plain
    title = heading(ev)
    assert title.startswith("backward: ∂C/∂ẑ = from above ⊙ σ′(u⁶) ⊙ γ⁶, δ⁶ = (B ∂C/∂ẑ")
    assert "σ′(z⁶)" not in shown and "\nσ′(u⁶)  20×16  local_slope@6\n" in shown
    # what the heading says is what the numbers do: ∂C/∂ẑ = from above ⊙ σ′(u) ⊙ γ, and δ
    # is not from above ⊙ σ′ (the audit's 0.00697 × 0.2078 against δ⁶₀ = 0.007828)
    gamma = c.view.params_before[5]["gamma"]
    assert np.allclose(ev.grad_z_hat, ev.from_above * ev.local_slope * gamma)
    assert not np.allclose(ev.delta, ev.from_above * ev.local_slope)


def test_dropout_headings_name_the_mask():
    c = controller("overfitting-fixed-dropout")
    forward = go_to(c, "forward", 1)
    assert heading(forward) == "forward: z¹ = a⁰W¹ᵀ + b¹, a¹ = σ(z¹) ⊙ m¹"
    assert np.array_equal(forward.a, np.tanh(forward.z) * forward.mask)
    shown = event_arrays(forward).plain
    assert "m¹ (dropout mask)" in shown and "-0 " not in shown and "-0\n" not in shown
    delta = go_to(c, "delta", 1)
    assert heading(delta) == "backward: δ¹ = from above ⊙ m¹ ⊙ σ′(z¹)"
    assert np.allclose(delta.delta, delta.from_above * delta.mask * delta.local_slope)


def test_plain_and_both_rules():
    both = Controller(
        make_trainer((3, 3, 1), ("tanh", "tanh", "sigmoid"), batch_norm=(1,), dropout=(0.5,))
    )
    ev = go_to(both, "forward", 1)
    assert heading(ev) == (
        "forward: z¹ = a⁰W¹ᵀ + b¹, ẑ¹ = (z¹ − μ) / √(σ² + ε), u¹ = γ¹ ⊙ ẑ¹ + β¹, a¹ = σ(u¹) ⊙ m¹"
    )
    ev = go_to(both, "delta", 1)
    assert heading(ev).startswith("backward: ∂C/∂ẑ = from above ⊙ m¹ ⊙ σ′(u¹) ⊙ γ¹, δ¹ = ")
    c = Controller(make_trainer())
    assert heading(go_to(c, "forward", 2)) == "forward: z² = a¹W²ᵀ + b², a² = σ(z²)"
    assert heading(go_to(c, "delta", 2)) == "backward: δ² = from above ⊙ σ′(z²)"
    assert heading(go_to(c, "gradient", 2)) == "backward: ∂C/∂W² = δ²ᵀ a¹, ∂C/∂b² = Σₓ δ²"
    update = "update (sgd): W² ← W² − ΔW² (computed, not yet applied)"  # with its optimizer
    assert heading(go_to(c, "update", 2)) == update


def test_batch_norm_gradients_and_updates_of_gamma_and_beta_are_shown():
    c = controller("vanishing-fixed-batchnorm")
    ev = go_to(c, "gradient", 1)
    shown = event_arrays(ev).plain
    assert "∂C/∂γ¹ = Σₓ ∂C/∂u¹ ⊙ ẑ¹, ∂C/∂β¹ = Σₓ ∂C/∂u¹" in shown
    assert "\n∂C/∂γ¹  16  grad_gamma@1\n" in shown and "\n∂C/∂β¹  16  grad_beta@1\n" in shown
    ev = go_to(c, "update", 1)
    shown = event_arrays(ev).plain
    assert "γ¹ ← γ¹ − Δγ¹, β¹ ← β¹ − Δβ¹" in shown
    for label, name in (
        ("γ¹ before", "gamma@1"),
        ("γ¹ after", "gamma_new@1"),
        ("Δγ¹", "step_gamma@1"),
        ("β¹ before", "beta@1"),
        ("β¹ after", "beta_new@1"),
        ("Δβ¹", "step_beta@1"),
    ):
        assert f"\n{label}  16  {name}\n" in shown


@pytest.mark.parametrize(
    ("values", "rows"),
    [
        ([[0.08217, 0.08267], [-0.0226, -0.02274]], [" 0.08217  0.08267", "-0.02260 -0.02274"]),
        ([[1.58, 1.669], [0.05057, 0.308]], ["  1.580   1.669", "0.05057  0.3080"]),
        ([[-0.0, 0.5]], ["     0 0.5000"]),
    ],
)
def test_array_entries_keep_four_significant_digits(values, rows):
    assert [line.plain for line in array_lines(np.array(values))] == rows
