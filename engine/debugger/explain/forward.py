"""The Forward event: zˡⱼ = Σₖ Wˡⱼₖ aˡ⁻¹ₖ + bˡⱼ and aˡⱼ = σ(zˡⱼ) for one unit and example (with
batch norm's ẑ and u = γ ẑ + β, and the dropout mask, where the layer has them)."""

from __future__ import annotations

import numpy as np

from .select import example_row, unit
from .sums import Addend, Sum
from .text import Builder, Explanation, N, P, S, Txt


def explain_forward(view, ev, select, example) -> Explanation:
    l = ev.l
    i = example_row(example, ev.z.shape[0])
    j = unit(select, ev.z.shape[1], f"layer {l}")
    params = view.params_before[l - 1]
    W, b = params["W"], params["b"]
    layer = view.net.layer(l)
    act = layer.activation
    B = Builder(view, "forward", l, (j,), i, f"Forward, layer {l}, unit {j}, example {i}")
    products = []
    for k in range(W.shape[1]):
        w_sym, a_sym = S("W", l, (j, k)), S("a", l - 1, (k,))
        w = B.term(w_sym, "W", W[j, k], (k,))
        a = B.term(a_sym, "a_prev", ev.a_prev[i, k], (k,))
        product = float(W[j, k]) * float(ev.a_prev[i, k])
        products.append(Addend(w_sym + " " + a_sym, w + " × " + a, product))
    total = Sum(products)
    bias = B.term(S("b", l, (j,)), "b", b[j])
    z = float(ev.z[i, j])
    zs = S("z", l, (j,))
    B.line(
        zs,
        Txt("Σₖ ", "sum_k ")
        + S("W", l, (j, "k"))
        + " "
        + S("a", l - 1, ("k",))
        + " + "
        + S("b", l, (j,)),
        *total.named(lambda t: t + " + " + S("b", l, (j,))),
        total.numbers() + " + " + bias,
        N(z),
        result=z,
    )
    B.term(zs, "z", z)
    arg, arg_value, row = zs, z, ev.z[i : i + 1]  # what σ is applied to
    if ev.z_hat is not None:  # batch norm: σ(γ ẑ + β)
        zh, mu, var = float(ev.z_hat[i, j]), float(ev.batch_mean[j]), float(ev.batch_var[j])
        eps = getattr(layer, "bn_eps", 1e-5)
        hat = S("ẑ", l, (j,))
        B.term(Txt("μ"), "batch_mean", mu), B.term(Txt("σ²"), "batch_var", var)
        B.line(
            hat,
            Txt("(") + zs + " − μ) / √(σ² + ε)",
            Txt("(") + N(z) + " − " + P(mu) + ") / √(" + N(var) + " + " + N(eps) + ")",
            N(zh),
            result=zh,
        )
        B.term(hat, "z_hat", zh)
        gamma, beta = params["gamma"], params["beta"]
        g = B.term(S("γ", l, (j,)), "gamma", gamma[j])
        bt = B.term(S("β", l, (j,)), "beta", beta[j])
        u = float(gamma[j] * ev.z_hat[i, j] + beta[j])
        arg, arg_value = S("u", l, (j,)), u
        B.line(arg, Txt("γ ẑ + β"), g + " × " + P(zh) + " + " + bt, N(u), result=u)
        B.term(arg, "u", u)
        row = gamma * ev.z_hat[i : i + 1] + beta
        B.notes.append(
            "batch norm: μ and σ² are the mean and variance of z over the batch (training mode)"
        )
    sigma = float(act(row, **layer.act_params(params))[0, j])
    a_val = float(ev.a[i, j])
    As = S("a", l, (j,))
    if ev.mask is not None:
        m = float(ev.mask[i, j])
        B.term(S("m", l, (j,)), "mask", m)
        B.line(
            As,
            Txt("σ(") + arg + ") · " + S("m", l, (j,)),
            Txt(f"{act.name}(") + N(arg_value) + ") × " + P(m),
            N(sigma) + " × " + P(m),
            N(a_val),
            result=a_val,
            final=True,
        )
        B.notes.append(f"m is the inverted-dropout mask (0 or 1/(1−p)); σ = {act!r}")
    elif act.row_wise:  # softmax: aˡⱼ depends on the example's whole row
        name = "u" if ev.z_hat is not None else "z"
        exps = []
        with np.errstate(invalid="ignore", over="ignore"):
            sizes = np.exp(row[0] - np.max(row[0]))  # exp(z) over one positive number: its order
        for k, v in enumerate(row[0]):  # every zˡₖ of the example
            z_sym = S(name, l, (k,))
            B.term(z_sym, "row", v, (k,))
            number = Txt("exp(") + N(float(v)) + ")"
            exps.append(Addend(Txt("exp(") + z_sym + ")", number, float(sizes[k])))
        k_arg = S(name, l, ("k",))
        denominator = Sum(exps)
        B.line(
            As,
            Txt("exp(", "exp(") + arg + Txt(") / Σₖ exp(", ") / sum_k exp(") + k_arg + ")",
            *denominator.named(lambda t: Txt("exp(") + arg + ") / (" + t + ")"),
            exps[j].numbers + " / (" + denominator.numbers() + ")",
            N(a_val),
            result=a_val,
            final=True,
        )
        B.notes.append(
            f"σ = {act!r}: every unit's value depends on the whole row of the example; computed "
            "with the row's maximum subtracted from each z first (the same value, and e^z never "
            "overflows)"
        )
    else:
        B.line(
            As,
            Txt("σ(") + arg + ")",
            Txt(f"{act.name}(") + N(arg_value) + ")",
            N(a_val),
            result=a_val,
            final=True,
        )
        B.notes.append(f"σ = {act!r}")
    return B.build()
