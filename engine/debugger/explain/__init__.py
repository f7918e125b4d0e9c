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

The formulas of σ′, of the loss and of each update rule are written by their classes, beside the
math they explain (``Activation.explain_slope``, ``Loss.formula``/``terms``/``explain_grad``/
``explain_fused_delta``, ``Optimizer.explain_update``); this package writes the equations common
to every network — z = W a + b, δ = (Wᵀ δ) σ′, ∂C/∂W = δ aᵀ — one module per event kind:
``forward.py``, ``loss.py``, ``backward.py`` (Delta, Gradient), ``update.py`` and ``steps.py``
(StepStart, Clip, StepEnd). ``text.py`` holds the pieces (``Txt``, ``Term``, ``Line``,
``Explanation``) and ``select.py`` the checks of the unit, weight and example.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..errors import DebuggerError
from .backward import explain_delta, explain_gradient
from .forward import explain_forward
from .loss import explain_loss
from .steps import explain_clip, explain_step_end, explain_step_start
from .text import Explanation, Line, Term, Txt
from .update import explain_update

__all__ = ["KINDS", "Explanation", "Line", "Term", "Txt", "explain"]

KINDS = {
    "step_start": explain_step_start,
    "forward": explain_forward,
    "loss": explain_loss,
    "delta": explain_delta,
    "gradient": explain_gradient,
    "clip": explain_clip,
    "update": explain_update,
    "step_end": explain_step_end,
}
"""Event kind → the function that explains it."""


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
    result = KINDS[ev.kind](view, ev, select, int(example))
    if result.result is not None and not math.isfinite(result.result.value):
        note = "the result is not finite: look for the first non-finite input above"
        return dataclasses.replace(result, notes=(*result.notes, note))
    return result
