"""Colours that hold in 256 and 16 colours. With ``TERM=xterm-256color`` and no
``COLORTERM`` Textual draws in 256 colours and reduces every colour as Rich's ``downgrade``
does; the blends of a class colour with the background became olive and teal bands and greys
that belong to no class. Here the colours the Data panel and the network picture emit are
reduced the same way: each must be a class's (or sign's) own colour, a step of its own hue, or
the background / a neutral grey — in 16 colours, only the class colours and the background."""

from __future__ import annotations

import numpy as np
import pytest
from panel_harness import PanelApp, make_view
from textual.color import Color
from textual.widgets import Static

from tui.panels import data_panel, network_picture
from tui.panels.data_field import CLASS_COLORS, Palette
from tui.panels.data_panel import DataPanel
from tui.panels.network_panel import NetworkPanel
from tui.panels.network_picture import NetworkPicture
from tui.panels.tints import hue_and_saturation, hue_gap, reduce

HUE = 15.0  # degrees: teal is 26° from the dark theme's blue, olive 25° from its orange
GREY = 0.15  # HLS saturation under which Rich itself treats a colour as grey


def emitted(strips) -> set[Color]:
    """Every foreground and background colour in ``strips`` (Rich segments)."""
    colours = set()
    for strip in strips:
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            for c in (style.color, style.bgcolor):
                if c is not None and c.triplet is not None:
                    colours.add(Color(*c.triplet))
    return colours


def belongs(rgb, owners: list[Color], system: str) -> bool:
    """Whether a reduced colour reads as one of the colours ``owners``: one of them as reduced,
    or of the same hue (within ``HUE`` of the colour's own or of its reduction's, not grey)."""
    h, _, s = hue_and_saturation(rgb)
    for own in owners:
        reduced = reduce(own, system)
        hues = (hue_and_saturation(own.rgb)[0], hue_and_saturation(reduced)[0])
        if rgb == reduced or (s >= GREY and min(hue_gap(h, x) for x in hues) <= HUE):
            return True
    return False


@pytest.fixture
def system(monkeypatch, request):
    """The colour system the panels believe they draw in (headless apps report true colour)."""
    monkeypatch.setattr(data_panel, "color_system", lambda app: request.param)
    monkeypatch.setattr(network_picture, "color_system", lambda app: request.param)
    return request.param


@pytest.mark.parametrize("system", ["256", "standard"], indirect=True)
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("scenario,steps", [("xor", 0), ("xor", 150), ("spiral", 300)])
async def test_the_data_panel_emits_only_class_colours(system, theme, scenario, steps):
    view = make_view(scenario, steps=steps)
    app = PanelApp(DataPanel(), view)
    app.theme = theme
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        field = app.query_one("#data-canvas", Static).visual
        variables = app.theme_variables
        palette = Palette(variables, system, dark=app.current_theme.dark)
        owners = palette.classes[: view.run.data.n_classes]
        classes = [reduce(c, system) for c in owners]
        background = reduce(palette.background, system)
        colours = {reduce(c, system) for c in emitted(field.lines)}
        assert colours, "nothing drawn"
        for rgb in colours:
            if system == "standard":
                assert rgb in (*classes, background), (rgb, classes, background)
            else:
                assert rgb == background or belongs(rgb, owners, system), (rgb, classes)
        # every class in use shows, the untrained network's too
        for own in owners:
            assert any(rgb != background and belongs(rgb, [own], system) for rgb in colours)


@pytest.mark.parametrize("system", ["truecolor"], indirect=True)
async def test_true_colour_keeps_its_smooth_tints(system):
    view = make_view("xor", steps=150)
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        field = app.query_one("#data-canvas", Static).visual
        assert len(emitted(field.lines)) > 10 and "▀" in field.plain


@pytest.mark.parametrize("system", ["256", "standard"], indirect=True)
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_pictures_signs_and_maps_keep_their_hues(system, theme):
    view = make_view("xor", steps=150)
    app = PanelApp(NetworkPanel(), view)
    app.theme = theme
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        picture = app.query_one(NetworkPicture)
        palette = picture._palette()
        owners = [palette.positive, palette.negative]
        signs = [reduce(c, system) for c in owners]
        greys = {
            reduce(c, system)
            for c in (palette.background, palette.foreground, palette.neutral, palette.muted)
        }
        accent = reduce(palette.accent, system)
        colours = {reduce(c, system) for c in emitted(picture._strips)}
        for rgb in colours:
            _, _, s = hue_and_saturation(rgb)
            if system == "standard":
                assert rgb in (*signs, *greys, accent), (rgb, signs, greys)
            else:
                assert rgb in greys or rgb == accent or s < GREY or belongs(rgb, owners, system)
        for own in owners:  # both signs show
            assert any(belongs(rgb, [own], system) for rgb in colours - greys)


def test_the_class_colours_are_the_themes():
    assert CLASS_COLORS[:2] == ("primary", "accent")
    palette = Palette({"surface": "#1e1e1e", "primary": "#0178D4", "accent": "#FEA62B"}, "256", 2)
    assert not palette.shaded and len({c.hex for c in palette.tints[0]}) >= 2
    assert np.all([c.hex != palette.classes[0].hex for c in palette.tints[0]])
