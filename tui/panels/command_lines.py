"""A lesson's code block whose long lines break the way a shell reads them: at a space, the line
ending in `` \\`` and the next indented two cells.

Textual draws a code block on one line per source line and scrolls it sideways (no key does):
in the Lesson column at 120x40 the three ``backprop-lab open gradient-descent-modes --set …``
commands all read ``backprop-lab open grad``. Here a line wider than the block breaks before each
option, kept with its value (``--set training.lr=0.3``) when the pair fits on a line, and before
any other word that does not fit::

    backprop-lab open \\
      gradient-descent-modes \\
      --set training.batch_size=1

which is still the same command to type or paste. Where the indentation would leave a continued
line too wide (``  gradient-descent-modes \\`` is 26 cells, the Lesson column at 120x40 has
24), the block's continued lines are not indented; a broken command is set apart from the
lines around it by a blank line. A word wider than a whole line is left to Textual, which cuts
it onto the next. The breaks depend on the width the block is drawn at, so
``CommandLines`` is a Visual that puts them in the text each time it is laid out (as
``HyphenBreaks`` does for paragraphs).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

ENDING = " \\"
"""What ends a line that the next one continues: the shell's line continuation."""

INDENT = "  "
"""What starts a continued line, after the line's own indentation."""

WORD = re.compile(r"\S+")


def _units(line: str) -> list[tuple[int, int]]:
    """(start, end) of the words of ``line``, an option (``--set``, ``-x``) joined to the word
    after it when that is not an option too."""
    words = [m.span() for m in WORD.finditer(line)]
    units: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        start, end = words[i]
        is_option = line[start] == "-"
        if is_option and i + 1 < len(words) and line[words[i + 1][0]] != "-":
            i += 1
            end = words[i][1]
        units.append((start, end))
        i += 1
    return units


def line_cuts(line: str, width: int, indent: str = INDENT) -> list[tuple[int, int]]:
    """Where ``line`` breaks to fit ``width`` cells, its continued lines starting with
    ``indent`` after its own: (start, end) of the spaces that become ``ENDING``, a line break
    and the indentation. None when it fits; when it does not, each option starts a line."""
    if cell_len(line) <= width or not line.strip():
        return []
    lead = cell_len(line) - cell_len(line.lstrip())
    fresh = width - lead - cell_len(indent) - len(ENDING)  # a continued line's room
    units: list[tuple[int, int]] = []
    for start, end in _units(line):  # a pair too wide for a line of its own: word by word
        pair = line[start:end]
        if cell_len(pair) <= fresh or " " not in pair:
            units.append((start, end))
        else:
            units += [(start + m.start(), start + m.end()) for m in WORD.finditer(pair)]
    cuts: list[tuple[int, int]] = []
    used = cell_len(line[: units[0][1]])
    for (_, before), (start, end) in zip(units, units[1:]):
        last = end == units[-1][1]
        wide = used + cell_len(line[before:end]) + (0 if last else len(ENDING))
        if wide <= width and line[start] != "-":
            used += cell_len(line[before:end])
        else:
            cuts.append((before, start))
            used = lead + cell_len(indent) + cell_len(line[start:end])
    return cuts


def _pieces(line: Content, width: int, indent: str) -> list[Content]:
    """``line`` as the lines it is drawn on: broken by ``line_cuts``, its continued lines
    starting with ``indent`` after its own indentation."""
    plain = line.plain
    lead = plain[: len(plain) - len(plain.lstrip())]
    parts, at = [], 0
    for start, end in line_cuts(plain, width, indent):
        parts.append(line[at:start] + ENDING)
        at = end
    parts.append(line[at:])
    return [parts[0], *(Content(lead + indent) + part for part in parts[1:])]


def broken(content: Content, width: int) -> Content:
    """``content`` with each line wider than ``width`` cells broken by ``line_cuts`` and set
    apart from the lines next to it by a blank line (three commands stay three to the eye).
    Continued lines are indented by ``INDENT`` — in none of the block's commands when one of
    its lines would then still not fit."""
    lines = content.split("\n", allow_blank=True)
    for indent in (INDENT, ""):
        drawn = [_pieces(line, width, indent) for line in lines]
        if all(cell_len(piece.plain) <= width for pieces in drawn for piece in pieces):
            break
    out: list[Content] = []
    for before, pieces in zip([None, *drawn], drawn):
        apart = len(pieces) > 1 or (before is not None and len(before) > 1)
        if apart and out and out[-1].plain.strip() and pieces[0].plain.strip():
            out.append(Content(""))
        out += pieces
    return Content("\n").join(out)


class CommandLines(Visual):
    """``content`` (a code block) drawn with ``broken`` at the width it is given."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._last: tuple[int, Content] | None = None  # width, the content broken for it

    def __str__(self) -> str:
        return self.content.plain

    def broken(self, width: int) -> Content:
        """The content with its breaks for ``width`` cells."""
        if self._last is None or self._last[0] != width:
            self._last = (width, broken(self.content, width))
        return self._last[1]

    def selected(self, selection: Selection) -> str:
        """The text under ``selection``, as last drawn: a command broken with ``ENDING`` is
        still one command to paste into a shell."""
        shown = self.content if self._last is None else self._last[1]
        return selection.extract(shown.plain)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.broken(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.broken(width).get_height(rules, width)
