"""How the debugger writes numbers, arrays and symbols, in Unicode or in plain ASCII.

Numbers have four significant digits (``0.4000``, ``1.235e-7``) — explanations are checked
against the event arrays to that precision. Symbols follow the equations: ``δ²₁`` is δ of layer 2,
unit 1 (superscript = layer, subscript = unit or weight indices, numbered from 0 as in the arrays);
the ASCII form ``delta[2][1]`` is for screen readers and terminals without those glyphs.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from ..number_text import LARGE, SMALL, short_exponent, special

DIGITS = 4
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789-ijkx", "₀₁₂₃₄₅₆₇₈₉₋ᵢⱼₖₓ")

# Unicode name → ASCII name of the Greek letters and operators used in explanations.
ASCII_NAMES = {
    "δ": "delta",
    "σ": "act",
    "σ′": "act'",
    "η": "lr",
    "μ": "mu",
    "ρ": "rho",
    "β₁": "beta1",
    "β₂": "beta2",
    "ε": "eps",
    "λ₁": "l1",
    "λ₂": "l2",
    "λ": "wd",
    "ẑ": "z_hat",
    "m̂": "m_hat",
    "v̂": "v_hat",
    "·": "*",
    "×": "*",
    "−": "-",
    "←": "<-",
    "Σ": "sum",
    "√": "sqrt ",
    "‖": "|",
    "σ²": "var",  # the batch variance (σ alone is the activation function)
    "∇ₐC": "dC/da",
    "C₀": "C0",  # the data loss (C without the penalty): no index, as its equations write it
    "∂": "d",
    "Δ": "step_",  # ΔW is the step applied to W (step_W in expressions)
    "ᴸ": "[L]",
    "β": "beta",
    "γ": "gamma",
    "α": "alpha",
    "ℓ": "l",
    "⊙": "*",
    "ᵀ": "^T",
    "½": "1/2",
    "±": "+/-",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "—": "-",
    "…": "...",
}
_ASCII_CACHE: dict = {}


def ascii_names() -> list[tuple[str, str]]:
    """``ASCII_NAMES`` and the symbol of every declared setting that is not in it (a new
    optimizer's κ is written as its key), longest first (so that σ² goes before σ)."""
    from .. import settings
    from ..optimizers import OPTIMIZERS

    key = tuple(map(id, OPTIMIZERS.values()))
    if key not in _ASCII_CACHE:
        names = dict(ASCII_NAMES)
        for s in settings.every_setting():
            if s.symbol and not s.symbol.isascii() and s.symbol not in names:
                names[s.symbol] = s.name
        _ASCII_CACHE.clear()
        _ASCII_CACHE[key] = sorted(names.items(), key=lambda kv: -len(kv[0]))
    return _ASCII_CACHE[key]


# A square written after a number or a closing bracket (0.06438², (∂C/∂W)²) — elsewhere a
# superscript is a layer index (W², δ²).
_SQUARE = re.compile(r"(?<=[0-9)‖])²")


def num(x: float, digits: int = DIGITS) -> str:
    """``x`` with ``digits`` significant digits, trailing zeros kept: 0.4 → ``0.4000`` (the
    debugger's explanations: the printed precision is visible). Positional and scientific where
    the panels' numbers are (``engine.number_text.short``), with their short exponent:
    ``0.0002689`` → ``2.689e-4``, ``-1.299e+198`` → ``-1.299e198``, so that an equation and the
    table beside it write a number alike."""
    x = float(x)
    shown = special(x)
    if shown is not None:
        return shown
    scientific = f"{x:.{digits - 1}e}"
    if SMALL <= abs(x) < LARGE:
        power = int(scientific.partition("e")[2])  # of x rounded: 9.99996 is 10.00
        return f"{x:.{max(0, digits - 1 - power)}f}"
    return short_exponent(scientific)


def signed(x: float, digits: int = DIGITS) -> str:
    """``num(x)`` in parentheses when negative, for use after an operator: ``0.5 × (−0.1)``."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def telling_apart(a: float, b: float, digits: int = DIGITS) -> int:
    """The significant digits, ``digits`` or more (at most 17, float64's), that write ``a`` and
    ``b`` differently when they differ: an update of 4.5e-4 on a weight of 3.5 reads
    ``3.500 − 4.547e-4 = 3.500`` in four digits, no change at all, and ``3.5000 − 4.547e-4 =
    3.4995`` in five."""
    while digits < 17 and a != b and num(a, digits) == num(b, digits):
        digits += 1
    return digits


def array(a, *, max_items: int = 64) -> str:
    """An array laid out as NumPy prints it (brackets, rows, ``...`` where it is summarised
    when large), each number written by ``num`` — four significant digits, trailing zeros kept,
    zero as ``0`` (never ``-0.``) — and right-aligned to one width, so that a number reads as it
    does in the explanations: ``[[4.386e-4 8.772e-4] [0.1385 -0.02260]]``."""
    a = np.asarray(a)
    if a.ndim == 0:
        return num(float(a))
    if a.dtype.kind != "f" or a.size == 0:
        return np.array2string(a, threshold=max_items, edgeitems=3, max_line_width=100)
    width = max(len(num(x)) for x in _shown(a, max_items).ravel())

    def entry(x: np.floating) -> str:
        return num(float(x)).rjust(width)

    return np.array2string(
        a, threshold=max_items, edgeitems=3, max_line_width=100, formatter={"float_kind": entry}
    )


def _shown(a: np.ndarray, max_items: int) -> np.ndarray:
    """The entries of ``a`` that ``np.array2string`` shows: all of them, or the three first and
    three last along each axis when it summarises (more than ``max_items`` entries)."""
    if a.size <= max_items:
        return a
    edges = [np.r_[0:3, n - 3 : n] if n > 6 else np.arange(n) for n in a.shape]
    return a[np.ix_(*edges)]


def value(v) -> str:
    """A number (whole numbers such as the step as integers), an array, or a per-layer list
    (``{l: value}``) as text."""
    if isinstance(v, dict):
        return ", ".join(f"@{l}: {value(x)}" for l, x in v.items())
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, int | np.integer):  # step, epoch, batch
        return str(int(v))
    if isinstance(v, np.ndarray) and v.ndim > 0:
        return array(v)
    return num(float(v))


def sup(text) -> str:
    return str(text).translate(_SUP)


def sub(text) -> str:
    return str(text).translate(_SUB)


def symbol(name: str, l=None, idx=(), *, ascii: bool = False) -> str:
    """``symbol("δ", 2, (1,))`` → ``δ²₁``; ASCII: ``delta[2][1]``.

    Two indices are written ``W²₁₀`` when both are below 10, else ``W²₁,₀``.
    """
    if ascii:
        text = ASCII_NAMES.get(name) or to_ascii(name)
        if l is not None:
            text += f"[{l}]"
        if idx:
            text += "[" + ",".join(str(i) for i in idx) + "]"
        return text
    text = name
    if l is not None:
        text += sup(l)
    if idx:
        sep = "" if all(not isinstance(i, int) or 0 <= i < 10 for i in idx) else ","
        text += sep.join(sub(i) for i in idx)
    return text


def to_ascii(text: str) -> str:
    """Replace the Greek letters and operators of ``text`` by their ASCII names, and the layer
    and index of a symbol written in prose by brackets, as ``symbol(…, ascii=True)`` writes
    them: δ⁶₀ → ``delta[6][0]``, W²₀₁ → ``W[2][0,1]``, x₀ → ``x[0]``."""
    text = _SQUARE.sub("^2", text)
    for uni, asc in (("e⁻ᶻ", "exp(-z)"), ("ˡ⁺¹", "[l+1]"), ("ˡ⁻¹", "[l-1]"), ("ˡ", "[l]")):
        text = text.replace(uni, asc)
    for uni, asc in ascii_names():
        text = text.replace(uni, asc)
    text = _INDEXED.sub(_bracketed, text)
    return text.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉′ᵢⱼₖₓ", "01234567890123456789'ijkx"))


# --- equations on narrow screens --------------------------------------------------------------

CUT = "…"
"""The end of a line whose last word had to be cut (it goes on on the next line)."""
_OPERATOR = re.compile(r"(?<= )(?:<-|[+−×=·/*←-])(?= |$)")
_CONTENT = re.compile(r" (?:=|←|<-) ")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: combining marks (the hat of m̂) none, wide
    (East Asian) characters two, everything else one."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def wrap_equation(text: str, width: int | None) -> list[str]:
    """One line of an equation in lines of at most ``width`` cells (None or 0: as it is).

    Broken before an operator written between spaces — first ``= ← + −`` outside parentheses,
    then ``× · /`` outside them, then those inside parentheses (and their ASCII forms) — the
    space there dropped, each continuation line indented two cells past where the line's
    right-hand side starts (a hanging indent), so that joining the lines with one space gives
    the equation back. A piece still too wide is broken at a space, and a word wider than a
    line is cut, its line ending in ``…`` (the rest follows on the next line): nothing is
    dropped, nothing is cut without a mark."""
    if not width or width <= 0 or cells(text) <= width:
        return [text]
    lead = len(text) - len(text.lstrip(" "))
    if text[lead:].startswith(("= ", "← ", "<- ")):
        start = lead + 2
    else:
        found = _CONTENT.search(text)
        start = found.end() if found is not None else lead
    indent = " " * min(start + 2, max(width // 3, 1))
    ranks = _break_ranks(text, start)

    def shown(a: int, b: int) -> str:
        return text[a:b] if a == 0 else indent + text[a:b]

    lines = [(0, len(text))]
    for rank in sorted(set(ranks.values())):
        out: list[tuple[int, int]] = []
        for a, b in lines:
            cuts = [p for p, r in ranks.items() if r == rank and a < p < b]
            if cells(shown(a, b)) <= width or not cuts:
                out.append((a, b))
                continue
            bounds = [a, *cuts, b + 1]
            current = None
            for s, e in zip(bounds, [c - 1 for c in bounds[1:]]):
                if current is not None and cells(shown(current[0], e)) <= width:
                    current = (current[0], e)
                    continue
                if current is not None:
                    out.append(current)
                current = (s, e)
            assert current is not None  # bounds holds a and b + 1: one piece at least
            out.append(current)
        lines = out
    fitted: list[str] = []
    for a, b in lines:
        fitted.extend(_fit(shown(a, b), width, indent))
    return fitted


def _break_ranks(text: str, start: int) -> dict[int, int]:
    """Where an equation may be broken (the operator's index, after ``start``) and how good a
    place it is: 0 before ``= ← + −`` outside parentheses, 1 before ``× · /`` outside them, 2
    and 3 the same inside parentheses."""
    depth_at = []
    depth = 0
    for ch in text:
        depth_at.append(depth)
        depth += (ch == "(") - (ch == ")")
    ranks = {}
    for m in _OPERATOR.finditer(text):
        p = m.start()
        if p <= start:
            continue
        additive = m.group() in ("=", "←", "<-", "+", "−", "-")
        ranks[p] = (0 if additive else 1) + (2 if depth_at[p] > 0 else 0)
    return ranks


def _fit(line: str, width: int, indent: str) -> list[str]:
    """``line`` as it is when it fits; else broken at spaces (continuations at ``indent``), a
    word too wide for any line cut with ``…``."""
    if cells(line) <= width:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    words = line[lead:].split(" ")
    out = [line[:lead] + words[0]]
    for word in words[1:]:
        if cells(out[-1]) + 1 + cells(word) <= width:
            out[-1] += " " + word
        else:
            out.append(indent + word)
    fitted: list[str] = []
    for piece in out:
        while cells(piece) > width:
            room = max(width - 1, 1)
            cut = 0
            while cut < len(piece) and cells(piece[: cut + 1]) <= room:
                cut += 1
            cut = max(cut, 1)
            fitted.append(piece[:cut] + CUT)
            rest = piece[cut:]
            piece = (indent + rest) if cells(indent) + 1 < width else rest
        fitted.append(piece)
    return fitted


_SUP_DIGITS, _SUB_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹", "₀₁₂₃₄₅₆₇₈₉"
# a letter's superscript layer and/or subscript indices (one digit each, or comma-separated)
_INDEXED = re.compile(
    rf"(?<=[A-Za-z'′])(?P<sup>[{_SUP_DIGITS}]+)?(?P<sub>[{_SUB_DIGITS}]+(?:,[{_SUB_DIGITS}]+)*)?"
)


def _bracketed(m: re.Match) -> str:
    sup, sub = m.group("sup"), m.group("sub")
    out = f"[{sup.translate(str.maketrans(_SUP_DIGITS, '0123456789'))}]" if sup else ""
    if sub:
        digits = sub.translate(str.maketrans(_SUB_DIGITS, "0123456789"))
        out += f"[{digits if ',' in digits else ','.join(digits)}]"
    return out
