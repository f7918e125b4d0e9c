"""The network picture (the Network panel's default view): colours, selection, the debugger.

Colours are read from what is drawn — the style of each cell of the rendered lines — and
classed by the hue it leans to (``tone_sign``), so these tests fail if a weight or a unit is
drawn in the other sign's colour, in a dark or a light theme.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from panel_harness import PanelApp, move
from textual.widgets import Static

from engine.debugger import Controller
from scenarios import build_run, parse_scenario
from tui.messages import SelectExample, SelectUnit, SelectWeight
from tui.panels.network_panel import NetworkPanel
from tui.panels.network_picture import NetworkPicture, Palette
from tui.panels.picture_content import signed
from tui.view import LabView

SIGNS = """
name = "signs"
title = "Weights of known signs"
summary = "Explicit weights: two positive and two negative in each layer."
lesson = "None."
seed = 0
[data]
kind = "inline"
x = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
y = [[1.0], [0.0], [1.0], [0.0]]
[network]
loss = "mse"
[[network.layers]]
size = 2
activation = "tanh"
weights = [[1.0, -2.0], [-0.5, 0.75]]
bias = [0.0, 0.0]
[[network.layers]]
size = 1
activation = "sigmoid"
weights = [[1.5, -1.25]]
bias = [0.0]
[training]
lr = 0.1
batch_size = "full"
"""
W1 = np.array([[1.0, -2.0], [-0.5, 0.75]])
W2 = np.array([[1.5, -1.25]])


def signs_view() -> LabView:
    scenario = parse_scenario(SIGNS, path=Path("signs.toml"), label="signs.toml")
    run = build_run(scenario)
    controller = Controller(run.trainer)
    return LabView(run=run, controller=controller, scenario=scenario, event=controller.event)


def cells_of(picture: NetworkPicture, target: tuple) -> list[tuple[int, int]]:
    return [
        (x, y)
        for y, row in enumerate(picture.grid)
        for x, cell in enumerate(row)
        if cell.target == target and cell.char.strip()
    ]


def value_cell(picture: NetworkPicture, l: int, j: int) -> tuple[int, int]:
    """The cell of the last digit of unit j's value (on the node's first row)."""
    cells = cells_of(picture, ("unit", l, j))
    top = min(y for _, y in cells)
    return max(x for x, y in cells if y == top), top


def tone_sign(strip, x: int, palette: Palette) -> int:
    """+1 / −1 / 0: whether the colour of cell ``x`` of ``strip`` (its foreground, or its
    background for a blank) leans to the positive or the negative colour: what a reader sees."""
    at = 0
    for segment in strip:
        if at + len(segment.text) > x:
            style = segment.style
            colour = style.color if segment.text[x - at] != " " else style.bgcolor
            rgb = np.array(colour.get_truecolor()[:3], dtype=float)
            if np.linalg.norm(rgb - np.array(palette.neutral.rgb)) < 8:
                return 0
            to_positive = np.linalg.norm(rgb - np.array(palette.positive.rgb))
            to_negative = np.linalg.norm(rgb - np.array(palette.negative.rgb))
            return 1 if to_positive < to_negative else -1
        at += len(segment.text)
    return 0


def drawn_sign(picture: NetworkPicture, x: int, y: int) -> int:
    return tone_sign(picture._strips[y], x, picture._palette())


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_edge_and_node_colours_follow_the_signs_of_explicit_weights(theme):
    view = signs_view()
    app = PanelApp(NetworkPanel(), view)
    app.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picture = app.query_one(NetworkPicture)
        assert [g.kind for g in picture.layout_.gaps] == ["lines", "lines"]
        for l, W in ((1, W1), (2, W2)):
            for (j, k), w in np.ndenumerate(W):
                cells = cells_of(picture, ("weight", l, j, k))
                assert cells, (l, j, k)
                signs = {drawn_sign(picture, x, y) for x, y in cells}
                assert signs == {1 if w > 0 else -1}, (theme, l, j, k, signs)
        # example 0 is x = (1, 0): a¹ = tanh(W¹ x) = (tanh 1, tanh −0.5): + then −
        a1 = np.tanh(W1 @ np.array([1.0, 0.0]))
        for j, a in enumerate(a1):
            x, y = value_cell(picture, 1, j)
            assert drawn_sign(picture, x, y) == (1 if a > 0 else -1), (theme, j)
            text = "".join(c.char for c in picture.grid[y] if c.target == ("unit", 1, j))
            assert signed(a) in text
        # the swatches of the caption are the same two colours
        caption = app.query_one("#network-caption", Static).content
        assert "W ━+ ━−" in caption.plain


async def test_the_picture_is_the_default_view_and_t_shows_the_table_with_its_parameters():
    from tui.app import LabApp

    app = LabApp("dying-relu-fixed-leaky")  # 'leaky_relu α=0.1' and 'xavier_uniform': 39 cells
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        panel = app.panels["network"]
        assert panel.query_one(NetworkPicture).display and not panel.table_shown
        await pilot.press("t")
        await pilot.pause(0.2)
        table = panel.query_one("#network-table", Static)
        lines = table.content.plain.splitlines()
        width = panel.content_region.width
        assert all(len(line) <= width for line in lines)  # never wider than the panel
        assert "lrlu = leaky_relu α=0.1" in lines  # the activation column gave way (init: heN) …
        counts = [line.split()[-1] for line in lines[2:6]]  # … not the parameter count
        assert counts == [str(layer.n_params) for layer in app.session.run.net.layers]
        await pilot.press("t")
        await pilot.pause(0.2)
        assert not panel.table_shown and panel.query_one(NetworkPicture).display


async def test_the_table_in_the_lessons_grid_is_not_cut():
    """At 120×40 with the lesson open the Network panel is 26 cells wide: after a step the
    table's last line ('now step: step done, updates applied') ran past it into a horizontal
    scroll, and the button switching back read "Pictu" (it kept the width of "Table"). The
    event's name fits alone on the line: it is written so, leaving 'now step:' out."""
    from textual.widgets import Button

    from tui.app import LabApp

    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("e")  # one step: xor's epoch is one batch
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await pilot.pause(0.2)
        panel = app.panels["network"]
        width = panel.content_region.width
        assert width < len("now step: step done, updates applied")
        lines = panel.query_one("#network-table", Static).content.plain.splitlines()
        assert all(len(line) <= width for line in lines)
        assert lines[-1] == "step done, updates applied"
        button = panel.query_one("#network-view", Button)
        assert str(button.label) == "Picture"
        assert button.size.width >= len(" Picture ")  # the label between its two spaces


