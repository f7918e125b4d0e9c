"""The line under the Loss panel's plot: its figures and notes, in the fullest of several
layouts that fits the rows the plot leaves (``stats_layouts``, ``fitted``)."""

from __future__ import annotations

from textual.content import Content

from tui.panels.base import MUTED
from tui.panels.format import flow
from tui.panels.loss_marks import MARK_STYLE, latest_words


def item(label: str, value) -> Content:
    """A muted label followed by its value."""
    return Content.assemble((label, MUTED), value)


def changes_note(marks) -> list[Content]:
    """The last three changes while it trained, in words, the latest first (``latest_words``:
    ``changed η 0.1 → 0.05 from step 121; … (+2 earlier)``); none without changes."""
    return [item("changed ", latest_words(marks))] if marks else []


def latest_change(marks, width: int) -> list[Content]:
    """The latest change on one line of ``width`` cells, after the mark of the plot's lines
    (``│ η 0.1 → 0.05 from step 121 (+2 earlier)``, cut with "…"); none without changes."""
    if not marks:
        return []
    return [one_line(Content.assemble(("│ ", MARK_STYLE), latest_words(marks, 1)), width)]


def one_line(item: Content, width: int) -> Content:
    """``item`` cut to ``width`` cells after its last whole word that fits, then "…" (a word
    cut in two, such as a number, would read as another one)."""
    if not width or item.cell_length <= width:
        return item
    cut = item.truncate(width - 1)
    if item.plain[len(cut.plain)] != " " and " " in cut.plain.strip():
        cut = cut[: cut.plain.rstrip().rfind(" ")]
    return cut.rstrip() + "…"


def stats_layouts(shared, own, notes, marks, width: int):
    """The line under the plot, from the fullest to the most compact: every figure and note
    with the last three changes; the latest change alone on one line (``latest_change``); without
    the figures the status line shows too (``shared``); each note on one line; then fewer of
    the other figures, the last first, down to the notes alone."""
    short = latest_change(marks, width)
    yield shared + own + notes + changes_note(marks)
    yield shared + own + notes + short
    yield own + notes + short
    compact = [one_line(note, width) for note in notes] + short
    for kept in range(len(own), -1, -1):
        yield own[:kept] + compact


def fitted(layouts, width: int, rows: int) -> Content:
    """The first of ``layouts`` (lists of items) that takes at most ``rows`` lines of ``width``
    cells (``flow``, then wrapped as the widget wraps it); when none does, the first ``rows``
    lines of the last, the last of them ending in "…". Width 0 (not laid out): the first."""
    for items in layouts:
        text = flow(items, width)
        if not width:
            return text
        lines = text.wrap(width)
        if len(lines) <= rows:
            return text
    kept = lines[:rows]
    kept[-1] = one_line(kept[-1] + " …", width)
    return Content("\n").join(kept)
