"""The lab's footer: every key, in rows that wrap on narrow terminals (``app.tcss``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class LabFooter(Footer):
    """The footer with every key; when they do not fit on one row, they wrap into two rows
    (``-two-rows``, app.tcss)."""

    FOOTER_COLUMNS = 7
    PALETTE_WIDTH = 14  # "▏^p palette", docked on the right

    _shown: tuple | None = None  # what the keys shown were composed from (``_keys``)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()
        self.styles.grid_size_columns = self.FOOTER_COLUMNS

    def _keys(self) -> tuple:
        """What the footer's keys are composed from: the bindings it shows (and the command
        palette's) and whether each is enabled (the keys are widgets: composing them costs
        ~20 ms; a focused widget's hidden bindings do not change them)."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, binding.action, binding.description, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

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
        # Textual recomposes the footer whenever the bindings may have changed (at every change
        # of focus, three times as the lab starts): not when the keys are those it shows, or
        # those a recompose already scheduled will show.
        keys = self._keys()
        if keys == self._shown:
            return
        super().bindings_changed(screen)
        if self.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = keys  # (a recompose is scheduled: see Footer.bindings_changed)
