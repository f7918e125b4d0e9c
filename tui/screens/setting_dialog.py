"""The dialog of a live change (command palette: "Change … while it trains"): one setting's
value typed as in a scenario file or ``--set`` (``0.05``, ``"full"``, ``off``, ``true``),
checked by the lab as it is submitted; a refused value keeps the dialog open with the reason."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from scenarios.overrides import parse_value
from tui.screens.dialogs import PathDialog


class SettingDialog(PathDialog):
    """Ask for a new value of ``key``; ``apply(key, value)`` returns the lab's message or
    raises ValueError with the reason it is refused (then shown here, the dialog stays)."""

    def __init__(self, key: str, title: str, value: str, note: str, apply: Callable) -> None:
        super().__init__(title, value, "Change")
        self.key = key
        self.note = note
        self.apply = apply

    DIALOG_CLASSES = "dialog"

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.DIALOG_CLASSES):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.note, classes="dialog-note", markup=False)
            yield Input(value=self.value, id="path", select_on_focus=True)
            yield from self.more_fields()
            yield Static("", id="setting-refused", classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.action_label, id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def more_fields(self) -> ComposeResult:
        """Fields under the value's (none here: one setting, one field)."""
        yield from ()

    def applied(self, text: str) -> str:
        """Apply the value typed (``text``, the field Enter was pressed in): the lab's message,
        or ValueError with the reason it is refused."""
        return self.apply(self.key, parse_value(text.strip()))

    def _finish(self, text: str) -> None:
        try:
            message = self.applied(text)
        except ValueError as e:
            self.query_one("#setting-refused", Static).update(str(e))
            self.app.bell()
            return
        self.dismiss(message)
