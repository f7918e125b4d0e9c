"""The Loss explanation says what each number is of: C₀ is the data loss of the whole batch
(every example, every output), ∂C/∂a the selected output unit's of the selected example.

A new-user audit: worked-example's Loss read 'Loss (quadratic), output unit 0, example 0' over
'C₀ = … = (0.2748 + 0.02356) / 1 = 0.2984', and a student checking by hand took 0.2984 for
output 0's loss (0.2748) — the 0 of C₀ read as the unit's, though C₀ is the README's data loss
(C without the penalty); the lesson calls 0.2984 C. The line mode's 'explain example 3' (xor)
did the same. The title now names C₀'s scope and ∂C/∂a's unit and example apart, and a note
gives the selected unit's own term ℓ beside the total.
"""

from __future__ import annotations

import math

from click.testing import CliRunner

from engine.debugger.follow import follow_run
from scenarios import build_run, load_scenario


def at_loss(scenario: str, *overrides: str):
    """A debugger on ``scenario`` stopped at its first Loss event."""
    c = follow_run(build_run(load_scenario(scenario, overrides)))
    while c.event.kind != "loss":
        c.step()
    return c


def test_worked_example_names_c0_the_whole_batch_and_gives_unit_0s_own_term():
    c = at_loss("worked-example")
    e = c.explain((0,), 0)
    assert e.title == (
        "Loss (quadratic): C₀ of the whole batch; ∂C/∂a for output unit 0, example 0"
    )
    assert e.lines[0].lhs.u == "C₀" and e.text().splitlines()[4] == "   = 0.2984"
    notes = " ".join(e.notes)
    assert "C₀ is the data loss (C without the penalty; none here, so C = C₀) of the whole" in notes
    assert "the sum has 2 terms ℓ, one per example and output" in notes
    assert "the term of output unit 0, example 0: ℓ0 = 0.2748" in notes
    assert "the term of output unit 1, example 0: ℓ1 = 0.02356" in " ".join(c.explain((1,)).notes)


def test_the_line_mode_says_the_same_for_example_3():
    from tui.cli import main

    result = CliRunner().invoke(main, ["debug", "xor"], input="b loss\nc\nexplain example 3\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Loss (bce): C₀ of the whole batch; ∂C/∂a for output unit 0, example 3\n" in out
    assert "   = 0.7084\n" in out
    assert "the term of output unit 0, example 3: ℓ3 = 1.186\n" in out


def test_a_loss_with_one_term_per_example_gives_the_examples_term():
    c = at_loss("spiral")
    e = c.explain((1,), 5)
    out = c.view.find("forward", c.net.L)
    terms = c.net.loss.terms(out.z, out.a, c.event.y)
    note = next(n for n in e.notes if n.startswith("the term of"))
    assert note.startswith("the term of example 5 (its 3 outputs): ℓ5 = ")
    assert math.isclose(float(note.rpartition("= ")[2]), terms[5], rel_tol=1e-3)
    assert "the sum has 32 terms ℓ, one per example" in " ".join(e.notes)


def test_with_a_penalty_c_is_c0_plus_it_and_the_ascii_text_writes_c0():
    e = at_loss("overfitting-fixed-l2").explain()
    notes = " ".join(e.notes)
    assert "C₀ is the data loss (C without the penalty) of the whole batch" in notes
    assert "none here" not in notes
    assert [line.lhs.u for line in e.lines] == ["C₀", "C", "∂C/∂a³₀"]
    ascii = e.text(ascii=True)
    assert ascii.startswith("Loss (bce): C0 of the whole batch; dC/da for output unit 0,")
    assert "C0 is the data loss (C without the penalty)" in ascii and "C[0]" not in ascii
