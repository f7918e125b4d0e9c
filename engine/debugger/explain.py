"""Explanations: an event's equation for one unit or weight, with its numbers substituted.

``explain(view, select, example)`` returns an ``Explanation``: structured data for a UI (every
substituted number as a ``Term`` with its symbol, role and exact value; the equations as
``Line``s) and ``text(ascii=False)`` for the line mode, e.g.::

    δ²₁ = (Σₖ W³ₖ₁ δ³ₖ) · σ′(z²₁)
        = (0.4000 × 0.1385 + 0.5000 × (-0.03810)) · 0.2350
        = 0.03635 · 0.2350
        = 0.008543

    W²₁₀ ← W²₁₀ − η ∂C/∂W²₁₀
         = 0.4000 − 0.5000 × 0.08220
         = 0.3589

Every number is taken from the event arrays (or the parameters and optimizer state in force), so
the printed values agree with the arrays to the printed precision (four significant digits).
Indices: ``l`` is the layer (superscript), units and weights are numbered from 0 as in the arrays
(subscripts); ``example`` is the row of the batch. ASCII mode writes ``delta[2][1]``,
``W[2][1,0]``, ``act'(z[2][1])``, ``lr``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import DebuggerError
from .formatting import num, signed, symbol, to_ascii

MAX_TERMS = 8  # sums with more terms are shown abbreviated (all terms stay in ``terms``)


class Txt:
    """A piece of equation text in Unicode and in ASCII."""

    __slots__ = ("u", "a")

    def __init__(self, u: str, a: str | None = None):
        self.u, self.a = u, to_ascii(u) if a is None else a

    def __add__(self, other) -> Txt:
        o = other if isinstance(other, Txt) else Txt(str(other))
        return Txt(self.u + o.u, self.a + o.a)

    def __radd__(self, other) -> Txt:
        return Txt(str(other)) + self

    def render(self, ascii: bool = False) -> str:
        return self.a if ascii else self.u


SQ = Txt("²", "^2")  # a square after a number (in ASCII: ^2, not a layer index)


def S(name: str, l=None, idx=()) -> Txt:
    """A symbol: ``S("δ", 2, (1,))`` is δ²₁ / delta[2][1]."""
    return Txt(symbol(name, l, idx), symbol(name, l, idx, ascii=True))


def N(x: float) -> Txt:
    return Txt(num(x))


def P(x: float) -> Txt:
    """A number after an operator (negative numbers in parentheses)."""
    return Txt(signed(x))


def join(parts, sep: str) -> Txt:
    out = Txt("")
    for i, p in enumerate(parts):
        out = out + (Txt(sep) if i else Txt("")) + p
    return out


@dataclass(frozen=True)
class Term:
    """One substituted number: its symbol (Unicode / ASCII), role and exact value."""

    symbol: str
    ascii: str
    role: str  # e.g. "W", "a_prev", "b", "delta_next", "slope", "g", "lr", "result"
    value: float
    index: tuple[int, ...] = ()  # e.g. k for W_jk a_k, the example for per-example terms


@dataclass(frozen=True)
class Line:
    """One equation: ``lhs = rhs`` with the steps of its evaluation (``= …`` each)."""

    lhs: Txt
    steps: tuple[Txt, ...]
    result: float
    arrow: bool = False  # an assignment (W ← …) rather than an equality

    def render(self, ascii: bool = False) -> str:
        head = self.lhs.render(ascii) + (" ← " if self.arrow and not ascii else "")
        if self.arrow and ascii:
            head += " <- "
        elif not self.arrow:
            head += " = "
        pad = " " * (len(self.lhs.render(ascii)) + 1)
        out = [head + self.steps[0].render(ascii)]
        for step in self.steps[1:]:
            out.append(f"{pad}= {step.render(ascii)}")
        return "\n".join(out)


@dataclass(frozen=True)
class Explanation:
    kind: str
    layer: int | None
    select: tuple[int, ...]
    example: int | None
    title: str
    lines: tuple[Line, ...]
    terms: tuple[Term, ...]
    result: Term | None
    notes: tuple[str, ...] = ()

    def term(self, role: str) -> Term:
        """The first term with ``role``."""
        for t in self.terms:
            if t.role == role:
                return t
        raise KeyError(role)

    def terms_of(self, role: str) -> list[Term]:
        return [t for t in self.terms if t.role == role]

    def text(self, ascii: bool = False) -> str:
        title = to_ascii(self.title) if ascii else self.title
        parts = [title, ""]
        for line in self.lines:
            parts.append(line.render(ascii))
        for note in self.notes:
            parts.append(to_ascii(note) if ascii else note)
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.text()


class _Builder:
    def __init__(self, view, kind, layer, select, example, title):
        self.view = view
        self.kind, self.layer, self.select, self.example = kind, layer, select, example
        self.title = title
        self.lines: list[Line] = []
        self.terms: list[Term] = []
        self.notes: list[str] = []
        self.result: Term | None = None

    def term(self, sym: Txt, role: str, value, index=()) -> Txt:
        value = float(value)
        self.terms.append(Term(sym.u, sym.a, role, value, tuple(index)))
        return P(value)

    def line(self, lhs: Txt, *steps: Txt, result: float, arrow=False, final=False) -> None:
        self.lines.append(Line(lhs, tuple(steps), float(result), arrow))
        if final:
            self.result = Term(lhs.u, lhs.a, "result", float(result))

    def build(self) -> Explanation:
        return Explanation(
            self.kind,
            self.layer,
            self.select,
            self.example,
            self.title,
            tuple(self.lines),
            tuple(self.terms),
            self.result,
            tuple(self.notes),
        )


# ---- selection checks ---------------------------------------------------------------------------


def _example(example: int, batch: int) -> int:
    if not 0 <= example < batch:
        raise DebuggerError(
            f"example {example} does not exist; the batch has {batch} example"
            f"{'s' if batch != 1 else ''} (0…{batch - 1})"
        )
    return example


def _unit(select, n: int, what: str) -> int:
    j = 0 if not select else select[0]
    if select and len(select) > 1:
        raise DebuggerError(f"{what} selects one unit (explain J), not {len(select)} indices")
    if not 0 <= j < n:
        raise DebuggerError(f"unit {j} does not exist; {what} has {_units(n)}")
    return j


def _weight(select, shape, l) -> tuple[int, ...]:
    """(j, k) of a weight or (j,) of a bias; checked against W's shape (n_out, n_in)."""
    sel = tuple(select) if select else (0, 0)
    if len(sel) > 2:
        raise DebuggerError("select a weight with J,K or a bias with J")
    n_out, n_in = shape
    if not 0 <= sel[0] < n_out:
        raise DebuggerError(f"unit {sel[0]} does not exist; layer {l} has {_units(n_out)}")
    if len(sel) == 2 and not 0 <= sel[1] < n_in:
        raise DebuggerError(
            f"input {sel[1]} does not exist; layer {l} has {n_in} inputs (0…{n_in - 1})"
        )
    return sel


