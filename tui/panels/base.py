"""What every panel shares: the frame (border with the panel's title) and theme-aware styles."""

from __future__ import annotations

from textual.containers import Vertical

ACCENT = "bold $text-accent"
MUTED = "$text-muted"
CURRENT_ROW = "bold $text-accent on $accent-muted"
SELECTED = "bold $text-primary"
ERROR = "bold $text-error"
SUCCESS = "$text-success"
WARNING = "$text-warning"


class Panel(Vertical):
    """A framed panel; subclasses set ``BORDER_TITLE`` and implement ``refresh_view(view)``,
    which starts with ``self.last_view = view`` so the panel can redraw itself when resized."""

    last_view = None

    DEFAULT_CSS = """
    Panel {
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        width: 1fr;
        height: 1fr;
        min-width: 20;
        min-height: 6;
    }
    Panel:focus-within {
        border: round $primary;
    }
    Panel .panel-buttons {
        height: auto;
        width: 1fr;
    }
    Panel .panel-buttons Button {
        margin: 0 1 0 0;
        min-width: 4;
        width: auto;
    }
    Panel .panel-note {
        color: $text-muted;
        height: auto;
    }
    """

    def on_resize(self) -> None:
        """Redraw for the new size once the layout has settled (the app only redraws on change)."""
        if self.last_view is not None:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self.last_view is not None:
            self.refresh_view(self.last_view)
