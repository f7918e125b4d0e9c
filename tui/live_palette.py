"""The command palette's live changes: "Change … while it trains (now …)" for every setting
that changes from the next step (``tui.live_actions``)."""

from __future__ import annotations

from tui.live_actions import palette_entries
from tui.palette import ActionCommands


class LiveCommands(ActionCommands):
    """One entry per live setting of the current run: opens its dialog."""

    def _entries(self):
        session = getattr(self.app, "session", None)
        return palette_entries(session) if session is not None else []
