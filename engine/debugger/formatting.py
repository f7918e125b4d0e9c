"""How the debugger writes numbers, arrays and symbols, in Unicode or in plain ASCII.

Numbers have four significant digits (``0.4000``, ``1.235e-07``) — explanations are checked
against the event arrays to that precision. Symbols follow the equations: ``δ²₁`` is δ of layer 2,
unit 1 (superscript = layer, subscript = unit or weight indices, numbered from 0 as in the arrays);
the ASCII form ``delta[2][1]`` is for screen readers and terminals without those glyphs.
"""

from __future__ import annotations

import re

import numpy as np

from ..number_text import special

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
    debugger's explanations: the printed precision is visible)."""
    x = float(x)
    shown = special(x)
    if shown is not None:
        return shown
    text = f"{x:#.{digits}g}"
    if text.endswith("."):  # 2000.0 → "2000", not "2000."
        text = text[:-1]
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent):+03d}"
    return text


def signed(x: float) -> str:
    """``num(x)`` in parentheses when negative, for use after an operator: ``0.5 × (−0.1)``."""
    text = num(x)
    return f"({text})" if text.startswith("-") else text


def array(a, *, max_items: int = 64) -> str:
    """An array as NumPy prints it, four significant digits, summarised when large."""
    a = np.asarray(a)
    if a.ndim == 0:
        return num(float(a))
    return np.array2string(
        a,
        precision=DIGITS,
        threshold=max_items,
        edgeitems=3,
        max_line_width=100,
        floatmode="maxprec",
        suppress_small=False,
    )


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
        text = ASCII_NAMES.get(name, name)
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
    """Replace the Greek letters and operators of ``text`` by their ASCII names."""
    text = _SQUARE.sub("^2", text)
    for uni, asc in ascii_names():
        text = text.replace(uni, asc)
    return text.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉′ᵢⱼₖₓ", "01234567890123456789'ijkx"))
