"""The network editor's checks and keys (new-user audit of the editor): sizes past the memory
limit refused in the form without building the network, no input that crashes the check, the
init's parameter field, numbers written as the lab writes them, and the editor's own keys."""

from __future__ import annotations

import contextlib
import time
import tracemalloc

from panel_harness import PanelApp, make_view
from textual.widgets import Button, Footer, Input, Select, Static

from tui.messages import ApplyNetwork
from tui.panels.network_editor import NetworkEditor
from tui.panels.network_form import NetworkDraft
from tui.panels.network_panel import NetworkPanel


@contextlib.asynccontextmanager
async def opened_editor(scenario: str, size=(80, 24)):
    """(app, pilot, the editor) of a Network panel of ``scenario`` whose Edit… was clicked."""
    app = PanelApp(NetworkPanel(), make_view(scenario))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.click("#network-edit")
        await pilot.pause()
        yield app, pilot, app.screen


def editor_draft(name: str = "xor", overrides=()) -> NetworkDraft:
    """The draft the lab's editor makes for a fresh run of ``name`` (with its memory check)."""
    return NetworkEditor.from_view(make_view(name, overrides=overrides)).draft


def checked(draft: NetworkDraft) -> tuple[list, float, float]:
    """(errors, seconds, peak bytes NumPy and Python allocated) of one ``draft.check()``; its
    seconds are this thread's CPU time, which a loaded machine's pauses (the thread waiting for a
    core) do not add to, as they did to the wall-clock time this measured."""
    tracemalloc.start()
    start = time.thread_time()
    try:
        _, _, errors = draft.check()
    finally:
        seconds = time.thread_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return errors, seconds, peak


def test_a_size_past_the_memory_limit_is_refused_at_its_field_without_building_it():
    """The audit's 1e9 ended the lab with MemoryError, 1e8 took 12 GB: the check built the
    network at every keystroke. Now the size is refused with the estimate ``train`` prints."""
    draft = editor_draft()
    draft.layers[0].size = "10000000"
    errors, _, peak = checked(draft)
    assert [e.field for e in errors] == ["size-1"]
    assert errors[0].message.startswith("network.layers[1].size = 10,000,000 (with 2 inputs)")
    assert "more than the limit of 2 GiB" in errors[0].message
    assert peak < 2**20  # it built 10⁷ × 2 weights (434 MB) before


def test_no_size_typed_crashes_the_check():
    draft = editor_draft()
    for text in ("1e9", "1e300", "9" * 400, "1" + "0" * 20):
        draft.layers[0].size = text
        errors, _, peak = checked(draft)
        assert [e.field for e in errors] == ["size-1"], text
        assert peak < 2**20, text


def test_a_sane_size_is_checked_without_allocating_its_weights():
    """200,000 units fit the limit: accepted, and the check does not draw their weights (it
    drew 200,000 × 2 and 1 × 200,000 at every keystroke)."""
    draft = editor_draft()
    draft.layers[0].size = "4"
    _, small_seconds, _ = checked(draft)
    draft.layers[0].size = "200000"
    errors, seconds, peak = checked(draft)
    assert errors == []
    assert peak < 2**20
    assert seconds < max(0.05, 10 * small_seconds)


def test_the_engines_rules_still_hold_without_building_the_real_sizes():
    draft = editor_draft("xor")
    draft.layers[0].size = "50000"
    draft.layers[0].activation = "softmax"
    _, _, errors = draft.check()
    assert [e.field for e in errors] == ["act-1"] and "output layer" in errors[0].message
    draft.layers[0].activation = "tanh"
    draft.loss = "cross_entropy"
    draft.layers[-1].activation = "softmax"
    _, _, errors = draft.check()  # the data's one output unit: cross_entropy needs 2
    assert errors and "at least 2 output units" in errors[0].message


def test_init_parameters_have_a_field_checked_as_the_scenario_file_checks_them():
    draft = editor_draft("exploding-gradients")
    assert draft.layers[0].init == "normal" and draft.layers[0].param == "0.5"
    network, _, errors = draft.check()
    assert errors == [] and network["layers"][0]["std"] == 0.5
    layer = draft.layers[0]
    layer.set_init("constant")
    assert layer.param == "0"
    layer.param = "0.3"
    network, _, errors = draft.check()
    assert errors == [] and network["layers"][0]["value"] == 0.3
    assert "std" not in network["layers"][0]
    layer.set_init("uniform")
    layer.param = "-1"
    _, _, errors = draft.check()
    assert [e.field for e in errors] == ["param-1"] and "allowed: > 0" in errors[0].message
    layer.param = "wide"
    _, _, errors = draft.check()
    assert [e.field for e in errors] == ["param-1"] and "not a number" in errors[0].message
    layer.set_init("normal")  # back to the table's init: its std again
    assert layer.param == "0.5"


def test_epsilon_reads_as_the_network_panel_writes_it():
    draft = editor_draft("xor", overrides=("training.optimizer=adam",))
    assert draft.values["eps"] == "1e-8"
    network, training, errors = draft.check()
    assert errors == [] and training["eps"] == 1e-8  # the text is the value, exactly


async def test_the_editor_shows_its_own_keys_focuses_the_first_field_and_enter_moves_on():
    async with opened_editor("xor") as (app, pilot, screen):
        assert isinstance(screen, NetworkEditor)
        assert screen.focused is screen.query_one("#size-1", Input)
        keys = {
            (binding.key, binding.description)
            for _, binding, _, _ in screen.active_bindings.values()
            if binding.show
        }
        assert keys == {("escape", "Cancel"), ("ctrl+s", "Apply"), ("tab", "Next field")}
        footer = screen.query_one(Footer)
        assert footer.region.bottom == 24 and footer.region.height >= 1
        await pilot.press("backspace", "6", "enter")
        await pilot.pause()
        assert screen.draft.layers[0].size == "6"
        assert screen.focused is screen.query_one("#act-1", Select)
        assert app.requests(ApplyNetwork) == [] and app.screen is screen


async def test_choosing_an_init_with_a_parameter_shows_its_field():
    async with opened_editor("xor") as (app, pilot, screen):
        assert not screen.query("#param-1")
        screen.query_one("#init-1", Select).value = "normal"
        await pilot.pause()
        field = screen.query_one("#param-1", Input)
        assert field.value == "0.05" and field.region.right <= 80
        field.value = "0"
        await pilot.pause()
        assert field.has_class("refused")
        assert "std" in screen.query_one("#editor-errors", Static).content.plain
        assert screen.query_one("#apply", Button).disabled


async def test_at_80x24_a_long_refusal_leaves_the_buttons_on_screen():
    """The memory refusal takes four rows: with exploding-gradients' eight layers the form
    pushed Apply and Cancel below the screen's edge."""
    async with opened_editor("exploding-gradients") as (app, pilot, screen):
        screen.query_one("#size-1", Input).value = "9999999"
        await pilot.pause()
        errors = screen.query_one("#editor-errors", Static)
        assert "more than the limit" in errors.content.plain
        footer_top = screen.query_one(Footer).region.y
        for button in ("#apply", "#cancel"):
            assert screen.query_one(button, Button).region.bottom <= footer_top, button
        assert errors.region.bottom <= footer_top
