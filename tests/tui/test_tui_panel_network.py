"""The network panel and its editor: the layer table (behind ``t``), the current layer, inline
validation. The picture, the panel's default view, is tested in test_tui_panel_picture.py."""

from __future__ import annotations

import dataclasses

import pytest
from panel_harness import PanelApp, event_at, make_view
from textual.widgets import Button, Input, Select, Static

from scenarios import build_run, load_scenario, preset_names
from scenarios.loader import validate_document
from tui.messages import ApplyNetwork, SelectUnit
from tui.panels.base import CURRENT_ROW
from tui.panels.network_editor import NetworkEditor
from tui.panels.network_form import NetworkDraft
from tui.panels.network_panel import NetworkPanel


async def show_table(app, pilot) -> None:
    """Switch the panel from the picture to the layer table, as ``t`` or its button does."""
    await pilot.click("#network-view")
    await pilot.pause()
    assert app.panel.table_shown


def table_rows(app) -> list[list[str]]:
    content = app.query_one("#network-table", Static).content
    return [line.split() for line in content.plain.splitlines()]


async def test_table_shows_every_layer_with_size_activation_init_and_parameters():
    view = make_view("xor")
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await show_table(app, pilot)
        rows = table_rows(app)
        assert rows[1][:3] == ["0", "2", "input"]
        assert rows[2] == ["1", "4", "tanh", "xavier_uniform", "12"]
        assert rows[3] == ["2", "1", "sigmoid", "xavier_uniform", "5"]
        summary = app.query_one("#network-summary", Static).content.plain
        assert "loss bce" in summary and "params 17" in summary and "η 1" in summary


async def test_current_layer_and_phase_are_highlighted_while_stepping():
    view = make_view("xor")
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await show_table(app, pilot)
        events = event_at(view, "delta", 1)
        app.panel.refresh_view(view)
        content = app.query_one("#network-table", Static).content
        lines = content.plain.splitlines()
        assert lines[2].startswith("▶ ") and lines[-1] == "now layer 1: δ backward"
        assert all("▶" not in line for line in lines[:2] + lines[3:])
        start = content.plain.index(lines[2])
        assert any(
            span.start <= start < span.end and span.style == CURRENT_ROW for span in content.spans
        )
        events.close()


async def test_clicking_a_layer_row_selects_it():
    view = make_view("xor")
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await show_table(app, pilot)
        await pilot.click("#network-table", offset=(2, 3))  # line 3: layer 2
        await pilot.pause()
        assert [(m.l, m.index) for m in app.requests(SelectUnit)] == [(2, None)]


async def open_editor(app, pilot) -> NetworkEditor:
    await pilot.click("#network-edit")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, NetworkEditor)
    return screen


async def set_input(pilot, screen, field: str, text: str) -> None:
    widget = screen.query_one(f"#{field}", Input)
    widget.value = text
    await pilot.pause()


REFUSALS = [
    ("size-1", "0", "layer 1 size: '0' refused — must be a whole number ≥ 1"),
    ("size-1", "four", "layer 1 size: 'four' refused — must be a whole number ≥ 1"),
    ("lr", "-0.5", "learning rate η: -0.5 refused — must be > 0"),
    ("lr", "0", "learning rate η: 0 refused — must be > 0"),
    ("lr", "fast", "learning rate η: 'fast' refused — not a number"),
    ("l2", "-1", "L2 penalty λ₂: -1 refused — must be ≥ 0"),
    ("batch_size", "99", "batch size: '99' refused"),
]


