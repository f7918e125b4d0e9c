"""Lines that break a long hyphenated name after a hyphen, never inside a word.

Textual wraps text only at spaces: a word that does not fit on the rest of a line goes to the
next, and a word longer than a whole line is cut at the edge — in the Lesson column a preset's
name read ``saturation-fixed-cross-e`` / ``ntropy``. The rule here is Textual's, but for that
last case: a word longer than a line starts a line of its own (as Textual's does) and is broken
after its hyphens — between two letters, so ``--set`` and ``1e-5`` are never broken — into the
fewest lines that fit, as even as can be (``saturation-fixed-`` / ``cross-entropy``). A
setting's key path breaks after its dots the same way (``PATH_BREAK``: ``network.layers[1].`` /
``bias_value=0``, where Textual cut ``network.layers[1].bias_v`` / ``alue=0``). A part with no
break that is still wider than the line is cut by Textual, as before; words that fit are left to
Textual's wrapping.

The breaks depend on the width the text is drawn at, so ``HyphenBreaks`` is a Visual that puts
them in the text each time it is laid out; ``fit_name`` shortens a name that has one line only
(a border's title) after a hyphen, with an ellipsis.
"""

from __future__ import annotations

import itertools
import re

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

BREAK = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")
"""Where a word may break: after a hyphen between two letters."""

PATH_BREAK = re.compile(BREAK.pattern + r"|(?<=[^\W\d_]\.)(?=[^\W\d_])|(?<=\]\.)(?=[^\W\d_])")
"""Where a word of the text may break: ``BREAK``, or after a dot between a letter (or the ``]`` of
an index) and a letter — a setting's key path (``training.optimizer=adam``), never ``1.5``."""

WORD = re.compile(r"\S+")

MARK = "\ue000"
"""A private-use character marking, in ``HyphenBreaks.selected``, a break put in the text."""

MOST_BREAKS = 12
"""Beyond this many hyphens in one word, its lines are filled one after the other (the even
split tries every choice of breaks: 2¹² at most)."""


def break_after_hyphens(content: Content, width: int) -> Content:
    """``content`` with a line break before each word wider than ``width`` cells that does not
    start its line (the spaces before it go), and inside the word after hyphens
    (``word_breaks``)."""
    return _broken(content, hyphen_cuts(content.plain, width))


def hyphen_cuts(text: str, width: int) -> list[tuple[int, int]]:
    """The breaks ``break_after_hyphens`` puts in ``text``: (start, end) pairs, in order, whose
    ``text[start:end]`` (the spaces before a word, or nothing inside one) becomes a line break."""
    if width <= 0 or max(map(cell_len, text.split("\n"))) <= width:
        return []
    cuts: list[tuple[int, int]] = []
    for word in WORD.finditer(text):
        start, end = word.span()
        if cell_len(word.group()) <= width:
            continue
        before = text[:start].rstrip(" \t")
        if before and not before.endswith("\n"):
            cuts.append((len(before), start))
        cuts += [(at, at) for at in word_breaks(text, start, end, width)]
    return cuts


def _broken(content: Content, cuts: list[tuple[int, int]]) -> Content:
    if not cuts:
        return content
    parts, at = [], 0
    for start, end in cuts:
        parts.append(content[at:start])
        at = end
    parts.append(content[at:])
    return Content("\n").join(parts)


def word_breaks(text: str, start: int, end: int, width: int) -> list[int]:
    """Where to break the word ``text[start:end]`` so that its lines are at most ``width``
    cells: after hyphens and a key path's dots (``PATH_BREAK``), the fewest lines, and of
    those the most even (the longest line shortest); a part wider than ``width`` on a line of
    its own."""
    points = [m.start() for m in PATH_BREAK.finditer(text, start, end)]
    if not points:
        return []

    def cells(a: int, b: int) -> int:
        return cell_len(text[a:b])

    if len(points) > MOST_BREAKS:  # fill each line in turn
        chosen, begin = [], start
        for before, after in zip(points, [*points[1:], end]):
            if cells(begin, after) > width:
                chosen.append(before)
                begin = before
        return chosen
    best: tuple[int, int] | None = None
    chosen = []
    for used in itertools.product((False, True), repeat=len(points)):
        breaks = [p for p, use in zip(points, used) if use]
        edges = [start, *breaks, end]
        lines = [cells(a, b) for a, b in itertools.pairwise(edges)]
        # a line may be wider than width only when it is one part
        parts = [[p for p in points if a < p < b] for a, b in itertools.pairwise(edges)]
        if any(n > width and inside for n, inside in zip(lines, parts)):
            continue
        cost = (len(lines), max(lines))
        if best is None or cost < best:
            best, chosen = cost, breaks
    return chosen


class HyphenBreaks(Visual):
    """``content`` drawn with ``break_after_hyphens`` at the width it is given."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._last: tuple[int, list[tuple[int, int]], Content] | None = None  # width, cuts, lines

    def __str__(self) -> str:
        return self.content.plain

    def broken(self, width: int) -> Content:
        """The content with its breaks for ``width`` cells."""
        if self._last is None or self._last[0] != width:
            cuts = hyphen_cuts(self.content.plain, width)
            self._last = (width, cuts, _broken(self.content, cuts))
        return self._last[2]

    def selected(self, selection: Selection) -> str:
        """The text under ``selection`` (which counts the lines as last drawn), without the
        breaks put in it: a name selected across two lines is copied whole."""
        text = self.content.plain
        if self._last is None:
            return selection.extract(text)
        marked, at = [], 0
        for _, end in self._last[1]:  # the line, its spaces past its end, a mark
            marked += [text[at:end], MARK, "\n"]
            at = end
        marked.append(text[at:])
        return selection.extract("".join(marked)).replace(MARK + "\n", "").replace(MARK, "")

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        pad = options.rules.get("line_pad", 0) * 2
        return self.broken(width - pad).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        pad = rules.get("line_pad", 0) * 2
        return self.broken(width - pad).get_height(rules, width)


def fit_name(name: str, width: int) -> str:
    """``name`` in ``width`` cells on one line: whole, or cut after a hyphen with an ellipsis
    (``saturation-fixed-…``); when not even its first part fits, as it is (Textual cuts it)."""
    if cell_len(name) <= width:
        return name
    cuts = [m.start() for m in BREAK.finditer(name) if cell_len(name[: m.start()]) < width]
    return name[: cuts[-1]] + "…" if cuts else name
