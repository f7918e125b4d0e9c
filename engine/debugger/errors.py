"""The debugger's errors: one-line messages a learner can act on.

``DebuggerError`` is bad input to a command (unknown breakpoint number, a layer that does not
exist, nothing to explain); the position never changes when it is raised. ``ConditionError`` is a
condition or watch expression that does not parse: it carries the text and the column of the
offending character so a front end can put a caret under it. ``EvalError`` is an expression that
parses but cannot be evaluated at the current position (a value not computed yet, an index out of
range); a breakpoint whose condition raises it stops and shows the message. ``NotKnownYet`` is
the one exception: a value the run has not reached yet (the loss before step 1's Loss event),
which ``print`` and ``display`` say so of, and which makes a condition false — it stops nothing.
"""

from __future__ import annotations


class DebuggerError(Exception):
    """Bad input to a debugger command; the message says what is allowed."""


class ConditionError(DebuggerError):
    """An expression that does not parse: ``column`` (0-based) points at the offending character."""

    def __init__(self, message: str, text: str, column: int):
        super().__init__(message)
        self.message = message
        self.text = text
        self.column = max(0, min(column, len(text)))

    def caret(self, indent: str = "") -> str:
        """Three lines: the expression, a caret under the offending column, the message."""
        return (
            f"{indent}{self.text}\n{indent}{' ' * self.column}^\n"
            f"{indent}error at column {self.column + 1}: {self.message}"
        )


class EvalError(DebuggerError):
    """An expression that cannot be evaluated here (not computed yet, index out of range, …)."""


class NotKnownYet(EvalError):
    """A value the run has not reached yet: the loss before the first Loss event, the change of
    the loss before the second. ``print`` and ``display`` show the message; a condition that
    reads it is false there (a breakpoint or ``until`` on it does not stop, nor report it)."""
