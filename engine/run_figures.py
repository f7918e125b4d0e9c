"""Going back: a run's own figures (the epoch's running loss, the last loss, the blow-up watch)
kept for the steps a debugger following it can return to (``engine.debugger.follow``), and put
back when it does — so that the steps it takes again are counted once, in the same order, and
give the same numbers, bit for bit. A mixin of ``engine.run.Run``, which appends the figures
after every step (``Run._after_step``, written out there: it runs at every step)."""

from __future__ import annotations

import sys
from collections import deque
from typing import TYPE_CHECKING

FIGURES = (  # a run's own figures, kept for going back (``Run.keep_recent``), in this order
    "_epoch_loss_sum",
    "_epoch_steps",
    "last_loss",
    "first_loss",
    "_blow_up_bound",
    "high_since",
)


class KeptFigures:
    """``keep_recent``, ``kept_loss``, ``rewind_figures`` and ``snapshot_at`` of ``Run`` (see
    the module docstring); ``Run`` provides the figures, ``steps_done``, ``snapshot()`` and
    ``_last_stats``."""

    _recent: deque[tuple] | None
    _start_figures: tuple
    _last_stats: tuple | None

    if TYPE_CHECKING:  # provided by Run

        @property
        def steps_done(self) -> int: ...

        def snapshot(self) -> tuple: ...

    def keep_recent(self, steps: int) -> None:
        """Remember the run's own figures after each of the last ``steps`` steps (and now): the
        epoch's running loss sum and step count, the last loss, the blow-up watch. A debugger
        that goes back that far puts them back with ``rewind_figures``, so that the steps it
        takes again are counted once, in the same order: the same numbers, bit for bit."""
        self._start_figures = self._figures(self.steps_done)  # (a restart goes back there)
        self._recent = deque([self._start_figures], maxlen=min(steps, sys.maxsize - 1) + 1)

    def _figures(self, step: int) -> tuple:
        """(step, the run's own figures named in ``FIGURES``)."""
        return (step, *(getattr(self, name) for name in FIGURES))

    def _figures_at(self, step: int) -> tuple | None:
        recent = self._recent
        if recent is None:
            return None
        if recent and recent[0][0] <= step <= recent[-1][0]:
            return recent[step - recent[0][0]]
        return self._start_figures if step == self._start_figures[0] else None

    def kept_loss(self, step: int) -> float | None:
        """The loss of step ``step`` as the run kept it (its ``last_loss`` after that step; see
        ``keep_recent``): None before the first step, and when it was not kept."""
        figures = self._figures_at(step)
        return None if figures is None else figures[1 + FIGURES.index("last_loss")]

    def rewind_figures(self, step: int) -> bool:
        """The run's own figures as they were after ``step`` (see ``keep_recent``); the steps
        after it are forgotten. False, and nothing changed, when they were not kept."""
        figures = self._figures_at(step)
        if figures is None:
            return False
        for name, value in zip(FIGURES, figures[1:], strict=True):
            setattr(self, name, value)
        recent = self._recent
        assert recent is not None  # the figures were found there
        while recent and recent[-1][0] > step:
            recent.pop()
        if not recent:
            recent.append(figures)
        self._last_stats = ()  # the learner's last step is a later one: none shown
        return True

    def snapshot_at(self, step: int, last_stats: tuple | None = None):
        """``snapshot()`` for a trainer brought back to after ``step`` steps (a debugger's
        position inside a step it went back into): the run's own figures of that step, with
        ``last_stats`` (default: none); at the latest step, ``snapshot()`` itself. None when
        they were not kept (``keep_recent``)."""
        figures = self._figures_at(step)
        recent = self._recent
        if figures is None or recent is None:
            return None
        if step == recent[-1][0]:  # the run's latest step: its own snapshot
            return self.snapshot()
        _, loss_sum, steps, last_loss, *_ = figures
        trainer, _, _, early, *_ = self.snapshot()
        # the run had not ended after ``step``
        return (trainer, None, None, early, loss_sum, steps, last_stats or (), last_loss)
