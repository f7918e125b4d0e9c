"""Numbers in the JSON the lab writes (traces, the ``train --json`` summary, a session file's
header): a finite float as itself — Python writes the shortest text that reads back to the same
bits — and NaN, +∞, −∞, which JSON has no numbers for, as the strings ``"nan"``, ``"inf"``,
``"-inf"``. ``from_json_number`` reads them back.
"""

from __future__ import annotations

import math

NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
"""The strings that stand for NaN and ±∞, and their values."""


def json_number(value):
    """A float for JSON: None stays None, NaN and ±Inf become "nan", "inf", "-inf"."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def from_json_number(value) -> float:
    """The float a JSON number stands for: "nan", "inf", "-inf" or a number (KeyError for any
    other string)."""
    if isinstance(value, str):
        return NON_FINITE[value]
    return float(value)
