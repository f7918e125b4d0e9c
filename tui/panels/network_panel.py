"""The network panel: the layers as a table, the current layer and phase while stepping.

One row per layer l = 0…L (row 0 is the input): units nˡ, activation σ, how W was initialized,
parameter count, and a marker on the layer the debugger's current event belongs to (forward,
δ, ∂C/∂W, update). Below: loss, optimizer, learning rate, batch size, regularization. Clicking a
layer row selects it for the equation view (``SelectUnit``); "Edit…" opens the network editor,
whose result is posted as ``ApplyNetwork``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.widgets import Button, Static

from engine.debugger.formatting import sup
from engine.settings import LAYER, TRAINING
from tui.messages import ApplyNetwork, SelectUnit
from tui.panels.base import ACCENT, CURRENT_ROW, MUTED, SELECTED, Panel, Show
from tui.panels.format import flow, fmt, fmt_count

EVENT_MARKERS = {
    "step_start": "a step starts",
    "forward": "forward zˡ, aˡ",
    "loss": "loss C and ∇ₐC",
    "delta": "δ backward",
    "gradient": "∂C/∂W backward",
    "clip": "gradient clipping",
    "update": "update Wˡ (pending)",
    "step_end": "step done, updates applied",
}
"""How the current event is named under the table."""

HEADER = ("l", "n", "σ", "init", "params")
ALIGN_RIGHT = (True, True, False, False, True)


def layer_rows(net) -> list[tuple[str, ...]]:
    """The table's cells, row 0 the input: (l, units, activation, init, parameters)."""
    rows = [("0", str(net.n_in), "input", "", "")]
    for layer in net.layers:
        extras = []
        if getattr(layer, "dropout", 0.0):
            extras.append(f"{LAYER['dropout'].shown} {fmt(layer.dropout, 3)}")
        if getattr(layer, "batch_norm", False):
            extras.append(LAYER["batch_norm"].shown)
        act = layer.activation
        name = act.name if act.alpha is None else f"{act.name} α={fmt(act.alpha, 3)}"
        activation = name + (" " + " ".join(extras) if extras else "")
        rows.append(
            (
                str(layer.l),
                str(layer.n_out),
                activation,
                layer.init or "",
                fmt_count(layer.n_params),
            )
        )
    return rows


def event_row(event, L: int) -> tuple[int | None, str] | None:
    """(layer row to highlight or None, what the event is) for the debugger's current event."""
    if event is None or event.kind not in EVENT_MARKERS:
        return None
    l = getattr(event, "l", None)
    if event.kind in ("loss", "clip"):
        l = L
    marker = EVENT_MARKERS[event.kind]
    if l is not None:
        marker = marker.replace("ˡ", sup(l))
    return l, marker


def render_table(rows, current: tuple[int, str] | None, selected: int | None) -> Content:
    """The rows as aligned columns after a marker column: ``▶`` and a highlight on the current
    event's layer, the selected layer in bold; under the table, what the current event is."""
    table = [HEADER] + list(rows)
    widths = [max(len(row[c]) for row in table) for c in range(len(HEADER))]
    lines = []
    for index, row in enumerate(table):
        r = index - 1
        is_current = current is not None and r == current[0]
        cells = [
            cell.rjust(w) if right else cell.ljust(w)
            for cell, w, right in zip(row, widths, ALIGN_RIGHT)
        ]
        text = ("▶ " if is_current else "  ") + " ".join(cells).rstrip()
        if index == 0:
            style = MUTED
        elif is_current:
            style = CURRENT_ROW
        elif selected is not None and r == selected:
            style = SELECTED
        else:
            style = ""
        lines.append(Content.styled(text, style) if style else Content(text))
    if current is not None:
        r, marker = current
        where = f"layer {r}" if r is not None else "step"
        lines.append(Content.assemble((f"now {where}: ", MUTED), (marker, ACCENT)))
    return Content("\n").join(lines)


