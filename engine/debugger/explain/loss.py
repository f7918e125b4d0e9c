"""The Loss event: C₀ as the sum of the loss's terms, and ∂C/∂aᴸ for one output unit.

The formulas are the loss's own (``Loss.formula``, ``Loss.terms``, ``Loss.explain_grad`` in
``engine/losses.py``); here they are given the unit's symbols and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...number_text import counted
from .select import example_row, unit
from .sums import Addend, Sum
from .text import Builder, Explanation, N, P, S, Txt, Writer, as_txt


@dataclass(frozen=True)
class LossTerms(Writer):
    """What a loss writes its formulas with (``Loss.explain_grad``, ``Loss.explain_fused_delta``):
    the output unit's symbols ``a``, ``y`` (aᴸⱼ, yⱼ), their numbers ``a_value``, ``y_value``
    (``signed``), the batch size ``B``, the number of outputs ``n`` and ``y_sum``, the sum of the
    example's target row Σⱼ yⱼ (1 for one-hot rows); and ``Writer``'s pieces."""

    a: Txt
    y: Txt
    a_value: Txt
    y_value: Txt
    B: int
    n: int
    y_sum: float = 1.0


def explain_loss(view, ev, select, example) -> Explanation:
    L = view.L
    fwd = view.find("forward", L)
    z, a, y = fwd.z, fwd.a, ev.y
    n_b, n = a.shape
    i = example_row(example, n_b)
    j = unit(select, n, f"the output layer ({L})")
    loss = view.net.loss
    B = Builder(view, "loss", None, (j,), i, f"Loss ({loss.name}), output unit {j}, example {i}")
    terms = loss.terms(z, a, y)
    flat = terms.ravel()
    ells = [Txt(f"ℓ{k}", f"l{k}") for k in range(flat.size)]
    shown = Sum(
        [Addend(ells[k], B.term(ells[k], "loss_term", v, (k,)), v) for k, v in enumerate(flat)]
    )
    C0 = float(ev.data_loss)
    over = f") / {loss.denominator(a.shape)}"
    B.line(
        Txt("C₀", "C0"),
        Txt(*loss.formula),
        *shown.named(lambda t: Txt("(") + t + over),
        Txt("(") + shown.numbers() + over,
        N(C0),
        result=C0,
    )
    if ev.penalty:
        B.line(
            Txt("C"),
            Txt("C₀ + penalty", "C0 + penalty"),
            N(C0) + " + " + P(ev.penalty),
            N(ev.value),
            result=ev.value,
        )
    g = float(ev.grad_a[i, j])
    a_sym, y_sym = S("a", L, (j,)), S("y", None, (j,))
    aj = B.term(a_sym, "a", a[i, j])
    yj = B.term(y_sym, "y", y[i, j])
    formula, numbers = loss.explain_grad(LossTerms(a_sym, y_sym, aj, yj, n_b, n))
    B.line(Txt("∂C/∂") + a_sym, as_txt(formula), as_txt(numbers), N(g), result=g, final=True)
    B.notes.append(
        f"B = {counted(n_b, 'example')} in the batch, n = {counted(n, 'output')}; "
        + terms_note(terms)
    )
    if ev.fused:
        B.notes.append(
            "δᴸ is computed in the fused stable form, not from ∂C/∂a (see the Delta event)"
        )
    return B.build()


def terms_note(terms) -> str:
    """What the sum of C₀ adds up: the loss's ``terms`` ℓ, one per example (shape (B,): Σₓ) or
    one per example and output ((B, n): Σₓ Σⱼ), as the loss's formula writes its sum."""
    each = "example" if terms.ndim == 1 else "example and output"
    return f"the sum has {counted(terms.size, 'term')} ℓ, one per {each}"
