"""The debugger panel: where the step stands, the numbers of the current event, the equation.

- **Position**: step, epoch, batch, phase, layer and event (from the view's current event, or
  "between steps"); on one line, without the layer and phase the event's name says when narrow.
- **Commands**: every debugger command as a button (and its key in the tooltip), each posting a
  ``DebugCommand``; the breakpoints screen is the app's (``B``).
- **Arrays** of the current event (``event.arrays()``), each with a one-line summary and its
  numbers, large ones cut to their corners; scrollable (``event_arrays.py``).
- **Equation** for the selected unit or weight, with its numbers, from the debugger's
  explanations (``engine.debugger.explain``); the panel does not compute it.
- **Pending update** (at an Update event): the rule W ← W − ΔW with the numbers of the selected
  weight — or the layer's corner — and of its unit's bias, and of its batch norm γ and β (PReLU's
  α) where the layer has them (ΔW is the step subtracted, ``step_W``).
- **Breakpoints**: the list, with enabled flag and hit counts.

With the panel focused, ↑/↓ select the unit and ←/→ the incoming weight (``SelectUnit`` /
``SelectWeight``) of the current layer.
"""

from __future__ import annotations

import re

import numpy as np
from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from engine.debugger import DebuggerError
from engine.debugger.formatting import sup, symbol, wrap_equation
from engine.debugger.linemode_text import PARAMETER_SYMBOLS
from engine.number_text import counted
from tui.example import current_example
from tui.messages import DebugCommand, SelectUnit, SelectWeight
from tui.panels.base import ACCENT, MUTED, Panel, Show, set_border_label
from tui.panels.event_arrays import comma_lines, event_arrays
from tui.panels.format import WARNING, fmt, fmt_count
from tui.view import LabView, counters

COMMAND_BUTTONS = (
    ("step", "step", "s", "one event forward"),
    ("next", "next", "n", "to the next layer"),
    ("finish", "finish", "f", "to the end of the phase"),
    ("back", "back", "b", "one event back"),
    ("epoch", "epoch", "e", "to the end of the epoch"),
    ("continue", "run", "space", "until a breakpoint or the end"),
    ("pause", "pause", "space", "pause training"),
    ("reset", "reset", "r", "step 1 again, from the initial weights"),
)
"""(command, button label, key, what it does) — the names are ``DEBUG_COMMANDS`` keys."""

EMPTY = Content("")
NARROW = 70  # below this width the arrays and the equation are stacked


def position_line(view, width: int | None = None) -> Content:
    """Step, epoch, batch, phase, layer and event of the current position (the debugger's
    ``Position`` when paused at an event; the trainer's counters while training runs).

    Wider than ``width`` cells, the line leaves out the layer, then the phase, which the event's
    name says (``Update(l=1)``): on one line, it leaves the lines below it to the numbers (at
    120×40 it took two, and the arrays column one line less)."""
    trainer = view.run.trainer
    event = view.event
    position = view.controller.position if event is not None else None
    if position is None:
        step, epoch, batch, _ = counters(view)
        if step == 0:  # training just started: no step done yet ("batch 0/1" read as a count)
            return Content.styled(f"no step completed yet  {view.status}", MUTED)
        return Content.assemble(
            ("step ", MUTED),
            fmt_count(step),
            ("  epoch ", MUTED),
            fmt_count(epoch),
            ("  batch ", MUTED),
            f"{fmt_count(batch)}/{fmt_count(trainer.batches_per_epoch)}",
            ("  " + view.status, MUTED),
        )
    counts: list = [
        ("step ", MUTED),
        fmt_count(position.step),
        ("  epoch ", MUTED),
        fmt_count(position.epoch),
        ("  batch ", MUTED),
        f"{fmt_count(position.batch)}/{fmt_count(trainer.batches_per_epoch)}",
    ]
    phase = [("  phase ", MUTED), (position.phase, ACCENT)]
    layer = [] if position.layer is None else [("  layer ", MUTED), (str(position.layer), ACCENT)]
    event = [
        ("  ", MUTED),
        (position.event_name(), ACCENT),
        (f" {position.index + 1}/{position.n_events}", MUTED),
    ]
    for parts in ([*counts, *phase, *layer, *event], [*counts, *phase, *event]):
        line = Content.assemble(*parts)
        if width is None or line.cell_length <= width:
            return line
    return Content.assemble(*counts, *event)


