"""The lab's footer: every key, in rows that wrap on narrow terminals (``app.tcss``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class LabFooter(Footer):
    """The footer with every key; on narrow terminals its keys wrap into two rows (app.tcss)."""

    FOOTER_COLUMNS = 7

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.styles.grid_size_columns = self.FOOTER_COLUMNS

    def bindings_changed(self, screen) -> None:
        # Under a dialog the lab's screen has no active bindings; keep showing its keys (the
        # dialog says how to leave it) instead of an empty footer, or one that depends on timing.
        if screen is self.screen and self.app.screen is not screen:
            return
        super().bindings_changed(screen)