def _units(n: int) -> str:
    """``3 units (0…2)``, ``1 unit (0)``."""
    return f"{n} units (0…{n - 1})" if n != 1 else "1 unit (0)"


def _sum(products: list[Txt]) -> Txt:
    if len(products) <= MAX_TERMS:
        return join(products, " + ")
    shown = [*products[:3], Txt("…"), products[-1]]
    return join(shown, " + ") + Txt(f"  ({len(products)} terms)")


# ---- one function per event kind ----------------------------------------------------------------


def _forward(view, ev, select, example) -> Explanation:
    l = ev.l
    i = _example(example, ev.z.shape[0])
    j = _unit(select, ev.z.shape[1], f"layer {l}")
    params = view.params_before[l - 1]
    W, b = params["W"], params["b"]
    layer = view.net.layer(l)
    act = layer.activation
    B = _Builder(view, "forward", l, (j,), i, f"Forward, layer {l}, unit {j}, example {i}")
    products = []
    for k in range(W.shape[1]):
        w = B.term(S("W", l, (j, k)), "W", W[j, k], (k,))
        a = B.term(S("a", l - 1, (k,)), "a_prev", ev.a_prev[i, k], (k,))
        products.append(w + " × " + a)
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
        _sum(products) + " + " + bias,
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


def _per_element_loss(name, z, a, y):
    """The loss's terms: per element for mse/quadratic/bce, per example for cross_entropy."""
    if name == "quadratic":
        return 0.5 * (a - y) ** 2
    if name == "mse":
        return (a - y) ** 2
    if name == "bce":
        return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return (y * (lse - z)).sum(axis=1)


