"""Small modal dialogs: a yes/no question and an error message; ``LabModal``, the base of every
dialog and screen the lab pushes."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

Result = TypeVar("Result")


class LabModal(ModalScreen[Result]):
    """A modal screen that closes once.

    Keys read together (two enters in one burst) can reach a screen's handlers after the first
    of them closed it; Textual's ``dismiss`` then pops whatever screen is on top — another
    dialog, or the lab's own screen, which ended the lab with ScreenStackError. Here a screen
    that is no longer the one on top ignores ``dismiss``.

    ctrl+s, the lab's key to save, never does nothing over one (a modal screen keeps the
    lab's keys from the lab): ``action_save`` says where it saves."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", show=False)]

    def action_save(self) -> None:
        """ctrl+s over a dialog or screen of the lab: the session is saved from the lab, which
        this one covers; it says so (over help, the breakpoints, a question it did nothing)."""
        self.app.notify(
            "Not saved: escape closes this window; then ctrl+s saves the session.",
            title="Session not saved",
            severity="warning",
        )

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
    """Show a problem (a bad file, a refused edit) or a report; the lab keeps its current state.

    A text taller than the screen allows scrolls (↑ ↓, page up and down, the mouse wheel),
    between the title and OK, which stay in view.
    """

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close"),
        Binding("up", "scroll_text(-1)", "Scroll up", show=False),
        Binding("down", "scroll_text(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_text(-0.9)", "Page up", show=False),
        Binding("pagedown", "scroll_text(0.9)", "Page down", show=False),
    ]
    MAX_HEIGHT = 0.9  # of the screen: ``.dialog``'s max-height

    def __init__(
        self, title: str, message: str | Callable[[int], str], *, look: str = "error-dialog"
    ) -> None:
        """``message``: the text, or a function giving it for a width in cells (a report that
        lays its table out to fit: shown at the dialog's width, again after a resize).
        ``look``: the dialog's class — ``report-dialog`` for a report in columns (wider, not in
        the error colours)."""
        super().__init__()
        self.title_text = title
        self._layout = message if callable(message) else None
        self.message = message if isinstance(message, str) else message(10**6)
        self.look = look

    def compose(self) -> ComposeResult:
        with Vertical(classes=f"dialog {self.look}"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.message, classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The text laid out for its width (a report's), and the scrolling part no taller than
        the screen's share minus the title, the buttons and the dialog's border and padding."""
        dialog = self.query_one(".dialog")
        scroll = self.query_one(".dialog-scroll")
        text = self.query_one(".dialog-text", Static)
        if self._layout is not None and text.content_region.width > 0:
            message = self._layout(text.content_region.width)
            if message != self.message:
                self.message = message
                text.update(message)
        others = sum(
            child.outer_size.height + child.styles.margin.height
            for child in dialog.children
            if child is not scroll
        )
        room = math.floor(self.size.height * self.MAX_HEIGHT) - dialog.styles.gutter.height
        scroll.styles.max_height = max(3, room - others)

    def action_scroll_text(self, by: float) -> None:
        """Scroll the text ``by`` lines, or by that share of its height (a page) when < 1.
        At once: a scroll deferred to the next refresh counts from where the text was before
        it, so of keys read together (page down held, or typed ahead) all but one were lost."""
        scroll = self.query_one(".dialog-scroll")
        lines = by if abs(by) >= 1 else by * scroll.scrollable_content_region.height
        scroll.scroll_relative(y=round(lines), animate=False, immediate=True)

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


Refusal = tuple[str, str]
"""Why a path typed in a ``PathDialog`` is refused, and the text the field gets instead."""


class PathDialog(LabModal[str | None]):
    """Ask for a file path (saving or loading a session); dismisses with it, or None.

    ``check(path)`` (optional) refuses a path the lab cannot use, such as a folder: it returns
    None to accept it, or a ``Refusal``; the dialog then stays open, says why under the field
    and puts the refusal's text in the field (a path it can use, or one to finish)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        action: str = "OK",
        check: Callable[[str], Refusal | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.action_label = action
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, id="path")
            yield Static("", id="path-refused", classes="dialog-text", markup=False)
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
        """The path typed, with ``~`` as the shell reads it (the user's home folder), unless
        ``check`` refuses it. An empty field is refused too (it closed the dialog as escape
        does, and the user who pressed Save saw nothing saved and no word of it)."""
        value = value.strip()
        path = os.path.expanduser(value)
        refusal: Refusal | None
        if not value:
            refusal = "no file name: type one, or escape cancels", ""
        else:
            refusal = self.check(path) if self.check is not None else None
        if refusal is None:
            self.dismiss(path)
            return
        why, instead = refusal
        self.query_one("#path-refused", Static).update(why)
        field = self.query_one("#path", Input)
        field.value = instead
        field.cursor_position = len(instead)
        self.app.bell()

    def action_save(self) -> None:
        """ctrl+s in the dialog that saves: Save, as enter (ctrl+s twice saves at the name
        offered); in another (loading): says where ctrl+s saves."""
        if self.action_label == "Save":
            self._finish(self.query_one("#path", Input).value)
        else:
            super().action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)
