"""What every number format of the lab shares: the words for NaN, ±∞ and zero, a short
exponent, counts (``2,000 epochs``, ``1 example``) and fractions shown to people (``99.7%``).
The formats themselves are one function each, by convention: the debugger's explanations
(``engine.debugger.formatting.num``: significant digits with trailing zeros kept), the panels
(``tui.panels.format.fmt``: short), JSON (``engine.json_numbers``); ``check`` writes a claim's
figures with the panels' ``short``, ``count`` and ``percent``, with more digits only where they
tell a figure from its bound (``scenarios.claim_figures``).
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


SMALL = 1e-3
LARGE = 1e5


def short(x: float, digits: int = 4) -> str:
    """A number as the panels write it: ``digits`` significant digits, trailing zeros dropped;
    magnitudes in [1e-3, 1e5) in positional notation (``0.01234``, ``12.34``), with thousands in
    groups of three as every count is written (``1,234``, ``12,769``), others in compact
    scientific notation (``1.234e-05`` → ``1.234e-5``); nan, ±inf and 0 as ``special`` says."""
    x = float(x)
    shown = special(x)
    if shown is not None:
        return shown
    magnitude = abs(x)
    if SMALL <= magnitude < LARGE:
        decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
        text = f"{x:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    mantissa, _, exponent = f"{x:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return short_exponent(f"{mantissa}e{exponent}")


def count(n) -> str:
    """A whole number as people read it, in groups of three: ``2000`` → ``2,000`` (every count
    the lab shows — step, epoch, examples — is written so)."""
    return f"{int(n):,}"


def counted(n, noun: str, plural: str | None = None) -> str:
    """``n`` and its noun, singular for one: ``1 epoch``, ``2,000 epochs``, ``1 example``."""
    return f"{count(n)} {noun if int(n) == 1 else plural or noun + 's'}"


def percent(x, decimals: int = 1) -> str:
    """A fraction in [0, 1] shown to people, as a percentage with ``decimals`` decimals (one
    unless asked for more) and more where they would round it to a whole it is not:
    ``0.996667`` → ``99.7%``, ``0.99996`` → ``99.996%`` (not ``100%``), ``0.25`` → ``25%``,
    ``1`` → ``100%``, ``1e-9`` → ``1e-7%``; trailing zeros dropped; nan and ±inf as words.
    Files (JSON) keep the number itself."""
    x = float(x)
    if not math.isfinite(x):
        return special(x) or ""  # (special() names every non-finite number)
    p = 100.0 * x
    for places in range(decimals, max(decimals, 6) + 1):
        text = f"{p:.{places}f}"
        if not ((float(text) == 100.0 and x < 1.0) or (float(text) == 0.0 and x > 0.0)):
            break
    else:
        # a tiny share in the notation of other tiny numbers (1e-9 → "1e-7%"): a "<0.000001%"
        # read "needs < <0.000001%" as a claim's threshold
        return f"{short(p, 2)}%" if x > 0.0 and p < 50 else ">99.999999%"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
