"""The data panel: what the network currently predicts, over the data it learns from.

- **2-D inputs** (classification or regression): the network's output over a grid of the input
  plane (``run.predict_grid``), drawn with half-block characters — "▀" with a foreground and a
  background colour gives two pixels per cell — each pixel tinted by the predicted class (its
  strength by the confidence) or, for regression, by the predicted value; the training points
  on top as "●" in their class colour (a point on the other class's tint is misclassified).
- **1-D inputs** (regression): the fit curve and the points, with plotext.
- **Anything else** (e.g. 64-D digits): a few training examples with their target and the
  network's prediction.

Colours come from the theme (``$primary``, ``$accent``, …) so the picture reads in light and dark
themes, and the tints hold in every colour system (``tints.ramp``): blends in true colour, a few
256-colour entries of each class's own hue in 256 colours (never the olive and teal bands a
reduced blend becomes), and in 16 colours the class colour alone, its strength drawn with the
shade characters ░▒▓ (one pixel per cell) on the background. The picture is redrawn only when
the step count, the panel's size, the theme or the colour system changed.
"""

from __future__ import annotations

import math

import numpy as np
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.app import ComposeResult
from textual.color import Color
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widgets import Static

from tui.panels.base import MUTED, Panel, Show
from tui.panels.format import flow, fmt, fmt_fraction
from tui.panels.loss_panel import PLOT_LIMIT
from tui.panels.plot import CachedPlot
from tui.panels.tints import color_system, ramp
from tui.view import counters, drawn_params

