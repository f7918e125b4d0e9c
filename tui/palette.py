"""The command palette (ctrl+p): one entry for every action of the lab, from ``tui.keys``."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import KEYS, PALETTE_ONLY, key_label


class LabCommands(Provider):
    """Every ``LabAction``: its title, its key and what it does."""

    def _entries(self):
        for action in (*KEYS, *PALETTE_ONLY):
            key = f" ({key_label(action)})" if action.key else ""
            yield action, f"{action.title}{key}"

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        for action, text in self._entries():
            yield DiscoveryHit(text, partial(self._run, action.action), help=action.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._run, action.action),
                    help=action.help,
                )
