"""Opening scenarios (the picker, a file, a bad file), editing the network, and divergence."""

from __future__ import annotations

from textual.widgets import Markdown, OptionList

from scenarios import load_scenario, preset_names
from tui import messages
from tui.screens.dialogs import ConfirmDialog, ErrorDialog
from tui.screens.picker import ScenarioPicker

WIDE = (120, 40)


async def laid_out_dialog(pilot, tries: int = 200) -> ErrorDialog:
    """The ``ErrorDialog`` on the screen once its layout has settled: every widget's region and
    the scrolling part's height the same on two looks 0.05 s apart. The gradient check's report
    is computed in a worker and laid out after the action returns; a fixed 0.3 s was not always
    enough on a loaded machine (the report not yet scrollable, OK below the screen)."""
    app, last = pilot.app, None
    for _ in range(tries):
        await pilot.pause(0.05)
        dialog = app.screen
        if isinstance(dialog, ErrorDialog):
            scroll = dialog.query_one(".dialog-scroll")
            layout = [w.region for w in dialog.query("*")] + [scroll.max_scroll_y]
            if layout == last:
                return dialog
            last = layout
    raise AssertionError(f"no settled ErrorDialog (screen: {app.screen})")


async def open_picker(pilot) -> tuple[OptionList, list[str | None]]:
    """Press o; the picker's list and its options' ids (the presets' names)."""
    await pilot.press("o")
    await pilot.pause()
    options = pilot.app.screen.query_one(OptionList)
    return options, [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_o_opens_the_picker_with_every_preset_and_its_lesson(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioPicker)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == preset_names()
        assert options.highlighted == ids.index("xor")  # the current one
        page = app.screen.query_one("#picker-page", Markdown)
        xor = load_scenario("xor")
        assert xor.title in page.source and xor.summary.split(".")[0] in page.source
        await pilot.press("up")
        await pilot.pause()
        other = load_scenario(ids[ids.index("xor") - 1])
        assert other.title in app.screen.query_one("#picker-page", Markdown).source
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.scenario.name == "xor"


async def test_typing_in_the_picker_fills_its_field_and_enter_opens_what_it_names(lab_app):
    """Typed text went nowhere while the list had the focus (Tab reached the lesson's pane,
    not the field): now a character goes into the field, which takes the focus; a preset's
    name works there as a path does."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        field = app.screen.query_one("#picker-path")
        assert app.screen.query_one(OptionList).has_focus
        await pilot.press(*"spiral")
        await pilot.pause()
        assert field.has_focus and field.value == "spiral"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ScenarioPicker | ErrorDialog)
        assert app.session.scenario.name == "spiral"


async def test_the_pickers_own_keys_still_work_with_the_typing(lab_app):
    """Arrows and enter choose in the list; "/" goes into the field like any character (it
    focused the field without typing itself, and an absolute path lost its first "/")."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        options, ids = await open_picker(pilot)
        await pilot.press("up")
        await pilot.pause()
        assert options.highlighted == ids.index("xor") - 1
        await pilot.press(*"/tmp/a")  # quickly, as a person types a path
        await pilot.pause()
        field = app.screen.query_one("#picker-path")
        assert field.has_focus and field.value == "/tmp/a"
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.scenario.name == "xor"


async def test_a_path_that_cannot_be_opened_keeps_the_picker_and_the_text_typed(lab_app, tmp_path):
    """A typed path that could not be opened closed the picker and said so in a dialog: the
    path was lost, to be typed again from the start. The reason now shows under the field,
    which keeps the text; editing it clears the reason, and a good path opens."""
    from textual.widgets import Static

    missing = tmp_path / "mine.toml"
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        picker = app.screen
        await pilot.press(*str(missing), "enter")
        await pilot.pause(0.2)
        assert app.screen is picker and isinstance(picker, ScenarioPicker)
        field, error = picker.query_one("#picker-path"), picker.query_one("#picker-error", Static)
        assert field.value == str(missing) and field.has_focus
        assert error.display and "does not exist" in str(error.render())
        assert str(missing) in str(error.render())
        missing.write_text(
            load_scenario("spiral").source.replace('name = "spiral"', 'name = "mine"')
        )
        await pilot.press("end", "backspace", "l")  # an edit: the old reason goes
        await pilot.pause()
        assert not error.display
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ScenarioPicker | ErrorDialog)
        assert app.session.scenario.name == "mine"


