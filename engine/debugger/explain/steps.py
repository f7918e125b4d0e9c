"""The once-per-step events: StepStart (the batch and η), Clip (the threshold and the norms) and
StepEnd (the loss, each layer's statistics and the η of the next step)."""

from __future__ import annotations

import numpy as np

from ...number_text import count, counted
from ...settings import TRAINING
from ..formatting import num
from .text import Builder, Explanation, N, Txt

GRADIENT_NORM = "‖g‖ = the norm of all the gradients together (every layer's ∂C/∂W and ∂C/∂b)"


def explain_step_start(view, ev, select, example) -> Explanation:
    B = Builder(view, "step_start", None, (), None, f"Step {count(ev.step)} begins")
    rows = (
        ""
        if ev.indices is None
        else f", rows {np.array2string(np.asarray(ev.indices), threshold=12)}"
    )
    B.notes.append(
        f"Batch {count(ev.batch)} of epoch {count(ev.epoch)}: {counted(ev.batch_size, 'example')}"
        f"{rows}; {TRAINING['lr'].title} = {num(ev.lr)}."
    )
    return B.build()


def explain_clip(view, ev, select, example) -> Explanation:
    """The scale by norm, scale = min(1, c / ‖g‖), or the bound by value, with what c and ‖g‖
    are: the equation's symbols stand for a setting and the event's ``norm_before``, which the
    equation alone does not name."""
    B = Builder(view, "clip", None, (), None, f"Gradient clipping by {ev.mode}")
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
        B.notes.append(
            f"c = {TRAINING['clip_norm'].name}, the threshold; {GRADIENT_NORM}, before "
            "clipping; the scale divides by ‖g‖ + 1e-6, as torch.nn.utils.clip_grad_norm_ does"
        )
    else:
        B.notes.append(f"each gradient entry clipped to ±{num(ev.threshold)}")
        B.notes.append(GRADIENT_NORM)
    B.line(Txt("‖g‖ after", "|g| after"), N(ev.norm_after), result=ev.norm_after, final=True)
    changed = ", ".join(map(str, ev.changed)) or "none"
    B.notes.append(f"layers changed: {changed}")
    return B.build()


def explain_step_end(view, ev, select, example) -> Explanation:
    B = Builder(view, "step_end", None, (), None, f"Step {count(ev.step)} done: updates applied")
    B.line(Txt("C"), N(ev.loss), result=ev.loss, final=True)
    B.notes.extend(layer_stats_note(s) for s in ev.stats)
    lr, next_lr = view.lr, view.next_lr
    changed = "" if next_lr == lr else f" (this step's was {num(lr)})"
    B.notes.append(f"The next step uses {TRAINING['lr'].title} = {num(next_lr)}{changed}.")
    return B.build()


def layer_stats_note(s) -> str:
    """One layer's statistics of the step (``engine.stats.LayerStats``), each norm of W named
    with the W it is of: ``weight_norm`` is ‖W‖ after the update, while ``update_ratio`` divides
    ‖ΔW‖ by ‖W‖ before it — side by side, a bare ‖W‖ would read as the ratio's denominator.
    No symbol has a space in it, so that wrapping the note never splits one."""
    return (
        f"layer {s.l}: ‖∂C/∂W‖ = {num(s.grad_norm)}, mean|δ| = {num(s.delta_mean_abs)}, "
        f"‖W‖ after = {num(s.weight_norm)}, "
        f"‖ΔW‖/‖W‖ = {num(s.update_ratio)} (‖W‖ before the update), "
        f"saturated {num(s.saturated_fraction)}, dead {num(s.dead_fraction)}"
    )
