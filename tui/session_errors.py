"""The errors a ``LabSession`` raises to the app: ``SessionError`` (what the user asked for
cannot be done, and why) and ``SessionFailure`` (a command hit a bug; the run was kept), and
``one_line``, an exception's message as they quote it."""

from __future__ import annotations

from scenarios.errors import single_line


class SessionError(Exception):
    """Something the user asked for cannot be done; the message says what and why, in one
    line unless it is a condition's caret (control characters it quotes are escaped)."""

    def __init__(self, message: str = "", *args):
        lines = str(message).split("\n")
        caret = len(lines) == 3 and lines[1].strip() == "^"  # a ConditionError's three lines
        super().__init__(str(message) if caret else single_line(str(message)), *args)


class SessionFailure(SessionError):
    """A command failed with an unexpected error (a bug); the run was kept at its last good
    state and the message says so."""


def one_line(error: Exception) -> str:
    """An exception's message on one line, at most 120 characters (its type if it has none)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"
