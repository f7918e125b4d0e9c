"""The Update event: one weight's or bias's new value, by the optimizer's rule, with its numbers
(for a bias of a batch-norm layer, its unit's γ and β too, as notes: old − step = new).

Weight decay (g = ∂C/∂W + λ W) is written here, the same for every optimizer; the rule itself is
the optimizer's own (``Optimizer.explain_update`` in ``engine/optimizers.py``), written with an
``UpdateTerms``.
"""

from __future__ import annotations

from ...settings import TRAINING
from ..formatting import num, signed, symbol, telling_apart
from .select import weight
from .text import Builder, Explanation, N, P, S, Txt, Writer, as_txt


class UpdateTerms(Writer):
    """What an optimizer writes its rule with (``Optimizer.explain_update``).

    ``p`` is the parameter's symbol (W²₀₁) and ``old`` its value before the step; ``g`` the
    gradient's symbol (∂C/∂W²₀₁, or g with weight decay), ``g_value`` its number as text and
    ``gradient`` as a float; ``lr`` the number η; ``t`` the optimizer's step count (from 1);
    ``new`` the value the engine computed.
    ``old_state(key)`` / ``new_state(key)`` are the parameter's optimizer state before and after
    (0 before the first step). ``term(symbol, role, value)`` records a substituted number and
    returns it as text; ``line(lhs, formula, *steps, result=…)`` writes an equation, and
    ``step(formula, *steps)`` the last two: the step subtracted, ΔW = formula = steps (the
    Update event's ``step_W``), then p ← p − ΔW = old − ΔW = new; ``Writer``'s pieces write the
    rest.
    """

    def __init__(self, builder: Builder, p, old, g, gradient, lr, t, new, step, state, idx):
        self.builder = builder
        self.p, self.old, self.lr, self.t, self.new = p, old, lr, t, new
        self.step_value, self.step_symbol = step
        self.g, self.g_value, self.gradient = g, P(gradient), gradient
        (self._old, self._new), self._idx = state, idx

    def old_state(self, key: str) -> float:
        s = self._old.get(key)
        return 0.0 if s is None else float(s[self._idx])

    def new_state(self, key: str) -> float:
        return float(self._new[key][self._idx])

    def term(self, symbol, role: str, value) -> Txt:
        return self.builder.term(as_txt(symbol), role, value)

    def line(self, lhs, formula, *steps, result: float) -> None:
        self.builder.line(as_txt(lhs), as_txt(formula), *map(as_txt, steps), result=result)

    def step(self, formula, *steps) -> None:
        """ΔW = formula = steps = step_W, then W ← W − ΔW = old − (step_W) = W_new: the step
        is the number subtracted, as in the Update event (``step_W``, ``step_b``)."""
        delta = self.step_symbol
        value = self.step_value
        self.builder.line(delta, as_txt(formula), *map(as_txt, steps), N(value), result=value)
        shown = self.builder.term(delta, "step", value)
        # the old and new values with the digits that tell them apart (a small step on a large
        # weight read "3.500 − 4.547e-4 = 3.500")
        digits = telling_apart(self.old, self.new)
        self.builder.line(
            self.p,
            self.p + " − " + delta,
            P(self.old, digits) + " − " + shown,
            N(self.new, digits),
            result=self.new,
            arrow=True,
            final=True,
        )

    def note(self, text: str) -> None:
        self.builder.notes.append(text)


def explain_update(view, ev, select, example) -> Explanation:
    l = ev.l
    sel = weight(select, ev.W_old.shape, l)
    is_W = len(sel) == 2
    name = "W" if is_W else "b"
    idx = sel if is_W else (sel[0],)
    old = float((ev.W_old if is_W else ev.b_old)[idx])
    new = float((ev.W_new if is_W else ev.b_new)[idx])
    step = float((ev.step_W if is_W else ev.step_b)[idx])
    g = float((ev.grad_W if is_W else ev.grad_b)[idx])
    opt = view.learner.optimizer
    p = S(name, l, idx)
    label = f"W[{sel[0]},{sel[1]}]" if is_W else f"b[{sel[0]}]"
    B = Builder(view, "update", l, sel, None, f"Update ({ev.optimizer}), layer {l}, {label}")
    o = B.term(p, "old", old)
    gs = Txt("∂C/∂") + p
    gt = B.term(gs, "g", g)
    lr = B.term(Txt(TRAINING["lr"].symbol), "lr", ev.lr)
    g_used = g
    if is_W and opt.weight_decay:
        wd = opt.weight_decay
        g_used = g + wd * old
        lam = TRAINING["weight_decay"].symbol
        B.term(Txt(lam), "weight_decay", wd)
        B.line(
            Txt("g"),
            gs + f" + {lam} " + p,
            gt + " + " + P(wd) + " × " + o,
            N(g_used),
            result=g_used,
        )
        gs = Txt("g")
    state_old = view.opt_before[l - 1].get(name, {})
    state_new = ev.state.get(name, {})
    state = (state_old, state_new)
    step_symbol = S("Δ" + name, l, idx)
    terms = UpdateTerms(B, p, old, gs, g_used, lr, ev.t, new, (step, step_symbol), state, idx)
    opt.explain_update(terms)
    if not is_W and "beta" in ev.extra:  # batch norm: the unit's γ and β, by the same rule
        for param in ("gamma", "beta"):
            before, after, change = (float(a[sel[0]]) for a in ev.extra[param])
            name = symbol("γ" if param == "gamma" else "β", l, (sel[0],))
            B.notes.append(
                f"batch norm, by the same rule: {name} ← {name} − Δ{name} = {num(before)} − "
                f"{signed(change)} = {num(after)}"
            )
    clip = view.find("clip")
    if clip is not None and l in clip.changed:
        B.notes.append(f"∂C/∂{name} here is the clipped gradient (clip by {clip.mode})")
    B.notes.append("computed, not yet applied: the network changes at StepEnd")
    return B.build()
