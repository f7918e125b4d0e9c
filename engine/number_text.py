"""What every number format of the lab shares: the words for NaN, ±∞ and zero, and a short
exponent. The formats themselves are one function each, by convention: the debugger's
explanations (``engine.debugger.formatting.num``: significant digits with trailing zeros kept),
the panels (``tui.panels.format.fmt``: short), a claim's measured figure
(``scenarios.check.fmt``), JSON (``engine.json_numbers``).
"""

from __future__ import annotations

import math


def special(x: float) -> str | None:
    """How every number format of the lab writes NaN, ±∞ and zero — ``nan``, ``inf``, ``-inf``,
    ``0`` — or None for any other number (the formats differ only there)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "0" if x == 0 else None


def short_exponent(text: str) -> str:
    """``1.5e-05`` → ``1.5e-5``, ``2e+06`` → ``2e6``: an exponent without its plus sign and
    leading zeros."""
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text
