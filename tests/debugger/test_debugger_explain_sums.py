"""The Debugger's sums and norms say what they are of (an audit found every number right and
these labels wrong).

- Loss: C₀'s formula is (1/D) Σ ℓ, written with D and the sum the loss's terms ℓ have — Σₓ
  over the examples (one term per example) or Σₓ Σⱼ over the examples and the outputs (one per
  element) — and the line under it plugs those terms in. The formula as written, evaluated with
  the numbers shown (its sign, its denominator, its number of terms), gives the C₀ shown.
- StepEnd: ‖W‖ is the norm after the update and ‖ΔW‖/‖W‖ divides by the norm before it; the
  notes name which W each one is of.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from click.testing import CliRunner
from debugger_helpers import make_trainer

import engine
from engine.debugger import Controller
from engine.debugger.follow import follow_run
from scenarios import build_run, load_scenario

FORMULA = {
    False: re.compile(r"(?P<sign>−?)\(1/(?P<scale>B|\(B·n\))\) (?P<sums>Σₓ Σⱼ|Σₓ) (?P<term>\S.*)"),
    True: re.compile(
        r"(?P<sign>-?)\(1/(?P<scale>B|\(B\*n\))\) (?P<sums>sum_x sum_j|sum_x) (?P<term>\S.*)"
    ),
}
"""C₀ as the losses write it: an optional sign, (1/B) or (1/(B·n)), the sum, then one term."""

PLUGGED_IN = re.compile(r"(?P<sign>[−-]?)\((?P<terms>[^…]*)\) / (?P<scale>[0-9]+)")
"""The line under the formula: (ℓ + ℓ + …) / D with every term shown (no abbreviation)."""


class Written:
    """A loss's formula read as written: ``sign`` × (1/``scale``) × the sum of ``count`` terms."""

    def __init__(self, formula: str, ascii: bool, B: int, n: int):
        m = FORMULA[ascii].fullmatch(formula)
        assert m, f"{formula!r} is not '(1/B) Σₓ …' or '(1/(B·n)) Σₓ Σⱼ …'"
        self.sign = -1.0 if m["sign"] else 1.0
        self.scale = B if m["scale"] == "B" else B * n
        self.per_example = m["sums"] in ("Σₓ", "sum_x")
        self.count = B if self.per_example else B * n

    def value(self, terms) -> float:
        """The formula evaluated with ``terms``."""
        return self.sign * math.fsum(terms) / self.scale


def loss_case(name: str, B: int = 4, n: int = 3):
    """(loss, z, a, y) of loss ``name`` on random numbers: its output activation, its targets."""
    rng = np.random.default_rng(3)
    loss = engine.make_loss(name)
    z = rng.normal(size=(B, n))
    a = engine.make_activation(loss.fused_activation or "sigmoid")(z)
    if loss.targets == "onehot":
        y = np.eye(n)[rng.integers(0, n, B)]
    elif loss.targets == "binary":
        y = (rng.random((B, n)) > 0.5).astype(float)
    else:
        y = rng.normal(size=(B, n))
    return loss, z, a, y


@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
@pytest.mark.parametrize("name", list(engine.LOSSES))
def test_every_loss_formula_evaluated_with_its_terms_is_its_value(name, ascii):
    loss, z, a, y = loss_case(name)
    B, n = a.shape
    written = Written(loss.formula[ascii], ascii, B, n)
    terms = loss.terms(z, a, y)
    assert terms.shape == ((B,) if written.per_example else (B, n)), (name, loss.formula[ascii])
    assert written.scale == loss.denominator(a.shape)
    assert math.isclose(written.value(terms.ravel()), loss.value(z, a, y), rel_tol=1e-12)


def at_loss(controller: Controller):
    """The controller moved to the next Loss event."""
    while controller.event.kind != "loss":
        controller.step()
    return controller.event


def check_plugged_in(explanation, loss, B: int, n: int, data_loss: float) -> None:
    """C₀'s line: its formula is the loss's, the numbers under it are its terms as the formula
    combines them, and both evaluate to C₀."""
    line = explanation.lines[0]
    shown_terms = [t.value for t in explanation.terms_of("loss_term")]
    for ascii in (False, True):
        formula, numbers = (step.render(ascii) for step in line.steps[:2])
        assert formula == loss.formula[ascii]
        written = Written(formula, ascii, B, n)
        plugged = PLUGGED_IN.fullmatch(numbers)
        assert plugged, numbers
        shown = [float(x) for x in plugged["terms"].split(" + ")]
        assert len(shown) == len(shown_terms) == written.count, (formula, numbers)
        assert (-1.0 if plugged["sign"] else 1.0) == written.sign, (formula, numbers)
        assert int(plugged["scale"]) == written.scale, (formula, numbers)
        assert math.isclose(written.value(shown), line.result, rel_tol=1e-3), (formula, numbers)
    assert math.isclose(written.value(shown_terms), data_loss, rel_tol=1e-12)
    assert line.result == data_loss


