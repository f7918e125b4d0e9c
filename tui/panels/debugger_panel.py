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
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tui.messages import DebugCommand, SelectUnit, SelectWeight
from tui.panels.base import ACCENT, MUTED, Panel
from tui.panels.format import array_lines, array_summary, fmt, styled_number

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
ARRAY_ROWS = 6
ARRAY_COLS = 6


def position_line(view) -> Content:
    """Step, epoch, batch, phase, layer and event of the current position."""
    run = view.run
    trainer = run.trainer
    event = view.event
    parts: list = []
    if event is None:
        parts += [
            ("step ", MUTED),
            str(trainer.steps_done),
            ("  epoch ", MUTED),
            str(max(trainer.epoch, 1)),
            ("  batch ", MUTED),
            f"{trainer.batch}/{trainer.batches_per_epoch}",
            ("  between steps", MUTED),
        ]
        return Content.assemble(*parts)
    step = getattr(event, "step", None)
    step = step if step is not None else trainer.steps_done + 1
    epoch = getattr(event, "epoch", None) or _position(view, "epoch", trainer.epoch)
    batch = getattr(event, "batch", None) or _position(view, "batch", trainer.batch)
    parts += [
        ("step ", MUTED),
        str(step),
        ("  epoch ", MUTED),
        str(epoch),
        ("  batch ", MUTED),
        f"{batch}/{trainer.batches_per_epoch}",
        ("  phase ", MUTED),
        (event.phase, ACCENT),
    ]
    l = getattr(event, "l", None)
    if l is not None:
        parts += [("  layer ", MUTED), (str(l), ACCENT)]
    parts += [("  event ", MUTED), (event.kind, ACCENT)]
    return Content.assemble(*parts)


def _position(view, name: str, default):
    """A counter from the controller's position, when it keeps one, else ``default``."""
    position = getattr(view.controller, "position", None)
    value = getattr(position, name, None)
    return value if value is not None else default


def event_arrays(event) -> Content:
    """The event's scalar fields and arrays: name, summary, numbers (corners of large ones)."""
    if event is None:
        return Content.styled("No event: step (s) to enter a training step.", MUTED)
    lines: list[Content] = [Content.styled(EVENT_TITLES.get(event.kind, event.kind), ACCENT)]
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
        label = ARRAY_NAMES.get(name, name)
        lines.append(Content.assemble((label, "bold"), "  ", (array_summary(array), MUTED)))
        lines.extend(array_lines(array, ARRAY_ROWS, ARRAY_COLS))
    stats = getattr(event, "stats", None)
    if stats:
        lines.append(Content.styled("per-layer statistics", "bold"))
        for s in stats:
            lines.append(
                Content.assemble(
                    (f"l{s.l} ", MUTED),
                    ("‖∂C/∂W‖ ", MUTED),
                    styled_number(s.grad_norm),
                    ("  mean|δ| ", MUTED),
                    styled_number(s.delta_mean_abs),
                    ("  ‖ΔW‖/‖W‖ ", MUTED),
                    styled_number(s.update_ratio),
                )
            )
    return Content("\n").join(lines)


def explanation(view) -> Content:
    """The equation with numbers for the selection at the current event (from the debugger)."""
    event = view.event
    if event is None:
        return Content.styled("Step into a training step to see its equations.", MUTED)
    explain = getattr(view.controller, "explain", None)
    if explain is None:
        return Content.styled("No explanations from this debugger.", MUTED)
    selection = view.selection
    try:
        result = explain(selection)
    except Exception as e:  # the debugger says why it cannot explain here
        return Content.styled(str(e), MUTED)
    if result is None:
        return Content.styled("Nothing to explain at this event.", MUTED)
    return Content(str(result))


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
        height: 1;
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
    """

    can_focus = True

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)

    def compose(self) -> ComposeResult:
        yield Static("", id="debugger-position")
        with Horizontal(id="debugger-buttons", classes="panel-buttons"):
            for name, label, key, what in COMMAND_BUTTONS:
                yield Button(label, id=f"debug-{name}", compact=True, tooltip=f"{what} ({key})")
        with Horizontal(id="debugger-body"):
            with VerticalScroll(id="debugger-arrays"):
                yield Static("", id="debugger-event")
            with VerticalScroll(id="debugger-side"):
                yield Static("Equation", classes="debugger-title")
                yield Static("", id="debugger-equation")
                yield Static("Pending update", classes="debugger-title")
                yield Static("", id="debugger-update")
                yield Static("Breakpoints", classes="debugger-title")
                yield Static("", id="debugger-breakpoints")

    @on(Button.Pressed)
    def _command(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("debug-")
        if any(name == command for command, *_ in COMMAND_BUTTONS):
            event.stop()
            self.post_message(DebugCommand(name))

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        self.last_view = view
        self.query_one("#debugger-position", Static).update(position_line(view))
        self.query_one("#debugger-event", Static).update(event_arrays(view.event))
        self.query_one("#debugger-equation", Static).update(explanation(view))
        self.query_one("#debugger-update", Static).update(pending_update(view))
        self.query_one("#debugger-breakpoints", Static).update(breakpoint_lines(view))
        running = view.status == "running"
        self.query_one("#debug-continue", Button).display = not running
        self.query_one("#debug-pause", Button).display = running
        if view.status == "diverged":
            self.border_subtitle = "diverged"
        else:
            self.border_subtitle = view.status

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