def optimizer_items(optimizer) -> list[tuple[str, str]]:
    """``[("optimizer", "adam"), ("β₁", "0.9"), ("β₂", "0.999"), ("ε", "1e-8")]``: the name and
    each setting as its own item (so they wrap between settings, never inside one), written as
    the optimizer declares it (``Optimizer.settings``: the symbols of the update equations)."""
    items = [("optimizer", optimizer.name)]
    for s in optimizer.settings:
        value = optimizer.hyper[s.name]
        if isinstance(value, bool):
            if value:  # a flag (nesterov) goes with the name
                items[0] = ("optimizer", f"{items[0][1]} {s.name}")
        else:
            items.append((s.shown, fmt(value)))
    if optimizer.weight_decay:
        items.append((TRAINING["weight_decay"].shown, fmt(optimizer.weight_decay)))
    return items


def training_items(run) -> list[Content]:
    """Loss, optimizer, η, batch size, regularization and parameter count, one item each."""
    net, learner, trainer = run.net, run.learner, run.trainer
    try:
        lr = trainer.lr(learner.t + 1, trainer.epoch)
    except (TypeError, ValueError, ArithmeticError):
        lr = None
    batch = trainer.batch_size
    items = [
        ("loss", net.loss.name),
        *optimizer_items(learner.optimizer),
        (TRAINING["lr"].shown, fmt(lr)),
        (TRAINING["batch_size"].shown, f"full ({batch})" if batch == trainer.n else str(batch)),
    ]
    for name in ("l1", "l2", "clip_value", "clip_norm"):
        value = getattr(learner, name, None)
        if value:  # 0 and None: off
            items.append((TRAINING[name].shown, fmt(value)))
    result = [Content.assemble((f"{key} ", MUTED), value) for key, value in items]
    result.append(Content.assemble(("params ", MUTED), (fmt_count(net.n_params), ACCENT)))
    return result


class LayerTable(Show):
    """The layer table; a click on a layer row selects that layer (``SelectUnit(l)``)."""

    rows = 0

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        l = offset.y - 1  # line 0 is the header, line 1 the input
        if 1 <= l < self.rows:
            event.stop()
            self.post_message(SelectUnit(l, None))


class NetworkPanel(Panel):
    """The layers of the network and its training settings (see the module docstring)."""

    BORDER_TITLE = "Network"
    DEFAULT_CSS = """
    NetworkPanel #network-scroll {
        height: 1fr;
        overflow-x: auto;
    }
    NetworkPanel #network-table {
        width: auto;
    }
    NetworkPanel #network-summary {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="network-scroll", can_focus=False):
            yield LayerTable("", id="network-table")
            yield Show("", id="network-summary")
        with Horizontal(classes="panel-buttons"):
            yield Button("Edit…", id="network-edit", compact=True, tooltip="Edit the network")

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        """Redraw the layer table and the settings line from ``view.run``."""
        self.last_view = view
        net = view.run.net
        self._rows = layer_rows(net)
        current = event_row(view.event, net.L)
        selected = view.selection.l if view.selection is not None else None
        table = self.query_one("#network-table", LayerTable)
        table.rows = len(self._rows)
        table.update(render_table(self._rows, current, selected))
        summary = self.query_one("#network-summary", Static)
        width = max(self.content_region.width, 20)
        summary.update(flow(training_items(view.run), width))
        sizes = " → ".join(str(n) for n in net.sizes)
        self.border_subtitle = sizes if len(sizes) <= 30 else f"{net.L} layers"

    # --- actions ------------------------------------------------------------------------------

    @on(Button.Pressed, "#network-edit")
    def _edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit_network()

    def action_edit_network(self) -> None:
        """Open the network editor on the current sections; post ApplyNetwork on "Apply"."""
        if self.last_view is None:
            return
        from tui.panels.network_editor import NetworkEditor

        view = self.last_view

        def done(result) -> None:
            if result is not None:
                network, training = result
                self.post_message(ApplyNetwork(network, training))

        self.app.push_screen(NetworkEditor.from_view(view), done)
