"""A long sum shows the terms that make it (``engine.debugger.explain.sums``).

At exploding-gradients' divergence the equation z²₇ = Σₖ W²₇ₖ a¹ₖ + b²₇ = -inf showed its first
three terms and its last, all ``× 0`` (ReLU zeros), and hid k = 20, the one term that was not 0
and made the total -inf (new-user audit, finding E3). An abbreviated sum now shows its terms
largest in size, non-finite first, in index order and named by their symbols, and says how many
it leaves out and how they compare.
"""

from __future__ import annotations

import math
import re

import numpy as np
from click.testing import CliRunner
from debugger_helpers import make_trainer
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.debugger import Controller
from engine.debugger.explain.sums import MAX_TERMS, SHOWN, Addend, Sum, largest
from engine.debugger.explain.text import Txt
from engine.debugger.follow import follow_run
from engine.debugger.formatting import num, signed
from scenarios import build_run, load_scenario

ELISION = re.compile(r"… \((?P<count>\d+) more terms, (?P<how>none larger in size|all 0)\)")


def size(v: float) -> float:
    """What ranks a term: non-finite above every finite value, then |v|."""
    return math.inf if not math.isfinite(v) else abs(v)


def written(values: list[float]) -> tuple[list[int], re.Match | None, str]:
    """The indices a ``Sum`` of ``values`` shows (read from its named step, ``t3 + t17 + …``),
    its elision and its numbers step."""
    s = Sum([Addend(Txt(f"t{i}"), Txt(num(v)), v) for i, v in enumerate(values)])
    named = s.named()
    numbers = s.numbers().render()
    if not named:
        return list(range(len(values))), None, numbers
    text = named[0].render()
    return [int(i) for i in re.findall(r"t(\d+)", text)], ELISION.search(text), numbers


VALUES = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan]),
        st.integers(-3, 3).map(float),  # ties
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_a_long_sum_shows_its_largest_terms_in_index_order(values):
    shown, elision, numbers = written(values)
    n = len(values)
    if n <= MAX_TERMS:
        assert shown == list(range(n)) and elision is None
        assert "…" not in numbers
        return
    assert shown == sorted(set(shown)) and 1 <= len(shown) <= SHOWN, shown
    left = [i for i in range(n) if i not in shown]
    assert elision is not None and int(elision["count"]) == len(left) == n - len(shown)
    assert ELISION.search(numbers)["count"] == elision["count"]  # both steps say the same
    # the shown are the largest: nothing left out is larger, ties go to the lower index
    for i in shown:
        for e in left:
            if values[i] != 0:
                assert size(values[e]) <= size(values[i]), (values, shown)
                if size(values[e]) == size(values[i]):
                    assert e > i, (values, shown)
    nonzero = [i for i, v in enumerate(values) if v != 0]  # nan != 0: shown like a number
    if elision["how"] == "all 0":
        assert all(values[e] == 0 for e in left)
        assert shown == (nonzero or [0]), (values, shown)  # every term that is not 0
    else:
        assert any(values[e] != 0 for e in left)
        assert len(shown) == SHOWN and all(values[i] != 0 for i in shown), (values, shown)
    # the numbers step shows the shown terms' own numbers, in the same order
    assert numbers.split(" + …")[0] == " + ".join(num(values[i]) for i in shown)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30), st.integers(0, 8))
def test_largest_puts_non_finite_values_first(values, k):
    top = largest(values, k)
    assert top == sorted(top) and len(top) == min(k, len(values))
    bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
    if len(bad) >= k:
        assert top == bad[:k]
    else:
        assert set(bad) <= set(top)
        finite = [i for i in top if i not in bad]
        others = [i for i in range(len(values)) if i not in top]
        assert all(abs(values[o]) <= abs(values[i]) for i in finite for o in others)


def explain_at_divergence():
    """exploding-gradients run to its first non-finite value (step 4, z²₇ of example 0)."""
    c = follow_run(build_run(load_scenario("exploding-gradients")))
    c.run(10)
    ev = c.event
    assert (ev.kind, ev.l) == ("forward", 2) and ev.z[0, 7] == -np.inf
    return c, c.explain((7,), 0)


