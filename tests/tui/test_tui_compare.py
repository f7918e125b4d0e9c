"""The comparison view: the key, the palette entry and the lesson action open it; both runs train
in lockstep in the lab's training worker; keys answer while they do; escape returns to the lab."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios import build_run, load_scenario
from scenarios.compare import pair
from tui import messages as msg
from tui.comparison import EXACT_STEPS, TURN_STEPS, Comparison
from tui.screens.compare import CompareScreen
from tui.screens.picker import ScenarioPicker
from tui.speed import MAX

WIDE = (120, 40)
LONG = ["training.epochs=100000"]


async def until_screen(pilot, kind, tries: int = 50):
    for _ in range(tries):
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} did not open (screen: {pilot.app.screen})")


async def trained(pilot) -> None:
    """Until the training worker is done (not ``workers.wait_for_complete``: the worker that
    opened the comparison waits for it to close)."""
    while pilot.app.training:
        await pilot.pause(0.02)
    await pilot.pause(0.1)


# --- lockstep, without the app -------------------------------------------------------------------


def test_lockstep_runs_are_bitwise_the_runs_alone():
    comparison = Comparison(pair("dying-relu", "dying-relu-fixed-leaky", seed=2))
    status, _ = comparison.train("continue", cancelled=lambda: False)
    assert status == "stopped" and comparison.finished
    for session in comparison.sessions:
        alone = build_run(load_scenario(session.scenario.name), seed=2)
        alone.fit()
        assert session.steps_done == alone.steps_done
        for mine, theirs in zip(session.run.net.layers, alone.net.layers, strict=True):
            np.testing.assert_array_equal(mine.params["W"], theirs.params["W"])
        assert session.view.status == "stopped"


def test_a_cancelled_pair_pauses_both_within_one_turn_of_each_other():
    long = ["training.epochs=100000"]
    comparison = Comparison(pair("overfitting", "overfitting-fixed-l2", overrides=long))

    def cancelled() -> bool:  # asked as the runs publish their progress
        return comparison.sessions[0].steps_done >= EXACT_STEPS + 40

    status, _ = comparison.train("continue", cancelled=cancelled)
    assert status == "paused"
    a, b = (s.steps_done for s in comparison.sessions)
    assert a >= EXACT_STEPS + 40 and abs(a - b) <= TURN_STEPS
    assert all(s.view.status == "paused" for s in comparison.sessions)


@pytest.mark.parametrize("run", [0, 1])
@pytest.mark.parametrize("into_the_turn", [1, 3, TURN_STEPS - 1])
def test_a_pause_during_a_runs_turn_leaves_both_at_one_step(run, into_the_turn):
    """The key that pauses (the app calls ``interrupt``) came while A or B took its turn: that
    run stopped at its next step and the other stood where it was — "step 21" beside "step
    20". Now the pair pauses where the turn ends, both at one step."""
    comparison = Comparison(pair("overfitting", "overfitting-fixed-l2", overrides=LONG), speed=MAX)
    session = comparison.sessions[run]
    when = EXACT_STEPS + into_the_turn  # TURN_STEPS a turn from here on

    def pause_then(record) -> None:
        if record.step == when:
            comparison.interrupt()  # as the app's stop_training does, from its thread

    session.controller.on_step(pause_then)
    status, _ = comparison.train("continue", cancelled=lambda: False)
    assert status == "paused"
    assert [s.steps_done for s in comparison.sessions] == [EXACT_STEPS + TURN_STEPS] * 2
    assert all(s.view.status == "paused" for s in comparison.sessions)


def test_the_preset_breakpoints_are_left_out_of_a_comparison(tmp_path):
    path = tmp_path / "xor-break.toml"
    path.write_text(load_scenario("xor").source + '\n[[breakpoints]]\nat = "update@2"\n')
    scenario = load_scenario(str(path))
    assert scenario.breakpoints  # the lab stops at it
    comparison = Comparison.of(scenario, load_scenario("xor"))
    assert [bp for bp in comparison.sessions[0].controller.breakpoints if not bp.builtin] == []
    status, _ = comparison.train("continue", cancelled=lambda: False)
    assert status == "stopped"  # trained to the end, not stopped at update@2


# --- in the lab ----------------------------------------------------------------------------------


async def test_c_opens_the_presets_counterpart_and_escape_returns(lab_app):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        assert screen.comparison.names == ("vanishing-gradients", "vanishing-fixed-relu-he")
        assert screen.comparison.pair.same_data
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        assert app.session.scenario.name == "vanishing-gradients"