def explain_select(view) -> tuple[int, ...] | None:
    """The selection as the debugger's ``select``: a unit (j,) of Forward/Delta/Loss events, a
    weight (j, k) of Gradient/Update events (a unit alone there is its bias); None: its default.
    A selection in another layer than the event's is not used."""
    event, selection = view.event, view.selection
    if selection is None:
        return None
    l = getattr(event, "l", None)
    if event.kind == "loss":
        l = view.run.net.L
    if l is None or selection.l != l:
        return None
    if event.kind in ("gradient", "update") and selection.weight is not None:
        return tuple(selection.weight)
    if selection.unit is not None:
        return (selection.unit,)
    return None


def explanation(view, width: int | None = None) -> tuple[Content, Content, Content]:
    """(title, equations, notes) for the selection at the current event, as the debugger writes
    them (``Controller.explain``); its reason when it cannot explain here. Equations are wrapped
    to ``width`` at their operators (``wrap_equation``), never cut; the title and notes are
    prose (wrapped by the widget)."""
    event = view.event
    if event is None:
        return (
            Content.styled("Pause (space) or step (s) to see the equations.", MUTED),
            EMPTY,
            EMPTY,
        )
    try:
        result = view.controller.explain(explain_select(view), current_example(view).index)
    except DebuggerError as e:
        return Content.styled(str(e), MUTED), EMPTY, EMPTY
    equations = Content("\n").join(
        _marked(Content(line.render(width=width))) for line in result.lines
    )
    notes = Content("\n").join(
        Content.styled(note, WARNING if "not finite" in note else MUTED) for note in result.notes
    )
    return Content.styled(result.title, ACCENT), equations, notes


NOT_FINITE = re.compile(r"-?\binf\b|\bnan\b")


def _marked(content: Content) -> Content:
    """Non-finite numbers in the warning colour."""
    return content.highlight_regex(NOT_FINITE, style=WARNING)


def update_rule(name: str, old: float, step: float, new: float, width: int | None) -> Content:
    """One entry of the pending update as the rule with its numbers, ``W₀₀ 0.3544 − (−0.01316)
    = 0.3676`` (p_new = p_old − step: the step is the Update event's ``step_W``, ΔW), wrapped
    to ``width`` like every equation."""
    text = f"{name} {fmt(old)} − {_after_operator(step)} = {fmt(new)}"
    lines = wrap_equation(text, width)
    first = Content(lines[0]).stylize(MUTED, 0, len(name))
    return _marked(Content("\n").join([first, *map(Content, lines[1:])]))