async def test_editor_refuses_bad_fields_with_a_visible_reason():
    """One editor, each bad value in turn (then put back): reason shown, field tinted, Apply
    disabled and refused from the keyboard, no ApplyNetwork, the network unchanged."""
    view = make_view("xor")
    net = view.run.net
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_editor(app, pilot)
        for field, text, reason in REFUSALS:
            widget = screen.query_one(f"#{field}", Input)
            good = widget.value
            await set_input(pilot, screen, field, text)
            errors = screen.query_one("#editor-errors", Static).content.plain
            assert reason in errors, (field, text, errors)
            assert widget.has_class("refused"), field
            assert screen.query_one("#apply", Button).disabled, field
            widget.focus()
            await pilot.press("ctrl+s")  # applying from the keyboard is refused too
            await pilot.pause()
            assert isinstance(app.screen, NetworkEditor), field
            await set_input(pilot, screen, field, good)
            assert screen.query_one("#editor-errors", Static).content.plain == "", field
            assert not widget.has_class("refused"), field
        assert app.requests(ApplyNetwork) == []
        assert view.run.net is net and net.sizes == [2, 4, 1]


async def test_editor_at_80x24_fits_and_cancel_posts_nothing():
    view = make_view("xor")
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await open_editor(app, pilot)
        editor = screen.query_one("#editor")
        assert editor.region.width <= 80 and editor.region.height <= 24
        assert screen.query_one("#apply", Button).region.bottom <= 24
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NetworkEditor)
        assert app.requests(ApplyNetwork) == []


async def test_editor_applies_resize_add_layer_activation_and_training_settings():
    view = make_view("xor")
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_editor(app, pilot)
        await set_input(pilot, screen, "size-1", "8")
        await pilot.click("#add-layer")
        await pilot.pause()
        screen.query_one("#act-2", Select).value = "relu"
        await pilot.pause()
        screen.query_one("#optimizer", Select).value = "adam"
        await pilot.pause()
        await set_input(pilot, screen, "lr", "0.01")
        await set_input(pilot, screen, "beta1", "0.8")
        await set_input(pilot, screen, "l2", "1e-4")
        assert screen.query_one("#editor-errors", Static).content.plain == ""
        screen.query_one("#l2", Input).focus()
        await pilot.press("enter")  # Enter in a field moves on: it does not apply
        await pilot.pause()
        assert app.requests(ApplyNetwork) == [] and screen.focused is not None
        assert screen.focused.id == "weight_decay"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # the editor stays open, Apply disabled, until the lab answers (test_tui_app_live.py)
        assert app.screen is screen and screen.query_one("#apply", Button).disabled
        (applied,) = app.requests(ApplyNetwork)
        layers = applied.network["layers"]
        assert [t["size"] for t in layers] == [8, 8, 1]
        assert [t["activation"] for t in layers] == ["tanh", "relu", "sigmoid"]
        assert applied.network["loss"] == "bce"
        training = applied.training
        assert training["optimizer"] == "adam" and training["lr"] == 0.01
        assert training["beta1"] == 0.8 and training["l2"] == 1e-4
        assert training["epochs"] == view.scenario.training["epochs"]  # kept as it was
    # the sections validate as a scenario file's would, and build the network asked for
    sc = view.scenario
    document = {
        **{k: getattr(sc, k) for k in ("name", "title", "summary", "lesson", "seed")},
        **{k: getattr(sc, k) for k in ("data", "schedule", "stop")},
        "network": applied.network,
        "training": applied.training,
    }
    sections = validate_document(document, "edited")
    run = build_run(dataclasses.replace(sc, **sections))
    assert run.net.sizes == [2, 8, 8, 1] and run.learner.optimizer.name == "adam"
    assert run.learner.l2 == 1e-4


def test_draft_reports_the_engines_objection_to_softmax_in_a_hidden_layer():
    view = make_view("xor")
    sc = view.scenario
    draft = NetworkDraft.from_sections(2, 1, 4, sc.network, sc.training)
    draft.layers[0].activation = "softmax"
    _, _, errors = draft.check()
    assert [e.field for e in errors] == ["act-1"]
    assert "softmax" in errors[0].message and "output layer" in errors[0].message


