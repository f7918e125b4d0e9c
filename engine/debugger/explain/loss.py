"""The Loss event: C₀ as the sum of the loss's terms, and ∂C/∂aᴸ for one output unit.

C₀ is the data loss (C without the penalty, ``docs/notation.md``) of the whole batch: every
example's and every output's term, whatever unit and example are selected; the title and the notes
say so, and give the selected unit's (or example's) own term ℓ, so that a reader checking one
output by hand finds its number beside the total — the 0 of C₀ is no unit and no example.

The formulas are the loss's own (``Loss.formula``, ``Loss.terms``, ``Loss.explain_grad`` in
``engine/losses.py``); here they are given the unit's symbols and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...number_text import counted
from ..formatting import num
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
    title = f"Loss ({loss.name}): C₀ of the whole batch; ∂C/∂a for output unit {j}, example {i}"
    B = Builder(view, "loss", None, (j,), i, title)
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
    B.notes.extend(data_loss_notes(terms, n_b, n, i, j, ev.penalty))
    if ev.fused:
        B.notes.append(
            "δᴸ is computed in the fused stable form, not from ∂C/∂a (see the Delta event)"
        )
    return B.build()


def data_loss_notes(terms, n_b: int, n: int, i: int, j: int, penalty: float) -> list[str]:
    """What C₀ is — the data loss of the whole batch, the sum of every term ℓ of ``terms``
    (one per example, shape (B,): Σₓ; or one per example and output, (B, n): Σₓ Σⱼ) — and the
    term of the selected output unit ``j`` of example ``i`` (of example ``i`` alone, all its
    outputs, when the loss's terms are one per example), named ℓk as the sum names its terms
    (k: its index in the flattened ``terms``)."""
    no_penalty = "" if penalty else "; none here, so C = C₀"
    each = "example" if terms.ndim == 1 else "example and output"
    whole = (
        f"C₀ is the data loss (C without the penalty{no_penalty}) of the whole batch: "
        f"B = {counted(n_b, 'example')} in the batch, n = {counted(n, 'output')}; "
        f"the sum has {counted(terms.size, 'term')} ℓ, one per {each}"
    )
    k = i if terms.ndim == 1 else i * n + j  # its index in the sum, as ℓk names it
    whose = (
        f"example {i} (its {counted(n, 'output')})"
        if terms.ndim == 1
        else f"output unit {j}, example {i}"
    )
    own = f"the term of {whose}: ℓ{k} = {num(terms.ravel()[k])}"
    return [whole, own]
