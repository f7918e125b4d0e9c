"""The pieces explanations are written with: text in Unicode and ASCII (``Txt``), the
substituted numbers (``Term``), the equations (``Line``) and the result (``Explanation``);
``Builder`` collects them for one explanation.

Activations, losses and optimizers write their own formulas with these pieces (their
``explain_*`` methods): a formula is built by adding ``Txt`` and plain strings, numbers come in
as ``Txt`` already (``N``: four significant digits, ``P``: in parentheses when negative).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ..formatting import DIGITS, num, signed, symbol, to_ascii, wrap_equation


class Txt:
    """A piece of equation text in Unicode and in ASCII."""

    __slots__ = ("u", "a")

    def __init__(self, u: str, a: str | None = None):
        self.u, self.a = u, to_ascii(u) if a is None else a

    def __add__(self, other) -> Txt:
        o = other if isinstance(other, Txt) else Txt(str(other))
        return Txt(self.u + o.u, self.a + o.a)

    def __radd__(self, other) -> Txt:
        return Txt(str(other)) + self

    def render(self, ascii: bool = False) -> str:
        return self.a if ascii else self.u


SQ = Txt("²", "^2")  # a square after a number (in ASCII: ^2, not a layer index)


def S(name: str, l=None, idx=()) -> Txt:
    """A symbol: ``S("δ", 2, (1,))`` is δ²₁ / delta[2][1]."""
    return Txt(symbol(name, l, idx), symbol(name, l, idx, ascii=True))


def N(x: float, digits: int = DIGITS) -> Txt:
    return Txt(num(x, digits))


def P(x: float, digits: int = DIGITS) -> Txt:
    """A number after an operator (negative numbers in parentheses)."""
    return Txt(signed(x, digits))


def join(parts, sep: str) -> Txt:
    out = Txt("")
    for i, p in enumerate(parts):
        out = out + (Txt(sep) if i else Txt("")) + p
    return out


@dataclass(frozen=True)
class Term:
    """One substituted number: its symbol (Unicode / ASCII), role and exact value."""

    symbol: str
    ascii: str
    role: str  # e.g. "W", "a_prev", "b", "delta_next", "slope", "g", "lr", "result"
    value: float
    index: tuple[int, ...] = ()  # e.g. k for W_jk a_k, the example for per-example terms


@dataclass(frozen=True)
class Line:
    """One equation: ``lhs = rhs`` with the steps of its evaluation (``= …`` each)."""

    lhs: Txt
    steps: tuple[Txt, ...]
    result: float
    arrow: bool = False  # an assignment (W ← …) rather than an equality

    def render(self, ascii: bool = False, width: int | None = None) -> str:
        """The equation and its steps, one per line; with ``width``, each of them wrapped to
        it at its operators (``formatting.wrap_equation``)."""
        head = self.lhs.render(ascii) + (" ← " if self.arrow and not ascii else "")
        if self.arrow and ascii:
            head += " <- "
        elif not self.arrow:
            head += " = "
        pad = " " * (len(self.lhs.render(ascii)) + 1)
        out = [head + self.steps[0].render(ascii)]
        for step in self.steps[1:]:
            out.append(f"{pad}= {step.render(ascii)}")
        return "\n".join(part for line in out for part in wrap_equation(line, width))


@dataclass(frozen=True)
class Explanation:
    kind: str
    layer: int | None
    select: tuple[int, ...]
    example: int | None
    title: str
    lines: tuple[Line, ...]
    terms: tuple[Term, ...]
    result: Term | None
    notes: tuple[str, ...] = ()

    def term(self, role: str) -> Term:
        """The first term with ``role``."""
        for t in self.terms:
            if t.role == role:
                return t
        raise KeyError(role)

    def terms_of(self, role: str) -> list[Term]:
        return [t for t in self.terms if t.role == role]

    def text(self, ascii: bool = False, width: int | None = None) -> str:
        """Title, equations and notes; with ``width``, equations are wrapped at their operators
        and the title and notes at spaces, so that no line is wider."""
        title = to_ascii(self.title) if ascii else self.title
        parts = [*_prose(title, width), ""]
        for line in self.lines:
            parts.append(line.render(ascii, width))
        for note in self.notes:
            parts.extend(_prose(to_ascii(note) if ascii else note, width))
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.text()


def _prose(text: str, width: int | None) -> list[str]:
    """Words on lines of at most ``width`` cells (a word wider than that on a line of its own)."""
    if not width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


class Builder:
    """Collects the lines, terms and notes of one explanation."""

    def __init__(self, view, kind, layer, select, example, title):
        self.view = view
        self.kind, self.layer, self.select, self.example = kind, layer, select, example
        self.title = title
        self.lines: list[Line] = []
        self.terms: list[Term] = []
        self.notes: list[str] = []
        self.result: Term | None = None

    def term(self, sym: Txt, role: str, value, index=()) -> Txt:
        value = float(value)
        self.terms.append(Term(sym.u, sym.a, role, value, tuple(index)))
        return P(value)

    def line(self, lhs: Txt, *steps: Txt, result: float, arrow=False, final=False) -> None:
        self.lines.append(Line(lhs, tuple(steps), float(result), arrow))
        if final:
            self.result = Term(lhs.u, lhs.a, "result", float(result))

    def build(self) -> Explanation:
        return Explanation(
            self.kind,
            self.layer,
            self.select,
            self.example,
            self.title,
            tuple(self.lines),
            tuple(self.terms),
            self.result,
            tuple(self.notes),
        )


class Writer:
    """What an activation, a loss or an optimizer writes its formulas with (the ``…Terms`` it
    is given derive from this): ``text(unicode, ascii)`` a piece of formula whose ASCII form is
    not the automatic one, ``number(x)`` a number (four significant digits), ``signed(x)`` a
    number after an operator (in parentheses when negative), ``SQ`` a square after a number.
    Plain strings added to these pieces become text too."""

    SQ = SQ

    @staticmethod
    def text(unicode: str, ascii: str | None = None) -> Txt:
        return Txt(unicode, ascii)

    @staticmethod
    def number(x: float) -> Txt:
        return N(x)

    @staticmethod
    def signed(x: float) -> Txt:
        return P(x)


def as_txt(x) -> Txt:
    """``x`` as text: a ``Txt`` as it is, a plain string in Unicode and its ASCII form."""
    return x if isinstance(x, Txt) else Txt(str(x))