@pytest.mark.parametrize("name", list(engine.LOSSES))
def test_the_loss_event_plugs_its_terms_into_the_formula_as_written(name):
    """Three examples, two or three outputs: Σₓ (3 terms) and Σₓ Σⱼ (6) differ."""
    loss = engine.make_loss(name)
    out = loss.fused_activation or "sigmoid"
    n = 3 if out == "softmax" else 2
    c = Controller(make_trainer((3, n), ("tanh", out), loss=name, n=3, batch_size=3))
    ev = at_loss(c)
    check_plugged_in(c.explain((0,), 0), loss, 3, n, float(ev.data_loss))


@pytest.mark.parametrize(
    ("scenario", "steps", "formula", "numbers"),
    [  # the audit's two cases: bce lost its sign, quadratic summed over x one term per output
        (
            "xor",
            49,
            "C₀ = (1/(B·n)) Σₓ Σⱼ −[yⱼ log aⱼ + (1 − yⱼ) log(1 − aⱼ)]",
            "   = (0.08884 + 0.2735 + 0.2156 + 0.3772) / 4",
        ),
        ("worked-example", 0, "C₀ = (1/B) Σₓ Σⱼ ½(aⱼ − yⱼ)²", "   = (0.2748 + 0.02356) / 1"),
    ],
    ids=["xor-bce", "worked-example-quadratic"],
)
def test_the_presets_loss_equations_add_up_as_written(scenario, steps, formula, numbers):
    run = build_run(load_scenario(scenario))
    c = follow_run(run)
    if steps:
        c.run(steps)
    ev = at_loss(c)
    B, n = ev.y.shape
    e = c.explain((0,), 0)
    check_plugged_in(e, run.net.loss, B, n, float(ev.data_loss))
    assert e.text().splitlines()[2:4] == [formula, numbers]


def layer_note(explanation, l: int) -> str:
    return next(note for note in explanation.notes if note.startswith(f"layer {l}:"))


def figure(note: str, label: str) -> float:
    """The number after ``label =`` in ``note``."""
    m = re.search(re.escape(label) + r" = ([-0-9.e]+)", note)
    assert m, (label, note)
    return float(m[1])


def test_step_end_names_which_w_each_norm_is_of():
    """‖W‖ after = ‖W_new‖, and ‖ΔW‖/‖W‖ = ‖ΔW‖/‖W_old‖ says its ‖W‖ is before the update,
    recomputed from the step's Update events; no bare ‖W‖ beside them."""
    c = Controller(make_trainer(lr=0.5))  # at step 1's StepStart
    updates = {}
    while c.event.kind != "step_end":
        c.step()
        if c.event.kind == "update":
            updates[c.event.l] = c.event
    assert sorted(updates) == [1, 2, 3]
    e = c.explain()
    for l, u in updates.items():
        note = layer_note(e, l)
        after = np.linalg.norm(u.W_new)
        ratio = np.linalg.norm(u.step_W) / np.linalg.norm(u.W_old)
        assert math.isclose(figure(note, "‖W‖ after"), after, rel_tol=1e-3), note
        assert math.isclose(figure(note, "‖ΔW‖/‖W‖"), ratio, rel_tol=1e-3), note
        assert re.search(r"‖ΔW‖/‖W‖ = \S+ \(‖W‖ before the update\)", note), note
        assert not re.search(r"(?<!/)‖W‖ =", note), note  # a ‖W‖ alone, not the ratio's
    ascii = e.text(ascii=True)
    assert "|W| after = " in ascii and "(|W| before the update)" in ascii
    for width in range(24, 60):  # wrapped, as the Debugger panel's column: no norm split
        assert all(line.count("‖") % 2 == 0 for line in e.text(width=width).splitlines())


def test_the_line_mode_shows_the_audits_step_end_with_its_ws_named():
    from tui.cli import main

    result = CliRunner().invoke(main, ["debug", "worked-example"], input="s 10\nexplain\nq\n")
    assert result.exit_code == 0, result.output
    assert "‖W‖ after = 0.9340, ‖ΔW‖/‖W‖ = 0.06319 (‖W‖ before the update)" in result.output
    help_text = CliRunner().invoke(main, ["debug", "xor"], input="help expressions\nq\n").output
    assert "weight_norm (|W| after the update)" in help_text
    assert "update_ratio (|step_W| / |W| before the update)" in help_text
