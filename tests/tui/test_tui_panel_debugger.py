"""The debugger panel: position, arrays, the debugger's equation, pending update, commands."""

from __future__ import annotations

import re

import numpy as np
import pytest
from panel_harness import PanelApp, make_view, move
from textual.widgets import Button, Static

from engine.debugger.formatting import num
from engine.events import Forward
from tui.messages import DEBUG_COMMANDS, DebugCommand, SelectUnit, SelectWeight
from tui.panels.debugger_panel import (
    COMMAND_BUTTONS,
    DebuggerPanel,
    event_arrays,
    pending_update,
)
from tui.panels.event_arrays import index_lines
from tui.panels.format import fmt
from tui.view import Selection


def text(app, widget_id: str) -> str:
    return app.query_one(f"#{widget_id}", Static).content.plain


async def test_position_and_arrays_follow_the_debugger():
    view = make_view("xor", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "step 1" in text(app, "debugger-position")
        assert "StepStart" in text(app, "debugger-position")
        move(view, "finish")  # forward phase → Loss
        move(view, "step")  # Delta(l=2)
        app.panel.refresh_view(view)
        position = text(app, "debugger-position")
        for part in ("step 1", "epoch 1", "batch 1/1", "phase backward", "layer 2", "Delta(l=2)"):
            assert part in position
        arrays = text(app, "debugger-event")
        assert "δ²  4×1" in arrays and "σ′(z²)" not in arrays  # the output δ is fused (bce)
        assert "(fused: a −" in arrays  # the title says so ...
        assert "fused true" not in arrays  # ... and no raw flag repeats it
        delta = view.event.delta
        assert fmt(delta[0, 0]) in arrays and f"{delta.shape[0]}×{delta.shape[1]}" in arrays


async def test_equation_comes_from_the_debugger_for_the_selected_unit():
    view = make_view("xor", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while view.event.kind != "delta" or view.event.l != 1:
            move(view, "step")
        view.selection = Selection(1, 2)
        app.panel.refresh_view(view)
        shown = text(app, "debugger-equation-title") + text(app, "debugger-equation")
        expected = view.controller.explain((2,))
        assert expected.title in shown
        assert expected.lines[0].render() in shown
        assert num(view.event.delta[0, 2]) in shown  # δ¹₂ of example 0, as the arrays have it


async def test_pending_update_shows_before_and_after_of_the_selected_weight():
    view = make_view("xor", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while view.event.kind != "update" or view.event.l != 1:
            move(view, "step")
        view.selection = Selection(1, 3, (3, 1))
        app.panel.refresh_view(view)
        shown = text(app, "debugger-update")
        event = view.event
        step = event.step_W[3, 1]
        after = f"({fmt(step)})" if step < 0 else fmt(step)
        assert f"W₃₁ {fmt(event.W_old[3, 1])} − {after} = {fmt(event.W_new[3, 1])}" in shown
        assert f"{fmt(event.lr)}" in shown and "sgd" in shown
        equation = text(app, "debugger-equation")
        assert view.controller.explain((3, 1)).lines[0].render() in equation


def rule_text(name: str, old: float, step: float, new: float) -> str:
    """An entry of the pending update as the panel writes it: ``γ₂ 1 − (-0.003) = 1.003``."""
    return f"{name} {fmt(old)} − {f'({fmt(step)})' if step < 0 else fmt(step)} = {fmt(new)}"


async def test_pending_update_of_a_batch_norm_layer_lists_gamma_and_beta():
    """vanishing-fixed-batchnorm at Update(l=3) with unit 2 selected: γ³₂ and β³₂ before, step
    and after, as the event computes them, after W and b (the section listed W and b only)."""
    view = make_view("vanishing-fixed-batchnorm", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while view.event.kind != "update" or view.event.l != 3:
            move(view, "step")
        view.selection = Selection(3, 2, None)
        app.panel.refresh_view(view)
        await pilot.pause()
        lines = text(app, "debugger-update").splitlines()
        event = view.event
        assert set(event.extra) == {"gamma", "beta"}
        rules = " ".join(line for line in lines if "←" in line)
        assert "γ³ ← γ³ − Δγ³" in rules and "β³ ← β³ − Δβ³" in rules
        gamma, beta = event.extra["gamma"], event.extra["beta"]
        expected = [
            rule_text("b₂", event.b_old[2], event.step_b[2], event.b_new[2]),
            rule_text("γ₂", gamma[0][2], gamma[2][2], gamma[1][2]),
            rule_text("β₂", beta[0][2], beta[2][2], beta[1][2]),
        ]
        assert lines[-4:-1] == expected
        assert gamma[1][2] == pytest.approx(gamma[0][2] - gamma[2][2])  # after = before − step
        width = app.query_one("#debugger-update", Static).content_region.width
        assert max(len(line) for line in lines) <= width
        narrow = pending_update(view, 30).plain.splitlines()  # the rules wrap after a comma
        assert max(len(line) for line in narrow) <= 30
        assert narrow[1:3] == ["W³ ← W³ − ΔW³, b³ ← b³ − Δb³,", "γ³ ← γ³ − Δγ³, β³ ← β³ − Δβ³"]


async def test_large_matrices_are_summarised():
    big = np.arange(50 * 40, dtype=float).reshape(50, 40) / 7
    event = Forward(1, big, big, big)
    shown = event_arrays(event).plain
    assert "50×40" in shown and "…" in shown and "⋮" in shown
    assert len(shown.splitlines()) < 40


@pytest.mark.parametrize(("name", "label", "key", "what"), COMMAND_BUTTONS)
async def test_every_command_button_posts_its_debug_command(name, label, key, what):
    assert name in DEBUG_COMMANDS
    view = make_view("xor", debugger=True)
    view.status = "running" if name == "pause" else "paused"
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        button = app.query_one(f"#debug-{name}", Button)
        button.press()
        await pilot.pause()
        assert [m.name for m in app.requests(DebugCommand)] == [name]


async def test_arrow_keys_select_units_and_weights_of_the_current_layer():
    view = make_view("xor", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        move(view, "step")  # Forward(l=1): 4 units, 2 inputs
        app.panel.refresh_view(view)
        app.panel.focus()
        await pilot.press("down")
        assert [(m.l, m.index) for m in app.requests(SelectUnit)] == [(1, 0)]
        view.selection = Selection(1, 0)
        await pilot.press("up")
        assert (app.requests(SelectUnit)[-1].l, app.requests(SelectUnit)[-1].index) == (1, 3)
        view.selection = Selection(1, 3)
        await pilot.press("right")
        (weight,) = app.requests(SelectWeight)
        assert (weight.l, weight.j, weight.k) == (1, 3, 0)


async def test_breakpoints_are_listed_and_non_finite_values_shown_as_words():
    view = make_view("xor", debugger=True)
    view.controller.add_breakpoint("update@2")
    view.controller.add_breakpoint("grad_norm@1 < 1e-6")
    view.breakpoints = list(view.controller.breakpoints)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = text(app, "debugger-breakpoints")
        assert "first non-finite value" in shown
        assert "update@2" in shown and "grad_norm@1 < 1e-6" in shown
    nan_event = Forward(1, np.array([[np.nan, 1.0]]), np.array([[np.inf]]), np.array([[0.5]]))
    shown = event_arrays(nan_event).plain
    assert "nan" in shown and "inf" in shown


@pytest.mark.parametrize("width", [30, 36, 60])
def test_arrays_fit_the_column_and_say_what_is_cut(width):
    """No number is cut by the column's edge: fewer columns are shown (and the summary says
    what the array holds); prose is wrapped."""
    wide = (np.arange(20 * 16, dtype=float).reshape(20, 16) - 150) / 7e3
    event = Forward(3, wide, wide, wide)
    lines = event_arrays(event, width).plain.splitlines()
    assert max(len(line) for line in lines) <= width
    rows = [line for line in lines if "…" in line]
    assert rows and all(len(row.split()) >= 3 for row in rows)  # two numbers around the "…"
    assert any(line.startswith("min ") for line in lines)
    assert fmt(wide[0, -1]) in "\n".join(lines)  # the last column is shown whole
    everything = event_arrays(event).plain  # without a width: the six columns as before
    assert max(len(line) for line in everything.splitlines()) > 30


async def test_step_end_statistics_are_a_table_that_fits_at_80_columns():
    view = make_view("vanishing-gradients", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        move(view, "finish")
        while view.event.kind != "step_end":
            move(view, "finish")
        app.panel.refresh_view(view)
        await pilot.pause()
        shown = text(app, "debugger-event").splitlines()
        column = app.query_one("#debugger-arrays").content_region.width
        assert max(len(line) for line in shown) <= column
        header = next(i for i, line in enumerate(shown) if "‖∂C/∂W‖" in line)
        rows = shown[header + 1 : header + 1 + 7]
        assert [row.split()[0] for row in rows] == [f"l{l}" for l in range(1, 8)]
        for s, row in zip(view.event.stats, rows):
            assert row.split()[1:] == [
                fmt(s.grad_norm, 3),
                fmt(s.delta_mean_abs, 3),
                fmt(s.update_ratio, 3),
            ]
        # the numbers line up under their headers (right-aligned)
        ends = [shown[header].index(n) + len(n) for n in ("‖∂C/∂W‖", "mean|δ|", "‖ΔW‖/‖W‖")]
        for row in rows:
            assert [m.end() for m in re.finditer(r"\S+", row)][1:] == ends


async def test_no_raw_fused_flag_at_any_event():
    """The trace's ``fused`` flag is the Delta title's business ("fused: a − y form"): no
    ``fused false`` under a hidden layer's δ, no ``fused true`` under the fused title."""
    view = make_view("xor", debugger=True)
    while True:
        shown = event_arrays(view.event, 56).plain
        assert not re.search(r"^fused (true|false)", shown, re.MULTILINE), shown
        if view.event.kind == "step_end":
            break
        move(view, "step")


EXPONENT = re.compile(r"\de(\+|-?0)\d")  # 6.009e-06, -1.299e+198: NumPy's, not the panel's


async def test_one_exponent_style_in_the_panel():
    """At vanishing-gradients' StepEnd the table writes 6.01e-6 and the equation lines below
    it the same number as 6.009e-6, not 6.009e-06."""
    view = make_view("vanishing-gradients", debugger=True)
    app = PanelApp(DebuggerPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        move(view, "next_epoch")  # StepEnd of step 10
        app.panel.refresh_view(view)
        await pilot.pause()
        stats = view.event.stats[0]
        shown = "\n".join(str(s.content) for s in app.query("#debugger-body Static"))
        assert fmt(stats.grad_norm, 3) in shown  # the table: 6.01e-6
        assert f"‖∂C/∂W‖ = {num(stats.grad_norm)}," in shown  # the notes: 6.009e-6
        assert "e-" in num(stats.grad_norm)
        assert not EXPONENT.search(shown), EXPONENT.search(shown)


def visible_lines(app) -> list[str]:
    """The arrays column's lines that show without scrolling."""
    lines = text(app, "debugger-event").splitlines()
    return lines[: app.query_one("#debugger-arrays").content_region.height]


@pytest.mark.parametrize("width", [24, 30, 56])
@pytest.mark.parametrize("room", [None, 2, 3, 6])
def test_batch_rows_fit_their_lines_and_say_how_many_more(width, room):
    indices = np.arange(100, 140)
    lines = [line.plain for line in index_lines(indices, width, room)]
    assert all(len(line) <= width for line in lines)
    head = next(k for k, line in enumerate(lines) if line.endswith("order")) + 1
    words = " ".join(lines[:head]).split()
    assert " ".join(words) == "batch rows 40 examples, in the batch's order"  # no word cut
    assert room is None or len(lines) <= max(room, head + 1)  # one line of rows at least
    rows = lines[head:]
    shown = [int(r) for r in re.findall(r"\b1\d\d\b", " ".join(rows))]
    assert shown == list(indices[: len(shown)])
    more = re.search(r"… (\d+) more$", rows[-1])
    assert (more is None) == (len(shown) == 40)
    assert more is None or len(shown) + int(more[1]) == 40
    assert all(line.endswith(",") for line in rows[:-1])  # a line goes on after its comma


LAYOUTS = [  # the audit's: a 20-row batch in tabs at 80×24, 40 rows beside the lesson column
    ((80, 24), "vanishing-gradients"),
    ((110, 34), "overfitting"),
    ((120, 40), "overfitting"),
    ((200, 50), "overfitting"),
]


@pytest.mark.parametrize(("size", "scenario"), LAYOUTS)
async def test_nothing_cut_in_the_debugger_at_every_layout(lab_app, size, scenario):
    """The buttons fit in the panel (on two rows when one is too narrow); the arrays' lines fit
    their column; the batch's rows that show end with "… N more" when some do not."""
    app = lab_app(scenario)
    async with app.run_test(size=size) as pilot:
        if size[0] < 110:
            app.action_show_tab("debugger")
        await pilot.pause(0.3)
        panel = app.query_one(DebuggerPanel)
        row = panel.query_one("#debugger-buttons")
        buttons = [b for b in row.query(Button) if b.display]
        assert all(b.region.right <= row.region.right for b in buttons), size
        assert all(row.region.contains_region(b.region) for b in buttons), size
        width = panel.widths()[0]
        assert all(len(line) <= width for line in text(app, "debugger-event").splitlines())
        lines = visible_lines(app)
        rows = lines[next(k for k, line in enumerate(lines) if line.endswith("order")) + 1 :]
        n = app.session.view.event.batch_size
        shown = re.findall(r"\b\d+\b(?! more)", " ".join(rows))
        more = re.search(r"… (\d+) more$", rows[-1])
        assert len(shown) + (int(more[1]) if more else 0) == n, rows


def test_the_position_line_while_training_starts_says_no_step_is_done_yet():
    """Training just started (no progress published yet) read 'step 0  epoch 0  batch 0/1
    running' — batches count from 1 (new-user audit). Once a step is done: its counters."""
    from tui.panels.debugger_panel import position_line

    view = make_view("worked-example", debugger=True)
    view.event, view.status = None, "running"
    assert position_line(view).plain == "no step completed yet  running"
    view = make_view("worked-example", steps=3, debugger=True)
    view.event, view.status = None, "running"
    assert position_line(view).plain.startswith("step 3  epoch 3  batch 1/1")