async def title(app) -> str:
    return app.query_one("#debugger-equation-title", Static).content.plain


async def test_clicking_a_unit_or_a_weight_changes_what_the_debugger_explains():
    from tui.app import LabApp

    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("s")  # Forward(l=1)
        await pilot.pause(0.1)
        assert await title(app) == "Forward, layer 1, unit 0, example 0"
        picture = app.query_one(NetworkPicture)
        x, y = cells_of(picture, ("unit", 1, 2))[0]
        await pilot.click("#network-picture", offset=(x, y))
        await pilot.pause(0.1)
        assert await title(app) == "Forward, layer 1, unit 2, example 0"
        assert "a¹[2] =" in app.query_one("#network-caption", Static).content.plain
        for _ in range(3):  # Forward(2), Loss, Delta(2), Gradient(2)
            await pilot.press("s")
        await pilot.press("s")
        await pilot.pause(0.1)
        assert app.session.view.event.kind == "gradient"
        x, y = cells_of(picture, ("weight", 2, 0, 3))[0]
        await pilot.click("#network-picture", offset=(x, y))
        await pilot.pause(0.1)
        assert await title(app) == "Gradient, layer 2, weight W[0,3]"


async def test_cursor_keys_walk_units_and_weights_and_brackets_choose_the_example():
    from tui.app import LabApp

    app = LabApp("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("L")  # the Network tab (the lesson's is shown first: 1 is its action)
        await pilot.press("s")  # Forward(l=1)
        picture = app.query_one(NetworkPicture)
        picture.focus()
        await pilot.press("down")  # nothing selected yet: the first unit of layer 1 …
        await pilot.press("down")  # … then the next
        await pilot.pause(0.1)
        view = app.session.view
        assert (view.selection.l, view.selection.unit) == (1, 1)
        await pilot.press("right_square_bracket")
        await pilot.pause(0.1)
        assert view.example == 1
        app.action_show_tab("debugger")
        await pilot.pause(0.1)
        assert await title(app) == "Forward, layer 1, unit 1, example 1"
        app.action_show_tab("network")
        picture.focus()
        caption = app.query_one("#network-caption", Static).content.plain
        assert "example 1 of 0…3" in caption
        x_row = app.session.run.data.x_train[1]  # full batch, not shuffled: row 1
        inputs = [
            "".join(c.char for c in picture.grid[y] if c.target == ("unit", 0, k)).strip()
            for k in range(2)
            for y in {yy for _, yy in cells_of(picture, ("unit", 0, k))}
        ]
        assert inputs == [f"●  {signed(v).strip()}" for v in x_row]
        await pilot.press("left")  # unit 1 of layer 1 → its incoming weight W¹[1, 0]
        await pilot.press("down")  # → W¹[1, 1]
        await pilot.pause(0.1)
        assert view.selection.weight == (1, 1)
        await pilot.press("left")  # → the unit it comes from: input 1, marked, not explained
        await pilot.pause(0.1)
        assert view.selection.weight == (1, 1)  # the Debugger keeps the weight
        mark = [c for row in picture.grid for c in row if c.char == "▸"]
        assert mark and mark[0].target == ("unit", 0, 1)
        await pilot.press("right")  # input 1 → its outgoing weight W¹[0, 1]
        await pilot.pause(0.1)
        assert view.selection.weight == (0, 1)
        await pilot.press("down")  # → W¹[1, 1] (the other unit it feeds)
        await pilot.press("right")  # → unit 1 of layer 1
        await pilot.pause(0.1)
        assert (view.selection.l, view.selection.unit, view.selection.weight) == (1, 1, None)


async def test_the_picture_posts_selections_as_the_apps_messages():
    view = signs_view()
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picture = app.query_one(NetworkPicture)
        picture.focus()
        await pilot.press("enter", "left_square_bracket")
        await pilot.pause()
        assert [(m.l, m.index) for m in app.requests(SelectUnit)] == [(1, 0)]
        assert [m.index for m in app.requests(SelectExample)] == [3]  # wraps round
        x, y = cells_of(picture, ("weight", 2, 0, 1))[0]
        await pilot.click("#network-picture", offset=(x, y))
        await pilot.pause()
        assert [(m.l, m.j, m.k) for m in app.requests(SelectWeight)] == [(2, 0, 1)]


def lit(picture: NetworkPicture) -> set:
    return {c.target for c in picture.grid[0] if c.fg == "lit"}


async def test_the_picture_follows_the_events_of_a_step_and_back():
    view = signs_view()
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picture = app.query_one(NetworkPicture)
        panel = app.panel

        def at(kind, l=None):
            while not (view.event.kind == kind and getattr(view.event, "l", None) == l):
                move(view, "step")
            panel.refresh_view(view)
            return view.event

        def value_text(l, j):  # the node's first row, after its map
            cells = cells_of(picture, ("unit", l, j))
            y = cells[0][1]
            row = "".join(c.char for c in picture.grid[y] if c.target == ("unit", l, j))
            return row.replace("▀", "").strip()

        at("forward", 1)
        assert lit(picture) == {("layer", 1)}
        assert value_text(2, 0) == "·"  # layer 2 is not computed yet
        at("forward", 2)
        assert lit(picture) == {("layer", 2)} and value_text(2, 0) != "·"
        delta = at("delta", 2).delta
        assert lit(picture) == {("layer", 2)} and picture.shown.node_name == "δ"
        assert value_text(2, 0) == signed(delta[0, 0]).strip()
        assert value_text(1, 0) == "·"  # δ¹ comes later
        x, y = value_cell(picture, 2, 0)
        assert drawn_sign(picture, x, y) == np.sign(delta[0, 0])
        grad = at("gradient", 2).grad_W
        assert lit(picture) == {("layer", 2)}  # the header above gap 2: ∂C/∂W²
        assert "∂C/∂W²" in "".join(c.char for c in picture.grid[0])
        for (j, k), g in np.ndenumerate(grad):
            (x, y) = cells_of(picture, ("weight", 2, j, k))[0]
            assert drawn_sign(picture, x, y) == np.sign(g)
        assert all(
            picture.grid[y][x].fg == "muted" for x, y in cells_of(picture, ("weight", 1, 0, 0))
        )  # ∂C/∂W¹ not computed yet
        update = at("update", 1)
        assert picture.shown.edge_name == "ΔW"
        step = update.step_W  # ΔW is the step subtracted, as in every view (W ← W − ΔW)
        assert np.array_equal(picture.shown.edges[0], step)
        assert picture.shown.what == "update: W¹ ← W¹ − ΔW¹"
        for (j, k), d in np.ndenumerate(step):
            (x, y) = cells_of(picture, ("weight", 1, j, k))[0]
            assert drawn_sign(picture, x, y) == np.sign(d)
        # stepping back plays it back: at Delta(2) again, the same picture as before
        while not (view.event.kind == "delta" and view.event.l == 2):
            move(view, "back")
        panel.refresh_view(view)
        assert picture.shown.node_name == "δ" and value_text(2, 0) == signed(delta[0, 0]).strip()


async def test_a_network_too_large_for_nodes_is_strips_and_one_too_wide_says_so():
    from tui.app import LabApp

    wide = [
        'network.layers=[{size = 300, activation = "relu"}, {size = 1, activation = "sigmoid"}]'
    ]
    app = LabApp("xor", overrides=wide)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("L")  # the Network tab (the lesson's is shown first: 1 is its action)
        await pilot.pause(0.2)
        picture = app.query_one(NetworkPicture)
        assert [c.kind for c in picture.layout_.columns] == ["nodes", "strip", "nodes"]
    deep = ["network.layers=[" + ", ".join(['{size = 3, activation = "tanh"}'] * 60)]
    deep[0] += ', {size = 1, activation = "sigmoid"}]'
    app = LabApp("xor", overrides=deep)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("L")
        await pilot.pause(0.2)
        picture = app.query_one(NetworkPicture)
        assert picture.layout_.message
        row = "".join(c.char for c in picture.grid[1])
        assert "too narrow to draw the network: t shows the table" in row


async def test_a_change_of_theme_redraws_the_picture_in_the_new_colours():
    from tui.app import LabApp

    app = LabApp("xor", theme="textual-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        picture = app.query_one(NetworkPicture)
        dark = picture._strips[1]
        app.theme = "textual-light"
        await pilot.pause(0.2)
        light = picture._strips[1]
        background = picture._palette().background
        assert picture._palette().positive.hex == "#C25400"  # the light theme's orange
        assert all(s.style.bgcolor.triplet == background.rgb for s in light if not s.text.strip())
        assert dark != light


async def test_non_finite_values_are_said_and_do_not_set_the_scale():
    view = signs_view()
    layer = view.run.net.layers[0]
    W = layer.W.copy()
    W[1, 0] = np.inf
    layer.params = {**layer.params, "W": W}
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picture = app.query_one(NetworkPicture)
        caption = app.query_one("#network-caption", Static).content.plain
        assert "some values are nan or inf" in caption
        assert picture.shown.edge_scale == 2.0  # the largest finite |w| sets the scale
        x, y = cells_of(picture, ("weight", 1, 0, 1))[0]
        assert drawn_sign(picture, x, y) == -1  # the others are drawn as before


async def test_the_launch_hint_is_whole_in_the_grid_beside_the_lesson():
    """At 120×40 the Network panel shares the width with the Lesson column: the line saying what
    space and s do is the longest form that fits, never one cut with an ellipsis."""
    from tui.app import LabApp
    from tui.panels.network_picture import LAUNCH_HINTS

    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        picture = app.query_one(NetworkPicture)
        first = picture._caption(app.session.view, None).plain.splitlines()[0]
        assert first in LAUNCH_HINTS
        assert len(first) <= picture.size.width
