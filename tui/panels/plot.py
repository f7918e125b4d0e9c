"""A plotext plot that builds its picture only when the data, the size or the theme changed.

``PlotextPlot.render`` rebuilds the whole plot every time the widget is painted, and a panel
around it repaints whenever a neighbouring line of text changes. ``CachedPlot`` keeps the last
picture until ``replot()`` says the data changed.

The widget is textual-plotext's ``PlotextPlot`` without its import at start-up: plotext (30 ms
to import) is loaded when a plot is first drawn, after the lab's first frame. The picture goes
straight from plotext's ANSI text to the screen's lines (``ansi_strips``):
plotext writes every run of cells as ``ESC[48;2;r;g;bm`` (background), ``ESC[38;2;r;g;bm``
(foreground), the characters and ``ESC[0m``; reading that with a regular expression into
segments takes ~0.5 ms for a panel-sized plot, where Rich's ANSI decoder plus Textual's
conversion of the resulting ``Text`` took 10–15 ms — the most expensive part of a frame while
training.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual_plotext.plot import Plot

PRIVATE_NAMES = {
    "plotext._dict": ("themes",),
    "plotext._figure": ("_figure_class._set_size",),
    "textual_plotext.plot": ("_rgbify_theme", "_sequence"),
}
"""The private names of plotext and textual-plotext this module uses (as ``PlotextPlot`` does):
they may change in any release, so pyproject.toml holds both packages to the minor version
tested, and a test fails when one of these disappears."""

_SGR = re.compile(r"\x1b\[([0-9;]*)m")

_PLAIN = (None, None, False, False, False)  # foreground, background, bold, italic, underline


def _color(params: list[int], i: int) -> tuple[RichColor | None, int]:
    """The colour of an extended colour code at ``params[i]`` (after 38 or 48), and where the
    next code starts: ``5;n`` (256 colours) or ``2;r;g;b`` (true colour)."""
    if i < len(params) and params[i] == 5 and i + 1 < len(params):
        return RichColor.from_ansi(params[i + 1] % 256), i + 2
    if i < len(params) and params[i] == 2 and i + 3 < len(params):
        r, g, b = (min(max(v, 0), 255) for v in params[i + 1 : i + 4])
        return RichColor.from_rgb(r, g, b), i + 4
    return None, len(params)


@lru_cache(maxsize=1024)
def _apply(state: tuple, codes: str) -> tuple:
    """The text attributes after the SGR sequence ``ESC[<codes>m`` (colours, bold, italic,
    underline; anything else is ignored)."""
    fg, bg, bold, italic, underline = state
    params = [int(p) if p else 0 for p in codes.split(";")]
    i = 0
    while i < len(params):
        p = params[i]
        i += 1
        if p == 0:
            fg, bg, bold, italic, underline = _PLAIN
        elif p == 1:
            bold = True
        elif p == 3:
            italic = True
        elif p == 4:
            underline = True
        elif p == 22:
            bold = False
        elif p == 23:
            italic = False
        elif p == 24:
            underline = False
        elif 30 <= p <= 37 or 90 <= p <= 97:
            fg = RichColor.from_ansi(p - 30 if p < 90 else p - 82)
        elif 40 <= p <= 47 or 100 <= p <= 107:
            bg = RichColor.from_ansi(p - 40 if p < 100 else p - 92)
        elif p == 39:
            fg = None
        elif p == 49:
            bg = None
        elif p == 38:
            fg, i = _color(params, i)
        elif p == 48:
            bg, i = _color(params, i)
    return fg, bg, bold, italic, underline


@lru_cache(maxsize=1024)
def _style(state: tuple) -> RichStyle | None:
    fg, bg, bold, italic, underline = state
    if state == _PLAIN:
        return None
    return RichStyle(
        color=fg,
        bgcolor=bg,
        bold=bold or None,
        italic=italic or None,
        underline=underline or None,
    )


def ansi_strips(text: str) -> list[Strip]:
    """Text with SGR escape sequences (as plotext builds it) → one ``Strip`` per line.

    A display conversion: the same characters in the same colours as a terminal would show.
    Attributes carry over from one line to the next, as in a terminal.
    """
    strips = []
    state = _PLAIN
    lines = text.split("\n")
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # a final newline ends the last line, it does not start one
    for line in lines:
        segments = []
        pos = 0
        for match in _SGR.finditer(line):
            start = match.start()
            if start > pos:
                segments.append(Segment(line[pos:start], _style(state)))
            state = _apply(state, match.group(1))
            pos = match.end()
        if pos < len(line):
            segments.append(Segment(line[pos:], _style(state)))
        strips.append(Strip(segments).simplify())
    return strips


NO_ROOM = "no room for the plot"
"""Shown instead of a plot whose axes leave too little room for its data (``drawable``)."""
MIN_CANVAS = 2
"""The rows and columns of data a plot needs between its axes: fewer draw the axes' corners
and labels over one another (with no row, plotext prints the y labels upside down)."""


def drawable(plt) -> bool:
    """Whether the plot ``plt`` just built has at least ``MIN_CANVAS`` rows and columns for its
    data (plotext's canvas area, what its axes, labels and title leave)."""
    matrix = plt.monitor.matrix
    return min(len(matrix.Rows_canvas), len(matrix.Cols_canvas)) >= MIN_CANVAS


class CachedPlot(Widget):
    """A plotext plot (``plt``, as ``PlotextPlot.plt``) whose picture is rebuilt only after
    ``replot()``, a resize or a change of theme; colours follow the app's theme. Too small for
    its axes and some data (``drawable``), it says so on one line (``NO_ROOM``)."""

    DEFAULT_CSS = """
    CachedPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.version = 0
        self.builds = 0  # pictures built (for tests)
        self._key: tuple | None = None
        self._lines: list[Strip] = []
        self._plot: Plot | None = None

    @property
    def plt(self) -> Plot:
        """The plotext figure to draw on (created, and plotext imported, on first use)."""
        if self._plot is None:
            from textual_plotext.plot import Plot

            self._plot = Plot()
        return self._plot

    def _theme_name(self) -> str:
        """The plotext theme of the app's theme: its surface and foreground colours
        (registered with plotext the first time, as ``PlotextPlot`` does for theme "auto")."""
        from plotext._dict import themes
        from textual_plotext.plot import _rgbify_theme, _sequence

        name = f"textual-auto-{self.app.theme}"
        if name not in themes:
            variables = self.app.theme_variables
            surface = Color.parse(variables.get("surface")).rgb
            foreground = Color.parse(variables.get("foreground")).rgb
            # textual_plotext's own _sequence (RGB triples) does not match its annotation of
            # _rgbify_theme's sequence (list of str | int | RGB: list is invariant)
            themes[name] = _rgbify_theme(
                surface,
                surface,
                foreground,
                "default",
                _sequence,  # type: ignore[arg-type]
            )
        return name

    def replot(self) -> None:
        """The data changed: build the picture again at the next paint."""
        self.version += 1
        self.refresh()

    def picture(self) -> list[Strip]:
        """The plot's lines, built again only when the data, the size or the theme changed."""
        width, height = self.size
        key = (self.version, self.size, self.app.theme)
        if key != self._key:
            self._key = key
            if self._plot is None or not (width and height):  # nothing plotted yet
                self._lines = []
                return self._lines
            plt = self.plt
            # as PlotextPlot.render: the size twice (plotext needs both), the theme
            plt.plotsize(width, height)
            plt._set_size(width, height)
            plt.theme(self._theme_name())
            base = self.visual_style.rich_style  # the panel's colours under plotext's
            text = plt.build()
            if drawable(plt):
                self._lines = [line.apply_style(base) for line in ansi_strips(text)]
            else:
                self._lines = [Strip([Segment(NO_ROOM[:width], base)])]
            self.builds += 1
        return self._lines

    def render_line(self, y: int) -> Strip:
        lines = self.picture()
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
