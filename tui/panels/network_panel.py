"""The network panel: a picture of the network (``network_picture``) or its layer table.

The picture is the default view: units as nodes in columns, weights as edges, following the
debugger's current event; ``t`` (or the "Table" button, or the command palette) switches to the
layer table (``layer_table``) and back. Below either: loss, optimizer, learning rate, batch
size, regularization. Clicking a unit, a weight or a layer row selects it for the equation view
(``SelectUnit`` / ``SelectWeight``); "Edit…" opens the network editor, which posts its edit as
``ApplyNetwork``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from engine.settings import TRAINING
from tui.panels.base import ACCENT, MUTED, Panel, Show, set_border_label
from tui.panels.format import flow, fmt, fmt_count
from tui.panels.layer_table import LayerTable, event_row, layer_rows, render_table
from tui.panels.network_picture import NetworkPicture
from tui.view import LabView, rate_in_force


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


def training_items(view) -> list[Content]:
    """Loss, optimizer, η in force (``rate_in_force``: the next step's), batch size,
    regularization and parameter count, one item each."""
    run = view.run
    net, learner, trainer = run.net, run.learner, run.trainer
    try:
        lr = rate_in_force(view)
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


class NetworkPanel(Panel):
    """The picture or the layer table, and the training settings (see the module docstring)."""

    last_view: LabView | None

    BORDER_TITLE = "Network"
    DEFAULT_CSS = """
    NetworkPanel #network-scroll {
        height: 1fr;
        overflow-x: auto;
        display: none;
    }
    NetworkPanel.-table #network-scroll {
        display: block;
    }
    NetworkPanel.-table #network-picture, NetworkPanel.-table #network-caption {
        display: none;
    }
    NetworkPanel #network-caption {
        height: auto;
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
        self.table_shown = False

    def compose(self) -> ComposeResult:
        yield NetworkPicture(id="network-picture")
        yield Show("", id="network-caption")
        with VerticalScroll(id="network-scroll", can_focus=False):
            yield LayerTable("", id="network-table")
        yield Show("", id="network-summary")
        with Horizontal(classes="panel-buttons"):
            yield Button("Edit…", id="network-edit", compact=True, tooltip="Edit the network")
            yield Button(
                "Table", id="network-view", compact=True, tooltip="Picture / layer table (t)"
            )

    def toggle_view(self) -> None:
        """Switch between the picture and the layer table."""
        self.table_shown = not self.table_shown
        self.set_class(self.table_shown, "-table")
        button = self.query_one("#network-view", Button)
        button.label = "Picture" if self.table_shown else "Table"
        button.refresh(layout=True)  # its width is its label's: "Picture" was cut to "Pictu"
        if self.last_view is not None:
            self.call_after_refresh(self._redraw)  # the shown view has its size then

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        """Redraw the picture or the layer table, and the settings line, from ``view.run``."""
        self.last_view = view
        net = view.run.net
        width = self.content_region.width
        self.waiting_for_size = not width  # before the first layout: drawn at the first resize
        if self.waiting_for_size:
            return
        if self.table_shown:
            self._rows = layer_rows(net)
            current = event_row(view.event, net.L)
            selected = view.selection.l if view.selection is not None else None
            table = self.query_one("#network-table", LayerTable)
            table.rows = len(self._rows)
            table.update(render_table(self._rows, current, selected, width))
        else:
            picture = self.query_one("#network-picture", NetworkPicture)
            self.waiting_for_size = not picture.refresh_view(view)
            self.query_one("#network-caption", Static).update(picture.caption)
        summary = self.query_one("#network-summary", Static)
        summary.update(flow(training_items(view), width))
        sizes = " → ".join(str(n) for n in net.sizes)
        set_border_label(self, "border_subtitle", sizes if len(sizes) <= 30 else f"{net.L} layers")

    # --- actions ------------------------------------------------------------------------------

    @on(Button.Pressed, "#network-view")
    def _view_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.toggle_view()

    @on(Button.Pressed, "#network-edit")
    def _edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit_network()

    def action_edit_network(self, view=None) -> None:
        """Open the network editor on the current sections (``view``'s, by default the one last
        drawn); its "Apply" posts ApplyNetwork (tui/panels/network_editor.py)."""
        view = view or self.last_view
        if view is None:
            return
        from tui.panels.network_editor import NetworkEditor

        self.app.push_screen(NetworkEditor.from_view(view))