async def test_at_80x24_every_preset_name_in_the_picker_is_on_one_line(lab_app):
    """At 80×24 the list scrolls, and its scrollbar took two of the 32 cells a name had:
    'exploding-fixed-clipping-xavier' read 'exploding-fixed-clipping-xavie' over 'r'."""
    app = lab_app("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.max_scroll_y > 0  # the scrollbar is there
        longest = max(len(name) for name in preset_names())
        assert longest <= options.scrollable_content_region.width
        await pilot.press("escape")


def test_the_pickers_preview_shows_a_lessons_actions_as_their_text():
    """In the picker a lesson's lab: links do nothing, so they read as [text], not as links."""
    from tui.screens.picker import describe

    lesson = load_scenario("vanishing-gradients").lesson
    assert "](lab:" in lesson
    _, page = describe("vanishing-gradients")
    assert "lab:" not in page and "[" in page


async def test_picking_a_scenario_loads_its_network_data_and_settings(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        options, ids = await open_picker(pilot)
        options.highlighted = ids.index("spiral")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        spiral = load_scenario("spiral")
        session = app.session
        assert session.scenario.name == "spiral"
        assert [layer.n_out for layer in session.run.net.layers] == [
            t["size"] for t in spiral.network["layers"]
        ]
        assert session.run.data.n_train + session.run.data.n_val == spiral.data["n"]
        assert session.run.learner.optimizer.name == spiral.training["optimizer"]
        assert session.view.generation == 1
        assert session.controller.position.step == 1


async def test_opening_another_scenario_after_training_asks_first(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        app.open_scenario("linear-regression")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert app.session.scenario.name == "xor"
        app.open_scenario("linear-regression")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert app.session.scenario.name == "linear-regression"


async def test_a_scenario_with_preset_breakpoints_stops_at_them(lab_app, settle, tmp_path):
    source = load_scenario("xor").source + '\n[[breakpoints]]\nat = "update@2"\n'
    path = tmp_path / "xor-break.toml"
    path.write_text(source)
    app = lab_app(str(path))
    async with app.run_test(size=WIDE) as pilot:
        specs = [bp.spec() for bp in app.session.controller.breakpoints]
        assert "update@2" in specs
        await pilot.press("space")
        await settle(pilot)
        assert app.session.view.status == "paused"
        assert app.session.controller.position.event_name() == "Update(l=2)"
        assert "Breakpoint 1" in app.session.view.message


async def test_a_bad_scenario_file_shows_an_error_and_keeps_the_lab(lab_app, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "broken"\n[network\n')
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        app.open_scenario(str(path))
        await pilot.pause(0.2)
        assert isinstance(app.screen, ErrorDialog)
        assert "broken.toml" in app.screen.message and "line 2" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.scenario.name == "xor"


async def test_editing_a_layer_rebuilds_the_network(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        network = dict(app.session.scenario.network)
        network["layers"] = [dict(network["layers"][0], size=6), dict(network["layers"][1])]
        training = dict(app.session.scenario.training, lr=0.5)
        app.post_message(messages.ApplyNetwork(network, training))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # one step of training would be lost
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        run = app.session.run
        assert [layer.n_out for layer in run.net.layers] == [6, 1]
        assert run.learner.net is run.net and run.trainer.steps_done == 0
        assert run.schedule(1, 1) == 0.5
        assert app.session.view.generation == 1


async def test_an_invalid_edit_is_refused_and_the_network_kept(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        before = app.session
        network = dict(before.scenario.network)
        network["layers"] = [dict(network["layers"][0], size=0), dict(network["layers"][1])]
        app.post_message(messages.ApplyNetwork(network, dict(before.scenario.training)))
        await pilot.pause(0.2)
        assert isinstance(app.screen, ErrorDialog)
        assert "network.layers[1].size" in app.screen.message
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is before
        assert app.session.run.net.layer(1).n_out == 4


async def test_a_diverging_run_pauses_and_says_where(lab_app, settle):
    app = lab_app("exploding-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("space")
        await settle(pilot)
        view = app.session.view
        assert view.status == "diverged"
        assert view.message.startswith("Diverged at step")
        position = app.session.controller.position
        assert f"layer {position.layer}" in view.message
        # the status line tells, and no panel draws a NaN as a number
        assert "diverged" in str(app.status_bar.line.render())
        await pilot.press("space")  # running again is refused with the explanation
        await settle(pilot)
        assert app.session.view.status == "diverged"
        assert app.session.controller.position == position


async def test_evaluation_overflow_is_reported_as_divergence(lab_app, settle):
    app = lab_app("learning-rate-too-high")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("space")
        await settle(pilot)
        view = app.session.view
        assert view.status == "diverged"
        assert "non-finite" in view.message and "r resets" in view.message
        assert view.message.startswith("Diverged at step ")


async def test_the_network_editor_rebuilds_the_network_in_the_lab(lab_app):
    """The whole path: Edit… in the network panel, a new size, Apply, the app rebuilds."""
    from textual.widgets import Input

    from tui.panels.network_editor import NetworkEditor

    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        await pilot.click("#network-edit")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NetworkEditor)
        size = editor.query_one("#size-1", Input)
        size.value = "0"  # refused inline; the editor stays open, the network unchanged
        await pilot.pause()
        editor.action_apply()
        await pilot.pause()
        assert app.screen is editor
        assert app.session.run.net.layer(1).n_out == 4
        size.value = "6"
        await pilot.pause()
        editor.action_apply()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, NetworkEditor)
        assert [layer.n_out for layer in app.session.run.net.layers] == [6, 1]
        assert app.session.view.generation == 1


async def test_gradient_check_from_the_palette_shows_the_report(lab_app, settle):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.run_action("gradient_check")
        await laid_out_dialog(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.title_text == "Gradient check: every layer passes"
        assert "All 7 layers pass" in app.screen.message
        # its table a row a line (a 64-cell dialog wrapped every row in two), and a pass is
        # not drawn in the error colours
        text = app.screen.query_one(".dialog-text")
        table = [line for line in app.screen.message.splitlines() if line.endswith("pass")]
        assert table and max(map(len, table)) <= text.content_region.width
        assert not app.screen.query_one(".dialog").has_class("error-dialog")


async def test_gradient_check_fits_a_small_terminal_and_scrolls(lab_app, settle):
    """At 80×24 the report's table keeps a row a line (narrowed to the dialog's width), its
    title and OK stay on the screen, and the rest of the report scrolls into view (↓)."""
    app = lab_app("spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("gradient_check")
        await laid_out_dialog(pilot)
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        text = dialog.query_one(".dialog-text")
        lines = dialog.message.splitlines()
        table = [line for line in lines if line.endswith("pass") and line.split()[0].isdigit()]
        assert len(table) == 6 and max(map(len, table)) <= text.content_region.width
        ok = dialog.query_one("#ok")
        screen = dialog.region
        assert ok.region.height == 3 and ok.region.bottom <= screen.bottom
        scroll = dialog.query_one(".dialog-scroll")
        assert scroll.max_scroll_y > 0  # the report is taller than the room
        for _ in range(scroll.max_scroll_y):
            await pilot.press("down")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ErrorDialog)


async def test_report_scroll_keys_read_together_all_count(lab_app, settle):
    """Page down pressed five times in a burst (read together, before a redraw) scrolls five
    pages: each scroll had waited for the redraw and counted from the same place, so the burst
    scrolled one or two pages and the verdict stayed hidden (seen in tmux at 80×24)."""
    app = lab_app("vanishing-fixed-batchnorm")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("gradient_check")
        await laid_out_dialog(pilot)
        dialog = app.screen
        scroll = dialog.query_one(".dialog-scroll")
        assert scroll.max_scroll_y > 3
        for _ in range(3):  # no redraw between them
            dialog.action_scroll_text(1)
        await pilot.pause()
        assert scroll.scroll_y == 3
        for _ in range(5):
            dialog.action_scroll_text(0.9)
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        last = dialog.message.splitlines()[-1]
        assert last.startswith("All 7 layers pass")


async def test_error_text_has_no_empty_row_under_it(lab_app, settle):
    """The text of an error ends one row (the buttons' margin) above OK, as it starts one row
    under the title: its scrolling part was a row taller than the text (Textual adds the
    horizontal scrollbar's height to an auto height with a stable gutter)."""
    app = lab_app("spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        message = (
            'bad.toml: network.layers[1].activation (layer 1): "tanhh" is not allowed; allowed: '
            'linear, sigmoid, tanh, relu, leaky_relu, prelu, elu, softmax; did you mean "tanh"?'
        )
        app.push_screen(ErrorDialog("Cannot open the scenario", message))
        await laid_out_dialog(pilot)
        dialog = app.screen
        text = dialog.query_one(".dialog-text").region
        scroll = dialog.query_one(".dialog-scroll")
        buttons = dialog.query_one(".dialog-buttons").region
        assert scroll.region.height == text.height == 3
        assert buttons.y - text.bottom == 1
        assert scroll.max_scroll_y == 0
