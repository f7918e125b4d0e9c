"""The command palette's live changes: "Change … while it trains (now …)" for every setting
that changes from the next step (``tui.live_actions``)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.live_actions import palette_entries


class LiveCommands(Provider):
    """One entry per live setting of the current run: opens its dialog."""

    def _entries(self):
        session = getattr(self.app, "session", None)
        return palette_entries(session) if session is not None else []

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        for title, action, help in self._entries():
            yield DiscoveryHit(title, partial(self._run, action), help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help)
