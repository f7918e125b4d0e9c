"""The debugger panel: where the step stands, the numbers of the current event, the equation.

- **Position**: step, epoch, batch, phase, layer and event (from the view's current event, or
  "between steps").
- **Commands**: every debugger command as a button (and its key in the tooltip), each posting a
  ``DebugCommand``; the breakpoints screen is the app's (``B``).
- **Arrays** of the current event (``event.arrays()``), each with a one-line summary and its
  numbers, large ones cut to their corners; scrollable.
- **Equation** for the selected unit or weight, with its numbers, from the debugger's
  explanations (``engine.debugger.explain``); the panel does not compute it.
- **Pending update** (at an Update event): the selected weight — or the layer's corner — before
  and after, and the step.
- **Breakpoints**: the list, with enabled flag and hit counts.

With the panel focused, ↑/↓ select the unit and ←/→ the incoming weight (``SelectUnit`` /
``SelectWeight``) of the current layer.
"""

from __future__ import annotations

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer
from textual.content import Content
from textual.widgets import Button, Static

from engine.debugger import DebuggerError
from engine.debugger.formatting import sup
from tui.messages import DebugCommand, SelectUnit, SelectWeight
from tui.panels.base import ACCENT, MUTED, Panel, Show
from tui.panels.format import (
    WARNING,
    array_lines,
    array_summary,
    fmt,
    fmt_count,
    styled_number,
)
from tui.view import counters

COMMAND_BUTTONS = (
    ("step", "step", "s", "one event forward"),
    ("next", "next", "n", "to the next layer"),
    ("finish", "finish", "f", "to the end of the phase"),
    ("back", "back", "b", "one event back"),
    ("epoch", "epoch", "e", "to the end of the epoch"),
    ("continue", "run", "space", "until a breakpoint or the end"),
    ("pause", "pause", "space", "pause training"),
    ("reset", "reset", "r", "back to the initial network"),
)
"""(command, button label, key, what it does) — the names are ``DEBUG_COMMANDS`` keys."""

ARRAY_NAMES = {
    "a_prev": "aˡ⁻¹",
    "z": "zˡ",
    "a": "aˡ",
    "mask": "dropout mask",
    "z_hat": "ẑˡ",
    "batch_mean": "μ (batch)",
    "batch_var": "σ² (batch)",
    "grad_a": "∇ₐC",
    "y": "y",
    "delta": "δˡ",
    "from_above": "from above",
    "local_slope": "σ′(zˡ)",
    "grad_z_hat": "∂C/∂ẑ",
    "grad_W": "∂C/∂Wˡ",
    "grad_b": "∂C/∂bˡ",
    "grad_W_penalty": "penalty part",
    "W_old": "Wˡ before",
    "W_new": "Wˡ after",
    "step_W": "ΔWˡ",
    "b_old": "bˡ before",
    "b_new": "bˡ after",
    "step_b": "Δbˡ",
    "indices": "batch rows",
}
EVENT_TITLES = {
    "step_start": "start of the step",
    "forward": "forward: zˡ = aˡ⁻¹Wˡᵀ + bˡ, aˡ = σ(zˡ)",
    "loss": "loss C and ∇ₐC",
    "delta": "backward: δˡ = from above ⊙ σ′(zˡ)",
    "gradient": "backward: ∂C/∂Wˡ = δˡᵀ aˡ⁻¹, ∂C/∂bˡ = Σ δˡ",
    "clip": "gradient clipping",
    "update": "update (computed, not yet applied)",
    "step_end": "end of the step (updates applied)",
}
FUSED_TITLE = "backward: δᴸ = ∂C/∂zᴸ computed with the loss (fused: a − y form, stable)"
EMPTY = Content("")
NARROW = 70  # below this width the arrays and the equation are stacked
ARRAY_ROWS = 6
ARRAY_COLS = 6


def with_layer(text: str, l: int | None) -> str:
    """``δˡ = … aˡ⁻¹`` with the layer's number: ``δ² = … a¹`` (unchanged when l is None)."""
    if l is None:
        return text
    return text.replace("ˡ⁻¹", sup(l - 1)).replace("ˡ⁺¹", sup(l + 1)).replace("ˡ", sup(l))


def position_line(view) -> Content:
    """Step, epoch, batch, phase, layer and event of the current position (the debugger's
    ``Position`` when paused at an event; the trainer's counters while training runs)."""
    trainer = view.run.trainer
    event = view.event
    position = view.controller.position if event is not None else None
    if position is None:
        step, epoch, batch, _ = counters(view)
        return Content.assemble(
            ("step ", MUTED),
            fmt_count(step),
            ("  epoch ", MUTED),
            str(epoch),
            ("  batch ", MUTED),
            f"{batch}/{trainer.batches_per_epoch}",
            ("  " + view.status, MUTED),
        )
    parts: list = [
        ("step ", MUTED),
        fmt_count(position.step),
        ("  epoch ", MUTED),
        str(position.epoch),
        ("  batch ", MUTED),
        f"{position.batch}/{trainer.batches_per_epoch}",
        ("  phase ", MUTED),
        (position.phase, ACCENT),
    ]
    if position.layer is not None:
        parts += [("  layer ", MUTED), (str(position.layer), ACCENT)]
    parts += [
        ("  ", MUTED),
        (position.event_name(), ACCENT),
        (f" {position.index + 1}/{position.n_events}", MUTED),
    ]
    return Content.assemble(*parts)


