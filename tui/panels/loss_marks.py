"""Where the settings changed while it trained, on the loss plot: a vertical line between the
last step taken with the old values and the first with the new ones, and the change in words
under the plot (``engine.live``: the trainer's log)."""

from __future__ import annotations

from engine import live

MARK_COLOR = "magenta"  # plotext's colour name: apart from the train and validation curves
MARK_STYLE = "magenta"  # the same, in the legend (a Textual style)


def change_marks(run) -> list[tuple[float, str]]:
    """(x on the step axis, the change in words) of every change the run's trainer logged: the
    line stands at ``at + ½``, between step ``at`` (old values) and step ``at + 1`` (new)."""
    return [(c.at + 0.5, live.describe(c)) for c in list(run.trainer.changes)]


def draw_marks(plt, marks, first: float, last: float) -> int:
    """Draw the marks that fall within the plotted steps ``first``…``last``; how many."""
    shown = 0
    for x, _ in marks:
        if first <= x <= last:
            plt.vline(x, MARK_COLOR)
            shown += 1
    return shown


def latest_words(marks, limit: int = 3) -> str:
    """The last few changes in words, the latest first: ``η 0.1 → 0.05 from step 121; …``."""
    words = [text for _, text in reversed(marks[-limit:])]
    more = len(marks) - limit
    return "; ".join(words) + (f" (+{more} earlier)" if more > 0 else "")
