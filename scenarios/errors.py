"""The scenario error type and the small helpers that make its messages precise.

Every message names the file, the key path (``network.layers[2].activation``, array indices
1-based like the layer index l), the bad value and what is allowed, in one line.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections.abc import Iterable


class ScenarioError(Exception):
    """A scenario that cannot be loaded, validated or built; the message says why and where.

    The message is one line whatever it quotes: a line break or other control character in a
    key, a path or a name from the file is shown escaped (``\\n``)."""

    def __init__(self, message: str = "", *args):
        super().__init__(single_line(str(message)), *args)


_CONTROL = {i: f"\\x{i:02x}" for i in (*range(0x20), 0x7F)} | {
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
}


def single_line(text: str) -> str:
    """``text`` with control characters (line breaks included) written as escapes."""
    return text.translate(_CONTROL)


def key_text(name: object) -> str:
    """A key as a TOML file writes it: bare when it can be, else quoted with escapes."""
    name = str(name)
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else show(name)


class UnknownScenarioError(ScenarioError, KeyError):
    """No preset has this name (also a KeyError, for lookups by name)."""

    __str__ = Exception.__str__


def show(value: object) -> str:
    """A value as it would be written in a TOML file (strings quoted, booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        text = "[" + ", ".join(show(v) for v in value[:6]) + (", ...]" if len(value) > 6 else "]")
        return text if len(text) <= 80 else text[:77] + "..."
    return repr(value)


def type_name(value: object) -> str:
    """The TOML name of a value's type, for "got … (a string)" messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """'; did you mean "x"?' for the closest candidate, or '' when none is close."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {show(close[0])}?" if close else ""


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(choices)


def too_many_digits(text: str) -> tuple[int | None, str]:
    """(the line of ``text`` holding it, the reason) for TOML ``text`` that ``int`` refused:
    a whole number of more digits than Python converts (``sys.get_int_max_str_digits``)."""
    most = sys.get_int_max_str_digits()
    match = re.search(rf"[0-9_]{{{most + 1},}}", text)
    digits = sum(c.isdigit() for c in match.group()) if match else most + 1
    line = text.count("\n", 0, match.start()) + 1 if match else None
    return line, f"a number of {digits:,} digits (at most {most:,}); no setting takes one so large"
