"""The network editor: a modal form over a ``NetworkDraft`` (tui/panels/network_form.py).

Layers can be added (a hidden layer before the output), removed, resized, and given another
activation or init (with its parameter: constant's value, uniform's limit, normal's std); the
loss, the optimizer and its hyper-parameters, η, the batch size and the regularization can be
changed (the values in force, with the changes made while it trained). Every change is checked
at once (``NetworkDraft.check``, which never builds the network it checks): refused fields are
tinted and the reasons listed under the form.

Keys, shown in the editor's own footer: tab / shift+tab and Enter in a field move between
fields; "Apply" (ctrl+s, or Enter on the button) asks the lab to apply the edit when nothing is
refused; "Cancel" (escape) leaves everything as it was. Enter in a field does not apply: after
typing a size, Enter is the habit of "done with this field", and applying the whole form then
rebuilt the network unasked.

On "Apply" the editor stays open and posts ``ApplyNetwork`` with the new ``(network, training)``
sections and where each layer comes from (``draft.origins()``); the lab applies edits of live
settings (η, the batch size, the regularization, the optimizer's hyper-parameters) from the next
step, and rebuilds the network for the others, keeping the weights that fit, asking first when
anything would be lost (``tui.live_actions``). Then it closes the editor, or, when the answer was
No or the edit was refused, hands the editor back (``not_applied``) with the draft as it was and
the refusal shown at its field.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

import engine
from engine import settings
from tui.messages import ApplyNetwork
from tui.panels.network_form import (
    REGULARIZATION_FIELDS,
    FieldError,
    NetworkDraft,
    field_of,
    field_setting,
    init_param,
)
from tui.screens.dialogs import LabModal


def _units(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _options(names) -> list[tuple[str, str]]:
    return [(name, name) for name in names]


def _select(names, value: str, id: str) -> Select:
    """A compact choice among ``names`` (a registry: its choices are the registered names)."""
    return Select(_options(names), value=value, allow_blank=False, compact=True, id=id)


BODY_ROWS = 16  # the form's rows at most (it scrolls)
ERROR_ROWS = 4  # the reasons' rows at most


class NetworkEditor(LabModal[None]):
    """Edit the network and training settings; the lab applies them (module docstring)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", key_display="esc"),
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("tab", "app.focus_next", "Next field"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False),
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
        max-height: 16;  /* BODY_ROWS, less on a short screen (_cover_footer) */
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
    NetworkEditor .layer-row Select {
        width: 14;
    }
    NetworkEditor .layer-row Select.init {
        width: 18;
    }
    NetworkEditor .layer-row Input.param {
        width: 7;
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
        max-height: 4;  /* ERROR_ROWS */
    }
    NetworkEditor #editor-buttons {
        height: 1;
        align-horizontal: right;
        margin-top: 1;
    }
    NetworkEditor #editor-buttons Button {
        margin-left: 2;
    }
    /* the editor's keys cover the lab's footer: as tall as it (two rows when it wraps) */
    NetworkEditor Footer.-two-rows {
        height: 2;
    }
    """

    def __init__(self, draft: NetworkDraft) -> None:
        super().__init__()
        self.draft = draft
        self.errors: list[FieldError] = []
        self.applying = False  # asked the lab to apply: waiting for its answer
        self.refusal: FieldError | None = None  # why the lab did not apply, until the next edit
        self.note = ""  # a line under the form (why nothing was applied)

    @classmethod
    def from_view(cls, view) -> NetworkEditor:
        """An editor on the view's current network and training sections, whose sizes are
        checked against the memory limit with the run's data (as ``train`` and ``open`` do)."""
        # the estimate build_run checks (engine.build), with this run's data: the refusal
        # reads as `train` and `open` print it
        from engine.build import check_memory
        from tui.live_changes import sections_in_force

        run = view.run
        network, training, _ = sections_in_force(view.scenario, run)  # changes made live too
        draft = NetworkDraft.from_sections(
            run.net.n_in, run.net.layers[-1].n_out, run.trainer.n, network, training
        )
        stop = view.scenario.stop

        def memory(specs, checked_training, dtype) -> None:
            check_memory(run.data, specs, checked_training, stop, dtype)

        draft.memory = memory
        return cls(draft)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        draft = self.draft
        with Vertical(id="editor") as editor:
            editor.border_title = "Edit network"
            # not focusable itself: the first field has the focus when the editor opens
            with VerticalScroll(id="editor-body", can_focus=False):
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
                yield Button("Cancel (esc)", id="cancel", compact=True)
                yield Button("Apply (^s)", id="apply", variant="primary", compact=True)
        yield Footer(show_command_palette=False)

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
            widgets[-1].add_class("init")
            key = init_param(layer.init)
            if key is not None:
                widgets += [
                    Label(key),
                    Input(
                        layer.param,
                        id=f"param-{l}",
                        compact=True,
                        classes="param",
                        tooltip=f"init = {layer.init}: {key}",
                        select_on_focus=True,
                    ),
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
        self._cover_footer()

    def on_resize(self) -> None:
        self.call_after_refresh(self._cover_footer)

    def _cover_footer(self) -> None:
        """The editor's footer as tall as the lab's beneath it, whose keys do nothing here; the
        form's body no taller than leaves room for the reasons and the buttons above it."""
        below = [f for s in self.app.screen_stack[:-1] for f in s.query(Footer)]
        two = any(f.has_class("-two-rows") for f in below)
        self.query_one(Footer).set_class(two, "-two-rows")
        # the frame (2), the reasons (up to ERROR_ROWS), the buttons (2), the footer
        room = self.size.height - 2 - ERROR_ROWS - 2 - (2 if two else 1)
        self.query_one("#editor-body").styles.max_height = max(3, min(BODY_ROWS, room))

    def not_applied(self, refusal: str = "", note: str = "") -> None:
        """The lab did not apply the edit: ``refusal`` (why it refused it, shown at its field
        until the next edit) or ``note`` (the user answered No). The draft is as it was."""
        self.applying = False
        self.refusal = FieldError(field_of(refusal), refusal) if refusal else None
        self.note = note
        self._check()
        if refusal:
            self.app.bell()

    def _edited(self) -> None:
        """Any edit: a refusal or note about the draft before it no longer applies."""
        self.refusal, self.note = None, ""
        self._check()

    # --- editing ------------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        key = event.input.id or ""
        if key.startswith("size-"):
            self.draft.layers[int(key.removeprefix("size-")) - 1].size = event.value
        elif key.startswith("param-"):
            self.draft.layers[int(key.removeprefix("param-")) - 1].param = event.value
        else:
            self.draft.values[key] = event.value
        self._edited()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves to the next one (it does not apply: module docstring)."""
        event.stop()
        self.focus_next()

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
            layer = self.draft.layers[int(key.removeprefix("init-")) - 1]
            if value != layer.init:
                taken = init_param(layer.init)
                layer.set_init(value)
                if init_param(value) is not None or taken is not None:  # its field changes
                    self.refusal, self.note = None, ""
                    await self._rebuild_layers()
                    self.query_one(f"#{key}", Select).focus()
                    return
        elif key == "loss":
            self.draft.loss = value
        elif key == "optimizer" and value != self.draft.optimizer:
            self.draft.set_optimizer(value)
            self.refusal, self.note = None, ""
            await self._rebuild_hyper()
            return
        self._edited()

    @on(Checkbox.Changed)
    def _flag_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.draft.flags[event.checkbox.id or ""] = event.value
        self._edited()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        event.stop()
        key = event.button.id or ""
        if key == "add-layer":
            self.draft.add_layer()
            self.refusal, self.note = None, ""
            await self._rebuild_layers()
        elif key.startswith("remove-"):
            self.draft.remove_layer(int(key.removeprefix("remove-")) - 1)
            self.refusal, self.note = None, ""
            await self._rebuild_layers()
        elif key == "apply":
            self.action_apply()
        elif key == "cancel":
            self.action_cancel()

    def action_apply(self) -> None:
        """Ask the lab to apply the new sections (it closes the editor, or hands it back with
        ``not_applied``), or keep the form open and show why not."""
        if self.applying:
            return
        network, training, errors = self._check()
        if errors:
            self.app.bell()
            return
        self.applying = True
        self.query_one("#apply", Button).disabled = True
        self.app.post_message(ApplyNetwork(network, training, self.draft.origins()))

    def action_cancel(self) -> None:
        if not self.applying:
            self.dismiss(None)

    # --- checking -----------------------------------------------------------------------------

    def _check(self) -> tuple[dict, dict, list[FieldError]]:
        """Check the draft; tint the refused fields and list the reasons."""
        network, training, errors = self.draft.check()
        if self.refusal is not None:
            errors = [*errors, self.refusal]
        self.errors = errors
        refused = {e.field for e in errors}
        for widget in self.query("Input, Select"):
            if widget.id:
                widget.set_class(widget.id in refused, "refused")
        lines = [Content(f"✗ {e.message}") for e in errors[:4]]
        if len(errors) > 4:
            lines.append(Content(f"… and {len(errors) - 4} more"))
        if self.note and not errors:
            lines.append(Content.styled(self.note, "$text-muted"))
        self.query_one("#editor-errors", Static).update(Content("\n").join(lines))
        self.query_one("#apply", Button).disabled = bool(errors) or self.applying
        return network, training, errors
