"""The lab without colours (``NO_COLOR``: Textual draws every colour as a grey, as a teacher's
projector or an ssh session may ask for). It must draw at all, and what the panels tell apart by
colour — a point's and an area's class, the val loss beside the batch loss, run A beside run B,
a positive weight (∂C/∂W) beside a negative one — must still be told apart, by characters. Also
the val loss in a light theme, where its orange was near invisible (a projector audit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from panel_harness import PanelApp, make_view, move, record_steps
from textual.color import Color
from textual.widgets import Static

from engine.debugger import Controller
from scenarios import build_run, parse_scenario
from scenarios.compare import pair
from tui.app import LabApp
from tui.comparison import Comparison
from tui.panels.compare_panels import CompareGradientsPanel, CompareLossPanel, CompareStatus
from tui.panels.gradients_panel import GradientsPanel
from tui.panels.loss_panel import LossPanel
from tui.panels.network_panel import NetworkPanel
from tui.panels.network_picture import NetworkPicture
from tui.panels.picture_paint import SHADES
from tui.panels.plot import CachedPlot
from tui.view import LabView


@pytest.fixture
def no_color(monkeypatch):
    """Apps made from here on draw without colours, as ``NO_COLOR=1 backprop-lab`` does."""
    monkeypatch.setenv("NO_COLOR", "1")


def plot_text(widget: CachedPlot) -> str:
    return "\n".join(strip.text for strip in widget.picture())


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_lab_draws_without_colours(no_color, size):
    """Textual's monochrome filter read ``style.color`` of the network picture's unstyled blank
    row: the lab ended at its first frame at 120×40."""
    app = LabApp("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.no_color
        picture = app.query_one("#network-picture")
        lines = app.screen._compositor.render_update(full=True)  # every widget, filtered
        assert lines is not None
        assert picture.region.height or size == (80, 24)  # drawn in the grid at 120×40
        assert app.is_running


async def test_without_colours_the_data_plane_marks_each_class(no_color):
    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        data = app.query_one("#data")
        plane = data.query_one("#data-canvas", Static).visual.plain
        note = data.query_one("#data-note", Static).visual.plain
        assert "▀" not in plane  # no half blocks: their two colours are two greys
        assert plane.count("○") == 2 and plane.count("●") == 2  # xor's four points, by class
        assert "·" in plane and "░" in plane  # the two predicted areas
        assert "○· 0" in note and "●░ 1" in note


async def test_with_colours_the_data_plane_is_tinted_as_before():
    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        plane = app.query_one("#data-canvas", Static).visual.plain
        # tints, not the classes' fills (a point in the other class's area is its class's
        # mark with colours too: test_tui_data_points_astray.py)
        assert "▀" in plane and not set("·░") & set(plane)
        assert "● 0" in app.query_one("#data-note", Static).visual.plain


async def test_without_colours_the_val_loss_is_drawn_in_dots(no_color):
    view = make_view("overfitting", steps=30)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        legend = app.query_one("#loss-scale-label", Static).visual.plain
        assert "• val loss" in legend and "━ batch loss" in legend
        assert "•" in plot_text(app.query_one("#loss-plot", CachedPlot))


async def test_with_colours_the_val_loss_is_a_line():
    app = PanelApp(LossPanel(), make_view("overfitting", steps=30))
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        assert "━ val loss" in app.query_one("#loss-scale-label", Static).visual.plain
        assert "•" not in plot_text(app.query_one("#loss-plot", CachedPlot))


def foregrounds(widget: CachedPlot, chars: str) -> set[tuple[int, int, int]]:
    """The colours of the plot's cells drawn with one of ``chars``."""
    out = set()
    for strip in widget.picture():
        for segment in strip:
            if segment.style and segment.style.color and any(c in chars for c in segment.text):
                out.add(segment.style.color.triplet)
    return out


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_the_val_loss_stands_out_from_a_light_background(theme):
    """``$warning`` is the same orange in textual-light as in textual-dark, 1.4:1 against the
    light surface; the light theme draws the curve and its legend in ``$text-warning``."""
    app = PanelApp(LossPanel(), make_view("overfitting", steps=30))
    app.theme = theme
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        variables = app.theme_variables
        want = Color.parse(variables["warning" if theme == "textual-dark" else "text-warning"])
        plot = app.query_one("#loss-plot", CachedPlot)
        braille = "".join(chr(c) for c in range(0x2801, 0x2900))
        assert want.rgb in foregrounds(plot, braille)
        legend = app.query_one("#loss-scale-label", Static).visual
        spans = [s for s in legend.spans if legend.plain[s.start : s.end].strip() == "━"]
        styles = {str(s.style) for s in spans}
        assert ("$warning" in styles) == (theme == "textual-dark"), styles
        assert ("$text-warning" in styles) == (theme == "textual-light"), styles


