"""How ``check`` writes a claim's figures: as the lab's screens write numbers, with more digits
only where those would make a measured figure read as its bound, or on the wrong side of it.

A figure is of one of three kinds (``kind_of``), each written by the lab's own format
(``engine.number_text``):

- a fraction of a whole (accuracy, dead units, …): a percentage, ``percent`` (``87.5%``);
- a count (steps, epochs): in groups of three, ``count`` (``1,280``);
- any other number: four significant digits, ``short`` (``0.6932``, ``6.087e10``, ``3.525e-5``).

A measured figure q is written with the fewest extra digits at which it reads on the same side
of every bound b of its claim as it is, sign(shown q − b) = sign(q − b): 0.99996 against a bound
of 1 reads ``0.99996``, not ``1``; 0.2983711088 near 0.298371109 ± 1e-9 reads so, not
``0.2984``. Figures set against each other (a comparison's two runs, a loss before and after)
are written with the same digits, the fewest at which they order as they are. A bound is a
number the scenario's author wrote (``below``, ``near``, ``tolerance``, …): written with the
digits that give its value (``0.298371109``, ``1e-9``, ``2``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from engine.number_text import count, percent, short

FRACTION, COUNT, NUMBER = "fraction", "count", "number"

FRACTIONS = (
    "accuracy",
    "val_accuracy",
    "loss_up_fraction",
    "dead_units",
    "dead_fraction",
    "saturated_fraction",
)
"""Metrics that are fractions of a whole, shown as percentages."""

COUNTS = ("steps", "epochs")
"""Metrics that count, shown as the lab shows counts."""

MORE = 13
"""The most digits a figure takes beyond the lab's usual: 4 + 13 = 17 significant digits tell
any two floating-point numbers apart."""

EXACT = 11
"""The most a bound takes: 4 + 11 = 15 significant digits give any number written in a file."""


def kind_of(claim: dict) -> str:
    """The kind of the figures of ``claim``'s metric: a fraction (not a ratio of two layers'
    fractions), a count, or a number."""
    metric = claim["metric"]
    if metric in FRACTIONS and "relative_to" not in claim:
        return FRACTION
    return COUNT if metric in COUNTS else NUMBER


def written(x: float, kind: str, more: int = 0) -> str:
    """``x`` as the lab writes a figure of ``kind``, with ``more`` digits than usual (a count
    that is not a whole number is written as a number)."""
    x = float(x)
    if kind == FRACTION:
        return percent(x, 1 + more)
    if kind == COUNT and x.is_integer():
        return count(x)
    return short(x, 4 + more)


def bound(x: float, kind: str) -> str:
    """A number of the scenario (a bound, ``near``, a tolerance) written with the fewest
    digits that give its value: ``0.298371109``, ``1e-9``, ``60%``, ``2,000``."""
    text = written(x, kind)
    if not math.isfinite(x):
        return text
    for more in range(EXACT + 1):
        text = written(x, kind, more)
        shown = _read(text)
        if shown is not None and math.isclose(shown, x, rel_tol=1e-12):
            break
    return text


def apart(values: Sequence[float], kind: str, bounds: Sequence[float] = ()) -> list[str]:
    """``values`` written as ``kind`` with the same digits: the fewest at which each reads on
    the same side of every one of ``bounds`` as it is, and they order among themselves as
    they are (equal only where equal)."""
    for more in range(MORE + 1):
        texts = [written(v, kind, more) for v in values]
        shown = [_read(t) for t in texts]
        if _ordered(values, shown, bounds):
            break
    return texts


def _ordered(values: Sequence[float], shown: list[float | None], bounds: Sequence[float]) -> bool:
    """Whether the numbers ``shown`` for ``values`` lie on the sides of ``bounds`` and of each
    other that the values do."""
    read = [s for s in shown if s is not None]
    if len(read) < len(values):
        return False
    pairs = list(zip(values, read))
    return all(_order(v, b) == _order(s, b) for v, s in pairs for b in bounds) and all(
        _order(v, w) == _order(s, t) for v, s in pairs for w, t in pairs
    )


def _order(a, b) -> int:
    return (a > b) - (a < b)


def _read(text: str) -> float | None:
    """The number a figure's text stands for (``1,280`` → 1280, ``60%`` → 0.6); None for a
    text that names no one number (``>99.999999%``)."""
    number = text.replace(",", "")
    try:
        return float(number[:-1]) / 100.0 if number.endswith("%") else float(number)
    except ValueError:
        return None