CLASS_COLORS = ("primary", "accent", "success", "error", "secondary", "warning")
"""Theme variables for classes 0, 1, 2, …; further classes repeat the palette."""
MAX_TINT = 0.55  # how far a fully confident pixel moves from the background to its class colour
MIN_TINT = 0.2
"""How far the least confident pixel moves: enough that the predicted class (and so the decision
boundary) shows even for an untrained network, whose outputs are all near ½ — with tints from 0
the plane of a fresh network was one colour (in 256 colours exactly the background's)."""
LEVELS = 12  # tint strengths (styles are cached per class and level)
SHADES = "░▒▓"  # strengths in 16 colours, faint to strong
POINT = LEVELS  # the "level" of a pixel holding a data point: the class colour itself
GLYPH_SHARE = 8  # points are drawn as "●" when at most one cell in 8 holds one
SAMPLES = 8  # examples shown for data that cannot be drawn
MAX_RESOLUTION = 96  # grid points per axis asked of run.predict_grid


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
    hue in 256)."""

    def __init__(
        self, variables: dict[str, str], system: str = "truecolor", n_classes: int | None = None
    ):
        self.background = _color(variables.get("surface") or variables.get("background"), "#1e1e1e")
        self.classes = [
            _color(variables.get(name), default)
            for name, default in zip(
                CLASS_COLORS, ("#0178D4", "#ffa62b", "#4EBF71", "#ba3c5b", "#004578", "#ffa62b")
            )
        ]
        self.system = system
        self.tints = [
            ramp(self.background, colour, LEVELS, system, lowest=MIN_TINT, reach=MAX_TINT)
            for colour in self.classes
        ]
        used = zip(self.classes[: n_classes or len(self.classes)], self.tints)
        self.shaded = system == "standard" or any(colour in tints for colour, tints in used)
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

    def cell(self, top: tuple[int, int], bottom: tuple[int, int]) -> RichStyle:
        """Style of a half-block cell: "▀" in the top pixel's colour on the bottom pixel's."""
        key = (top, bottom)
        style = self._styles.get(key)
        if style is None:
            style = Style(background=self.tint(*bottom), foreground=self.tint(*top)).rich_style
            self._styles[key] = style
        return style

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
    full class colour, so the field between them stays visible.
    """
    rows, cols = classes.shape
    levels = np.rint(confidence * (LEVELS - 1)).astype(np.int64)
    glyphs = len(points) * GLYPH_SHARE <= (rows // 2) * cols
    marks: dict[tuple[int, int], int] = {}
    if glyphs:
        marks = {(r // 2, c): k for r, c, k in points}
    else:
        classes = classes.copy()
        for r, c, k in points:
            classes[r, c], levels[r, c] = k, POINT
    lines = []
    cls_rows, lvl_rows = classes.tolist(), levels.tolist()
    if palette.shaded:
        return Field(_shaded_lines(cls_rows, lvl_rows, marks, palette))
    for r in range(0, rows - 1, 2):
        pair = (cls_rows[r], lvl_rows[r], cls_rows[r + 1], lvl_rows[r + 1])
        lines.append(Strip(_spans(_half_blocks(*pair, marks, r // 2, palette)), cols))
    return Field(lines)


def _shaded_lines(cls_rows, lvl_rows, marks, palette: Palette) -> list[Strip]:
    """The cells of a shaded picture: one pixel per cell (the upper of each pair), its class
    colour on the background, ``░▒▓`` by strength; a point as ``●`` (or a ``█`` pixel)."""
    lines = []
    for r in range(0, len(cls_rows) - 1, 2):
        pair = (cls_rows[r], lvl_rows[r], cls_rows[r + 1], lvl_rows[r + 1])
        lines.append(Strip(_spans(_shades(*pair, marks, r // 2, palette)), len(pair[0])))
    return lines


class DataPanel(Panel):
    """The decision boundary or fit over the data (see the module docstring)."""

    BORDER_TITLE = "Data"
    DEFAULT_CSS = """
    DataPanel #data-canvas {
        height: 1fr;
        width: 1fr;
        content-align: center top;
    }
    DataPanel #data-plot {
        height: 1fr;
    }
    DataPanel #data-note {
        height: auto;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.mode = "none"  # "plane", "curve" or "samples"
        self._drawn: tuple | None = None
        self.params = None  # the parameters drawn: a training snapshot's, or those in force

    def compose(self) -> ComposeResult:
        yield Show("", id="data-canvas")
        yield CachedPlot(id="data-plot")
        yield Show("", id="data-note")

    def refresh_view(self, view) -> None:
        self.last_view = view
        run = view.run
        data = run.data
        x = np.asarray(data.x_train)
        mode = drawing_mode(x.shape[1], data.task, np.asarray(data.y_train).shape[1], x.shape[0])
        canvas = self.query_one("#data-canvas", Static)
        step = counters(view)[0]
        self.params = drawn_params(view)  # those of ``step``
        key = (id(run), step, mode, canvas.size, self.app.theme, self._system())
        if key == self._drawn:
            return
        only_steps = (
            self._drawn is not None and key[0] == self._drawn[0] and key[2:] == self._drawn[2:]
        )
        if only_steps and self.too_soon():
            return
        self.mode = mode
        plot = self.query_one("#data-plot", CachedPlot)
        canvas.display = mode in ("plane", "samples")
        plot.display = mode == "curve"
        area = {"plane": canvas, "curve": plot}.get(mode)
        self.waiting_for_size = area is not None and not (area.size.width and area.size.height)
        if self.waiting_for_size:  # not laid out yet (the lab's first frame): drawn once it has
            # its size; the line under it now, so that the picture's size is its final one
            if mode == "plane":
                note = legend(run.data, self._palette(), self.content_size.width)
            else:
                note = Content.styled(CURVE_NOTE, MUTED)
            self.query_one("#data-note", Static).update(note)
            return
        self._drawn = key
        if mode == "plane":
            self._draw_plane(run)
        elif mode == "curve":
            self._draw_curve(run)
        else:
            self._draw_samples(run)
        self.note_drawn()

    # --- 2-D: the plane -----------------------------------------------------------------------

    def _draw_plane(self, run) -> None:
        canvas = self.query_one("#data-canvas", Static)
        note = self.query_one("#data-note", Static)
        # pixels: a cell is two pixels high; a pixel is about as wide as high, so a square
        # picture (the data's box) is as many columns as pixel rows
        rows = max(canvas.size.height, 4) * 2
        cols = max(min(canvas.size.width, rows), 8)
        grid = run.predict_grid(min(max(cols, rows, 16), MAX_RESOLUTION), self.params)
        data = run.data
        palette = self._palette()
        values = np.asarray(grid.values, dtype=np.float64)
        if data.task == "regression":
            # one colour scale for targets and predictions: the targets' range, so a point
            # whose colour matches the field around it is fitted well
            v = values[..., 0]
            targets = np.asarray(data.y_train, dtype=np.float64)[:, 0]
            known = targets[np.isfinite(targets)]
            lo, hi = (float(known.min()), float(known.max())) if known.size else (0.0, 1.0)
            mid, half = (lo + hi) / 2, max((hi - lo) / 2, 1e-12)
            with np.errstate(all="ignore"):
                t = np.nan_to_num((v - mid) / half, nan=0.0, posinf=1.0, neginf=-1.0)
            classes = (t > 0).astype(np.int64)
            confidence = np.clip(np.abs(t), 0.0, 1.0)
            point_classes = (targets > mid).astype(np.int64)
        else:
            classes = np.asarray(grid.classes)
            confidence = confidence_of(values, data.encoding)
            point_classes = np.asarray(data.labels_train)
        pixels_class = resample(classes, rows, cols)
        pixels_confidence = resample(confidence, rows, cols)
        points = []
        xs = np.asarray(data.x_train, dtype=np.float64)
        for (p1, p2), k in zip(xs, point_classes):
            c = pixel_of(p1, grid.xs, cols)
            r = pixel_of(p2, grid.ys, rows)
            if c is not None and r is not None:
                points.append((rows - 1 - r, c, int(k)))
        # the canvas fills its cell of the grid whatever it shows: no layout pass
        canvas.update(render_field(pixels_class, pixels_confidence, points, palette), layout=False)
        key = legend(data, palette, self.content_size.width)
        if not np.all(np.isfinite(values)):
            key = Content.assemble(key, ("  outputs not finite", "$text-warning"))
        note.update(key)

    def _system(self) -> str:
        return color_system(self.app)

    def _palette(self) -> Palette:
        """The palette of the present theme in the app's colour system."""
        data = self.last_view.run.data
        n = 2 if data.task == "regression" else max(len(data.class_names or []), 2)
        return Palette(self.app.theme_variables, self._system(), n)

    # --- 1-D: the curve -----------------------------------------------------------------------

    def _draw_curve(self, run) -> None:
        widget = self.query_one("#data-plot", CachedPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        data = run.data
        x = np.asarray(data.x_train, dtype=np.float64)[:, 0]
        y = np.asarray(data.y_train, dtype=np.float64)[:, 0]
        grid = run.predict_grid(
            min(max(widget.size.width * 2, 40), 2 * MAX_RESOLUTION), self.params
        )
        grid_x = np.asarray(grid.xs, dtype=np.float64)
        fit = np.asarray(grid.values, dtype=np.float64)[:, 0]
        theme = self.app.theme_variables
        points_color = _color(theme.get("accent"), "#ffa62b").rgb
        fit_color = _color(theme.get("primary"), "#0178D4").rgb
        keep = np.isfinite(x) & np.isfinite(y)
        plt.scatter(x[keep].tolist(), y[keep].tolist(), marker="dot", color=points_color)
        keep = np.isfinite(fit)
        if keep.any():
            shown = np.clip(fit[keep], -PLOT_LIMIT, PLOT_LIMIT)  # plotext draws nothing beyond
            plt.plot(grid_x[keep].tolist(), shown.tolist(), marker="braille", color=fit_color)
        plt.xlabel("x")
        widget.replot()
        message = CURVE_NOTE
        if not keep.all():
            message += "  (fit not finite)"
        self.query_one("#data-note", Static).update(Content.styled(message, MUTED))

    # --- anything else: sample predictions --------------------------------------------------

    def _draw_samples(self, run) -> None:
        data = run.data
        x = np.asarray(data.x_train)
        y = np.asarray(data.y_train)
        n = min(SAMPLES, x.shape[0])
        outputs = np.asarray(run.predict(x[:n], self.params), dtype=np.float64)
        why = (
            f"{x.shape[1]}-D inputs cannot be drawn here"
            if x.shape[1] > 2
            else f"{y.shape[1]} outputs per example"
            if y.shape[1] > 1
            else "too few examples for a picture"
        )
        which = (
            f"the first {n} training examples"
            if n < x.shape[0]
            else "the only training example"
            if n == 1
            else f"all {n} training examples"
        )
        lines = [Content.styled(f"{why}; {which}:", MUTED)]
        names = list(data.class_names or [])
        if data.task == "classification":
            truth = np.asarray(data.labels_train)[:n]
            predicted = data.predicted_classes(outputs)
            confidence = confidence_of(outputs, data.encoding)
            right = 0
            for i in range(n):
                ok = truth[i] == predicted[i]
                right += bool(ok)
                lines.append(
                    Content.assemble(
                        (f"#{i:<3}", MUTED),
                        f"target {_name(names, truth[i]):>6}  "
                        f"predicted {_name(names, predicted[i]):>6}",
                        (f"  {fmt_fraction(confidence[i])} sure ", MUTED),
                        ("✓", "$text-success") if ok else ("✗", "$text-error"),
                    )
                )
            lines.append(Content.styled(f"{right} of {n} right", MUTED))
        else:
            for i in range(n):
                lines.append(
                    Content.assemble(
                        (f"#{i:<3}", MUTED),
                        f"target {_vector(y[i])}  predicted {_vector(outputs[i])}",
                    )
                )
        self.query_one("#data-canvas", Static).update(Content("\n").join(lines))
        self.query_one("#data-note", Static).update("")


CURVE_NOTE = "· data  ─ network's fit"


def legend(data, palette: Palette, width: int = 0) -> Content:
    """The line under the picture of the plane: the class colours (classification) or the
    colours of the targets' range (regression), and what the tint means; on lines at most
    ``width`` cells wide, broken between items."""
    if data.task == "regression":
        targets = np.asarray(data.y_train, dtype=np.float64)[:, 0]
        known = targets[np.isfinite(targets)]
        lo, hi = (float(known.min()), float(known.max())) if known.size else (0.0, 1.0)
        items = [
            Content.assemble(("● ", _style(palette.classes[0])), (f"low {fmt(lo)}", MUTED)),
            Content.assemble(("● ", _style(palette.classes[1])), (f"high {fmt(hi)}", MUTED)),
            Content.styled(f"({_strength(palette)}: predicted value)", MUTED),
        ]
        return flow(items, width)
    names = list(data.class_names or [])
    items = []
    for k in range(min(max(len(names), 2), len(CLASS_COLORS))):
        name = names[k] if k < len(names) else f"class {k}"
        items.append(Content.assemble(("● ", _style(palette.classes[k])), (name, MUTED)))
    items.append(Content.styled(f"({_strength(palette)}: confidence)", MUTED))
    return flow(items, width)


def _strength(palette: Palette) -> str:
    """What shows a pixel's strength: the tint, or the shade characters."""
    return SHADES if palette.shaded else "tint"


def drawing_mode(n_features: int, task: str, n_outputs: int, n_examples: int) -> str:
    """``plane`` (2-D inputs: a picture of the input plane), ``curve`` (1-D regression: the fit)
    or ``samples`` (anything else, and too few examples to make a picture worth drawing)."""
    if n_examples < 3 or n_features > 2:
        return "samples"
    if task == "regression" and n_outputs > 1:
        return "samples"  # a picture colours by one output; a table shows them all
    if n_features == 2:
        return "plane"
    return "curve" if task == "regression" else "samples"


def _vector(v) -> str:
    """One example's targets or outputs: a number, or up to three of them in brackets."""
    v = np.asarray(v, dtype=np.float64).ravel()
    if v.shape[0] == 1:
        return f"{fmt(v[0]):>9}"
    shown = ", ".join(fmt(t) for t in v[:3]) + (", …" if v.shape[0] > 3 else "")
    return f"[{shown}]"


def _name(names: list[str], k) -> str:
    k = int(k)
    return str(names[k]) if k < len(names) else str(k)


def _color(value: str | None, default: str) -> Color:
    try:
        return Color.parse(value) if value else Color.parse(default)
    except Exception:
        return Color.parse(default)


def _style(color: Color) -> Style:
    return Style(foreground=color, bold=True)


def _half_blocks(top_c, top_l, bot_c, bot_l, marks, row: int, palette: Palette):
    """The (character, style) cells of one row of half blocks: ``▀`` with the upper pixel as
    its colour and the lower as its background, or a point's ``●``."""
    for c in range(len(top_c)):
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
