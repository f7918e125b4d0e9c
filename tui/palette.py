"""The command palette (ctrl+p): one entry for every action of the lab, from ``tui.keys``, over
the lab itself; over a view with keys of its own (the comparison), that view's keys instead.

Each provider is an ``ActionCommands``: entries of (title, action, help) that run an action when
picked. The lab's entries are offered only when the palette was opened over the lab: over the
comparison view they would act on the lab's run hidden behind it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from tui.keys import KEYS, PALETTE_ONLY, key_label


class ActionCommands(Provider):
    """Entries that run actions (see the module docstring): ``_entries()`` gives (title,
    action, help); they are offered where ``_offered()`` and run by ``_run``."""

    def _entries(self) -> Iterable[tuple[str, str, str]]:
        return ()

    def _offered(self) -> bool:
        """Over the lab itself, not over a view or a dialog on top of it."""
        return self.screen is self.app.screen_stack[0]

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        if not self._offered():
            return
        for title, action, help in self._entries():
            yield DiscoveryHit(title, partial(self._run, action), help=help)

    async def search(self, query: str) -> Hits:
        if not self._offered():
            return
        matcher = self.matcher(query)
        for title, action, help in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help)


def lab_entries() -> Iterable[tuple[str, str, str]]:
    """Every ``LabAction``: its title and key, its action and what it does. A bracket key is
    quoted: "Add a unit (")")", where "Add a unit ())" read as a broken parenthesis."""
    for action in (*KEYS, *PALETTE_ONLY):
        label = key_label(action)
        label = f'"{label}"' if label in BRACKETS else label
        key = f" ({label})" if action.key else ""
        yield f"{action.title}{key}", action.action, action.help


BRACKETS = ("(", ")", "[", "]", "{", "}")
"""Keys written in quotes in the palette's titles (they are the titles' own punctuation)."""


class LabCommands(ActionCommands):
    """Every ``LabAction``: its title, its key and what it does."""

    def _entries(self):
        return lab_entries()


class ScreenKeys(ActionCommands):
    """The keys of the screen the palette was opened over (its ``BINDINGS`` that have a
    description), run on that screen: for views over the lab with keys of their own."""

    def _offered(self) -> bool:
        return True

    def _entries(self):
        seen = set()
        for binding in self.screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action in seen:  # one entry per action (escape,c and q both close)
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            yield f"{binding.description} ({key})", binding.action, ""

    def _run(self, action: str) -> None:
        self.app.call_later(self.screen.run_action, action)


class LabCommandPalette(CommandPalette):
    """Textual's palette (ctrl+p), where ctrl+s saves as it does over the lab.

    The palette is a modal screen: it keeps the app's keys (ctrl+s among them) from the screen
    beneath, and its own bindings have no ctrl+s, so ctrl+s typed in it did nothing and said
    nothing. Here ctrl+s closes the palette, as escape does (it holds nothing to lose), and is
    then the key of the screen the palette covered: over the lab, the save dialog; over a dialog
    or a view, what ctrl+s does there (Save in the save dialog, else it says where it saves)."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", show=False)]

    async def action_save(self) -> None:
        await self.run_action("escape")  # Textual's own close (its Closed message, dismiss)
        self.app.simulate_key("ctrl+s")  # read once the palette is gone, as typed beneath it
