"""Where a lesson's run stops (``lab:run/step/N``, ``lab:run/until/CONDITION``, ``lab:run/epoch``)
and the status line's sentence when it gets there, in the lesson's words.

The training worker moves the debugger with the goal (``move``): to the end of the first step
where the condition holds — the debugger's ``until``, not a breakpoint: nothing is added to the
Breakpoints list, no breakpoint number is taken from the user's, and nothing is left behind when
the run stops earlier — or to the end of the epoch (as ``e``). Where it arrives, the status line
says so: "Lesson action 1 (one step): stopped after step 1." A run that stops before — a
breakpoint, a non-finite value, the stopping rules, the end of training, a key — says that
instead (``reached`` gives None), as any run does.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.debugger.conditions import Expression
from engine.debugger.stops import Stop
from tui.panels.format import fmt_count


@dataclass(frozen=True)
class LessonGoal:
    """The goal of lesson action ``number`` (link text ``text``): ``condition`` true at a step's
    end (``step``: N of ``run/step/N``, whose condition is ``step >= N``), or the end of the
    epoch (``condition`` None)."""

    number: int
    text: str
    condition: Expression | None = None
    step: int | None = None

    def move(self, controller, events: bool) -> Stop:
        """Train towards the goal (``events``: event by event, as ``Controller.cont``'s)."""
        if self.condition is None:
            return controller.next_epoch(events=events)
        return controller.until(self.condition, events=events)

    def reached(self, stop: Stop) -> str | None:
        """The sentence for the status line when ``stop`` is the goal reached; None when the
        run stopped for another reason (whose own message is then the one to show)."""
        head = f"Lesson action {self.number} ({self.text})"
        at = stop.position
        if self.condition is None:
            if stop.reason != "done":
                return None
            return f"{head}: stopped at the end of epoch {fmt_count(at.epoch)}."
        if stop.reason != "until":
            return None
        if self.step is not None:
            return f"{head}: stopped after step {fmt_count(at.step)}."
        values = f" ({'; '.join(stop.details)})" if stop.details else ""
        return f"{head}: stopped after step {fmt_count(at.step)}, where {self.condition}{values}."
