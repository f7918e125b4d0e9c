"""What a debugger motion returns: a ``Stop`` saying where it stopped and why."""

from __future__ import annotations

from dataclasses import dataclass

from .breakpoints import Breakpoint
from .position import Position

STOP_REASONS = (
    "done",  # the command's motion completed
    "breakpoint",  # a breakpoint fired
    "condition_error",  # a breakpoint's condition could not be evaluated (it stops, as in pdb)
    "nan",  # the first non-finite value of a step (breakpoint 0)
    "until",  # the until condition became true
    "end",  # the end of training (max_steps, max_epochs, the stop rule)
    "finished",  # a forward motion asked for at the end of training: nothing moved
    "interrupted",  # interrupt() was called
    "history",  # back: nothing further back (position unchanged)
)


@dataclass(frozen=True)
class Stop:
    """Where a command stopped and why.

    ``reason`` is one of ``STOP_REASONS``; ``message`` is a sentence for the user (empty for a
    plain completed motion); ``breakpoints`` the breakpoints that fired (the first one stopped).
    """

    reason: str
    position: Position
    message: str = ""
    breakpoints: tuple[Breakpoint, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def breakpoint(self) -> Breakpoint | None:
        return self.breakpoints[0] if self.breakpoints else None
