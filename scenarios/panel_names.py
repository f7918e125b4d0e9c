"""Which panel a lesson's sentence names: the one a link in it tells the learner to watch
(``scenarios.lesson.LessonAction.panel``), shown when the action runs."""

from __future__ import annotations

import re

# "the Gradients panel", "the Data panel's boundary", "the Debugger" (named without "panel")
_PANEL_NAME = re.compile(r"\b(?:(Network|Loss|Gradients|Data)\s+panel|(Debugger))\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def panel_named(text: str, start: int, end: int) -> str | None:
    """The panel (a name of ``scenarios.lesson.PANELS``) named in the sentence around
    ``text[start:end]`` (a link), the nearest to it when the sentence names several; None when
    it names none."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    begin = max((e for e in ends if e <= start), default=0)
    stop = min((e for e in ends if e > end), default=len(text))
    named = [
        (m.start() - end if m.start() >= end else start - m.end(), m.group(1) or m.group(2))
        for m in _PANEL_NAME.finditer(text, begin, stop)
        if m.end() <= start or m.start() >= end
    ]
    return min(named)[1].lower() if named else None
