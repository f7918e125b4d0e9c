"""The breakpoints screen (``B``): the list with hit counts, and adding, toggling and removing.

Breakpoints are the debugger's (``engine.debugger``); this screen sends the same commands the
panels do (``LabSession.command``: break, toggle, delete) and shows a refused breakpoint's reason,
with a caret under the offending character, without adding anything.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from engine.debugger.breakpoints import kinds_to_events
from tui.screens.dialogs import LabModal

KINDS = "\n".join(
    [
        *(
            f"{'Kinds:' if i == 0 else '':<11}{line}"
            for i, line in enumerate(kinds_to_events(per_line=4))
        ),
        "delta@1 stops before Delta(l=1) · @l picks a layer · a condition alone is checked at "
        "each step's end.",
    ]
)


def syntax(layers: int) -> str:
    """The note under the field for a network of ``layers`` layers: examples that name only
    layers it has (the last layer's update, any event of the first), so that a copied one is
    accepted, in lines short enough for the dialog at 80 columns (none broken in two); then the
    kinds beside the events they stop before (``kinds_to_events``)."""
    return (
        f"Examples:  update@{layers}   delta   @1   update@{layers} if loss > 1\n"
        f"           grad_norm@1 < 1e-6   loss > 10 or nan(loss)\n{KINDS}"
    )


class BreakpointsScreen(LabModal[None]):
    """List, add (enter in the field), toggle (t or space), delete (d); escape closes."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("t", "toggle_breakpoint", "Toggle"),
        Binding("d,delete", "delete", "Delete"),
    ]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        layers = self.session.controller.L
        with Vertical(id="breakpoints", classes="dialog wide-dialog"):
            yield Label("Breakpoints — t toggles, d deletes, escape closes", classes="dialog-title")
            yield DataTable(id="breakpoints-table", cursor_type="row", zebra_stripes=True)
            yield Input(
                placeholder=f"new breakpoint, e.g. update@{layers} if loss > 1",
                id="breakpoint-spec",
            )
            yield Static("", id="breakpoint-error", markup=False)
            yield Static(syntax(layers), classes="dialog-note", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "on", "breakpoint", "hits", "ignore", "")
        self._fill()
        self.query_one("#breakpoint-spec", Input).focus()

    def _fill(self, keep: int | None = None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for bp in self.session.controller.breakpoints:
            table.add_row(
                str(bp.id),
                "●" if bp.enabled else "○",
                bp.spec(),
                str(bp.hits),
                str(bp.ignore) if bp.ignore else "",
                "temporary" if bp.temporary else ("built in" if bp.builtin else ""),
                key=str(bp.id),
            )
        if keep is not None and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def _selected(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row = table.get_row_at(table.cursor_row)
        return int(row[0])

    def _command(self, name: str, arg) -> bool:
        from tui.session_errors import SessionError

        error = self.query_one("#breakpoint-error", Static)
        try:
            self.session.command(name, arg)
        except SessionError as e:
            error.update(str(e))
            return False
        error.update("")
        return True

    @on(Input.Submitted, "#breakpoint-spec")
    def _add(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if self._command("break", text):
            event.input.value = ""
            self._fill(keep=self.query_one(DataTable).row_count)

    def action_toggle_breakpoint(self) -> None:
        bp_id = self._selected()
        if bp_id is not None and self._command("toggle", bp_id):
            self._fill(keep=self.query_one(DataTable).cursor_row)

    def action_delete(self) -> None:
        bp_id = self._selected()
        if bp_id is not None and self._command("delete", bp_id):
            self._fill(keep=self.query_one(DataTable).cursor_row)

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_toggle_breakpoint()

    def action_close(self) -> None:
        self.dismiss(None)
