"""The data panel: what the network currently predicts, over the data it learns from.

- **2-D inputs** (classification or regression): the network's output over a grid of the input
  plane (``run.predict_grid``), drawn with half-block characters — "▀" with a foreground and a
  background colour gives two pixels per cell — each pixel tinted by the predicted class (its
  strength by the confidence) or, for regression, by the predicted value; the training points
  on top as "●" in their class colour; a point on another class's tint (misclassified) as its
  class's mark (``data_field.MARKS``: ``○`` class 0, ``●`` class 1, ``▲`` class 2, …) on the
  plain background, which stands out where the tint's hue alone would not.
- **1-D inputs** (regression): the fit curve and the points, with plotext.
- **Anything else** (e.g. 64-D digits): a few training examples with their target and the
  network's prediction.

Colours come from the theme (``$primary``, ``$accent``, …; in a light theme their text shades,
``$text-accent``, …, which stand out from a light background) so the picture reads in light and
dark themes, and the tints hold in every colour system (``tints.ramp``): blends in true colour, a
few 256-colour entries of each class's own hue in 256 colours (never the olive and teal bands a
reduced blend becomes), and in 16 colours the class colour alone, its strength drawn with the
shade characters ░▒▓ (one pixel per cell) on the background. Under ``NO_COLOR`` each class has
its own characters instead (``data_field.MARKS`` for its points, ``FILLS`` for its area), named
in the legend. The picture is redrawn only when the step count, the panel's size, the theme or
the colour system changed.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.panels.base import MUTED, Panel, Show
from tui.panels.data_field import (
    CLASS_COLORS,
    FILLS,
    MARKS,
    SHADES,
    Palette,
    class_colours,
    confidence_of,
    dot_style,
    pixel_of,
    probability_of_prediction,
    render_field,
    resample,
    theme_color,
)
from tui.panels.format import flow, fmt, fmt_fraction
from tui.panels.loss_axes import PLOT_LIMIT
from tui.panels.plot import CachedPlot
from tui.panels.tints import color_system
from tui.view import LabView, counters, drawn_params

SAMPLES = 8  # examples shown for data that cannot be drawn
MAX_RESOLUTION = 96  # grid points per axis asked of run.predict_grid


class DataPanel(Panel):
    """The decision boundary or fit over the data (see the module docstring)."""

    last_view: LabView | None

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
        self.params: tuple[dict, ...] | None = (
            None  # the parameters drawn: a training snapshot's, or those in force
        )

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
        shown = (mode in ("plane", "samples"), mode == "curve")
        # the other area gives way (the first drawing): until the next layout the picture's
        # area keeps the share it had beside it (half the panel's height, when the panel was
        # laid out before this: shown first by a larger window), so it is drawn after that
        relaid = (canvas.display, plot.display) != shown
        canvas.display, plot.display = shown
        area = {"plane": canvas, "curve": plot}.get(mode)
        self.waiting_for_size = area is not None and not (area.size.width and area.size.height)
        if relaid and area is not None and not self.waiting_for_size:
            self.call_after_refresh(self._redraw)
        if self.waiting_for_size or (relaid and area is not None):
            # not laid out yet (the lab's first frame): drawn once it has its size; the line
            # under it now, so that the picture's size is its final one
            if mode == "plane":
                note = legend(run.data, self._palette(run.data), self.content_size.width)
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
        palette = self._palette(data)
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

    def _palette(self, data) -> Palette:
        """The palette of the present theme in the app's colour system for ``data``."""
        n = 2 if data.task == "regression" else max(len(data.class_names or []), 2)
        dark = self.app.current_theme.dark
        return Palette(self.app.theme_variables, self._system(), n, self.app.no_color, dark)

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
        points_color = class_colours(theme, self.app.current_theme.dark)[1].rgb  # the accent
        fit_color = theme_color(theme.get("primary"), "#0178D4").rgb
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
            # the probability the network gives the class it predicts, named with that class:
            # "p(0)=0.9966" is 1 − a for one sigmoid unit (a = P(class 1), as the Debugger shows
            # aᴸ); a bare "p=0.9966" read as a = 0.9966 beside a lesson saying a → 0, and "99.8%
            # sure", a display transform |2a − 1|, as contradicting a = 0.9991
            probability = probability_of_prediction(outputs, data.encoding)
            confidence = confidence_of(outputs, data.encoding)
            right = 0
            for i in range(n):
                ok = truth[i] == predicted[i]
                right += bool(ok)
                how_sure = (
                    f"  p({_name(names, predicted[i])})={fmt(probability[i], 4)} "
                    if probability is not None
                    else f"  {fmt_fraction(confidence[i])} sure "
                )
                lines.append(
                    Content.assemble(
                        (f"#{i:<3}", MUTED),
                        f"target {_name(names, truth[i]):>6}  "
                        f"predicted {_name(names, predicted[i]):>6}",
                        (how_sure, MUTED),
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
    colours of the targets' range (regression), and what the tint means; without colours
    (``palette.marked``) each class's point mark and area fill instead; with colours (tints,
    not shades) the classes' marks of a point in another class's area (``Palette.astray``),
    "○●▲ wrong class", where that fits on the legend's lines (Help says it too); on lines at
    most ``width`` cells wide, broken between items."""
    if data.task == "regression":
        targets = np.asarray(data.y_train, dtype=np.float64)[:, 0]
        known = targets[np.isfinite(targets)]
        lo, hi = (float(known.min()), float(known.max())) if known.size else (0.0, 1.0)
        items = [
            _class_item(palette, 0, f"low {fmt(lo)}"),
            _class_item(palette, 1, f"high {fmt(hi)}"),
            Content.styled(_note(palette, "predicted value"), MUTED),
        ]
        return flow(items, width)
    names = list(data.class_names or [])
    items = []
    classes = range(min(max(len(names), 2), len(CLASS_COLORS)))
    for k in classes:
        name = names[k] if k < len(names) else f"class {k}"
        items.append(_class_item(palette, k, name))
    items.append(Content.styled(_note(palette, "confidence"), MUTED))
    key = flow(items, width)
    if not (palette.marked or palette.shaded):  # a point in another class's area: its mark
        marks = [(MARKS[k % len(MARKS)], dot_style(palette.classes[k])) for k in classes]
        more = flow([*items, Content.assemble(*marks, (" wrong class", MUTED))], width)
        if width > 0 and more.plain.count("\n") == key.plain.count("\n"):
            return more  # where it fits on the lines the legend has: the picture keeps its rows
    return key


def _class_item(palette: Palette, k: int, name: str) -> Content:
    """A class in the legend: ``● name`` in its colour, or marked ``○· name`` (its point's
    mark, its area's fill)."""
    style = dot_style(palette.classes[k])
    if palette.marked:
        return Content.assemble((f"{MARKS[k]}{FILLS[k]} ", style), (name, MUTED))
    return Content.assemble(("● ", style), (name, MUTED))


def _note(palette: Palette, strength: str) -> str:
    """What the picture's cells mean beyond the class: the strength of ``strength`` as tint or
    shades, or (marked) which character is a point and which the area."""
    if palette.marked:
        return "(mark: point, fill: predicted area)"
    return f"({_strength(palette)}: {strength})"


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
