"""The network editor: a modal form over a ``NetworkDraft`` (tui/panels/network_form.py).

Layers can be added (a hidden layer before the output), removed, resized, and given another
activation or init; the loss, the optimizer and its hyper-parameters, η, the batch size and the
regularization can be changed (the values in force, with the changes made while it trained).
Every change is checked at once: refused fields are tinted and the
reasons listed under the form. "Apply" (or Enter in a field, or ctrl+s) dismisses the screen with
the new ``(network, training)`` sections only when nothing is refused; "Cancel" or Escape leaves
everything as it was. The lab applies edits of live settings (η, the batch size, the
regularization, the optimizer's hyper-parameters) from the next step, and rebuilds the network
for the others, keeping the weights that fit (``draft.origins()``: where each layer comes from).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

import engine
from engine import settings
from tui.panels.network_form import REGULARIZATION_FIELDS, FieldError, NetworkDraft, field_setting
from tui.screens.dialogs import LabModal


def _units(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _options(names) -> list[tuple[str, str]]:
    return [(name, name) for name in names]


def _select(names, value: str, id: str) -> Select:
    """A compact choice among ``names`` (a registry: its choices are the registered names)."""
    return Select(_options(names), value=value, allow_blank=False, compact=True, id=id)


class NetworkEditor(LabModal[tuple[dict, dict] | None]):
    """Edit the network and training settings; dismissed with the sections or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply", priority=True),
    ]
    DEFAULT_CSS = """
    NetworkEditor {
        align: center middle;
    }
    NetworkEditor #editor {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        border-title-color: $text-primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    NetworkEditor #editor-body {
        height: auto;
        max-height: 16;
    }
    NetworkEditor #editor-layers {
        height: auto;
        margin-bottom: 1;
    }
    NetworkEditor .row {
        height: 1;
        width: 1fr;
        margin-bottom: 1;
    }
    NetworkEditor .layer-row {
        margin-bottom: 0;
    }
    NetworkEditor .row Label {
        width: auto;
        padding: 0 1 0 0;
        color: $text-muted;
    }
    NetworkEditor .row .layer-index {
        width: 4;
        color: $text;
    }
    NetworkEditor .row Input {
        width: 10;
        margin-right: 2;
    }
    NetworkEditor .row Select {
        width: 20;
        margin-right: 1;
    }
    /* a compact choice's open list has no border: it read as the rows below it ("l2 32 linear"
       over layer 3's row); a frame tells it apart */
    NetworkEditor .row Select SelectOverlay {
        border: round $accent !important;
        padding: 0;
    }
    NetworkEditor .row Button {
        min-width: 3;
        margin-right: 1;
    }
    NetworkEditor .row Checkbox {
        width: auto;
    }
    NetworkEditor .refused {
        background-tint: $error 30%;
    }
    NetworkEditor .section {
        color: $text-primary;
        text-style: bold;
        height: 1;
    }
    NetworkEditor .note {
        color: $text-muted;
        height: auto;
    }
    NetworkEditor #editor-errors {
        color: $text-error;
        height: auto;
        max-height: 4;
    }
    NetworkEditor #editor-buttons {
        height: 1;
        align-horizontal: right;
        margin-top: 1;
    }
    NetworkEditor #editor-buttons Button {
        margin-left: 2;
    }
    """

    def __init__(self, draft: NetworkDraft) -> None:
        super().__init__()
        self.draft = draft
        self.errors: list[FieldError] = []

    @classmethod
    def from_view(cls, view) -> NetworkEditor:
        """An editor on the view's current network and training sections."""
        from tui.live_changes import sections_in_force

        run = view.run
        network, training, _ = sections_in_force(view.scenario, run)  # changes made live too
        draft = NetworkDraft.from_sections(
            run.net.n_in, run.net.layers[-1].n_out, run.trainer.n, network, training
        )
        return cls(draft)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        draft = self.draft
        with Vertical(id="editor") as editor:
            editor.border_title = "Edit network"
            with VerticalScroll(id="editor-body"):
                yield Static(
                    f"Input: {_units(draft.n_in, 'feature')}. "
                    f"Output: {_units(draft.n_out, 'unit')} (set by the data).",
                    classes="note",
                )
                yield Static("Layers  (size · activation · init)", classes="section")
                yield Vertical(*self._layer_rows(), id="editor-layers")
                with Horizontal(classes="row"):
                    yield Button("+ layer", id="add-layer", compact=True)
                    yield Label("loss")
                    yield _select(engine.LOSSES, draft.loss, "loss")
                yield Static("Training", classes="section")
                with Horizontal(classes="row"):
                    yield Label("optimizer")
                    yield _select(engine.OPTIMIZERS, draft.optimizer, "optimizer")
                    yield from self._field("lr")
                    yield Label(settings.TRAINING["batch_size"].shown)
                    yield self._input("batch_size")
                with Horizontal(classes="row"):
                    for key in REGULARIZATION_FIELDS:
                        yield from self._field(key)
                yield Horizontal(*self._hyper_widgets(), id="editor-hyper", classes="row")
            yield Static("", id="editor-errors")
            with Horizontal(id="editor-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button(
                    "Apply", id="apply", variant="primary", compact=True, tooltip="Enter or ctrl+s"
                )

    def _field(self, key: str) -> list:
        """A training number's label (its symbol or short name) and field."""
        return [Label(field_setting(key, self.draft.optimizer).shown), self._input(key)]

    def _input(self, key: str) -> Input:
        if key == "batch_size":
            label = 'batch size: "full" or a number of examples'
        else:
            s = field_setting(key, self.draft.optimizer)
            default = "" if s.default is None else f"; default {s.default:g}"
            label = f"{s.title}: {s.meaning} ({s.allowed()}{default})"
        return Input(
            self.draft.values.get(key, ""),
            id=key,
            compact=True,
            tooltip=label,
            select_on_focus=True,
        )

    def _layer_rows(self) -> list[Horizontal]:
        rows = []
        L = len(self.draft.layers)
        for l, layer in enumerate(self.draft.layers, start=1):
            output = l == L
            widgets = [
                Label(f"l{l}", classes="layer-index"),
                Input(
                    layer.size,
                    id=f"size-{l}",
                    compact=True,
                    disabled=output,
                    tooltip="output units are set by the data" if output else "units nˡ",
                ),
                _select(engine.ACTIVATIONS, layer.activation, f"act-{l}"),
                _select(engine.INITIALIZERS, layer.init, f"init-{l}"),
            ]
            if output:
                widgets.append(Label("output"))
            else:
                widgets.append(
                    Button("✕", id=f"remove-{l}", compact=True, tooltip=f"remove layer {l}")
                )
            rows.append(Horizontal(*widgets, classes="row layer-row"))
        return rows

    def _hyper_widgets(self) -> list:
        widgets: list = [Label(f"{self.draft.optimizer}:")]
        fields = self.draft.hyper_fields()
        for key in fields:
            widgets += self._field(key)
        own = self.draft.own_settings()
        for key in self.draft.flag_fields():
            widgets.append(
                Checkbox(
                    key,
                    self.draft.flags[key],
                    id=key,
                    compact=True,
                    tooltip=f"{own[key].title}: {own[key].meaning}",
                )
            )
        if not fields and not self.draft.flag_fields():
            widgets.append(Label("no hyper-parameters"))
        return widgets

    async def _rebuild_layers(self) -> None:
        container = self.query_one("#editor-layers", Vertical)
        await container.remove_children()
        await container.mount_all(self._layer_rows())
        self._check()

    async def _rebuild_hyper(self) -> None:
        container = self.query_one("#editor-hyper", Horizontal)
        await container.remove_children()
        await container.mount_all(self._hyper_widgets())
        self._check()

    def on_mount(self) -> None:
        self._check()

    # --- editing ------------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        key = event.input.id or ""
        if key.startswith("size-"):
            self.draft.layers[int(key.removeprefix("size-")) - 1].size = event.value
        else:
            self.draft.values[key] = event.value
        self._check()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field applies, as the Apply button does."""
        event.stop()
        self.action_apply()

    @on(Select.Changed)
    async def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        key = event.select.id or ""
        value = event.value
        if not isinstance(value, str):  # Select.NULL: nothing chosen (every option is a name)
            return
        if key.startswith("act-"):
            self.draft.layers[int(key.removeprefix("act-")) - 1].activation = value
        elif key.startswith("init-"):
            self.draft.layers[int(key.removeprefix("init-")) - 1].init = value
        elif key == "loss":
            self.draft.loss = value
        elif key == "optimizer" and value != self.draft.optimizer:
            self.draft.set_optimizer(value)
            await self._rebuild_hyper()
            return
        self._check()

    @on(Checkbox.Changed)
    def _flag_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.draft.flags[event.checkbox.id or ""] = event.value
        self._check()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        event.stop()
        key = event.button.id or ""
        if key == "add-layer":
            self.draft.add_layer()
            await self._rebuild_layers()
        elif key.startswith("remove-"):
            self.draft.remove_layer(int(key.removeprefix("remove-")) - 1)
            await self._rebuild_layers()
        elif key == "apply":
            self.action_apply()
        elif key == "cancel":
            self.action_cancel()

    def action_apply(self) -> None:
        """Dismiss with the new sections, or keep the form open and show why not."""
        network, training, errors = self._check()
        if errors:
            self.app.bell()
            return
        self.dismiss((network, training))

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- checking -----------------------------------------------------------------------------

    def _check(self) -> tuple[dict, dict, list[FieldError]]:
        """Check the draft; tint the refused fields and list the reasons."""
        network, training, errors = self.draft.check()
        self.errors = errors
        refused = {e.field for e in errors}
        for widget in self.query("Input, Select"):
            if widget.id:
                widget.set_class(widget.id in refused, "refused")
        lines = [Content(f"✗ {e.message}") for e in errors[:4]]
        if len(errors) > 4:
            lines.append(Content(f"… and {len(errors) - 4} more"))
        self.query_one("#editor-errors", Static).update(Content("\n").join(lines))
        self.query_one("#apply", Button).disabled = bool(errors)
        return network, training, errors
