"""Small modal dialogs: a yes/no question and an error message; ``LabModal``, the base of every
dialog and screen the lab pushes."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

Result = TypeVar("Result")


class LabModal(ModalScreen[Result]):
    """A modal screen that closes once.

    Keys read together (two enters in one burst) can reach a screen's handlers after the first
    of them closed it; Textual's ``dismiss`` then pops whatever screen is on top — another
    dialog, or the lab's own screen, which ended the lab with ScreenStackError. Here a screen
    that is no longer the one on top ignores ``dismiss``."""

    def dismiss(self, result: Result | None = None) -> AwaitComplete:
        if self.app.screen is not self:
            return AwaitComplete()
        return super().dismiss(result)


class ConfirmDialog(LabModal[bool]):
    """Ask a yes/no question; dismisses with True for yes. ``default``: the answer enter gives
    (its button focused, the other one marked as the risky choice); no, unless told."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", default: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant=self._variant(True))
                yield Button(f"{self.no} (n)", id="no", variant=self._variant(False))

    def _variant(self, answer: bool):
        return "primary" if answer == self.default else "warning"

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ErrorDialog(LabModal[None]):
    """Show a problem (a bad file, a refused edit); the lab keeps its current state."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, title: str, message: str, *, look: str = "error-dialog") -> None:
        """``look``: the dialog's class — ``report-dialog`` for a report in columns (wider,
        not in the error colours)."""
        super().__init__()
        self.title_text = title
        self.message = message
        self.look = look

    def compose(self) -> ComposeResult:
        with Vertical(classes=f"dialog {self.look}"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.message, classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class PathDialog(LabModal[str | None]):
    """Ask for a file path (saving or loading a session); dismisses with it, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", action: str = "OK") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.action_label = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, id="path")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.action_label, id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._finish(event.value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._finish(self.query_one("#path", Input).value)
        else:
            self.dismiss(None)

    def _finish(self, value: str) -> None:
        value = value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