class CompareApp(PanelApp):
    """The comparison's loss panel and status lines over a pair trained a few steps."""

    def __init__(self, comparison):
        super().__init__(CompareLossPanel(), comparison)
        self.status = CompareStatus()

    def compose(self):
        yield self.panel
        yield self.status

    def on_mount(self) -> None:
        self.panel.refresh_view(self.view)
        self.status.refresh_view(self.view)


def trained_pair() -> Comparison:
    comparison = Comparison(pair("overfitting", "overfitting-fixed-l2", seed=0))
    for session in comparison.sessions:
        for _ in range(20):
            session.run.step()
    return comparison


async def test_without_colours_the_comparison_marks_run_b_apart(no_color):
    app = CompareApp(trained_pair())
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        app.panel.refresh_view(app.view)
        await pilot.pause()
        key = app.query_one("#cmp-loss-key", Static).visual.plain
        assert "━ A overfitting" in key and "× B overfitting-fixed-l2" in key
        assert "• ○ validation" in key
        plotted = plot_text(app.query_one("#cmp-loss-plot", CachedPlot))
        assert "×" in plotted and "○" in plotted
        assert app.query_one("#cmp-status-b", Static).visual.plain.startswith("× B ")


async def test_with_colours_both_runs_keep_their_line():
    app = CompareApp(trained_pair())
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        app.panel.refresh_view(app.view)
        await pilot.pause()
        key = app.query_one("#cmp-loss-key", Static).visual.plain
        assert "━ B overfitting-fixed-l2" in key and "• validation" in key
        assert "×" not in plot_text(app.query_one("#cmp-loss-plot", CachedPlot))


def reversed_texts(content) -> list[str]:
    """The runs of ``content`` drawn in reverse video."""
    return [content.plain[s.start : s.end] for s in content.spans if "reverse" in str(s.style)]


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_a_value_out_of_band_is_reversed_and_the_axis_marks_its_zones(
    monkeypatch, marked
):
    """Under NO_COLOR a vanishing and an exploding layer were two numbers in two greys, the
    axis's zones one grey line and the legend's two marks alike."""
    if marked:
        monkeypatch.setenv("NO_COLOR", "1")
    view = make_view("xor")
    record_steps(view, 4, grad_norm=[1e-9, 1e3])
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bars = app.query_one("#gradients-bars", Static).content
        axis = app.query_one("#gradients-axis", Static).content.plain.splitlines()[0].strip()
        legend = app.query_one("#gradients-legend", Static).content.plain
        if marked:
            assert reversed_texts(bars) == ["1e-9", "1,000"]  # the numbers, not their padding
            assert axis[0] == "╌" and "─" in axis and axis[-1] == "━"
            assert "╌ vanishing <1e-5" in legend and "━ exploding >1e2" in legend
        else:  # with colours, as before
            assert reversed_texts(bars) == [] and set(axis) == {"━"}
            assert "━ vanishing <1e-5" in legend


