"""A training point in another class's predicted area (one the network gets wrong): on that
class's strongest tint its own colour differed from the tint by hue only (a projector
audit) — on a projector that washes hues out or shows greys the point
was gone. It is drawn as its class's mark (``○`` class 0, ``●`` 1, ``▲`` 2: the marks the Data
panel has without colours) on the plain background."""

from __future__ import annotations

import numpy as np
import pytest
from textual.color import Color

from tui.panels.data_field import LEVELS, Palette, render_field


def luminance_contrast(a: Color, b: Color) -> float:
    """WCAG contrast of two colours: 1 (alike in grey) … 21."""

    def luminance(colour: Color) -> float:
        channels = [v / 255 for v in colour.rgb]
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("many", [False, True], ids=["glyphs", "pixels"])
def test_a_point_in_the_other_classs_strongest_tint_stands_out_without_its_hue(many):
    """A point of class 0 (blue) on class 1's strongest tint (orange) was told from it by hue
    only (1.06:1 in greys): gone on a projector that shows greys. It is drawn as its class's
    mark on the background; a point in its own class's area is drawn as before."""
    variables = {"surface": "#1e1e1e", "primary": "#0178D4", "accent": "#ffa62b"}
    palette = Palette(variables, "truecolor", 2)
    rows, cols = 8, 8
    classes = np.ones((rows, cols), dtype=np.int64)  # all class 1, fully confident
    confidence = np.ones((rows, cols))
    points = [(0, 1, 0), (4, 5, 1)]  # class 0 at row 0 (cell 0), class 1 at row 4 (cell 2)
    if many:  # more than a cell in GLYPH_SHARE holds a point: points drawn as pixels
        points += [(7, c, 1) for c in range(cols)]
    lines = render_field(classes, confidence, points, palette).lines
    cells = [[(c, s) for seg in line for c in seg.text for s in [seg.style]] for line in lines]
    char, style = cells[0][1]
    assert char == "○"  # class 0's mark
    assert style.bgcolor.triplet == palette.background.rgb
    point = Color.from_rich_color(style.color)
    assert luminance_contrast(point, palette.tint(1, LEVELS - 1)) < 1.2  # hue only
    assert luminance_contrast(point, palette.background) >= 3
    char, style = cells[2][5]  # class 1 in its own area: as with colours before
    assert char == ("●" if not many else "▀")
    assert style.bgcolor.triplet != palette.background.rgb


def test_the_legend_names_the_marks_of_misplaced_points_where_its_lines_have_room():
    """With colours, a misplaced point's mark (○ ● ▲) is said in the legend — "○● wrong class"
    — where that fits on the lines the legend already has (the picture keeps its rows: the lab's
    narrowest Data panels say it in Help only); never without colours, where the marks are every
    point's."""
    from types import SimpleNamespace

    from tui.panels.data_panel import legend

    data = SimpleNamespace(task="classification", class_names=["class 0", "class 1"])
    variables = {"surface": "#1e1e1e", "primary": "#0178D4", "accent": "#ffa62b"}
    palette = Palette(variables, "truecolor", 2)
    wide = legend(data, palette, 36).plain  # the Data panel at 120x40, the lesson hidden
    assert wide.split("\n") == ["● class 0  ● class 1", "(tint: confidence)  ○● wrong class"]
    arms = SimpleNamespace(task="classification", class_names=["arm 1", "arm 2", "arm 3"])
    assert legend(arms, Palette(variables, "truecolor", 3), 36).plain.split("\n") == [
        "● arm 1  ● arm 2  ● arm 3",
        "(tint: confidence)  ○●▲ wrong class",
    ]
    narrow = legend(data, palette, 26).plain  # with the lesson's column: no room, no line more
    assert narrow.split("\n") == ["● class 0  ● class 1", "(tint: confidence)"]
    marked = Palette(variables, "truecolor", 2, marked=True)
    assert "wrong class" not in legend(data, marked, 80).plain
