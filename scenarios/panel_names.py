"""Which panel a lesson's sentence names: the one a link in it tells the learner to watch
(``scenarios.lesson.LessonAction.panel``), shown when the action runs."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

# "the Gradients panel", "the Data panel's boundary", "the Debugger" (named without "panel")
_PANEL_NAME = re.compile(r"\b(?:(Network|Loss|Gradients|Data)\s+panel|(Debugger))\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def panel_named(text: str, start: int, end: int) -> str | None:
    """The panel (a name of ``scenarios.lesson.PANELS``) named in the sentence around
    ``text[start:end]`` (a link), the nearest to it when the sentence names several; None when
    it names none."""
    return panels_named(text)(start, end)


def panels_named(text: str) -> Callable[[int, int], str | None]:
    """``panel_named`` of ``text`` for any number of links: the sentence ends and the panel
    names are found once, and each link's sentence and nearest names by bisection (finding them
    for each link made a lesson of n links quadratic: 8,000 links took 29 s).

    A name inside the link is not its panel; a name straddling a sentence end (``Data`` and
    ``panel`` on each side of a blank line) names none, as in the sentence alone."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    names = [(m.start(), m.end(), m.group(1) or m.group(2)) for m in _PANEL_NAME.finditer(text)]
    name_starts = [n[0] for n in names]
    name_ends = [n[1] for n in names]  # increasing too: the names do not overlap

    def named(start: int, end: int) -> str | None:
        i = bisect_right(ends, start)
        begin = ends[i - 1] if i else 0  # the last sentence end at or before the link
        j = bisect_right(ends, end)
        stop = ends[j] if j < len(ends) else len(text)  # the first one after it
        found = []
        after = bisect_left(name_starts, end)  # the nearest name after the link
        if after < len(names) and names[after][1] <= stop:
            found.append((names[after][0] - end, names[after][2]))
        before = bisect_right(name_ends, start) - 1  # the nearest name before it
        if before >= 0 and names[before][0] >= begin:
            found.append((start - names[before][1], names[before][2]))
        return min(found)[1].lower() if found else None

    return named