def wrap(text: str, width: int, sep: str = " ") -> list[str]:
    """``text`` cut at ``sep`` into lines of at most ``width`` cells (a part longer than that
    stays whole on its own line)."""
    lines: list[str] = []
    for part in text.split(sep):
        if lines and len(lines[-1]) + len(sep) + len(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return lines


def fitted_array_lines(array, width: int | None) -> tuple[list[Content], int]:
    """``array_lines`` with as many columns (``ARRAY_COLS`` at most, 2 at least) as fit in
    ``width`` cells, so that numbers are never cut by the panel's edge; and that many."""
    cols = ARRAY_COLS
    lines = array_lines(array, ARRAY_ROWS, cols)
    while width is not None and cols > 2 and max(line.cell_length for line in lines) > width:
        cols -= 1
        lines = array_lines(array, ARRAY_ROWS, cols)
    return lines, cols


STAT_COLUMNS = (
    ("‖∂C/∂W‖", "grad_norm"),
    ("mean|δ|", "delta_mean_abs"),
    ("‖ΔW‖/‖W‖", "update_ratio"),
)
STAT_WIDTH = 9  # a space and "1.23e-10"


def stats_table(stats) -> list[Content]:
    """The per-layer statistics of a StepEnd as a small table (three significant digits)."""
    label = max(len(f"l{s.l}") for s in stats)
    lines = [
        Content.styled("per-layer statistics", "bold"),
        Content.styled(
            " " * label + "".join(name.rjust(STAT_WIDTH) for name, _ in STAT_COLUMNS), MUTED
        ),
    ]
    for s in stats:
        parts: list = [(f"l{s.l}".ljust(label), MUTED)]
        for _, field in STAT_COLUMNS:
            value = getattr(s, field)
            parts += [" " * (STAT_WIDTH - len(fmt(value, 3))), styled_number(value, 3)]
        lines.append(Content.assemble(*parts))
    return lines


def event_arrays(event, width: int | None = None) -> Content:
    """The event's scalar fields and arrays: name, summary, numbers (corners of large ones).

    With ``width``, what is prose (title, summaries) is wrapped to it and arrays show as many
    columns as fit, so nothing is cut at the panel's edge; aligned rows are never wrapped."""
    if event is None:
        return Content.styled("No event while training runs.", MUTED)
    l = getattr(event, "l", None)
    title = EVENT_TITLES.get(event.kind, event.kind)
    if event.kind == "delta" and event.fused:
        title = FUSED_TITLE
    title = with_layer(title, l)
    title_lines = wrap(title, width) if width else [title]
    lines: list[Content] = [Content.styled(line, ACCENT) for line in title_lines]
    for name in (
        "value",
        "data_loss",
        "penalty",
        "lr",
        "mode",
        "threshold",
        "norm_before",
        "norm_after",
        "loss",
        "batch_size",
        "optimizer",
        "t",
        "fused",
    ):
        if hasattr(event, name):
            value = getattr(event, name)
            shown = styled_number(value) if not isinstance(value, str) else Content(value)
            lines.append(Content.assemble((f"{name} ", MUTED), shown))
    for name, array in event.arrays().items():
        label = with_layer(ARRAY_NAMES.get(name, name), l)
        shape, _, summary = array_summary(array).partition("  ")
        lines.append(Content.assemble((label, "bold"), "  ", (shape, MUTED)))
        rows, cols = (array.shape + (1,))[:2] if array.ndim == 2 else (1, array.size)
        numbers, shown_cols = fitted_array_lines(array, width)
        if rows > ARRAY_ROWS or cols > shown_cols or not np.isfinite(array).all():
            # the numbers are cut: say what is there
            summary_lines = wrap(summary, width, "  ") if width else [summary]
            lines.extend(Content.styled(line, MUTED) for line in summary_lines)
        lines.extend(numbers)
    stats = getattr(event, "stats", None)
    if stats:
        lines.extend(stats_table(stats))
    return Content("\n").join(lines)


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


def explanation(view) -> tuple[Content, Content, Content]:
    """(title, equations, notes) for the selection at the current event, as the debugger writes
    them (``Controller.explain``); its reason when it cannot explain here. Equations keep their
    alignment (shown unwrapped); the title and notes are prose (wrapped)."""
    event = view.event
    if event is None:
        return (
            Content.styled("Pause (space) or step (s) to see the equations.", MUTED),
            EMPTY,
            EMPTY,
        )
    try:
        result = view.controller.explain(explain_select(view))
    except DebuggerError as e:
        return Content.styled(str(e), MUTED), EMPTY, EMPTY
    equations = Content("\n").join(Content(line.render()) for line in result.lines)
    notes = Content("\n").join(
        Content.styled(note, WARNING if "not finite" in note else MUTED) for note in result.notes
    )
    return Content.styled(result.title, ACCENT), equations, notes


def pending_update(view) -> Content:
    """Before/after of the selected weight (or the layer's first entries) at an Update event."""
    event = view.event
    if event is None or event.kind != "update":
        return Content.styled("Shown at an update event (f finishes the backward phase).", MUTED)
    l = event.l
    selection = view.selection
    if selection is not None and selection.l == l and selection.weight is not None:
        entries = [selection.weight]
    elif selection is not None and selection.l == l and selection.unit is not None:
        i = selection.unit
        entries = [(i, j) for j in range(min(event.W_old.shape[1], 4))]
    else:
        entries = [(0, j) for j in range(min(event.W_old.shape[1], 4))]
    lines = [
        Content.assemble(
            (f"{event.optimizer}", ACCENT),
            ("  η ", MUTED),
            fmt(event.lr),
            ("  t ", MUTED),
            str(event.t),
        )
    ]
    for i, j in entries:
        if not (0 <= i < event.W_old.shape[0] and 0 <= j < event.W_old.shape[1]):
            continue
        lines.append(
            Content.assemble(
                (f"W{_sub(i)}{_sub(j)} ", MUTED),
                styled_number(event.W_old[i, j]),
                (" → ", MUTED),
                styled_number(event.W_new[i, j]),
                ("   Δ ", MUTED),
                styled_number(-event.step_W[i, j]),
            )
        )
    i = entries[0][0] if entries else 0
    if 0 <= i < event.b_old.shape[0]:
        lines.append(
            Content.assemble(
                (f"b{_sub(i)}  ", MUTED),
                styled_number(event.b_old[i]),
                (" → ", MUTED),
                styled_number(event.b_new[i]),
            )
        )
    changed = np.count_nonzero(event.W_new != event.W_old)
    lines.append(Content.styled(f"{changed} of {event.W_old.size} weights change", MUTED))
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


def _sub(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class DebuggerPanel(Panel):
    """Position, commands, arrays, equation, pending update and breakpoints."""

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
            with ScrollableContainer(id="debugger-arrays"):
                yield Show("", id="debugger-event")
            with ScrollableContainer(id="debugger-side"):
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
        self.last_view = view
        self.show_position(view)
        arrays = self.query_one("#debugger-arrays", ScrollableContainer)
        width = arrays.content_region.width - arrays.styles.scrollbar_size_vertical
        self.query_one("#debugger-event", Static).update(
            event_arrays(view.event, width if width > 10 else None)
        )
        title, equations, notes = explanation(view)
        self.query_one("#debugger-equation-title", Static).update(title)
        equation = self.query_one("#debugger-equation", Static)
        equation.update(equations)
        equation.display = bool(equations.plain)
        self.query_one("#debugger-equation-notes", Static).update(notes)
        self.query_one("#debugger-update", Static).update(pending_update(view))
        self.query_one("#debugger-breakpoints", Static).update(breakpoint_lines(view))
        running = view.status == "running"
        self.query_one("#debug-continue", Button).display = not running
        self.query_one("#debug-pause", Button).display = running
        if view.status == "diverged":
            self.border_subtitle = "diverged"
        else:
            self.border_subtitle = view.status

    def show_position(self, view) -> None:
        """Only the position line: cheap enough for every frame while training runs."""
        self.query_one("#debugger-position", Static).update(position_line(view))

    def on_resize(self) -> None:
        """Side by side from 70 columns, arrays above the equation when narrower."""
        self.set_class(self.size.width < NARROW, "-narrow")
        super().on_resize()

    # --- selection ----------------------------------------------------------------------------

    def _layer(self) -> int | None:
        view = self.last_view
        if view is None:
            return None
        l = getattr(view.event, "l", None)
        if l is None and view.selection is not None:
            l = view.selection.l
        return l

    def action_unit(self, delta: int) -> None:
        """Select the next or previous unit of the current layer."""
        l = self._layer()
        if l is None:
            return
        n = self.last_view.run.net.layer(l).n_out
        current = self.last_view.selection
        i = (
            current.unit
            if current is not None and current.l == l and current.unit is not None
            else -1
        )
        self.post_message(SelectUnit(l, (i + delta) % n))

    def action_weight(self, delta: int) -> None:
        """Select the next or previous incoming weight Wˡ[i, j] of the selected unit."""
        l = self._layer()
        if l is None:
            return
        layer = self.last_view.run.net.layer(l)
        current = self.last_view.selection
        i = (
            current.unit
            if current is not None and current.l == l and current.unit is not None
            else 0
        )
        j = (
            current.weight[1]
            if current is not None and current.l == l and current.weight is not None
            else -1
        )
        self.post_message(SelectWeight(l, i, (j + delta) % layer.n_in))