def test_draft_drops_explicit_weights_when_the_shape_changes():
    network = {
        "loss": "mse",
        "layers": [
            {"size": 2, "activation": "sigmoid", "weights": [[0.1, 0.2], [0.3, 0.4]]},
            {"size": 1, "activation": "sigmoid", "weights": [[0.5, 0.6]], "bias": [0.1]},
        ],
    }
    draft = NetworkDraft.from_sections(2, 1, 4, network, {"optimizer": "sgd", "lr": 0.5})
    network_ok, _, errors = draft.check()
    assert errors == [] and network_ok["layers"][1]["weights"] == [[0.5, 0.6]]
    draft.layers[0].size = "3"
    network_new, _, errors = draft.check()
    assert errors == []
    assert "weights" not in network_new["layers"][0] and "weights" not in network_new["layers"][1]
    assert network_new["layers"][1]["bias"] == [0.1]  # b's shape (1,) did not change


@pytest.mark.parametrize("name", preset_names())
def test_an_unchanged_draft_of_every_preset_is_valid_and_validates_again(name):
    sc = load_scenario(name)
    run = build_run(sc)
    draft = NetworkDraft.from_sections(
        run.net.n_in, run.net.layers[-1].n_out, run.trainer.n, sc.network, sc.training
    )
    network, training, errors = draft.check()
    assert errors == []
    document = {
        **{k: getattr(sc, k) for k in ("name", "title", "summary", "lesson", "seed")},
        **{k: getattr(sc, k) for k in ("data", "schedule", "stop")},
        "network": network,
        "training": training,
    }
    if sc.compare is not None:  # the lesson's lab:compare needs it
        document["compare"] = sc.compare
    if sc.exercises:  # and its lab:exercise/N these
        document["exercises"] = sc.exercises
    sections = validate_document(document, name)
    assert sections["network"] == sc.network  # nothing lost or changed on the way
    assert sections["training"] == sc.training


@pytest.mark.parametrize(
    "name,settings,expected",
    [
        ("adam", {}, "optimizer adam β₁ 0.9 β₂ 0.999 ε 1e-8"),
        ("momentum", {"nesterov": True}, "optimizer momentum nesterov μ 0.9"),
        ("momentum", {}, "optimizer momentum μ 0.9"),
        ("sgd", {"weight_decay": 0.01}, "optimizer sgd decay 0.01"),
    ],
)
def test_optimizer_settings_are_items_with_their_symbols(name, settings, expected):
    from engine.optimizers import make_optimizer
    from tui.panels.network_panel import optimizer_items

    items = optimizer_items(make_optimizer(name, **settings))
    assert " ".join(f"{key} {value}" for key, value in items) == expected


@pytest.mark.parametrize("size", [(40, 24), (80, 24)])
async def test_the_summary_never_splits_an_item_and_fits_the_panel(size):
    view = make_view("spiral")  # adam: the longest optimizer settings
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        summary = app.query_one("#network-summary", Static).content.plain.splitlines()
        text = "  ".join(summary)
        for item in ("optimizer adam", "β₁ 0.9", "β₂ 0.999", "ε 1e-8", "η 0.01", "batch 32"):
            assert item in text
        assert all(len(line) <= size[0] - 4 for line in summary)


def test_every_current_event_line_fits_a_grid_cell():
    """'now layer 12: …' under the table stays within the 36 columns of a 120x40 cell."""
    from tui.panels.layer_table import EVENT_MARKERS

    for kind, marker in EVENT_MARKERS.items():
        where = "step" if kind in ("step_start", "step_end") else "layer 12"
        assert len(f"now {where}: {marker.replace('ˡ', '¹²')}") <= 36, marker


async def test_an_open_choice_in_the_editor_is_framed_apart_from_the_rows_below():
    """A compact Select's open list had no border: over the layer rows below it, its options
    read as those rows ("l2 32 linear", new-user audit). It is framed."""
    from textual.widgets._select import SelectOverlay

    view = make_view("vanishing-gradients")
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_editor(app, pilot)
        choice = screen.query_one("#init-1", Select)
        choice.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = choice.query_one(SelectOverlay)
        assert overlay.display and overlay.region.height > 2
        assert all(edge[0] not in ("", "none", "hidden") for edge in overlay.styles.border)