_LOSS_FORMULA = {
    "quadratic": ("(1/B) Σₓ ½‖a − y‖²", "(1/B) sum_x 1/2 |a - y|^2"),
    "mse": ("(1/(B·n)) Σ (a − y)²", "(1/(B*n)) sum (a - y)^2"),
    "bce": (
        "−(1/(B·n)) Σ [y log a + (1 − y) log(1 − a)]",
        "-(1/(B*n)) sum [y log a + (1-y) log(1-a)]",
    ),
    "cross_entropy": ("(1/B) Σₓ −Σⱼ yⱼ log aⱼ", "(1/B) sum_x -sum_j y_j log a_j"),
}


def _loss(view, ev, select, example) -> Explanation:
    L = view.L
    fwd = view.find("forward", L)
    z, a, y = fwd.z, fwd.a, ev.y
    n_b, n = a.shape
    i = _example(example, n_b)
    j = _unit(select, n, f"the output layer ({L})")
    name = view.net.loss.name
    B = _Builder(view, "loss", None, (j,), i, f"Loss ({name}), output unit {j}, example {i}")
    parts = _per_element_loss(name, z, a, y)
    flat = parts.ravel()
    shown = [B.term(Txt(f"ℓ{k}", f"l{k}"), "loss_term", v, (k,)) for k, v in enumerate(flat)]
    denom = n_b * n if name in ("mse", "bce") else n_b
    C0 = float(ev.data_loss)
    uni, asc = _LOSS_FORMULA[name]
    B.line(
        Txt("C₀", "C0"),
        Txt(uni, asc),
        Txt("(") + _sum(shown) + f") / {denom}",
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
    aj = B.term(S("a", L, (j,)), "a", a[i, j])
    yj = B.term(S("y", None, (j,)), "y", y[i, j])
    lhs = Txt("∂C/∂") + S("a", L, (j,))
    if name == "quadratic":
        B.line(
            lhs,
            Txt("(") + S("a", L, (j,)) + " − " + S("y", None, (j,)) + ") / B",
            Txt("(") + aj + " − " + yj + f") / {n_b}",
            N(g),
            result=g,
            final=True,
        )
    elif name == "mse":
        B.line(
            lhs,
            Txt("2 (") + S("a", L, (j,)) + " − " + S("y", None, (j,)) + ") / (B·n)",
            Txt("2 × (") + aj + " − " + yj + f") / {n_b * n}",
            N(g),
            result=g,
            final=True,
        )
    elif name == "bce":
        B.line(
            lhs,
            Txt("(a − y) / (a (1 − a) B n)"),
            Txt("(") + aj + " − " + yj + ") / (" + aj + " × (1 − " + aj + f") × {n_b * n})",
            N(g),
            result=g,
            final=True,
        )
    else:
        B.line(
            lhs,
            Txt("−y / (a B)"),
            Txt("−") + yj + " / (" + aj + f" × {n_b})",
            N(g),
            result=g,
            final=True,
        )
    B.notes.append(f"B = {n_b} examples in the batch, n = {n} outputs; ℓ are the loss's terms")
    if ev.fused:
        B.notes.append(
            "δᴸ is computed in the fused stable form, not from ∂C/∂a (see the Delta event)"
        )
    return B.build()


_SLOPE = {
    "sigmoid": lambda a, z: (Txt("a (1 − a)"), Txt("") + N(a) + " × (1 − " + N(a) + ")"),
    "tanh": lambda a, z: (Txt("1 − a²", "1 - a^2"), Txt("1 − ") + P(a) + Txt("²", "^2")),
    "relu": lambda a, z: (Txt("1 if z > 0 else 0"), Txt(f"z = {num(z)}")),
}


def _delta(view, ev, select, example) -> Explanation:
    l, L = ev.l, view.L
    i = _example(example, ev.delta.shape[0])
    j = _unit(select, ev.delta.shape[1], f"layer {l}")
    d = float(ev.delta[i, j])
    ds = S("δ", l, (j,))
    B = _Builder(view, "delta", l, (j,), i, f"Delta, layer {l}, unit {j}, example {i}")
    fwd = view.find("forward", l)
    act = view.net.layer(l).activation
    if ev.fused:
        a = B.term(S("a", L, (j,)), "a", fwd.a[i, j])
        y = B.term(S("y", None, (j,)), "y", view.find("loss").y[i, j])
        n_b, n = ev.delta.shape
        denom = n_b * n if view.net.loss.name == "bce" else n_b
        what = "B·n" if view.net.loss.name == "bce" else "B"
        B.line(
            ds,
            Txt("(") + S("a", L, (j,)) + " − " + S("y", None, (j,)) + f") / ({what})",
            Txt("(") + a + " − " + y + f") / {denom}",
            N(d),
            result=d,
            final=True,
        )
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
            w = B.term(S("W", l + 1, (k, j)), "W_next", W[k, j], (k,))
            dn = B.term(S("δ", l + 1, (k,)), "delta_next", nxt.delta[i, k], (k,))
            products.append(w + " × " + dn)
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
        first = Txt("(") + _sum(products) + ")"
    B.term(Txt("σ′(") + arg + ")", "slope", slope)
    steps = []
    if mask is not None:
        B.term(S("m", l, (j,)), "mask", mask)
        head = head + " · " + S("m", l, (j,))
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
        B.line(gu, head, *steps, N(value), result=value)
        B.term(gu, "grad_u", value)
        _batch_norm_delta(B, view, ev, layer, i, j, value, ds)
    else:
        B.line(ds, head, *steps, N(d), result=d, final=True)
    if layer.activation.name in _SLOPE:
        fwd_row = fwd.z[i : i + 1]
        if bn:
            params = view.params_before[l - 1]
            fwd_row = params["gamma"] * fwd.z_hat[i : i + 1] + params["beta"]
        pre = float(act(fwd_row, **layer.act_params(view.params_before[l - 1]))[0, j])
        sym, sub_ = _SLOPE[act.name](pre, float(fwd_row[0, j]))
        B.line(Txt("σ′(") + arg + ")", sym, sub_, N(slope), result=slope)
    B.notes.append(
        f"σ = {act!r}" + (", a = σ(·) before the dropout mask" if mask is not None else "")
    )
    return B.build()


def _batch_norm_delta(B, view, ev, layer, i, j, grad_u, ds) -> None:
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


def _gradient(view, ev, select, example) -> Explanation:
    l = ev.l
    sel = _weight(select, ev.grad_W.shape, l)
    dl = view.find("delta", l).delta
    a_prev = view.find("forward", l).a_prev
    n_b = dl.shape[0]
    j = sel[0]
    if len(sel) == 2:
        k = sel[1]
        target = S("W", l, (j, k))
        B = _Builder(view, "gradient", l, sel, None, f"Gradient, layer {l}, weight W[{j},{k}]")
        products = []
        for x in range(n_b):
            d = B.term(S("δ", l, (j,)) + f"(x{x})", "delta", dl[x, j], (x,))
            a = B.term(S("a", l - 1, (k,)) + f"(x{x})", "a_prev", a_prev[x, k], (x,))
            products.append(d + " × " + a)
        data = float(np.dot(dl[:, j], a_prev[:, k]))
        total = float(ev.grad_W[j, k])
        head = Txt("Σₓ ", "sum_x ") + S("δ", l, (j,)) + " " + S("a", l - 1, (k,))
        lhs = Txt("∂C/∂") + target
        if ev.grad_W_penalty is not None:
            pen = float(ev.grad_W_penalty[j, k])
            B.term(Txt("penalty"), "penalty", pen)
            B.line(
                lhs,
                head + " + λ₂ W + λ₁ sign(W)",
                _sum(products) + " + " + P(pen),
                N(data) + " + " + P(pen),
                N(total),
                result=total,
                final=True,
            )
        else:
            # the products' total is always shown: even one example's δ × a is a product
            B.line(lhs, head, _sum(products), N(total), result=total, final=True)
        B.notes.append(
            f"summed over the {n_b} example{'s' if n_b != 1 else ''} of the batch "
            "(C's 1/B is inside δ)"
        )
    else:
        B = _Builder(view, "gradient", l, sel, None, f"Gradient, layer {l}, bias b[{j}]")
        terms = [B.term(S("δ", l, (j,)) + f"(x{x})", "delta", dl[x, j], (x,)) for x in range(n_b)]
        total = float(ev.grad_b[j])
        steps = [_sum(terms)] + ([N(total)] if n_b > 1 else [])
        B.line(
            Txt("∂C/∂") + S("b", l, (j,)),
            Txt("Σₓ ", "sum_x ") + S("δ", l, (j,)),
            *steps,
            result=total,
            final=True,
        )
    return B.build()


def _update(view, ev, select, example) -> Explanation:
    l = ev.l
    sel = _weight(select, ev.W_old.shape, l)
    is_W = len(sel) == 2
    name = "W" if is_W else "b"
    idx = sel if is_W else (sel[0],)
    old = float((ev.W_old if is_W else ev.b_old)[idx])
    new = float((ev.W_new if is_W else ev.b_new)[idx])
    g = float((ev.grad_W if is_W else ev.grad_b)[idx])
    opt = view.learner.optimizer
    p = S(name, l, idx)
    label = f"W[{sel[0]},{sel[1]}]" if is_W else f"b[{sel[0]}]"
    B = _Builder(view, "update", l, sel, None, f"Update ({ev.optimizer}), layer {l}, {label}")
    o = B.term(p, "old", old)
    gs = Txt("∂C/∂") + p
    gt = B.term(gs, "g", g)
    lr = B.term(Txt("η"), "lr", ev.lr)
    g_used = g
    if is_W and opt.weight_decay:
        wd = opt.weight_decay
        g_used = g + wd * old
        B.term(Txt("λ"), "weight_decay", wd)
        B.line(Txt("g"), gs + " + λ " + p, gt + " + " + P(wd) + " × " + o, N(g_used), result=g_used)
        gs, gt = Txt("g"), P(g_used)
    state_old = view.opt_before[l - 1].get(name, {})
    state_new = ev.state.get(name, {})

    def old_state(key):
        s = state_old.get(key)
        return 0.0 if s is None else float(s[idx])

    def new_state(key):
        return float(state_new[key][idx])

    opt_name = ev.optimizer
    if opt_name == "momentum":
        mu = B.term(Txt("μ"), "momentum", opt.momentum)
        v_old, v = old_state("v"), new_state("v")
        vo = B.term(Txt("v_old"), "v_old", v_old)
        B.line(Txt("v"), Txt("μ v_old + ") + gs, mu + " × " + vo + " + " + gt, N(v), result=v)
        B.term(Txt("v"), "v", v)
        if opt.nesterov:
            B.line(
                p,
                p + " − η (" + gs + " + μ v)",
                o + " − " + lr + " × (" + gt + " + " + mu + " × " + P(v) + ")",
                N(new),
                result=new,
                arrow=True,
                final=True,
            )
        else:
            B.line(
                p,
                p + " − η v",
                o + " − " + lr + " × " + P(v),
                N(new),
                result=new,
                arrow=True,
                final=True,
            )
    elif opt_name in ("rmsprop", "adagrad"):
        s_old, s = old_state("s"), new_state("s")
        so = B.term(Txt("s_old"), "s_old", s_old)
        if opt_name == "rmsprop":
            rho = B.term(Txt("ρ"), "rho", opt.rho)
            B.line(
                Txt("s"),
                Txt("ρ s_old + (1 − ρ) (") + gs + ")²",
                rho + " × " + so + " + (1 − " + rho + ") × " + gt + SQ,
                N(s),
                result=s,
            )
        else:
            B.line(Txt("s"), Txt("s_old + (") + gs + ")²", so + " + " + gt + SQ, N(s), result=s)
        B.term(Txt("s"), "s", s)
        eps = B.term(Txt("ε"), "eps", opt.eps)
        B.line(
            p,
            p + " − η " + gs + " / (√s + ε)",
            o + " − " + lr + " × " + gt + " / (√" + N(s) + " + " + eps + ")",
            N(new),
            result=new,
            arrow=True,
            final=True,
        )
    elif opt_name == "adam":
        b1 = B.term(Txt("β₁"), "beta1", opt.beta1)
        b2 = B.term(Txt("β₂"), "beta2", opt.beta2)
        m_old, v_old = old_state("m"), old_state("v")
        m, v = new_state("m"), new_state("v")
        mo = B.term(Txt("m_old"), "m_old", m_old)
        vo = B.term(Txt("v_old"), "v_old", v_old)
        t = ev.t
        B.line(
            Txt("m"),
            Txt("β₁ m_old + (1 − β₁) ") + gs,
            b1 + " × " + mo + " + (1 − " + b1 + ") × " + gt,
            N(m),
            result=m,
        )
        B.line(
            Txt("v"),
            Txt("β₂ v_old + (1 − β₂) (") + gs + ")²",
            b2 + " × " + vo + " + (1 − " + b2 + ") × " + gt + SQ,
            N(v),
            result=v,
        )
        m_hat = m / (1.0 - opt.beta1**t)
        v_hat = v / (1.0 - opt.beta2**t)
        B.term(Txt("m"), "m", m), B.term(Txt("v"), "v", v)
        B.line(
            Txt("m̂"),
            Txt(f"m / (1 − β₁^{t})", f"m / (1 - beta1^{t})"),
            N(m) + " / (1 − " + b1 + f"^{t})",
            N(m_hat),
            result=m_hat,
        )
        B.line(
            Txt("v̂"),
            Txt(f"v / (1 − β₂^{t})", f"v / (1 - beta2^{t})"),
            N(v) + " / (1 − " + b2 + f"^{t})",
            N(v_hat),
            result=v_hat,
        )
        eps = B.term(Txt("ε"), "eps", opt.eps)
        B.line(
            p,
            p + " − η m̂ / (√v̂ + ε)",
            o + " − " + lr + " × " + P(m_hat) + " / (√" + N(v_hat) + " + " + eps + ")",
            N(new),
            result=new,
            arrow=True,
            final=True,
        )
        B.notes.append(f"t = {t} optimizer steps (bias correction)")
    elif opt_name == "sgd":
        B.line(
            p,
            p + " − η " + gs,
            o + " − " + lr + " × " + gt,
            N(new),
            result=new,
            arrow=True,
            final=True,
        )
    else:
        step = float((ev.step_W if is_W else ev.step_b)[idx])
        B.line(
            p,
            p + Txt(" − Δ", " - step"),
            o + " − " + P(step),
            N(new),
            result=new,
            arrow=True,
            final=True,
        )
    clip = view.find("clip")
    if clip is not None and l in clip.changed:
        B.notes.append(f"∂C/∂{name} here is the clipped gradient (clip by {clip.mode})")
    B.notes.append("computed, not yet applied: the network changes at StepEnd")
    return B.build()


def _step_start(view, ev, select, example) -> Explanation:
    B = _Builder(view, "step_start", None, (), None, f"Step {ev.step} begins")
    rows = (
        ""
        if ev.indices is None
        else f", rows {np.array2string(np.asarray(ev.indices), threshold=12)}"
    )
    B.notes.append(
        f"Batch {ev.batch} of epoch {ev.epoch}: {ev.batch_size} example"
        f"{'s' if ev.batch_size != 1 else ''}{rows}; learning rate η = {num(ev.lr)}."
    )
    return B.build()


def _clip(view, ev, select, example) -> Explanation:
    B = _Builder(view, "clip", None, (), None, f"Gradient clipping by {ev.mode}")
    c = B.term(Txt("c"), "threshold", ev.threshold)
    before = B.term(Txt("‖g‖", "|g|"), "norm_before", ev.norm_before)
    if ev.mode == "norm":
        B.line(
            Txt("scale"),
            Txt("min(1, c / ‖g‖)", "min(1, c / |g|)"),
            Txt("min(1, ") + c + " / " + before + ")",
            N(min(1.0, ev.threshold / ev.norm_before) if ev.norm_before else 1.0),
            result=min(1.0, ev.threshold / ev.norm_before) if ev.norm_before else 1.0,
        )
    else:
        B.notes.append(f"each gradient entry clipped to ±{num(ev.threshold)}")
    B.line(Txt("‖g‖ after", "|g| after"), N(ev.norm_after), result=ev.norm_after, final=True)
    changed = ", ".join(map(str, ev.changed)) or "none"
    B.notes.append(f"layers changed: {changed}")
    return B.build()


def _step_end(view, ev, select, example) -> Explanation:
    B = _Builder(view, "step_end", None, (), None, f"Step {ev.step} done: updates applied")
    B.line(Txt("C"), N(ev.loss), result=ev.loss, final=True)
    for s in ev.stats:
        B.notes.append(
            f"layer {s.l}: ‖∂C/∂W‖ = {num(s.grad_norm)}, mean|δ| = {num(s.delta_mean_abs)}, "
            f"‖W‖ = {num(s.weight_norm)}, ‖ΔW‖/‖W‖ = {num(s.update_ratio)}, "
            f"saturated {num(s.saturated_fraction)}, dead {num(s.dead_fraction)}"
        )
    return B.build()


_KINDS = {
    "step_start": _step_start,
    "forward": _forward,
    "loss": _loss,
    "delta": _delta,
    "gradient": _gradient,
    "clip": _clip,
    "update": _update,
    "step_end": _step_end,
}


def explain(view, select: tuple[int, ...] | None = None, example: int = 0) -> Explanation:
    """The explanation of ``view.event`` for the unit/weight ``select`` and batch row ``example``.

    DebuggerError (with the valid range) for a unit, weight or example that does not exist.
    """
    ev = view.event
    if isinstance(example, bool) or not isinstance(example, int | np.integer):
        raise DebuggerError(f"the example must be a whole number, got {example!r}")
    if select is not None:
        select = tuple(int(s) for s in select)
    if select and ev.kind in ("step_start", "clip", "step_end"):
        raise DebuggerError(
            f"{type(ev).__name__} has no units or weights to select; use explain alone"
        )
    result = _KINDS[ev.kind](view, ev, select, int(example))
    if result.result is not None and not math.isfinite(result.result.value):
        return Explanation(
            result.kind,
            result.layer,
            result.select,
            result.example,
            result.title,
            result.lines,
            result.terms,
            result.result,
            (*result.notes, "the result is not finite: look for the first non-finite input above"),
        )
    return result
