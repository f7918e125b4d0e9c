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
    """A framed panel; subclasses set ``BORDER_TITLE`` and implement ``refresh_view(view)``."""

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