async def test_without_colours_the_comparisons_gradients_mark_their_bands(no_color):
    comparison = Comparison(pair("exploding-gradients", "exploding-fixed-clipping-xavier", seed=0))
    a = comparison.sessions[0]
    comparison.train("continue", cancelled=lambda: a.steps_done >= 3)
    # A diverges at its step 4; at step 3 every layer's ‖∂C/∂W‖ is past 1e2
    app = PanelApp(CompareGradientsPanel(), comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.panel.refresh_view(comparison)
        await pilot.pause()
        bars = app.query_one("#cmp-grad-bars", Static).content
        exploding = [v for v in app.panel.values[0] if v is not None and v > 1e2]
        assert len(exploding) == 8  # run A's layers
        assert len(reversed_texts(bars)) == 8
        axis = app.query_one("#cmp-grad-axis", Static).content.plain
        assert "╌" in axis and "╌ vanishing <1e-5" in axis


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_the_focused_panel_has_a_heavy_border(monkeypatch, marked):
    """The focused panel's border was ``$primary`` and the others' ``$primary 40%``: under
    NO_COLOR two near-equal greys, so which panel took the keys could not be seen."""
    if marked:
        monkeypatch.setenv("NO_COLOR", "1")
    app = LabApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lesson, loss = app.query_one("#lesson"), app.query_one("#loss")
        assert lesson.has_focus_within and not loss.has_focus_within  # the lesson's actions
        assert lesson.styles.border_top[0] == ("heavy" if marked else "round")
        assert loss.styles.border_top[0] == "round"
        await pilot.press("tab")
        await pilot.pause()
        assert lesson.styles.border_top[0] == "round"


def point_colours(lines) -> set[tuple[int, int, int]]:
    """The foreground colours of the cells drawn with ``●`` (the data points)."""
    return {
        segment.style.color.triplet
        for strip in lines
        for segment in strip
        if "●" in segment.text and segment.style and segment.style.color
    }


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_the_data_classes_stand_out_from_a_light_background(theme):
    """textual-light's accent, class 1's colour, is the dark theme's orange: its points stood
    1.4:1 from the light surface and 1.01:1 from class 0's faint tint. A light theme takes the
    classes' text shades ($text-primary, $text-accent, …); a dark one keeps its colours."""
    app = LabApp("xor", theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        variables = app.theme_variables
        names = ("primary", "accent")
        if theme == "textual-light":
            names = ("text-primary", "text-accent")
        want = {Color.parse(variables[name]).rgb for name in names}
        assert point_colours(app.query_one("#data-canvas", Static).visual.lines) == want


async def test_a_fitted_curves_points_stand_out_from_a_light_background():
    app = LabApp("linear-regression", theme="textual-light")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        plot = app.query_one("#data-plot", CachedPlot)
        want = Color.parse(app.theme_variables["text-accent"]).rgb
        assert foregrounds(plot, "•") == {want}


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_the_comparisons_run_b_stands_out_from_a_light_background(theme):
    """Run B's orange #E69F00 stood 1.6:1 from textual-light's surface; a light theme draws
    the runs in the network picture's light shades (#0061A8, #C25400)."""
    app = CompareApp(trained_pair())
    app.theme = theme
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        app.panel.refresh_view(app.view)
        await pilot.pause()
        want = ("#0072B2", "#E69F00") if theme == "textual-dark" else ("#0061A8", "#C25400")
        braille = "".join(chr(c) for c in range(0x2801, 0x2900))
        drawn = foregrounds(app.query_one("#cmp-loss-plot", CachedPlot), braille)
        assert drawn == {Color.parse(c).rgb for c in want}
        status = app.query_one("#cmp-status-b", Static).visual
        assert f"bold {want[1]}" in {str(span.style) for span in status.spans}


def explicit_view(x: list, W: list, y: list | None = None, debugger: bool = False) -> LabView:
    """A run of one linear layer with weights ``W`` (nˡ × nˡ⁻¹) on the examples ``x``."""
    n_out = len(W)
    y = y or [[0.0] * n_out for _ in x]
    text = f"""
name = "explicit"
title = "Weights of known signs"
summary = "Explicit weights."
lesson = "None."
seed = 0
[data]
kind = "inline"
x = {x}
y = {y}
[network]
loss = "mse"
[[network.layers]]
size = {n_out}
activation = "linear"
weights = {W}
bias = {[0.0] * n_out}
[training]
lr = 0.1
batch_size = "full"
"""
    scenario = parse_scenario(text, path=Path("explicit.toml"), label="explicit.toml")
    run = build_run(scenario)
    controller = Controller(run.trainer) if debugger else None
    event = controller.event if controller is not None else None
    return LabView(run=run, controller=controller, scenario=scenario, event=event)


async def drawn_picture(monkeypatch, view: LabView, marked: bool) -> tuple[NetworkPicture, str]:
    """The Network panel's picture of ``view`` at 80×24, with colours or (``marked``) without,
    and its caption."""
    if marked:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color == marked
        picture = app.query_one(NetworkPicture)
        return picture, app.query_one("#network-caption", Static).content.plain


def glyphs(picture: NetworkPicture, target: tuple) -> list[tuple[int, int, str]]:
    """The cells (x, y, character) drawn for ``target``; a weight's: those its line crosses
    alone (where lines cross, a cell draws the dots of all)."""
    alone = None
    if target[0] == "weight":
        gap = picture.layout_.gaps[target[1] - 1]
        lone = [xy for xy, crossing in gap.cells if [e[:2] for e in crossing] == [target[2:]]]
        alone = {(x, y + 1) for x, y in lone}  # row 0 of the grid is the header
    return [
        (x, y, cell.char)
        for y, row in enumerate(picture.grid)
        for x, cell in enumerate(row)
        if cell.target == target and (alone is None or (x, y) in alone)
    ]


def edge_text(picture: NetworkPicture) -> list[str]:
    """The characters of the weights' cells (the nodes' values aside)."""
    return [c.char for row in picture.grid for c in row if c.target and c.target[0] == "weight"]


def picture_text(picture: NetworkPicture) -> str:
    return "\n".join(strip.text for strip in picture._strips)


def dots(cells) -> int:
    """How many braille dots ``cells`` draw."""
    return sum(bin(ord(c) - 0x2800).count("1") for _, _, c in cells if "\u2800" <= c <= "\u28ff")


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_a_negative_weights_line_is_dashed(monkeypatch, marked):
    """Under NO_COLOR the Okabe–Ito orange and blue of the two signs are one grey: a weight of
    −1 was drawn as the same line as one of +1, and the legend's two marks were alike."""
    mixed = await drawn_picture(monkeypatch, explicit_view([[1.0], [0.5]], [[1.0], [-1.0]]), marked)
    plus = await drawn_picture(monkeypatch, explicit_view([[1.0], [0.5]], [[1.0], [1.0]]), marked)
    (mixed_picture, mixed_caption), (plus_picture, plus_caption) = mixed, plus
    assert [g.kind for g in mixed_picture.layout_.gaps] == ["lines"]
    negative = glyphs(mixed_picture, ("weight", 1, 1, 0))  # W[1, 0] = −1
    positive = glyphs(plus_picture, ("weight", 1, 1, 0))  # the same line, W[1, 0] = +1
    assert positive and negative
    if marked:  # dashed: some of its dots left out, in runs along the line
        assert 0 < dots(negative) < dots(positive)
        assert "W ━+ ╍−" in mixed_caption and "W ━+ ╍−" in plus_caption
    else:  # with colours the sign is the colour alone: the same characters, as before
        assert edge_text(mixed_picture) == edge_text(plus_picture)
        assert positive == negative
        assert "W ━+ ━−" in mixed_caption


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_a_negative_band_and_input_are_dotted(monkeypatch, marked):
    """8 → 8 weights are a band of ``░▒▓█`` cells, toned by sign and size; under NO_COLOR a band of
    −0.5 was the same shades as one of +0.5, and an input of −1 the same ``●`` as one of +1."""
    x = [[(-1.0) ** k for k in range(8)], [0.5] * 8]
    bands = {}
    for sign in (1, -1):
        view = explicit_view(x, [[sign * 0.5] * 8 for _ in range(8)])
        picture, _ = await drawn_picture(monkeypatch, view, marked)
        assert [g.kind for g in picture.layout_.gaps] == ["band"]
        bands[sign] = picture
        cells = [c for row in picture.grid for c in row if c.target and c.target[0] == "block"]
        chars = {c.char for c in cells}
        assert chars
        if sign > 0 or not marked:
            assert chars <= set(SHADES)
        else:  # dotted: none of the solid shades
            assert not chars & set(SHADES)
        nodes = [glyphs(picture, ("unit", 0, k))[0][2] for k in range(8)]
        assert nodes == (["●", "◌"] * 4 if marked else ["●"] * 8)  # x of example 0: +1, −1, …
    if not marked:
        assert picture_text(bands[1]) == picture_text(bands[-1])  # W x = 0 for both


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_a_negative_gradient_is_dashed_at_a_backward_event(
    monkeypatch, marked
):
    """At a backward event the edges are ∂C/∂W, signed as the weights are."""
    # a = W x = (0.5, 0.5) against y = (1, −1): ∂C/∂W[0, 0] < 0 < ∂C/∂W[1, 0]
    drawn = {}
    for colours in (False, marked):
        view = explicit_view([[1.0]], [[0.5], [0.5]], y=[[1.0, -1.0]], debugger=True)
        while view.event.kind != "gradient":
            move(view, "step")
        picture, caption = await drawn_picture(monkeypatch, view, colours)
        grad = picture.shown.edges[0]
        assert grad[0, 0] < 0 < grad[1, 0]
        drawn[colours] = picture
    assert ("∂C/∂W ━+ ╍−" if marked else "∂C/∂W ━+ ━−") in caption
    before, now = drawn[False], drawn[marked]
    positive = [glyphs(p, ("weight", 1, 1, 0)) for p in (before, now)]
    negative = [glyphs(p, ("weight", 1, 0, 0)) for p in (before, now)]
    assert positive[0] == positive[1]
    assert (dots(negative[1]) < dots(negative[0])) == marked


def mapped_view() -> LabView:
    """2-D inputs → 12 linear units (a strip: more than fit as nodes), unit j = (−1)ʲ x₁, → 2
    outputs with maps: a⁰ = x₁ (x₁ < 0 on the map's left half), a¹ = −x₁."""
    x = [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]]
    text = f"""
name = "mapped"
title = "Units of known signs"
summary = "Explicit weights."
lesson = "None."
seed = 0
[data]
kind = "inline"
x = {x}
y = {[[0.0, 0.0] for _ in x]}
[network]
loss = "mse"
[[network.layers]]
size = 12
activation = "linear"
weights = {[[(-1.0) ** j, 0.0] for j in range(12)]}
bias = {[0.0] * 12}
[[network.layers]]
size = 2
activation = "linear"
weights = {[[1.0] + [0.0] * 11, [-1.0] + [0.0] * 11]}
bias = [0.0, 0.0]
[training]
lr = 0.1
batch_size = "full"
"""
    scenario = parse_scenario(text, path=Path("mapped.toml"), label="mapped.toml")
    return LabView(run=build_run(scenario), controller=None, scenario=scenario, event=None)


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_a_negative_units_map_and_strip_cells_are_checkered(
    monkeypatch, marked
):
    """A unit's map (2-D data) and a strip's cells are ``▀`` pixels in the sign's colour: under
    NO_COLOR a unit of −1 in the strip was the same cell as one of +1, and the map's half where
    the unit is negative the same as the half where it is positive."""
    picture, _ = await drawn_picture(monkeypatch, mapped_view(), marked)
    assert [c.kind for c in picture.layout_.columns] == ["nodes", "strip", "nodes"]
    example = picture.shown.example.index
    x1 = picture.view.run.data.x_train[example][0]
    strip = {j: {c for _, _, c in glyphs(picture, ("unit", 1, j))} for j in range(12)}
    for j, chars in strip.items():  # unit j of the example: (−1)ʲ x₁, one unit a cell
        negative = (-1.0) ** j * x1 < 0
        assert chars == ({"▚"} if marked and negative else {"▀"}), (j, chars)
    for unit in (0, 1):  # a map: a negative half checkered, a positive one solid
        cells = [c for x, y, c in glyphs(picture, ("unit", 2, unit)) if c in "▀▚▜▙▘▗"]
        assert len(cells) == 8  # 4 × 2 cells
        assert set(cells) == ({"▀", "▚"} if marked else {"▀"}), cells


@pytest.mark.parametrize("marked", [True, False])
async def test_without_colours_the_history_strips_reverse_the_columns_out_of_band(
    monkeypatch, marked
):
    """Each layer's history strip coloured a column by its band only: under NO_COLOR the steps
    where a layer vanished or exploded were the same grey as its healthy ones. They are in
    reverse video, as the bars' numbers out of band are, their bar the dark part and never a
    whole cell (a reversed █ is all dark: no column to see)."""
    if marked:
        monkeypatch.setenv("NO_COLOR", "1")
    view = make_view("xor")
    record_steps(view, 4, grad_norm=[0.1, 0.1])  # ok
    record_steps(view, 4, grad_norm=[1e-9, 1e3])  # l1 vanishing (far under l2), l2 exploding
    app = PanelApp(GradientsPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.fit.stacked and app.panel.fit.history >= 8  # a column a step
        strips = app.query_one("#gradients-history", Static).content.split("\n")
        assert len(strips) == 2
        for strip in strips:
            columns = strip.plain.split()[1]
            assert len(columns) == 8
            want = [columns[4:]] if marked else []  # the last four steps, out of band
            assert reversed_texts(strip) == want, strip.plain
        exploding = strips[1].plain.split()[1][4:]  # l2's 1e3: the top of the strips' scale
        assert exploding == ("▇▇▇▇" if marked else "████")
