"""The lab's footer: every key, in rows that wrap on narrow terminals (``app.tcss``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class LabFooter(Footer):
    """The footer with every key; when they do not fit on one row, they wrap into two rows
    (``-two-rows``, app.tcss)."""

    FOOTER_COLUMNS = 7
    PALETTE_WIDTH = 14  # "▏^p palette", docked on the right

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.styles.grid_size_columns = self.FOOTER_COLUMNS

    def one_row_width(self) -> int:
        """Cells the keys take on one row: "key description" with a space on either side."""
        from rich.cells import cell_len

        from tui.keys import KEYS, key_label

        shown = [a for a in KEYS if a.footer]
        return self.PALETTE_WIDTH + sum(
            cell_len(key_label(a)) + cell_len(a.label) + 3 for a in shown
        )

    def on_resize(self) -> None:
        self.set_class(self.size.width < self.one_row_width(), "-two-rows")

    def bindings_changed(self, screen) -> None:
        # Under a dialog the lab's screen has no active bindings; keep showing its keys (the
        # dialog says how to leave it) instead of an empty footer, or one that depends on timing.
        if screen is self.screen and self.app.screen is not screen:
            return
        super().bindings_changed(screen)
