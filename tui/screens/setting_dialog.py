"""The dialog of a live change (command palette: "Change … while it trains"): one setting's
value typed as in a scenario file or ``--set`` (``0.05``, ``"full"``, ``off``, ``true``),
checked by the lab as it is submitted; a refused value keeps the dialog open with the reason."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from scenarios.overrides import parse_value


class SettingDialog(ModalScreen[str | None]):
    """Ask for a new value of ``key``; ``apply(key, value)`` returns the lab's message or
    raises ValueError with the reason it is refused (then shown here, the dialog stays)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, key: str, title: str, value: str, note: str, apply: Callable) -> None:
        super().__init__()
        self.key = key
        self.title_text = title
        self.value = value
        self.note = note
        self.apply = apply

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.note, classes="dialog-note", markup=False)
            yield Input(value=self.value, id="setting-value", select_on_focus=True)
            yield Static("", id="setting-refused", classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Change", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#setting-value", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._finish(event.value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._finish(self.query_one("#setting-value", Input).value)
        else:
            self.dismiss(None)

    def _finish(self, text: str) -> None:
        try:
            message = self.apply(self.key, parse_value(text.strip()))
        except ValueError as e:
            self.query_one("#setting-refused", Static).update(str(e))
            self.app.bell()
            return
        self.dismiss(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
