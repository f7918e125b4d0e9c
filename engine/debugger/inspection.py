"""The controller's breakpoints, watches and questions about the current position — ``print``,
``explain`` — as the TUI and the line mode ask them. A mixin of ``engine.debugger.controller.
Controller``, which holds the breakpoint list, the watches, the view and the depth L."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .breakpoints import Breakpoint, breakpoints_from_scenario
from .conditions import parse_expression
from .watches import Watch, WatchValue

if TYPE_CHECKING:
    from .breakpoints import Breakpoints
    from .view import View
    from .watches import Watches


class Inspection:
    """``add_breakpoint`` … ``explain`` of ``Controller`` (see the module docstring)."""

    L: int
    if TYPE_CHECKING:  # provided by Controller
        breakpoints: Breakpoints
        watches: Watches

        @property
        def view(self) -> View: ...

    def add_breakpoint(
        self,
        text: str | None = None,
        *,
        at=None,
        when=None,
        temporary=False,
        ignore=0,
        enabled=True,
    ) -> Breakpoint:
        """Add a breakpoint (``"update@2 if loss > 1"``, or ``at=``/``when=``).

        ConditionError (message + column for a caret) when it does not parse or names a layer
        outside 1…L; nothing is added then.
        """
        return self.breakpoints.add(
            text, at=at, when=when, temporary=temporary, ignore=ignore, enabled=enabled
        )

    def load_breakpoints(self, entries) -> list[Breakpoint]:
        """Add a scenario's ``[[breakpoints]]`` tables (all or none; DebuggerError names one)."""
        checked = breakpoints_from_scenario(entries, self.L)
        return [self.breakpoints.add(**kwargs) for kwargs in checked]

    def clear_breakpoint(self, bp_id: int) -> Breakpoint:
        return self.breakpoints.clear(bp_id)

    def enable_breakpoint(self, bp_id: int) -> Breakpoint:
        return self.breakpoints.set_enabled(bp_id, True)

    def disable_breakpoint(self, bp_id: int) -> Breakpoint:
        return self.breakpoints.set_enabled(bp_id, False)

    def ignore_breakpoint(self, bp_id: int, count: int) -> Breakpoint:
        return self.breakpoints.set_ignore(bp_id, count)

    def watch(self, text: str) -> Watch:
        """Add a watch expression (shown at every stop). ConditionError if it does not parse."""
        return self.watches.add(text)

    def unwatch(self, watch_id: int) -> Watch:
        return self.watches.remove(watch_id)

    def watch_values(self) -> list[WatchValue]:
        """Every watch's value (or the reason it has none) at the current position."""
        return self.watches.values(self.view)

    def evaluate(self, text: str):
        """The value of an expression at the current position (``print``).

        A number, a bool, an array, or ``{layer: value}`` for a per-layer name without ``@``.
        ConditionError if it does not parse, EvalError if it cannot be computed here.
        """
        return parse_expression(text, self.L).evaluate(self.view)

    def explain(self, select: tuple[int, ...] | None = None, example: int = 0):
        """The current event's equation with its numbers substituted (``explain.Explanation``).

        ``select``: a unit ``(j,)`` of Forward/Delta/Loss events, a weight ``(j, k)`` of
        Gradient/Update events (one number there selects the bias of unit j); default the first.
        ``example``: the row of the batch. DebuggerError for an index out of range.
        """
        from .explain import explain

        return explain(self.view, select, example)