def _after_operator(x: float) -> str:
    """``fmt(x)``, in parentheses when negative (after a minus sign)."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


def pending_update(view, width: int | None = None) -> Content:
    """At an Update event: the rule W ← W − ΔW with the numbers of the selected weight (or the
    first entries of its unit's row, or of row 0), and of its unit's bias and of the unit's
    other parameters the event keeps in ``extra`` (batch norm's γ and β, PReLU's α: before,
    after, step), named as the line mode names them (``PARAMETER_SYMBOLS``)."""
    event = view.event
    if event is None or event.kind != "update":
        return Content.styled("Shown at an update event (f finishes the backward phase).", MUTED)
    l = event.l
    selection = view.selection
    if selection is not None and selection.l == l and selection.weight is not None:
        entries = [selection.weight]
    elif selection is not None and selection.l == l and selection.unit is not None:
        j = selection.unit
        entries = [(j, k) for k in range(min(event.W_old.shape[1], 4))]
    else:
        entries = [(0, k) for k in range(min(event.W_old.shape[1], 4))]
    s = sup(l)
    lines = [
        Content.assemble(
            (f"{event.optimizer}", ACCENT),
            ("  η (lr) ", MUTED),
            fmt(event.lr),
            ("  t ", MUTED),
            str(event.t),
        ),
    ]
    names = ["W", "b", *(PARAMETER_SYMBOLS.get(p, p) for p in event.extra)]
    rules = [f"{n}{s} ← {n}{s} − Δ{n}{s}" for n in names]
    lines += [Content.styled(line, MUTED) for line in comma_lines(rules, len(rules), width)]
    for j, k in entries:
        if not (0 <= j < event.W_old.shape[0] and 0 <= k < event.W_old.shape[1]):
            continue
        lines.append(
            update_rule(
                symbol("W", None, (j, k)),
                event.W_old[j, k],
                event.step_W[j, k],
                event.W_new[j, k],
                width,
            )
        )
    j = entries[0][0] if entries else 0
    if 0 <= j < event.b_old.shape[0]:
        b = symbol("b", None, (j,))
        lines.append(update_rule(b, event.b_old[j], event.step_b[j], event.b_new[j], width))
    for param, (old, new, step) in event.extra.items():  # one entry per unit, as b
        if 0 <= j < np.size(old):
            name = symbol(PARAMETER_SYMBOLS.get(param, param), None, (j,))
            before, change, after = (float(np.ravel(a)[j]) for a in (old, step, new))
            lines.append(update_rule(name, before, change, after, width))
    changed = int(np.count_nonzero(event.W_new != event.W_old))
    total = counted(event.W_old.size, "weight")
    lines.append(Content.styled(f"{fmt_count(changed)} of {total} change", MUTED))
    return Content("\n").join(lines)


def breakpoint_lines(view) -> Content:
    """The breakpoints: number, enabled, where/when, hits."""
    breakpoints = list(view.breakpoints or [])
    if not breakpoints:
        return Content.styled("none (B opens the breakpoints screen)", MUTED)
    lines = []
    for bp in breakpoints:
        lines.append(
            Content.assemble(
                ("●" if bp.enabled else "○", "$text-error" if bp.enabled else MUTED),
                f" {bp.id} ",
                ("tbreak " if bp.temporary else "", MUTED),
                bp.spec(),
                (f"  hits {bp.hits}" if bp.hits else "", MUTED),
                (f"  ignore {bp.ignore}" if bp.ignore else "", MUTED),
            )
        )
    return Content("\n").join(lines)


class Column(ScrollableContainer):
    """One of the panel's two columns: says when the layout gives it a new size."""

    class Resized(Message):
        """The column has a new size (the panel draws its content for it)."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class DebuggerPanel(Panel):
    """Position, commands, arrays, equation, pending update and breakpoints."""

    last_view: LabView | None
    drawn_for: tuple | None = None  # the columns' sizes the view was drawn for

    BORDER_TITLE = "Debugger"
    BINDINGS = [
        Binding("up", "unit(-1)", "Unit ↑", show=False),
        Binding("down", "unit(1)", "Unit ↓", show=False),
        Binding("left", "weight(-1)", "Weight ←", show=False),
        Binding("right", "weight(1)", "Weight →", show=False),
    ]
    DEFAULT_CSS = """
    DebuggerPanel #debugger-position {
        height: auto;
    }
    DebuggerPanel.-narrow #debugger-body {
        layout: vertical;
    }
    DebuggerPanel.-narrow #debugger-side {
        padding-left: 0;
    }
    DebuggerPanel #debugger-buttons {
        height: 1;
        overflow-x: hidden;
    }
    DebuggerPanel.-narrow #debugger-buttons Button {
        margin: 0;  /* every button fits beside the lesson column at 120×40 */
    }
    DebuggerPanel #debugger-buttons.-two-rows {  /* narrower: fit_buttons */
        layout: grid;
        grid-size: 5;
        grid-columns: auto;
        height: 2;
    }
    DebuggerPanel #debugger-body {
        height: 1fr;
    }
    DebuggerPanel #debugger-arrays {
        width: 1fr;
        height: 1fr;
        overflow-x: auto;
    }
    DebuggerPanel #debugger-event {
        width: auto;
        text-wrap: nowrap;
    }
    DebuggerPanel #debugger-side {
        width: 1fr;
        height: 1fr;
        padding-left: 1;
    }
    DebuggerPanel .debugger-title {
        color: $text-primary;
        text-style: bold;
        height: 1;
    }
    DebuggerPanel #debugger-side Static {
        height: auto;
    }
    DebuggerPanel #debugger-side #debugger-equation {
        width: auto;
        text-wrap: nowrap;
    }
    """

    can_focus = True

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)

    def compose(self) -> ComposeResult:
        yield Show("", id="debugger-position")
        with Horizontal(id="debugger-buttons", classes="panel-buttons"):
            for name, label, key, what in COMMAND_BUTTONS:
                yield Button(label, id=f"debug-{name}", compact=True, tooltip=f"{what} ({key})")
            yield Button(
                "breaks…",
                id="debug-breakpoints",
                compact=True,
                action="app.breakpoints",
                tooltip="List, add, toggle and remove breakpoints (B)",
            )
        with Horizontal(id="debugger-body"):
            with Column(id="debugger-arrays"):
                yield Show("", id="debugger-event")
            with Column(id="debugger-side"):
                yield Show("Equation", classes="debugger-title")
                yield Show("", id="debugger-equation-title")
                yield Show("", id="debugger-equation")
                yield Show("", id="debugger-equation-notes")
                yield Show("Pending update", classes="debugger-title")
                yield Show("", id="debugger-update")
                yield Show("Breakpoints", classes="debugger-title")
                yield Show("", id="debugger-breakpoints")

    @on(Button.Pressed)
    def _command(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("debug-")
        if any(name == command for command, *_ in COMMAND_BUTTONS):
            event.stop()
            self.post_message(DebugCommand(name))

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        """Draw ``view`` for the columns' sizes (``Column``: drawn again when they change)."""
        self.last_view = view
        self.show_position(view)
        width, room = widths = self.widths()
        height = self.arrays_height()
        self.drawn_for = (widths, height)
        arrays = event_arrays(view.event, width, height, view.run.net.L)
        self.query_one("#debugger-event", Static).update(arrays)
        title, equations, notes = explanation(view, room)
        self.query_one("#debugger-equation-title", Static).update(title)
        equation = self.query_one("#debugger-equation", Static)
        equation.update(equations)
        equation.display = bool(equations.plain)
        self.query_one("#debugger-equation-notes", Static).update(notes)
        self.query_one("#debugger-update", Static).update(pending_update(view, room))
        self.query_one("#debugger-breakpoints", Static).update(breakpoint_lines(view))
        running = view.status == "running"
        self.query_one("#debug-continue", Button).display = not running
        self.query_one("#debug-pause", Button).display = running
        self.fit_buttons()
        set_border_label(self, "border_subtitle", view.status)

    @on(Column.Resized)
    def _column_resized(self, event: Column.Resized) -> None:
        """A column has a new size: the buttons fitted to the panel's width, and the view drawn
        again when the sizes it was drawn for have changed — the panel's own size can stay the
        same while its columns are laid out anew (stacked below 70 columns: a session opened
        from a file, or a lab's first frame, drew its arrays and equation for the side-by-side
        columns and kept them so until a key was pressed)."""
        event.stop()
        self.fit_buttons()
        if self.last_view is not None and (self.widths(), self.arrays_height()) != self.drawn_for:
            self._redraw()

    def widths(self) -> tuple[int | None, int | None]:
        """The cells the arrays (left column) and an equation line (right column) may take,
        room kept for their scrollbars; None before the panel is laid out."""
        arrays = self.query_one("#debugger-arrays", ScrollableContainer)
        side = self.query_one("#debugger-side", ScrollableContainer)
        cells = [c.content_region.width - c.styles.scrollbar_size_vertical for c in (arrays, side)]
        width, room = (n if n > 10 else None for n in cells)
        return width, room

    def arrays_height(self) -> int | None:
        """The lines the arrays (left column) show without scrolling; None before the panel is
        laid out."""
        height = self.query_one("#debugger-arrays", ScrollableContainer).content_region.height
        return height or None

    def show_position(self, view) -> None:
        """Only the position line: cheap enough for every frame while training runs."""
        width = self.content_region.width or None
        self.query_one("#debugger-position", Static).update(position_line(view, width))

    def on_resize(self) -> None:
        """Side by side from 70 columns, arrays above the equation when narrower."""
        self.set_class(self.size.width < NARROW, "-narrow")
        super().on_resize()

    def fit_buttons(self) -> None:
        """The command buttons on one row when they fit in it, else on two (``-two-rows``)."""
        row = self.query_one("#debugger-buttons", Horizontal)
        shown = [button for button in row.query(Button) if button.display]
        needed = sum(
            cell_len(str(button.label)) + 2 * button.styles.line_pad + button.styles.margin.width
            for button in shown
        )
        row.set_class(needed > self.content_region.width, "-two-rows")

    # --- selection ----------------------------------------------------------------------------

    def _layer(self) -> tuple[LabView, int] | None:
        """The view last drawn and the layer the keys act on: the event's, else the selection's."""
        view = self.last_view
        if view is None:
            return None
        l = getattr(view.event, "l", None)
        if l is None and view.selection is not None:
            l = view.selection.l
        return None if l is None else (view, l)

    def action_unit(self, offset: int) -> None:
        """Select the next (offset 1) or previous (-1) unit j of the current layer."""
        at = self._layer()
        if at is None:
            return
        view, l = at
        n = view.run.net.layer(l).n_out
        current = view.selection
        j = (
            current.unit
            if current is not None and current.l == l and current.unit is not None
            else -1
        )
        self.post_message(SelectUnit(l, (j + offset) % n))

    def action_weight(self, offset: int) -> None:
        """Select the next (offset 1) or previous (-1) incoming weight Wˡⱼₖ of the selected
        unit j: k, the input, moves."""
        at = self._layer()
        if at is None:
            return
        view, l = at
        layer = view.run.net.layer(l)
        current = view.selection
        j = (
            current.unit
            if current is not None and current.l == l and current.unit is not None
            else 0
        )
        k = (
            current.weight[1]
            if current is not None and current.l == l and current.weight is not None
            else -1
        )
        self.post_message(SelectWeight(l, j, (k + offset) % layer.n_in))
