"""A sum as an explanation writes it: every term when it has at most ``MAX_TERMS``, otherwise
the ``SHOWN`` terms largest in size — the ones that make the total — and how many are left out.

Which terms an abbreviated sum shows (``largest``): non-finite terms first (inf, nan: they make
the total non-finite), then by |value|, ties to the lower index; shown in the order of their
index, never re-ordered. Zero terms are not shown where larger ones are — the terms left out are
then all 0 and the elision says so; a sum of zeros shows its first term. The elision says how
many terms it stands for and how they compare: ``… (28 more terms, none larger in size)`` or
``… (31 more terms, all 0)``: nothing else is claimed of them.

An abbreviated sum is written twice (``Sum.named`` then ``Sum.numbers``): once with the shown
terms' symbols — ``W²₇,₂₀ a¹₂₀ + … + b²₇``, so that each shown number says which weight and input
it is — then with their numbers. A complete sum needs no names: its terms are in index order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...number_text import counted
from .text import Txt, join

MAX_TERMS = 8  # sums with more terms are shown abbreviated (all terms stay in the terms)
SHOWN = 4  # the terms an abbreviated sum shows


def largest(values: Sequence[float], k: int) -> list[int]:
    """The indices of the ``k`` values largest in size, in increasing order: non-finite values
    first, then by |value|, ties to the lower index."""

    def rank(i: int) -> tuple[bool, float, int]:
        v = float(values[i])
        finite = math.isfinite(v)
        return (finite, -abs(v) if finite else 0.0, i)

    return sorted(sorted(range(len(values)), key=rank)[:k])


def shown_terms(values: Sequence[float]) -> list[int]:
    """The indices an abbreviated sum of ``values`` shows: its ``SHOWN`` largest but the zeros
    among them (all of them for a sum of at most ``MAX_TERMS``; the first term of a sum of
    zeros)."""
    if len(values) <= MAX_TERMS:
        return list(range(len(values)))
    top = largest(values, SHOWN)
    return [i for i in top if float(values[i]) != 0.0] or top[:1]


@dataclass(frozen=True)
class Addend:
    """One term of a sum: its ``symbols`` (``W²₇,₂₀ a¹₂₀``), its ``numbers`` (``(-3.992e198) ×
    8.450e187``) and its ``value``, whose size ranks it (for a term written as exp(z), any
    positive multiple of it: the order is the same)."""

    symbols: Txt
    numbers: Txt
    value: float


class Sum:
    """A sum of ``addends``: all of them, or the ones ``shown_terms`` picks with the others
    elided."""

    def __init__(self, addends: Sequence[Addend]):
        self.addends = list(addends)
        self.shown = shown_terms([a.value for a in self.addends])

    @property
    def abbreviated(self) -> bool:
        return len(self.shown) < len(self.addends)

    def elision(self) -> Txt:
        """``… (28 more terms, none larger in size)``, ``… (31 more terms, all 0)``."""
        shown = set(self.shown)
        left = [a.value for i, a in enumerate(self.addends) if i not in shown]
        how = "all 0" if all(v == 0.0 for v in left) else "none larger in size"
        return Txt(f"… ({counted(len(left), 'more term')}, {how})")

    def _written(self, part: Callable[[Addend], Txt]) -> Txt:
        shown = [part(self.addends[i]) for i in self.shown]
        return join([*shown, self.elision()] if self.abbreviated else shown, " + ")

    def numbers(self) -> Txt:
        """The sum with its numbers: every term, or the shown ones and the elision."""
        return self._written(lambda a: a.numbers)

    def named(self, around: Callable[[Txt], Txt] = lambda t: t) -> list[Txt]:
        """The step naming the shown terms, in the equation's context ``around`` (``lambda t: t
        + " + " + b``): one step for an abbreviated sum, none for a complete one."""
        return [around(self._written(lambda a: a.symbols))] if self.abbreviated else []
