"""The Data panel's picture of the input plane: the network's prediction over a grid, as
half-block cells ("▀": two pixels per cell, a foreground and a background colour), each pixel
tinted by its predicted class and the confidence (``Palette``, from the theme and
``tints.ramp`` for the colour system; ░▒▓ shades in 16 colours), the training points on top.

Under ``NO_COLOR`` (Textual draws every colour as a grey) a class is told by characters instead
(``Palette.marked``): each cell shows its upper pixel's class as that class's fill (``FILLS``:
``·`` class 0, ``░`` class 1, …) and a training point as its class's mark (``MARKS``: ``○``
class 0, ``●`` class 1, …), however many points there are.

With colours, a training point in another class's predicted area (a point the network gets
wrong) is drawn as its class's mark on the plain background (``Palette.astray``): on the other
class's strongest tint a point of its own colour differed from it by hue only (luminance
contrast 1.06:1 in textual-dark, 1.05:1 in textual-light), gone on a projector that washes hues
out or shows greys; on the background it stands 3:1 or more, and the mark tells its class
without the hue, as without colours.

``render_field`` turns pixels into a ``Field`` (a Textual ``Visual`` of ready strips);
``DataPanel`` (``data_panel.py``) decides what to draw and when.
"""

from __future__ import annotations

import math

import numpy as np
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.color import Color
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual

from tui.panels.tints import ramp

CLASS_COLORS = ("primary", "accent", "success", "error", "secondary", "warning")
"""Theme variables for classes 0, 1, 2, …; further classes repeat the palette."""
CLASS_DEFAULTS = ("#0178D4", "#ffa62b", "#4EBF71", "#ba3c5b", "#004578", "#ffa62b")
LIGHT_CLASS_COLORS = tuple(f"text-{name}" for name in CLASS_COLORS)
"""In a light theme: the text shades of the same colours. textual-light's accent and success
(#FEA62B, #4EBF71) stand 1.4:1 and 1.6:1 from its surface, and a class-1 point on class 0's
faint tint 1.01:1 — invisible on a projector; their text shades are 3:1 and more."""
MAX_TINT = 0.55  # how far a fully confident pixel moves from the background to its class colour
MIN_TINT = 0.2
"""How far the least confident pixel moves: enough that the predicted class (and so the decision
boundary) shows even for an untrained network, whose outputs are all near ½ — with tints from 0
the plane of a fresh network was one colour (in 256 colours exactly the background's)."""
LEVELS = 12  # tint strengths (styles are cached per class and level)
SHADES = "░▒▓"  # strengths in 16 colours, faint to strong
POINT = LEVELS  # the "level" of a pixel holding a data point: the class colour itself
GLYPH_SHARE = 8  # points are drawn as "●" when at most one cell in 8 holds one
MARKS = ("○", "●", "▲", "■", "◆", "✚")
"""Without colours (``Palette.marked``): the mark of a training point of class 0, 1, 2, …"""
FILLS = ("·", "░", "▒", "▓", ":", "+")
"""Without colours: the fill of the area predicted as class 0, 1, 2, … (one pixel per cell)."""


