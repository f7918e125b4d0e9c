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
themes. The picture is redrawn only when the step count or the panel's size changed.
"""

from __future__ import annotations

import math

import numpy as np
from textual.app import ComposeResult
from textual.color import Color
from textual.content import Content
from textual.style import Style
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tui.panels.base import MUTED, Panel
from tui.panels.format import fmt, fmt_fraction

CLASS_COLORS = ("primary", "accent", "success", "error", "secondary", "warning")
"""Theme variables for classes 0, 1, 2, …; further classes repeat the palette."""
MAX_TINT = 0.55  # how far a fully confident pixel moves from the background to its class colour
LEVELS = 12  # tint strengths (styles are cached per class and level)
SAMPLES = 8  # examples shown for data that cannot be drawn


def class_labels(y: np.ndarray) -> np.ndarray:
    """Class index of each target row: one column → 0/1 at 0.5, several → argmax."""
    y = np.asarray(y)
    if y.ndim == 1:
        return y.astype(np.int64)
    if y.shape[1] == 1:
        return (y[:, 0] > 0.5).astype(np.int64)
    return np.argmax(y, axis=1)


def prediction_classes(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(class, confidence in [0, 1]) of each output row (sigmoid column or softmax rows)."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape[-1] == 1:
        q = p[..., 0]
        classes = (q > 0.5).astype(np.int64)
        confidence = np.abs(q - 0.5) * 2
    else:
        classes = np.argmax(p, axis=-1)
        k = p.shape[-1]
        top = np.max(p, axis=-1)
        confidence = (top - 1.0 / k) / (1.0 - 1.0 / k)
    confidence = np.nan_to_num(np.clip(confidence, 0.0, 1.0), nan=0.0)
    return classes, confidence


class Palette:
    """Theme colours for classes and tints, with a cache of cell styles."""

    def __init__(self, variables: dict[str, str]):
        self.background = _color(variables.get("surface") or variables.get("background"), "#1e1e1e")
        self.classes = [
            _color(variables.get(name), default)
            for name, default in zip(
                CLASS_COLORS, ("#0178D4", "#ffa62b", "#4EBF71", "#ba3c5b", "#004578", "#ffa62b")
            )
        ]
        self._styles: dict = {}

    def tint(self, cls: int, level: int) -> Color:
        """Pixel colour of class ``cls`` at tint ``level`` (0 = background … LEVELS − 1)."""
        colour = self.classes[cls % len(self.classes)]
        return self.background.blend(colour, MAX_TINT * level / (LEVELS - 1))

    def cell(self, top: tuple[int, int], bottom: tuple[int, int]) -> Style:
        """Style of a half-block cell: "▀" in the top pixel's colour on the bottom pixel's."""
        key = (top, bottom)
        style = self._styles.get(key)
        if style is None:
            style = Style(background=self.tint(*bottom), foreground=self.tint(*top))
            self._styles[key] = style
        return style

    def point(self, cls: int, under: tuple[int, int]) -> Style:
        key = ("point", cls, under)
        style = self._styles.get(key)
        if style is None:
            style = Style(
                background=self.tint(*under),
                foreground=self.classes[cls % len(self.classes)],
                bold=True,
            )
            self._styles[key] = style
        return style


def render_field(
    classes: np.ndarray,
    confidence: np.ndarray,
    points: list[tuple[int, int, int]],
    palette: Palette,
) -> Content:
    """Pixels (rows × cols, row 0 at the top, rows even) as half-block cells, points on top.

    ``points`` are (cell row, cell column, class).
    """
    rows, cols = classes.shape
    levels = np.rint(confidence * (LEVELS - 1)).astype(np.int64)
    marks = {(r, c): k for r, c, k in points}
    lines = []
    for r in range(0, rows - 1, 2):
        parts = []
        for c in range(cols):
            top = (int(classes[r, c]), int(levels[r, c]))
            bottom = (int(classes[r + 1, c]), int(levels[r + 1, c]))
            k = marks.get((r // 2, c))
            if k is not None:
                parts.append(("●", palette.point(k, bottom)))
            else:
                parts.append(("▀", palette.cell(top, bottom)))
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)


class DataPanel(Panel):
    """The decision boundary or fit over the data (see the module docstring)."""

    BORDER_TITLE = "Data"
    DEFAULT_CSS = """
    DataPanel #data-canvas {
        height: 1fr;
        width: 1fr;
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

    def compose(self) -> ComposeResult:
        yield Static("", id="data-canvas")
        yield PlotextPlot(id="data-plot")
        yield Static("", id="data-note")

    def on_resize(self) -> None:
        self._drawn = None

    def refresh_view(self, view) -> None:
        run = view.run
        data = run.data
        x = np.asarray(data.x_train)
        mode = "plane" if x.shape[1] == 2 else "curve" if x.shape[1] == 1 else "samples"
        if mode == "curve" and data.task != "regression":
            mode = "samples"
        canvas = self.query_one("#data-canvas", Static)
        key = (id(run), run.trainer.steps_done, mode, canvas.size, self.app.theme)
        if key == self._drawn:
            return
        self._drawn = key
        self.mode = mode
        canvas.display = mode in ("plane", "samples")
        self.query_one("#data-plot", PlotextPlot).display = mode == "curve"
        if mode == "plane":
            self._draw_plane(run)
        elif mode == "curve":
            self._draw_curve(run)
        else:
            self._draw_samples(run)

    # --- 2-D: the plane -----------------------------------------------------------------------

    def _draw_plane(self, run) -> None:
        canvas = self.query_one("#data-canvas", Static)
        note = self.query_one("#data-note", Static)
        cols = max(canvas.size.width, 8)
        cell_rows = max(canvas.size.height, 4)
        x1, x2, outputs = plane_grid(run, cols, cell_rows * 2)
        data = run.data
        palette = Palette(self.app.theme_variables)
        if data.task == "regression":
            values = np.asarray(outputs, dtype=np.float64)[..., 0]
            finite = np.isfinite(values)
            lo, hi = (values[finite].min(), values[finite].max()) if finite.any() else (0.0, 1.0)
            t = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
            t = np.nan_to_num(t, nan=0.5)
            classes = (t > 0.5).astype(np.int64)
            confidence = np.abs(t - 0.5) * 2
            targets = np.asarray(data.y_train, dtype=np.float64)[:, 0]
            ty = (targets - lo) / (hi - lo) if hi > lo else np.zeros_like(targets)
            point_classes = (ty > 0.5).astype(np.int64)
            legend = Content.assemble(
                ("● ", _style(palette.classes[0])),
                (f"low {fmt(lo)}  ", MUTED),
                ("● ", _style(palette.classes[1])),
                (f"high {fmt(hi)}", MUTED),
            )
        else:
            classes, confidence = prediction_classes(outputs)
            point_classes = class_labels(data.y_train)
            names = list(getattr(data, "class_names", None) or [])
            n_classes = max(int(point_classes.max(initial=0)) + 1, np.asarray(outputs).shape[-1])
            parts = []
            for k in range(min(n_classes, len(CLASS_COLORS))):
                name = names[k] if k < len(names) else f"class {k}"
                parts += [("● ", _style(palette.classes[k])), (f"{name}  ", MUTED)]
            parts.append(("tint = confidence", MUTED))
            legend = Content.assemble(*parts)
        xs = np.asarray(data.x_train, dtype=np.float64)
        points = []
        for (p1, p2), k in zip(xs, point_classes):
            c = _index(p1, x1)
            r = _index(p2, x2)
            if c is not None and r is not None:
                points.append(((len(x2) - 1 - r) // 2, c, int(k)))
        # row 0 of the picture is the top: the largest x₂
        picture = render_field(classes[::-1], confidence[::-1], points, palette)
        canvas.update(picture)
        if not np.all(np.isfinite(np.asarray(outputs, dtype=np.float64))):
            legend = Content.assemble(legend, ("  outputs not finite", "$text-warning"))
        note.update(legend)

    # --- 1-D: the curve -----------------------------------------------------------------------

    def _draw_curve(self, run) -> None:
        widget = self.query_one("#data-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        data = run.data
        x = np.asarray(data.x_train, dtype=np.float64)[:, 0]
        y = np.asarray(data.y_train, dtype=np.float64)[:, 0]
        grid_x, fit = curve_grid(run, max(widget.size.width * 2, 40))
        theme = self.app.theme_variables
        points_color = _color(theme.get("accent"), "#ffa62b").rgb
        fit_color = _color(theme.get("primary"), "#0178D4").rgb
        keep = np.isfinite(x) & np.isfinite(y)
        plt.scatter(x[keep].tolist(), y[keep].tolist(), marker="dot", color=points_color)
        keep = np.isfinite(fit)
        if keep.any():
            plt.plot(grid_x[keep].tolist(), fit[keep].tolist(), marker="braille", color=fit_color)
        plt.xlabel("x")
        widget.refresh()
        message = "· data  ─ network's fit"
        if not keep.all():
            message += "  (fit not finite)"
        self.query_one("#data-note", Static).update(Content.styled(message, MUTED))

    # --- anything else: sample predictions --------------------------------------------------

    def _draw_samples(self, run) -> None:
        data = run.data
        x = np.asarray(data.x_train)
        y = np.asarray(data.y_train)
        n = min(SAMPLES, x.shape[0])
        outputs = np.asarray(run.net.predict(x[:n]), dtype=np.float64)
        lines = [
            Content.styled(
                f"{x.shape[1]}-D inputs cannot be drawn here; the first {n} training examples:",
                MUTED,
            )
        ]
        names = list(getattr(data, "class_names", None) or [])
        if data.task == "classification":
            truth = class_labels(y[:n])
            predicted, confidence = prediction_classes(outputs)
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
                        f"target {fmt(y[i, 0]):>9}  predicted {fmt(outputs[i, 0]):>9}",
                    )
                )
        self.query_one("#data-canvas", Static).update(Content("\n").join(lines))
        self.query_one("#data-note", Static).update("")


def plane_grid(run, cols: int, rows: int):
    """(x₁ values, x₂ values, outputs of shape (rows, cols, k)) over the data's plane."""
    x1, x2, outputs = run.predict_grid((cols, rows))
    return np.asarray(x1), np.asarray(x2), np.asarray(outputs)


def curve_grid(run, n: int):
    """(x values, network output) along the data's 1-D input range."""
    x, outputs = run.predict_grid(n)
    outputs = np.asarray(outputs, dtype=np.float64)
    return np.asarray(x, dtype=np.float64), outputs.reshape(outputs.shape[0], -1)[:, 0]


def _index(value: float, axis: np.ndarray) -> int | None:
    """The grid index nearest ``value`` on an increasing ``axis`` (None outside it)."""
    if not math.isfinite(value) or axis.shape[0] < 2:
        return None
    step = (axis[-1] - axis[0]) / (axis.shape[0] - 1)
    if step <= 0:
        return None
    i = int(round((value - axis[0]) / step))
    return i if 0 <= i < axis.shape[0] else None


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