async def test_ctrl_s_in_the_comparison_says_where_saving_works(lab_app):
    """It did nothing and said nothing (audit)."""
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await until_screen(pilot, CompareScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("escape returns to the lab, where ctrl+s saves" in m for m in said)
        assert isinstance(app.screen, CompareScreen)


async def test_c_without_a_counterpart_asks_which_one(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        picker = await until_screen(pilot, ScenarioPicker)
        assert "Compare xor with" in picker.title_text


async def test_the_palettes_compare_with_picks_the_other_scenario(lab_app):
    from textual.widgets import OptionList

    app = lab_app("saturation")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one("CommandInput").value = "Compare with"
        await pilot.pause(0.3)
        await pilot.press("enter")
        picker = await until_screen(pilot, ScenarioPicker)
        options = picker.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert options.highlighted == ids.index("saturation-fixed-cross-entropy")
        options.highlighted = ids.index("spiral")
        await pilot.press("enter")
        screen = await until_screen(pilot, CompareScreen)
        assert screen.comparison.names == ("saturation", "spiral")
        assert not screen.comparison.pair.same_data
        assert "its own data" in str(screen.query_one("#cmp-note").render())


async def test_the_lessons_compare_action_opens_the_comparison(lab_app):
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        actions = app.session.scenario.actions
        number = next(i for i, a in enumerate(actions, 1) if a.name == "compare")
        app.post_message(msg.RunLessonAction(number))
        screen = await until_screen(pilot, CompareScreen)
        assert screen.comparison.names == ("dying-relu", "dying-relu-fixed-leaky")


async def test_space_trains_both_and_the_lab_keeps_its_own_run(lab_app):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        await pilot.press("space")
        await trained(pilot)
        c = screen.comparison
        assert [s.view.status for s in c.sessions] == ["stopped", "stopped"]
        assert [s.steps_done for s in c.sessions] == [300, 300]
        await pilot.press("2")  # the Gradients tab
        await pilot.pause(0.1)
        a, b = screen.gradients.values
        assert a[0] * 100 < b[0]  # first layer: the problem's bar far below the fix's
        await pilot.press("1")
        await pilot.pause(0.1)
        assert screen.loss.points[0] > 0 and screen.loss.points[1] > 0
        await pilot.press("r")
        await pilot.pause()
        assert [s.steps_done for s in screen.comparison.sessions] == [0, 0]
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.steps_done == 0  # the lab's own run did not move


async def test_keys_answer_while_both_train(lab_app):
    app = lab_app("overfitting")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        screen.comparison = Comparison(
            pair("overfitting", "overfitting-fixed-l2", overrides=["training.epochs=100000"])
        )
        await pilot.press("space")
        await pilot.pause(0.2)
        assert app.training
        await pilot.press("l")  # log scale
        assert screen.comparison.log_scale is True
        await pilot.press("2")  # the Gradients tab
        await pilot.pause()
        assert screen.view_name == "gradients" and screen.gradients.display
        assert app.training
        await pilot.press("space")  # pause
        await pilot.pause()
        assert not app.training
        steps = [s.steps_done for s in screen.comparison.sessions]
        assert all(s > 0 for s in steps) and abs(steps[0] - steps[1]) <= TURN_STEPS
        assert {s.view.status for s in screen.comparison.sessions} == {"paused"}
        await pilot.press("space")
        await pilot.pause(0.1)
        await pilot.press("escape")  # stops training and returns
        await pilot.pause()
        assert not app.training and not isinstance(app.screen, CompareScreen)


async def test_narrow_layout_is_tabs_and_wide_shows_everything(lab_app):
    app = lab_app("dying-relu")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        await pilot.pause()
        assert screen.has_class("-narrow")

        def shown() -> list[str]:
            panels = (screen.loss, screen.gradients, *screen.data)
            return [w.id for w in panels if w.region.area]

        assert shown() == ["cmp-loss"]
        await pilot.press("3")
        await pilot.pause()
        assert shown() == ["cmp-data-a", "cmp-data-b"]
        await pilot.press("tab")
        await pilot.pause()
        assert shown() == ["cmp-loss"]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.has_class("-narrow")
        assert shown() == ["cmp-loss", "cmp-gradients", "cmp-data-a", "cmp-data-b"]


async def test_the_comparison_shows_the_labs_statistic_and_validation_losses(lab_app):
    app = lab_app("overfitting")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.session.view.stat = "update_ratio"
        app.session.view.log_scale = True
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        assert screen.comparison.stat == "update_ratio" and screen.comparison.log_scale
        await pilot.pause(0.1)
        assert "‖ΔW‖/‖W‖" in str(screen.gradients.border_title)
        screen.comparison = Comparison(
            pair("overfitting", "overfitting-fixed-l2", overrides=["training.epochs=20"])
        )
        await pilot.press("space")
        await trained(pilot)
        screen.redraw()
        await pilot.pause(0.2)
        assert "validation" in str(screen.query_one("#cmp-loss-key").render())


def test_a_run_that_fails_stops_with_the_error_and_the_other_goes_on(monkeypatch):
    comparison = Comparison(pair("dying-relu", "dying-relu-fixed-leaky"))
    a, b = comparison.sessions

    def broken(n):
        raise MemoryError("no room for the batch")

    monkeypatch.setattr(a.controller, "run", broken)
    status, _ = comparison.train("continue", cancelled=lambda: False)
    assert status == "stopped"
    assert a.view.status == "stopped" and "MemoryError: no room for the batch" in a.view.message
    assert b.view.status == "stopped" and b.view.message.startswith("Training stopped: all")
    assert b.steps_done == 400


def test_a_run_a_pause_left_ahead_waits_until_the_other_catches_up():
    comparison = Comparison(pair("overfitting", "overfitting-fixed-l2", overrides=LONG), speed=MAX)
    a, b = comparison.sessions
    a.controller.run(EXACT_STEPS + 3)  # where a pause in the middle of A's turn leaves it
    b.controller.run(EXACT_STEPS)
    asked = []

    def cancelled() -> bool:  # after one turn
        asked.append(1)
        return len(asked) > 1

    comparison.train("continue", cancelled=cancelled)
    assert [s.steps_done for s in comparison.sessions] == [EXACT_STEPS + TURN_STEPS] * 2


def test_a_stopped_run_keeps_its_message_when_the_other_trains_on():
    comparison = Comparison(pair("exploding-gradients", "exploding-fixed-clipping-xavier"))
    a, b = comparison.sessions
    comparison.train("continue", cancelled=lambda: a.view.status == "diverged")
    assert a.view.message.startswith("Diverged at step 4:")
    b.view.message = "Paused at step 4."
    comparison.starting()  # space again
    assert a.view.message.startswith("Diverged at step 4:") and b.view.message == ""


async def test_the_palette_over_the_comparison_offers_its_keys_not_the_labs(lab_app):
    from textual.command import CommandPalette

    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one("CommandInput").value = "Faster"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen
        assert screen.comparison.pacer.speed == 20 and app.session.pacer.speed == 10
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one("CommandInput").value = "Step"
        await pilot.pause(0.3)
        await pilot.press("enter")  # no entry of the lab's: nothing steps
        await pilot.pause(0.2)
        if isinstance(app.screen, CommandPalette):
            await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.steps_done == 0 and app.session.pacer.speed == 10


async def test_after_compare_a_b_the_lab_shows_run_a_where_the_comparison_left_it():
    from tui.app import LabApp

    comparison = Comparison(pair("vanishing-gradients", "vanishing-fixed-relu-he"), speed=MAX)
    app = LabApp(scenario="vanishing-gradients", session=comparison.sessions[0])
    app.open_comparison_at_start = comparison
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await until_screen(pilot, CompareScreen)
        await pilot.press("space")
        await trained(pilot)
        assert [s.steps_done for s in comparison.sessions] == [300, 300]
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, CompareScreen) and screen is not app.screen
        line = app.status_bar.line.render().plain
        assert "stopped" in line and "step 300" in line, line


def test_a_status_line_shortens_the_name_never_a_number():
    from tui.panels.compare_panels import status_line
    from tui.view import counters

    comparison = Comparison(pair("exploding-gradients", "exploding-fixed-clipping-xavier"))
    comparison.train("continue", cancelled=lambda: comparison.sessions[1].steps_done >= 12)
    view = comparison.sessions[1].view
    step, _, _, loss = counters(view)
    whole = status_line(1, "exploding-fixed-clipping-xavier", view).plain
    assert whole.startswith("━ B exploding-fixed-clipping-xavier  ") and "epoch" in whole
    for width in (60, 50, 45):
        line = status_line(1, "exploding-fixed-clipping-xavier", view, width, epoch=False)
        assert line.cell_length <= width, line.plain
        assert "…" in line.plain and f"step {step} " in line.plain
        assert line.plain.endswith(f"batch loss {loss:.4g}"), line.plain


def test_a_status_line_shows_the_val_loss_the_overfitting_lesson_is_about():
    """The comparison showed each run's batch loss alone: overfitting's (0.0046) read better
    than its fix's (0.61) while its val loss (2.24 against 0.53) is the point of the lesson
    (new-user audit). With a validation set the line ends with the last epoch's val loss, and
    when space runs out the batch loss gives way before the name shrinks to nothing."""
    from tui.panels.compare_panels import status_line
    from tui.view import epoch_metrics_at

    comparison = Comparison(
        pair("overfitting", "overfitting-fixed-l2", overrides=["training.epochs=30"])
    )
    comparison.train("continue", cancelled=lambda: False)
    for i, session in enumerate(comparison.sessions):
        view = session.view
        val = epoch_metrics_at(view, view.run.steps_done).val_loss
        assert val is not None
        whole = status_line(i, comparison.names[i], view).plain
        assert "batch loss " in whole and whole.endswith(f"val loss {val:.4g}"), whole
        for width in (62, 50, 44):
            line = status_line(i, comparison.names[i], view, width, epoch=False).plain
            assert len(line) <= width and line.endswith(f"val loss {val:.4g}"), line
        assert "batch loss" not in status_line(i, comparison.names[i], view, 44, epoch=False).plain


async def test_two_different_losses_are_named_and_said_not_comparable(lab_app):
    """saturation (quadratic loss) beside its fix (cross-entropy) shared one axis unlabelled:
    the fix started near 7 and ended above the problem (new-user audit). Each run's loss is
    named in the key, with a note that their values are not on one scale; a pair with one loss
    gets neither."""
    from tui.panels.compare_panels import DIFFERENT_LOSSES

    for scenario, different in (("saturation", True), ("overfitting", False)):
        app = lab_app(scenario)
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("c")
            screen = await until_screen(pilot, CompareScreen)
            await pilot.pause(0.2)
            key = " ".join(str(screen.query_one("#cmp-loss-key").render()).split())
            assert (DIFFERENT_LOSSES in key) == different, key
            assert ("(quadratic)" in key and "(bce)" in key) == different, key
            # a line break falls between the runs' entries, never inside one
            lines = str(screen.query_one("#cmp-loss-key").render()).splitlines()
            for side, name in zip("AB", screen.comparison.names, strict=True):
                assert any(f"━ {side} {name}" in line for line in lines), lines


async def test_a_diverged_runs_bars_show_its_last_completed_step_as_the_lab_does(lab_app):
    """exploding-gradients beside its fix: the diverged run's bars read 'nan' in every layer —
    the statistics of the step that failed — while the lab's Gradients panel shows step 3's
    huge finite values, which the lesson is about (new-user audit)."""
    from tui.view import steps_history

    comparison = Comparison(pair("exploding-gradients", "exploding-fixed-clipping-xavier"))
    comparison.train("continue", cancelled=lambda: comparison.sessions[1].steps_done >= 12)
    view = comparison.sessions[0].view
    assert view.status == "diverged"
    expected = steps_history(view).last()[2][:, 0]  # ‖∂C/∂W‖ per layer, as the lab reads it
    assert np.isfinite(expected).all() and expected.max() > 1e100
    app = lab_app("exploding-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        screen.comparison = comparison
        screen.redraw()
        await pilot.pause(0.2)
        assert screen.gradients.values[0] == [float(v) for v in expected]
        assert "nan" not in str(screen.query_one("#cmp-grad-bars").render())


def test_a_status_line_without_validation_keeps_its_batch_loss():
    from tui.panels.compare_panels import status_line

    comparison = Comparison(pair("xor", "xor", overrides=["training.epochs=3"]))
    comparison.train("continue", cancelled=lambda: False)
    line = status_line(0, "xor", comparison.sessions[0].view).plain
    assert "batch loss" in line and "val loss" not in line


async def test_the_loss_key_says_what_the_labs_loss_panel_says_of_a_diverged_run(lab_app):
    app = lab_app("learning-rate-too-high")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        screen.comparison.pacer.set(MAX)
        await pilot.press("space")
        await trained(pilot)
        assert screen.comparison.sessions[0].view.status == "diverged"
        screen.redraw()
        await pilot.pause(0.2)

        def key() -> str:
            return str(screen.query_one("#cmp-loss-key").render())

        assert "plot clipped at 1e30" in key(), key()
        assert "decades: l for log" in key()
        await pilot.press("l")
        await pilot.pause(0.2)
        assert "decades" not in key() and "log scale" in key()


async def test_a_too_small_terminal_shows_the_labs_message_and_only_q_acts(lab_app):
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        await pilot.resize_terminal(60, 18)
        await pilot.pause(0.2)
        message = screen.query_one("#too-small")
        assert message.display and message.region.area
        assert "q returns to the lab" in str(message.render())
        assert not screen.query_one("#cmp-body").region.area
        await pilot.press("space", "plus", "r")  # nothing acts unseen
        await pilot.pause(0.2)
        assert not app.training and screen.comparison.pacer.speed == 10
        await pilot.resize_terminal(*WIDE)
        await pilot.pause(0.2)
        assert not message.region.area and screen.query_one("#cmp-body").region.area
        await pilot.resize_terminal(60, 18)
        await pilot.pause(0.1)
        await pilot.press("q")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, CompareScreen)


async def test_before_a_step_each_run_shows_its_initial_loss_at_step_0(lab_app):
    """As the lab's plot does: one point per run, in its colour, until the run has a step."""
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        await pilot.pause(0.1)
        assert screen.loss.points == (1, 1)
        plot = screen.loss.query_one("#cmp-loss-plot")
        lines = [strip.text for strip in plot.picture()]
        assert sum(line.count("●") for line in lines) in (1, 2)  # two points, or one on the other
        assert any("space: train both" in line for line in lines)
        starts = [s.run.epoch_metrics().train_loss for s in screen.comparison.sessions]
        assert [
            m(s.run).train_loss for m, s in zip(screen.loss.initial, screen.comparison.sessions)
        ] == starts
        await pilot.press("space")
        await trained(pilot)
        assert screen.loss.points[0] > 1 and screen.loss.points[1] > 1
        lines = [strip.text for strip in plot.picture()]
        assert not any("●" in line for line in lines)
        assert not any("space: train both" in line for line in lines)


async def test_a_wide_gradient_value_keeps_both_columns_in_line():
    """A value wider than "1.23e-5" (1.74e152, an exploding run's) widens the value column of
    every row alike: each row as long as the others, B's bars starting in the same column."""
    from panel_harness import PanelApp

    from engine.stats import LayerStats
    from tui.panels.compare_panels import CompareGradientsPanel

    comparison = Comparison(pair("exploding-gradients", "exploding-fixed-clipping-xavier", seed=0))
    comparison.train("continue", cancelled=lambda: comparison.sessions[1].steps_done >= 1)
    for session, norm in zip(comparison.sessions, (1.74e152, 0.5), strict=True):
        L = session.run.net.L
        stats = [LayerStats(l, norm * l, *[0.1] * 7) for l in range(1, L + 1)]
        session.run.history.steps.record(1, 1.0, stats)  # step 1's figures, as if so large
    app = PanelApp(CompareGradientsPanel(), comparison)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel = app.panel
        assert panel.value_width == len("3.48e152") > panel.VALUE_WIDTH
        rows = panel.query_one("#cmp-grad-bars").content.plain.splitlines()
        assert len({len(row) for row in rows}) == 1
        assert len({row.index("B ") for row in rows}) == 1
        assert "1.74e152" in rows[0] and "3.48e152" in rows[1]


async def test_the_loss_axis_is_labelled_and_widened_as_the_labs_before_a_step(lab_app):
    """Before a step the two initial losses (0.6931 and 0.6932 for the dying-ReLU pair) were a
    point at the top and one at the bottom of an axis without a single label: plotext's own
    range is the data's, and the round ticks fell outside it. The axis is now the lab's
    (``y_range``): widened about a small difference, its ticks labelled."""
    from tui.panels.loss_axes import value_ticks

    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        screen = await until_screen(pilot, CompareScreen)
        await pilot.pause(0.1)
        starts = np.array([s.run.epoch_metrics().train_loss for s in screen.comparison.sessions])
        _, labels = value_ticks(starts)
        assert labels
        lines = [strip.text for strip in screen.loss.query_one("#cmp-loss-plot").picture()]
        shown = [line.split("┤")[0].strip() for line in lines if "┤" in line]
        assert shown and set(shown) <= set(labels)
        rows = [i for i, line in enumerate(lines) if "●" in line]
        assert max(rows) - min(rows) <= 1  # the same loss to 1e-4: side by side, not apart