def test_the_divergence_shows_the_term_that_is_not_zero():
    """z²₇ = -inf: the terms W²₇ₖ a¹ₖ that are not 0 (here k = 20: -3.992e198 × 8.450e187
    overflows) are shown, the 31 others said to be 0."""
    _, e = explain_at_divergence()
    W = [t.value for t in e.terms_of("W")]
    a = [t.value for t in e.terms_of("a_prev")]
    products = [w * x for w, x in zip(W, a, strict=True)]
    made_of = [k for k, p in enumerate(products) if p != 0]
    assert made_of and len(made_of) <= SHOWN  # what the case is about: few terms make the sum
    line = e.lines[0]
    named, numbers = (step.render(ascii=True) for step in line.steps[1:3])
    assert [int(k) for k in re.findall(r"a\[1\]\[(\d+)\]", named)] == made_of
    assert [int(k) for k in re.findall(r"W\[2\]\[7,(\d+)\]", named)] == made_of
    for k in made_of:
        assert f"{signed(W[k])} * {signed(a[k])}".replace("−", "-") in numbers
        assert products[k] != 0
    left = len(products) - len(made_of)
    assert f"... ({left} more terms, all 0) + b[2][7]" in named
    assert f"... ({left} more terms, all 0) + " in numbers
    assert line.result == -np.inf


def test_the_line_mode_explains_the_divergence_as_the_panel_does():
    """``explain 7`` in line mode writes the explanation the Debugger panel shows."""
    from tui.cli import main

    _, e = explain_at_divergence()
    result = CliRunner().invoke(main, ["debug", "exploding-gradients"], input="c\nexplain 7\nq\n")
    assert result.exit_code == 0, result.output
    assert e.text() in result.output
    assert "= W²₇,₂₀ a¹₂₀ + … (31 more terms, all 0) + b²₇" in result.output


def test_a_delta_sum_shows_its_largest_products():
    """exploding-gradients, step 1, Delta(l=6): δ⁶ⱼ = (Σₖ W⁷ₖⱼ δ⁷ₖ) · σ′ shows the four k of the
    largest |W⁷ₖⱼ δ⁷ₖ| over 32, as read from the run's own arrays."""
    c = follow_run(build_run(load_scenario("exploding-gradients")))
    while (c.event.kind, getattr(c.event, "l", None)) != ("delta", 6):
        c.step()
    W = c.view.params_before[6]["W"]  # W⁷, before this step's update
    delta7 = c.view.find("delta", 7).delta
    for j, i in [(0, 0), (3, 0), (0, 5)]:
        e = c.explain((j,), i)
        products = np.abs(W[:, j] * delta7[i])
        expected = sorted(np.argsort(-products, kind="stable")[:SHOWN].tolist())
        named = e.lines[0].steps[1].render(ascii=True)
        assert [int(k) for k in re.findall(r"delta\[7\]\[(\d+)\]", named)] == expected
        assert f"... ({products.size - SHOWN} more terms, none larger in size)" in named


def test_every_abbreviated_equation_of_a_wide_step_names_and_numbers_the_same_terms():
    """A 12-input network, batch 10: forward (12 terms), δ (10), ∂C/∂W and ∂C/∂b (10 examples)
    are abbreviated; each names the terms it shows, then gives their numbers, and the shown
    ones with the elided count add up to all the terms."""
    c = Controller(
        make_trainer((10, 10, 1), ("relu", "tanh", "sigmoid"), n=10, n_in=12, batch_size=10)
    )
    seen = set()
    while c.event.kind != "step_end":
        c.step()
        if c.event.kind not in ("forward", "delta", "gradient"):
            continue
        for sel in [(0,), (0, 1)] if c.event.kind == "gradient" else [(0,)]:
            e = c.explain(sel, 0)
            line = e.lines[0]
            named = line.steps[1].render()
            if "…" not in named:
                continue
            seen.add(c.event.kind)
            numbers = line.steps[2].render()
            count = int(ELISION.search(named)["count"])
            assert ELISION.search(numbers)["count"] == str(count)
            shown = named.split(" + …")[0].count(" + ") + 1
            assert numbers.split(" + …")[0].count(" + ") + 1 == shown, (named, numbers)
            assert shown + count in (10, 12), (named, count)
    assert seen == {"forward", "delta", "gradient"}