def confidence_of(values: np.ndarray, encoding: str) -> np.ndarray:
    """How sure each prediction is, in [0, 1] (a display transform of the network's outputs):
    softmax rows → (top − 1/k) / (1 − 1/k); one sigmoid unit → |a − ½|·2; a class index
    regressed by one unit → 1 − 2·|a − round(a)|."""
    a = np.asarray(values, dtype=np.float64)
    if a.shape[-1] > 1:
        k = a.shape[-1]
        confidence = (np.max(a, axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
    elif encoding == "index":
        confidence = 1.0 - 2.0 * np.abs(a[..., 0] - np.rint(a[..., 0]))
    else:
        confidence = np.abs(a[..., 0] - 0.5) * 2
    return np.nan_to_num(np.clip(confidence, 0.0, 1.0), nan=0.0)


def probability_of_prediction(values: np.ndarray, encoding: str) -> np.ndarray | None:
    """The probability the network gives the class it predicts: the top softmax output, or
    max(a, 1 − a) for one sigmoid unit (a is P(class 1)); None for a class index regressed by
    one unit, whose output is no probability."""
    a = np.asarray(values, dtype=np.float64)
    if a.shape[-1] > 1:
        return np.max(a, axis=-1)
    if encoding == "index":
        return None
    return np.maximum(a[..., 0], 1.0 - a[..., 0])


def resample(field: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """A (R, R) grid (row j = j-th y, increasing) → (rows, cols) pixels, row 0 at the top."""
    R_y, R_x = field.shape[:2]
    j = np.rint(np.linspace(R_y - 1, 0, rows)).astype(np.int64)
    i = np.rint(np.linspace(0, R_x - 1, cols)).astype(np.int64)
    return field[j][:, i]


def pixel_of(value: float, axis: np.ndarray, n: int) -> int | None:
    """The pixel (0 … n−1) of ``value`` along an increasing axis drawn with n pixels."""
    lo, hi = float(axis[0]), float(axis[-1])
    if not math.isfinite(value) or hi <= lo:
        return None
    k = int(round((value - lo) / (hi - lo) * (n - 1)))
    return k if 0 <= k < n else None


class Palette:
    """Theme colours for classes and tints in a colour system (``tints.color_system``), with a
    cache of cell styles. ``shaded``: the strength is drawn with ``SHADES`` in the class colour
    on the background (16 colours, or one of the first ``n_classes`` classes with no tint of its
    hue in 256). ``marked``: without colours, each class has its own characters (``MARKS``,
    ``FILLS``), drawn in its colour on the background. ``dark``: the theme is dark (a light one
    takes the classes' text shades, ``class_colours``)."""

    def __init__(
        self,
        variables: dict[str, str],
        system: str = "truecolor",
        n_classes: int | None = None,
        marked: bool = False,
        dark: bool = True,
    ):
        self.background = theme_color(
            variables.get("surface") or variables.get("background"), "#1e1e1e"
        )
        self.classes = class_colours(variables, dark)
        self.system = system
        self.tints = [
            ramp(self.background, colour, LEVELS, system, lowest=MIN_TINT, reach=MAX_TINT)
            for colour in self.classes
        ]
        used = zip(self.classes[: n_classes or len(self.classes)], self.tints)
        self.shaded = system == "standard" or any(colour in tints for colour, tints in used)
        self.marked = marked
        self._styles: dict = {}

    def tint(self, cls: int, level: int) -> Color:
        """Pixel colour of class ``cls`` at tint ``level`` (0 = faintest … LEVELS − 1;
        ``POINT``: the class colour itself, for a data point)."""
        k = cls % len(self.classes)
        return self.classes[k] if level == POINT else self.tints[k][level]

    def shade(self, cls: int, level: int) -> tuple[str, RichStyle]:
        """The character and style of a cell of class ``cls`` at ``level`` when ``shaded``:
        ``░▒▓`` by strength (a point: ``█``) in the class colour on the background."""
        key = ("shade", cls, level)
        style = self._styles.get(key)
        if style is None:
            colour = self.classes[cls % len(self.classes)]
            style = Style(background=self.background, foreground=colour).rich_style
            self._styles[key] = style
        char = "█" if level == POINT else SHADES[level * len(SHADES) // LEVELS]
        return char, style

    def mark(self, cls: int, level: int) -> tuple[str, RichStyle]:
        """The character and style of a cell of class ``cls`` at ``level`` when ``marked``: the
        class's fill (a point: its mark) in the class colour on the background."""
        k = cls % len(self.classes)
        char = MARKS[k % len(MARKS)] if level == POINT else FILLS[k % len(FILLS)]
        return char, self.shade(cls, POINT)[1]

    def cell(self, top: tuple[int, int], bottom: tuple[int, int]) -> RichStyle:
        """Style of a half-block cell: "▀" in the top pixel's colour on the bottom pixel's."""
        key = (top, bottom)
        style = self._styles.get(key)
        if style is None:
            style = Style(background=self.tint(*bottom), foreground=self.tint(*top)).rich_style
            self._styles[key] = style
        return style

    def astray(self, cls: int) -> tuple[str, RichStyle]:
        """A point of class ``cls`` in another class's area: its class's mark (``MARKS``) in
        its colour, bold, on the background (not on the other class's tint)."""
        key = ("astray", cls)
        style = self._styles.get(key)
        if style is None:
            colour = self.classes[cls % len(self.classes)]
            style = Style(background=self.background, foreground=colour, bold=True).rich_style
            self._styles[key] = style
        return MARKS[cls % len(self.classes) % len(MARKS)], style

    def point(self, cls: int, under: tuple[int, int]) -> RichStyle:
        key = ("point", cls, under)
        style = self._styles.get(key)
        if style is None:
            style = Style(
                background=self.background if self.shaded else self.tint(*under),
                foreground=self.classes[cls % len(self.classes)],
                bold=True,
            ).rich_style
            self._styles[key] = style
        return style


class Field(Visual):
    """The picture of the input plane, as the screen's lines: ``render_field`` builds them once
    per redraw and painting only hands them over (no text layout, which cost 5–35 ms a paint)."""

    def __init__(self, lines: list[Strip]) -> None:
        self.lines = lines

    @property
    def plain(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def styles(self) -> list[RichStyle | None]:
        """The style of every run of equal cells, row by row."""
        return [segment.style for line in self.lines for segment in line]

    def render_strips(self, width, height, style, options) -> list[Strip]:
        return self.lines

    def get_optimal_width(self, rules, container_width: int) -> int:
        return max((line.cell_length for line in self.lines), default=0)

    def get_height(self, rules, width: int) -> int:
        return len(self.lines)


def render_field(
    classes: np.ndarray,
    confidence: np.ndarray,
    points: list[tuple[int, int, int]],
    palette: Palette,
) -> Field:
    """Pixels (rows × cols, row 0 at the top, rows even) as half-block cells, points on top.

    ``points`` are (pixel row, pixel column, class). A few points are drawn as "●" in their
    class colour over the cell; many (more than one cell in ``GLYPH_SHARE``) as pixels in their
    full class colour, so the field between them stays visible. With colours, a point in
    another class's area is its class's mark on the background, either way (``Palette.astray``).
    """
    rows, cols = classes.shape
    levels = np.rint(confidence * (LEVELS - 1)).astype(np.int64)
    glyphs = len(points) * GLYPH_SHARE <= (rows // 2) * cols
    astray = {(r // 2, c): k for r, c, k in points if classes[r, c] != k}
    marks: dict[tuple[int, int], int] = {}
    if glyphs:
        marks = {(r // 2, c): k for r, c, k in points}
    else:
        classes = classes.copy()
        for r, c, k in points:
            classes[r, c], levels[r, c] = k, POINT
    lines = []
    cls_rows, lvl_rows = classes.tolist(), levels.tolist()
    if palette.marked or palette.shaded:
        return Field(_shaded_lines(cls_rows, lvl_rows, marks, palette))
    for r in range(0, rows - 1, 2):
        pair = (cls_rows[r], lvl_rows[r], cls_rows[r + 1], lvl_rows[r + 1])
        cells = _half_blocks(*pair, marks, astray, r // 2, palette)
        lines.append(Strip(_spans(cells), cols))
    return Field(lines)


def _shaded_lines(cls_rows, lvl_rows, marks, palette: Palette) -> list[Strip]:
    """The cells of a shaded picture: one pixel per cell (the upper of each pair), its class
    colour on the background, ``░▒▓`` by strength; a point as ``●`` (or a ``█`` pixel). Marked
    (``palette.marked``): the class's fill, a point as its class's mark."""
    cells = _marks if palette.marked else _shades
    lines = []
    for r in range(0, len(cls_rows) - 1, 2):
        pair = (cls_rows[r], lvl_rows[r], cls_rows[r + 1], lvl_rows[r + 1])
        lines.append(Strip(_spans(cells(*pair, marks, r // 2, palette)), len(pair[0])))
    return lines


def class_colours(variables: dict[str, str], dark: bool = True) -> list[Color]:
    """The colours of classes 0, 1, …: the theme's ``CLASS_COLORS``, in a light theme their
    text shades (``LIGHT_CLASS_COLORS``) where the theme has them."""
    names = CLASS_COLORS if dark else LIGHT_CLASS_COLORS
    return [
        theme_color(variables.get(name) or variables.get(base), default)
        for name, base, default in zip(names, CLASS_COLORS, CLASS_DEFAULTS)
    ]


def theme_color(value: str | None, default: str) -> Color:
    try:
        return Color.parse(value) if value else Color.parse(default)
    except Exception:
        return Color.parse(default)


def dot_style(color: Color) -> Style:
    return Style(foreground=color, bold=True)


def _half_blocks(top_c, top_l, bot_c, bot_l, marks, astray, row: int, palette: Palette):
    """The (character, style) cells of one row of half blocks: ``▀`` with the upper pixel as
    its colour and the lower as its background, a point's ``●``, or (``astray``: a point in
    another class's area) its class's mark on the background."""
    for c in range(len(top_c)):
        k = astray.get((row, c))
        if k is not None:
            yield palette.astray(k)
            continue
        k = marks.get((row, c))
        if k is not None:
            yield "●", palette.point(k, (bot_c[c], bot_l[c]))
        else:
            yield "▀", palette.cell((top_c[c], top_l[c]), (bot_c[c], bot_l[c]))


def _shades(top_c, top_l, bot_c, bot_l, marks, row: int, palette: Palette):
    """The (character, style) cells of one shaded row: the upper pixel's shade, a point's ``●``,
    or a point drawn as a pixel in the lower half."""
    for c in range(len(top_c)):
        k = marks.get((row, c))
        if k is not None:
            yield "●", palette.point(k, (top_c[c], top_l[c]))
        elif bot_l[c] == POINT:
            yield palette.shade(bot_c[c], POINT)
        else:
            yield palette.shade(top_c[c], top_l[c])


def _spans(cells) -> list[Segment]:
    """(character, style) cells as segments, a run of cells of one style as one segment (cheaper
    to draw)."""
    parts: list[Segment] = []
    text, style = "", None
    for char, cell in cells:
        if cell is style:
            text += char
            continue
        if style is not None:
            parts.append(Segment(text, style))
        text, style = char, cell
    if style is not None:
        parts.append(Segment(text, style))
    return parts


def _marks(top_c, top_l, bot_c, bot_l, marks, row: int, palette: Palette):
    """The (character, style) cells of one marked row: a point's mark (drawn as a glyph, or as
    a pixel of either half), else the upper pixel's class fill."""
    for c in range(len(top_c)):
        k = marks.get((row, c))
        if k is not None:
            yield palette.mark(k, POINT)
        elif top_l[c] == POINT:
            yield palette.mark(top_c[c], POINT)
        elif bot_l[c] == POINT:
            yield palette.mark(bot_c[c], POINT)
        else:
            yield palette.mark(top_c[c], top_l[c])
