"""The backward events: Delta (δˡⱼ = from above · σ′, or the fused output form; with batch norm,
through ẑ and γ) and Gradient (∂C/∂Wˡⱼₖ = Σₓ δˡⱼ aˡ⁻¹ₖ, plus λ₂ Wˡⱼₖ and/or λ₁ sign(Wˡⱼₖ) for
the L2/L1 penalties in force; ∂C/∂bˡⱼ = Σₓ δˡⱼ; with batch norm, after
the bias, ∂C/∂βˡⱼ = Σₓ ∂C/∂uˡⱼ and ∂C/∂γˡⱼ = Σₓ ∂C/∂uˡⱼ ẑˡⱼ).

σ′'s formula is the activation's own (``Activation.explain_slope``), the fused output delta the
loss's (``Loss.explain_fused_delta``): nothing here depends on which activation or loss it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...settings import TRAINING
from .loss import LossTerms
from .select import example_row, unit, weight
from .sums import Addend, Sum
from .text import Builder, Explanation, N, P, S, Txt, Writer, as_txt, join


@dataclass(frozen=True)
class SlopeTerms(Writer):
    """What an activation writes σ′ with (``Activation.explain_slope``): the unit's ``z`` and
    ``a`` = σ(z) as numbers (``signed``), ``params`` its learnable per-unit values (PReLU's αⱼ),
    also as numbers, and ``values`` all of these as floats; and ``Writer``'s pieces."""

    z: Txt
    a: Txt
    params: dict
    values: dict


def explain_delta(view, ev, select, example) -> Explanation:
    l, L = ev.l, view.L
    i = example_row(example, ev.delta.shape[0])
    j = unit(select, ev.delta.shape[1], f"layer {l}")
    d = float(ev.delta[i, j])
    ds = S("δ", l, (j,))
    B = Builder(view, "delta", l, (j,), i, f"Delta, layer {l}, unit {j}, example {i}")
    fwd = view.find("forward", l)
    act = view.net.layer(l).activation
    if ev.fused:
        a_sym, y_sym = S("a", L, (j,)), S("y", None, (j,))
        a = B.term(a_sym, "a", fwd.a[i, j])
        y_row = view.find("loss").y[i]
        y = B.term(y_sym, "y", y_row[j])
        n_b, n = ev.delta.shape
        terms = LossTerms(a_sym, y_sym, a, y, n_b, n, float(y_row.sum()))
        formula, numbers = view.net.loss.explain_fused_delta(terms)
        B.line(ds, as_txt(formula), as_txt(numbers), N(d), result=d, final=True)
        B.notes.append(
            f"fused form of σ = {act.name} with the {view.net.loss.name} loss: "
            "∂C/∂a · σ′(z) simplifies to this, computed without overflow"
        )
        return B.build()
    slope = float(ev.local_slope[i, j])
    zs = S("z", l, (j,))
    layer = view.net.layer(l)
    bn = ev.grad_z_hat is not None
    arg = S("u", l, (j,)) if bn else zs  # what σ was applied to (u = γ ẑ + β with batch norm)
    fa = float(ev.from_above[i, j])
    named: list[Txt] = []  # the shown terms of an abbreviated Σₖ, by their symbols
    mask = None if ev.mask is None else float(ev.mask[i, j])
    if l == L:
        g = B.term(Txt("∂C/∂") + S("a", L, (j,)), "grad_a", fa)
        head = Txt("∂C/∂") + S("a", L, (j,)) + " · σ′(" + arg + ")"
        first = g
    else:
        W = view.params_before[l]["W"]
        nxt = view.find("delta", l + 1)
        products = []
        for k in range(W.shape[0]):
            w_sym, d_sym = S("W", l + 1, (k, j)), S("δ", l + 1, (k,))
            w = B.term(w_sym, "W_next", W[k, j], (k,))
            dn = B.term(d_sym, "delta_next", nxt.delta[i, k], (k,))
            product = float(W[k, j]) * float(nxt.delta[i, k])
            products.append(Addend(w_sym + " " + d_sym, w + " × " + dn, product))
        total = Sum(products)
        B.term(Txt("Σₖ W δ", "sum_k W delta"), "from_above", fa)
        head = (
            Txt("(Σₖ ", "(sum_k ")
            + S("W", l + 1, ("k", j))
            + " "
            + S("δ", l + 1, ("k",))
            + ") · σ′("
            + arg
            + ")"
        )
        first = Txt("(") + total.numbers() + ")"
        named = total.named(lambda t: Txt("(") + t + ") · σ′(" + arg + ")")
    B.term(Txt("σ′(") + arg + ")", "slope", slope)
    steps: list[Txt] = []
    if mask is not None:
        B.term(S("m", l, (j,)), "mask", mask)
        head = head + " · " + S("m", l, (j,))
        named = [t + " · " + S("m", l, (j,)) for t in named]
        steps += [
            first + " · " + P(slope) + " · " + P(mask),
            N(fa) + " · " + P(slope) + " · " + P(mask),
        ]
        value = (fa * mask) * slope  # the layer's order of operations
    else:
        steps += [first + " · " + P(slope)]
        if l != L:
            steps.append(N(fa) + " · " + P(slope))
        value = fa * slope
    if bn:
        gu = Txt("∂C/∂") + arg
        B.line(gu, head, *named, *steps, N(value), result=value)
        B.term(gu, "grad_u", value)
        batch_norm_delta(B, view, ev, layer, i, j, value, ds)
    else:
        B.line(ds, head, *named, *steps, N(d), result=d, final=True)
    _slope_line(B, view, fwd, layer, i, j, arg, slope)
    B.notes.append(
        f"σ = {act!r}" + (", a = σ(·) before the dropout mask" if mask is not None else "")
    )
    return B.build()


def _slope_line(B, view, fwd, layer, i, j, arg, slope) -> None:
    """σ′(zˡⱼ) = the activation's formula = its numbers = the event's local slope."""
    params = view.params_before[layer.l - 1]
    row = fwd.z[i : i + 1]
    if fwd.z_hat is not None:  # batch norm: σ is applied to u = γ ẑ + β
        row = params["gamma"] * fwd.z_hat[i : i + 1] + params["beta"]
    act_params = layer.act_params(params)
    a, z = float(layer.activation(row, **act_params)[0, j]), float(row[0, j])
    values = {name: float(np.asarray(v).reshape(-1)[j]) for name, v in act_params.items()}
    own = {name: P(v) for name, v in values.items()}
    terms = SlopeTerms(P(z), P(a), own, {"z": z, "a": a, **values})
    formula, numbers = layer.activation.explain_slope(terms)
    B.line(Txt("σ′(") + arg + ")", as_txt(formula), as_txt(numbers), N(slope), result=slope)


def batch_norm_delta(B, view, ev, layer, i, j, grad_u, ds) -> None:
    """∂C/∂ẑ = ∂C/∂u · γ, then δ = (B ∂C/∂ẑ − Σ ∂C/∂ẑ − ẑ Σ(∂C/∂ẑ ẑ)) / (B √(σ² + ε))."""
    l = ev.l
    fwd = view.find("forward", l)
    gamma = float(view.params_before[l - 1]["gamma"][j])
    gzh = ev.grad_z_hat[:, j]
    zh = fwd.z_hat[:, j]
    n_b = ev.delta.shape[0]
    eps = getattr(layer, "bn_eps", 1e-5)
    var = float(fwd.batch_var[j])
    hat = S("ẑ", l, (j,))
    g_hat = Txt("∂C/∂") + hat
    gam = B.term(S("γ", l, (j,)), "gamma", gamma)
    B.line(
        g_hat,
        Txt("∂C/∂") + S("u", l, (j,)) + " · " + S("γ", l, (j,)),
        P(grad_u) + " × " + gam,
        N(gzh[i]),
        result=float(gzh[i]),
    )
    s1 = float(gzh.sum())
    s2 = float((gzh * zh).sum())
    B.term(g_hat, "grad_z_hat", gzh[i])
    B.term(Txt("Σₓ ∂C/∂ẑ", "sum_x dC/dz_hat"), "sum_grad_z_hat", s1)
    B.term(hat, "z_hat", zh[i])
    B.term(Txt("Σₓ ∂C/∂ẑ ẑ", "sum_x dC/dz_hat z_hat"), "sum_grad_z_hat_z_hat", s2)
    B.term(Txt("σ²"), "batch_var", var)
    d = float(ev.delta[i, j])
    B.line(
        ds,
        Txt("(B ") + g_hat + " − Σₓ ∂C/∂ẑ − " + hat + " Σₓ ∂C/∂ẑ ẑ) / (B √(σ² + ε))",
        Txt(f"({n_b} × ")
        + P(gzh[i])
        + " − "
        + P(s1)
        + " − "
        + P(zh[i])
        + " × "
        + P(s2)
        + f") / ({n_b} × √("
        + N(var)
        + " + "
        + N(eps)
        + "))",
        N(d),
        result=d,
        final=True,
    )
    B.notes.append("batch norm: the sums run over the examples of the batch, for unit j")


def explain_gradient(view, ev, select, example) -> Explanation:
    l = ev.l
    sel = weight(select, ev.grad_W.shape, l)
    dl = view.find("delta", l).delta
    a_prev = view.find("forward", l).a_prev
    n_b = dl.shape[0]
    j = sel[0]
    if len(sel) == 2:
        k = sel[1]
        target = S("W", l, (j, k))
        B = Builder(view, "gradient", l, sel, None, f"Gradient, layer {l}, weight W[{j},{k}]")
        products = []
        for x in range(n_b):
            d_sym, a_sym = S("δ", l, (j,)) + f"(x{x})", S("a", l - 1, (k,)) + f"(x{x})"
            d = B.term(d_sym, "delta", dl[x, j], (x,))
            a = B.term(a_sym, "a_prev", a_prev[x, k], (x,))
            product = float(dl[x, j]) * float(a_prev[x, k])
            products.append(Addend(d_sym + " " + a_sym, d + " × " + a, product))
        total_sum = Sum(products)
        data = float(np.dot(dl[:, j], a_prev[:, k]))
        total = float(ev.grad_W[j, k])
        head = Txt("Σₓ ", "sum_x ") + S("δ", l, (j,)) + " " + S("a", l - 1, (k,))
        lhs = Txt("∂C/∂") + target
        if ev.grad_W_penalty is not None:
            pen = float(ev.grad_W_penalty[j, k])
            B.term(Txt("penalty"), "penalty", pen)
            named, numbers = penalty_terms(B, view, l, j, k, pen)
            B.line(
                lhs,
                head + " + " + named,
                *total_sum.named(lambda t: t + " + " + named),
                total_sum.numbers() + " + " + numbers,
                N(data) + " + " + P(pen),
                N(total),
                result=total,
                final=True,
            )
        else:
            # the products' total is always shown: even one example's δ × a is a product
            B.line(
                lhs,
                head,
                *total_sum.named(),
                total_sum.numbers(),
                N(total),
                result=total,
                final=True,
            )
        B.notes.append(
            f"summed over the {n_b} example{'s' if n_b != 1 else ''} of the batch "
            "(C's 1/B is inside δ)"
        )
    else:
        B = Builder(view, "gradient", l, sel, None, f"Gradient, layer {l}, bias b[{j}]")
        terms = []
        for x in range(n_b):
            d_sym = S("δ", l, (j,)) + f"(x{x})"
            terms.append(Addend(d_sym, B.term(d_sym, "delta", dl[x, j], (x,)), float(dl[x, j])))
        deltas = Sum(terms)
        total = float(ev.grad_b[j])
        steps = [*deltas.named(), deltas.numbers()] + ([N(total)] if n_b > 1 else [])
        B.line(
            Txt("∂C/∂") + S("b", l, (j,)),
            Txt("Σₓ ", "sum_x ") + S("δ", l, (j,)),
            *steps,
            result=total,
            final=True,
        )
        if "beta" in ev.extra:
            batch_norm_gradients(B, view, ev, j)
    return B.build()


def penalty_terms(B, view, l: int, j: int, k: int, pen: float) -> tuple[Txt, Txt]:
    """The penalty's part of ∂C/∂Wˡⱼₖ, only the terms in force: λ₂ Wˡⱼₖ (L2, from the loss's
    (λ₂/2) Σ W²), λ₁ sign(Wˡⱼₖ) (L1, from λ₁ Σ|W|), or both; as symbols and with their numbers
    (λ and the weight before the step). The numbers are written only where they give the
    recorded penalty ``pen`` (the event's ``grad_W_penalty``), else ``pen`` alone."""
    learner = view.learner
    w_sym = S("W", l, (j, k))
    w = float(view.params_before[l - 1]["W"][j, k])
    named: list[Txt] = []
    numbers: list[Txt] = []
    value = 0.0
    if learner.l2:
        lam = Txt(TRAINING["l2"].symbol)
        named.append(lam + " " + w_sym)
        numbers.append(B.term(lam, "l2", learner.l2) + " × " + B.term(w_sym, "W", w))
        value += learner.l2 * w
    if learner.l1:
        lam = Txt(TRAINING["l1"].symbol)
        sign = float(np.sign(w))
        named.append(lam + " sign(" + w_sym + ")")
        numbers.append(B.term(lam, "l1", learner.l1) + " × " + P(sign))
        value += learner.l1 * sign
    if not named or not math.isclose(value, pen, rel_tol=1e-6, abs_tol=1e-300):
        # λ changed since this step was taken: the recorded number alone
        return Txt("penalty") if not named else join(named, " + "), P(pen)
    return join(named, " + "), join(numbers, " + ")


def batch_norm_gradients(B, view, ev, j) -> None:
    """Unit j's ∂C/∂βˡⱼ = Σₓ ∂C/∂uˡⱼ and ∂C/∂γˡⱼ = Σₓ ∂C/∂uˡⱼ ẑˡⱼ, after its bias: with ∂C/∂u
    from the Delta event as the layer computes it, (from above · m) · σ′(u)."""
    l = ev.l
    d = view.find("delta", l)
    z_hat = view.find("forward", l).z_hat[:, j]
    from_above = d.from_above[:, j] if d.mask is None else d.from_above[:, j] * d.mask[:, j]
    grad_u = from_above * d.local_slope[:, j]
    n_b = grad_u.shape[0]
    us, hat = S("u", l, (j,)), S("ẑ", l, (j,))
    gu_syms = [Txt("∂C/∂") + us + f"(x{x})" for x in range(n_b)]
    gu = [B.term(gu_syms[x], "grad_u", grad_u[x], (x,)) for x in range(n_b)]
    grad_us = Sum([Addend(gu_syms[x], gu[x], float(grad_u[x])) for x in range(n_b)])
    beta = float(ev.extra["beta"][j])
    B.line(
        Txt("∂C/∂") + S("β", l, (j,)),
        Txt("Σₓ ∂C/∂", "sum_x dC/d") + us,
        *grad_us.named(),
        grad_us.numbers(),
        *([N(beta)] if n_b > 1 else []),
        result=beta,
    )
    products = Sum(
        [
            Addend(
                gu_syms[x] + " " + hat + f"(x{x})",
                P(grad_u[x]) + " × " + B.term(hat + f"(x{x})", "z_hat", z_hat[x], (x,)),
                float(grad_u[x]) * float(z_hat[x]),
            )
            for x in range(n_b)
        ]
    )
    gamma = float(ev.extra["gamma"][j])
    B.line(
        Txt("∂C/∂") + S("γ", l, (j,)),
        Txt("Σₓ ∂C/∂", "sum_x dC/d") + us + " " + hat,
        *products.named(),
        products.numbers(),
        N(gamma),
        result=gamma,
    )
    B.notes.append(
        "batch norm: the mean subtraction cancels b, so ∂C/∂b is 0 up to rounding; γ and β "
        "are learned instead, from ∂C/∂u = from above · σ′(u)"
        + (" · m" if d.mask is not None else "")
        + " (the Delta event's factors)"
    )
