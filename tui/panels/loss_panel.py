"""The loss panel: the batch loss of every step (and the val loss of every epoch) over the run,
and where the run stands; each figure under its name (``engine.loss_names``).

The plot draws the run's bounded history (``engine.history.StatsHistory``), reduced to at most
``MAX_POINTS`` points by averaging neighbouring points, so it costs the same after 10 steps or
10⁶; where a point averages several steps, grey dots above and below it mark their highest and
lowest batch loss (``spread``), so a one-step spike or small batches' noise is not averaged
away, and the axis reaches them. Validation loss, where the data has a validation split, is
drawn per epoch; the legend above the plot names every curve drawn. The y axis is linear or
logarithmic (``view.log_scale``; the button beside the legend names the present scale, and it or
the app's ``l`` key switches it).

The axes do not mislead (``tui.panels.loss_axes``): a loss that barely moves is drawn nearly
flat, and the line under the plot says how little it varies; the log axis is labelled down to
the curve's minimum; when most of the curve is pressed into the bottom row by a spike (or a
steep start), the line under the plot suggests ``l``.
Non-finite losses are left out of the plot and named in the line under it. Settings changed
while it trained are marked by vertical lines and named under the plot (``loss_marks``).

The plot keeps ``CURVE_ROWS`` rows for its curve however much the panel has to say: the figures,
notes and changes under it shorten to fit the rest (``stats_layouts``).
"""

from __future__ import annotations

import math

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from engine.loss_names import LOSS_NAMES
from engine.metrics import epoch_metrics, with_params
from tui.messages import ToggleLogScale
from tui.panels.base import ACCENT, MUTED, WARNING, Panel, Show
from tui.panels.format import (
    fmt,
    fmt_count,
    fmt_fraction,
    styled_number,
)
from tui.panels.loss_axes import (
    WIDE_DECADES,
    clipped_note,
    decades_note,
    decades_of,
    plot_limit,
    squeezed,
    step_ticks,
    validation_curve,
    value_ticks,
    y_range,
)
from tui.panels.loss_marks import MARK_STYLE, change_marks, draw_marks
from tui.panels.loss_penalty import step_penalty, steps_penalty
from tui.panels.loss_sampling import MAX_POINTS, downsample, log_of_positive, spread
from tui.panels.loss_stats import fitted, item, stats_layouts
from tui.panels.plot import CachedPlot
from tui.view import (
    LabView,
    counters,
    drawn_params,
    epoch_figures_at,
    epochs_history,
    steps_history,
)

VAL_MARKS = {False: ("braille", "━"), True: ("•", "•")}
"""The val loss curve's plotext marker and its legend mark, with colours and without
(``NO_COLOR``: every colour a grey, so the val curve is drawn in dots, not in the batch loss's
braille line)."""
VAL_COLOURS = {True: "warning", False: "text-warning"}
"""The theme variable of the val loss curve in dark and light themes: ``$warning`` is the same
orange in both, 1.4:1 against textual-light's surface (near invisible on a projector); its text
shade is 3:1 there."""

BAND_STRENGTH = 0.45
"""How far from the background towards the foreground the dots of the steps' range around an
averaged curve are drawn: visible, and behind the curve."""

START_HINT = "space: train · s: step"
NOTHING_ABOVE_ZERO = "no loss above 0: l for linear"  # a log axis has none of them
"""The plot's title before any step (its only point is the initial network's loss)."""


class InitialMetrics:
    """A run's metrics before any step (``Run.epoch_metrics``: the loss on the whole training
    set), computed once per run: ``initial(run)``, None once the run has a step. The lab's plot
    and the comparison's show that loss at step 0."""

    def __init__(self) -> None:
        self._of: tuple | None = None  # (run, its metrics)

    def __call__(self, run, recorded: int | None = None, params=None):
        """``recorded``: the steps recorded where the lab stands (default: the run's; 0 where
        the debugger went back into the first step); ``params``: the parameters in force there
        (``tui.view.drawn_params``), from which they are computed if the run has moved on."""
        if run.history.steps.n_recorded if recorded is None else recorded:
            return None
        if self._of is None or self._of[0] is not run:
            if params is None:
                metrics = run.epoch_metrics()
            else:  # what ``run.epoch_metrics()`` measured before its first step
                net = with_params(run.net, params)
                with np.errstate(all="ignore"):
                    metrics = epoch_metrics(net, run.data, 0, 0, run.schedule(1, 1), math.nan)
            self._of = (run, metrics)
        return self._of[1]


CURVE_ROWS = 3
"""The plot keeps at least this many rows for the curve: the legend above it and the line under
it give way first (``stats_layouts``)."""
PLOT_ROWS = CURVE_ROWS + 4  # the axis's two lines, the step ticks and the word "step"
"""The least height of the plot."""


SCALE_LABELS = {False: "y: linear", True: "y: log"}
"""The scale button names the y axis's present scale, in the one word used for it everywhere."""


class LossPanel(Panel):
    """Training and validation loss over steps, with the current numbers underneath."""

    last_view: LabView | None

    BORDER_TITLE = "Loss"
    DEFAULT_CSS = f"""
    LossPanel #loss-plot {{
        height: 1fr;
        min-height: {PLOT_ROWS};
    }}
    LossPanel #loss-stats {{
        height: auto;
    }}
    LossPanel .panel-buttons {{
        dock: top;
        height: auto;
    }}
    LossPanel .panel-buttons #loss-scale-label {{
        width: 1fr;
        height: auto;
        color: $text-muted;
    }}
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._plotted: tuple | None = None  # what the plot shows, to skip identical redraws
        self.log_scale = False
        self.points = 0  # points of the training curve last handed to plotext
        self.clipped = False  # values beyond PLOT_LIMIT were clipped for the plot
        self.plotted = np.zeros(0)  # the training curve's y values as plotted (log₁₀ on log)
        self.banded = False  # points average several steps: their range drawn as dots
        self.x_labels: list[str] = []  # the axes' tick labels as last plotted
        self.y_ticks: list[float] = []
        self.y_labels: list[str] = []
        self.flat: tuple[float, float] | None = None  # (lo, hi) when the axis was widened
        self.squeezed = False  # most points are in the bottom row of the linear axis
        self.decades = 0  # whole decades between the smallest and largest loss plotted
        self.hint = ""  # the plot's title when it has no curve (what to do)
        self.initial_metrics = InitialMetrics()
        self.recorded = 0  # steps recorded up to the debugger's position (the plot's)
        self.marks: list[tuple[float, str]] = []  # the run's changes while it trained
        self.marks_shown = 0  # of them, drawn on the plot as last plotted

    def compose(self) -> ComposeResult:
        with Horizontal(classes="panel-buttons"):
            yield Show("", id="loss-scale-label")
            yield Button(SCALE_LABELS[False], id="loss-log", compact=True)
        yield CachedPlot(id="loss-plot")
        yield Show("", id="loss-stats")

    @on(Button.Pressed, "#loss-log")
    def _toggle_log(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ToggleLogScale())

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        self.last_view = view
        run = view.run
        # up to the last step completed at the debugger's position, gone back or not
        steps, epochs = steps_history(view), epochs_history(view)
        self.recorded = steps.n_recorded
        self.log_scale = bool(view.log_scale)
        plot = self.query_one("#loss-plot", CachedPlot)
        self.marks = change_marks(run)
        key = (
            id(run.history.steps),
            steps.n_recorded,
            len(epochs),
            self.log_scale,
            self.app.theme,
            plot.size,
            tuple(self.marks),
        )
        only_steps = self._plotted is not None and _same_but_steps(key, self._plotted)
        self.waiting_for_size = not (plot.size.width and plot.size.height)
        if self.waiting_for_size:
            pass  # not laid out yet (the lab's first frame): plotted once it has its size
        elif key != self._plotted and not (only_steps and self.too_soon()):
            self._plotted = key
            self._plot(steps, epochs)
            self.note_drawn()
        label = self.query_one("#loss-scale-label", Static)
        curves = legend(
            steps.n_recorded,
            self._initial,
            epochs,
            label.size.width,
            self.marks_shown,
            band=self._band_hex() if self.banded else None,
            penalty=steps_penalty(run.trainer, steps.n_recorded),
            val=(VAL_MARKS[self.app.no_color][1], f"${self._val_colour()}"),
        )
        label.update(curves)
        button = self.query_one("#loss-log", Button)
        button.label = SCALE_LABELS[self.log_scale]
        button.tooltip = (
            f"The y axis is {'log' if self.log_scale else 'linear'}: l or a click switches it"
        )
        rows = self.content_size.height - len(curves.split("\n")) - PLOT_ROWS
        self.query_one("#loss-stats", Static).update(self._stats_line(view, rows))

    def _band_hex(self) -> str:
        """The colour of the dots of the steps' range around the averaged curve: a grey between
        the theme's background and foreground (a grey keeps its look in 256 and 16 colours)."""
        theme = self.app.theme_variables
        try:
            background = Color.parse(theme.get("background", "#121212"))
            foreground = Color.parse(theme.get("foreground", "#e0e0e0"))
        except Exception:
            return "#5a5a5a"
        grey = background.blend(foreground, BAND_STRENGTH)
        level = round(sum(grey.rgb) / 3)
        return Color(level, level, level).hex

    def _band(self) -> tuple[int, int, int]:
        return _rgb(self._band_hex())

    def _val_colour(self) -> str:
        """The theme variable of the val loss curve (``VAL_COLOURS``)."""
        return VAL_COLOURS[self.app.current_theme.dark]

    @property
    def _initial(self):
        """The metrics of the network before any step (``InitialMetrics``); None once a step is
        recorded up to the debugger's position."""
        view = self.last_view
        if view is None:
            return None
        params = drawn_params(view) if not self.recorded else None
        return self.initial_metrics(view.run, self.recorded, params)

    def _plot(self, history, epochs) -> None:
        widget = self.query_one("#loss-plot", CachedPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        snapshot = history.snapshot()  # steps and losses that match point for point
        width = widget.size.width
        max_points = min(MAX_POINTS, 2 * width) if width >= 16 else MAX_POINTS
        counts = snapshot.counts  # steps per point: the means are over steps
        steps, loss = downsample(snapshot.steps, snapshot.loss, max_points, counts)
        band = spread(snapshot.steps, snapshot.loss_min, snapshot.loss_max, max_points, counts)
        band_x, low, high = band if band is not None else (steps[:0], loss[:0], loss[:0])
        val_x, val_y = downsample(*validation_curve(epochs), max_points)
        curves = [loss, low, high, val_y]
        limit = plot_limit(self.log_scale)
        self.clipped = bool(any(np.any(np.abs(v) > limit) for v in curves))
        unclipped = np.concatenate(curves)  # the decades the loss spans: its own, not the plot's
        loss, low, high, val_y = (np.clip(v, -limit, limit) for v in curves)
        if self.log_scale:  # log₁₀ of the values on a linear axis, labelled with the values
            # (plotext's own log scale takes the log again at every repaint of the same figure)
            steps, loss = log_of_positive(steps, loss)
            low_x, low = log_of_positive(band_x, low)
            band_x, high = log_of_positive(band_x, high)
            val_x, val_y = log_of_positive(val_x, val_y)
        else:
            low_x = band_x
        self.points = int(steps.shape[0])
        self.plotted = loss
        self.banded = bool(band_x.shape[0])
        theme = self.app.theme_variables
        train_color = _rgb(theme.get("primary", "#0178D4"))
        val_color = _rgb(theme.get(self._val_colour(), "#ffa62b"))
        plt.xlabel("step")
        if self.points:
            x_ticks = step_ticks(float(steps[0]), float(steps[-1]))
            self.x_labels = [fmt_count(t) for t in x_ticks]
            # textual_plotext's stub asks for list[float] (invariant); plotext takes any numbers
            plt.xticks(x_ticks, self.x_labels)  # type: ignore[arg-type]
            if self.banded:  # the range of the steps each point averages, as dots
                grey = self._band()
                plt.scatter(band_x.tolist(), high.tolist(), marker="braille", color=grey)
                plt.scatter(low_x.tolist(), low.tolist(), marker="braille", color=grey)
            plt.plot(steps.tolist(), loss.tolist(), marker="braille", color=train_color)
        if val_x.shape[0]:
            marker = VAL_MARKS[self.app.no_color][0]
            plt.plot(val_x.tolist(), val_y.tolist(), marker=marker, color=val_color)
        self.marks_shown = draw_marks(plt, self.marks, *_span(steps, val_x))
        values = np.concatenate([loss, low, high, val_y])
        ticks, labels = value_ticks(values, self.log_scale)
        shown = y_range(values, self.log_scale)
        self.flat, self.squeezed, self.decades = None, False, 0
        if shown is not None:
            plt.ylim(*shown)
            finite = values[np.isfinite(values)]
            lo, hi = float(finite.min()), float(finite.max())
            if not self.log_scale and (lo, hi) != shown and finite.shape[0] > 1:
                self.flat = (lo, hi)  # one point is neither flat nor not: nothing to say
            rows = max(widget.size.height - 3, 2)  # less the x axis, its ticks and its label
            self.squeezed = not self.log_scale and squeezed(loss, *shown, rows)
            if not self.log_scale:
                self.decades = decades_of(unclipped)
        if ticks:  # plotext's own labels print every digit of large numbers
            plt.yticks(ticks, labels)
            self.y_ticks, self.y_labels = ticks, labels
        self.hint = ""
        if not self.points and not val_x.shape[0]:
            start = self._initial
            if start is not None and math.isfinite(start.train_loss):
                # nothing trained yet: the loss of the initial network as the curve's first point
                y = _scaled(start.train_loss, self.log_scale)
                plt.scatter([0], [y], color=train_color, marker="●")
                plt.xticks([0], ["0"])
                self.y_ticks = [y]
                self.y_labels = [fmt(start.train_loss)]
                plt.yticks(self.y_ticks, self.y_labels)
            recorded = snapshot.steps.shape[0] > 0  # but none above 0 for the log axis
            self.hint = NOTHING_ABOVE_ZERO if recorded and self.log_scale else START_HINT
            plt.title(self.hint)
        widget.replot()

    def _stats_line(self, view, rows: int) -> Content:
        """The figures and notes under the plot (``_figures``, ``_notes``), in at most ``rows``
        lines (at least one) of the panel's width: the fullest of ``stats_layouts`` that fits.
        Each label stays with its number: a narrow panel breaks the line between items."""
        shared, own = self._figures(view)
        layouts = stats_layouts(shared, own, self._notes(view), self.marks, self.content_size.width)
        return fitted(layouts, self.content_size.width, max(rows, 1))

    def _figures(self, view) -> tuple[list[Content], list[Content]]:
        """Where the figures stand (``where_figures``: the last step completed, which the
        status line and the Debugger do not count while a step is in progress) and the loss
        figures, each under its name (``engine.loss_names``): that step's batch loss (the
        status bar's once the step ends), and the last epoch's train-set loss,
        val loss and accuracy (``after epoch 2:`` while the next one is in progress) — after
        early stopping restored the best weights, those of the restored network instead, and
        which epoch's they are. Two lists: the figures the status line shows too (epoch, step,
        batch loss), and the others."""
        step, epoch, _, loss = counters(view)
        shared = where_figures(step, epoch)
        own: list[Content] = []
        metrics, restored = epoch_figures_at(view, step)  # at the position, gone back or not
        if restored is not None:
            own.append(Content.styled(f"weights of epoch {fmt_count(restored)} restored:", ACCENT))
        elif loss is not None:
            shared.append(item(f"{LOSS_NAMES['batch_loss']} ", styled_number(loss)))
            penalty = step_penalty(view.run.trainer, step)
            if penalty:  # why it can stay above the train-set loss of the same network
                shared.append(Content.styled(f"(with {penalty})", MUTED))
            if metrics is not None and metrics.step != step:  # an epoch in progress: whose
                own.append(Content.styled(f"after epoch {fmt_count(metrics.epoch)}:", MUTED))
        elif self._initial is not None:
            metrics = self._initial
        if metrics is not None:
            if metrics.train_loss is not None:
                own.append(item(f"{LOSS_NAMES['train_loss']} ", styled_number(metrics.train_loss)))
            if metrics.val_loss is not None:
                own.append(item(f"{LOSS_NAMES['val_loss']} ", styled_number(metrics.val_loss)))
            accuracy = (
                metrics.val_accuracy if metrics.val_accuracy is not None else metrics.accuracy
            )
            if accuracy is not None:
                label = "val acc " if metrics.val_accuracy is not None else "acc "
                own.append(item(label, fmt_fraction(accuracy)))
        return shared, own

    def _notes(self, view) -> list[Content]:
        """What the plot does not show by itself: a latest loss that is not a number, values
        clipped, an axis widened around a nearly flat loss, a loss spanning decades or pressed
        into the bottom row (``l`` for log). The changes while it trained are not among them
        (``stats_layouts``)."""
        notes: list[Content] = []
        loss = counters(view)[3]
        if loss is not None and not math.isfinite(loss):
            notes.append(Content.styled("not plotted", MUTED))
        if self.clipped:
            notes.append(clipped_note())
        if self.flat is not None:
            lo, hi = self.flat
            spread = (hi - lo) / max(abs(lo), abs(hi)) if hi > lo else 0.0
            notes.append(
                Content.styled(
                    f"nearly flat: {fmt(lo)}–{fmt(hi)} (±{fmt_fraction(spread / 2)})", MUTED
                )
            )
        if self.decades >= WIDE_DECADES:
            notes.append(decades_note(self.decades))
        elif self.squeezed:
            notes.append(
                Content.styled("most of the curve is in the bottom row: l for log", WARNING)
            )
        return notes


def where_figures(step: int, epoch: int) -> list[Content]:
    """The step whose figures the panel shows — the last one completed — said as such, so it
    never reads as a count contradicting the status line's and the Debugger's ``step 4 · epoch
    4``, which name the step in progress: ``after step 3`` ``(epoch 3)`` (the epoch that step
    belongs to), or ``no step done yet`` before the first step ends (the figures are then the
    initial network's)."""
    if not step:
        return [Content.styled("no step done yet", MUTED)]
    return [
        item("after step ", fmt_count(step)),
        Content.assemble(("(epoch ", MUTED), fmt_count(epoch), (")", MUTED)),
    ]


def _span(steps: np.ndarray, val_x: np.ndarray) -> tuple[float, float]:
    """The first and last step plotted (an empty span without points)."""
    xs = np.concatenate([steps, val_x])
    return (float(xs.min()), float(xs.max())) if xs.shape[0] else (1.0, 0.0)


def legend(
    n_steps: int,
    initial,
    epochs,
    width: int,
    changes: int = 0,
    band: str | None = None,
    penalty: str = "",
    val: tuple[str, str] = ("━", "$warning"),
) -> Content:
    """The name of every curve drawn (``engine.loss_names``): the batch loss — with the
    ``penalty`` its steps include, when they do (``batch loss + L2 penalty``: it is why the
    curve can stay above the train-set and val losses) —, or before any step the initial
    network's train-set loss as its one point, and the val loss per epoch; the range of the
    steps each point of the batch loss averages, when drawn (``band``: its colour); and the
    lines marking settings changed while it trained, when ``changes`` are drawn; ``val``: the
    val loss curve's mark and colour (``VAL_MARKS``, ``VAL_COLOURS``). On one row when
    it fits in ``width`` cells (without the spaces after the marks if need be), else one curve a
    row, the penalty on a row of its own under its curve's name if need be: a name is never
    cut."""
    if not n_steps and initial is not None:
        curves = [("●", "$primary", LOSS_NAMES["train_loss"])]
    else:
        name = LOSS_NAMES["batch_loss"]
        curves = [("━", "$primary", f"{name} + {penalty}" if penalty else name)]
    if band is not None:
        curves.append(("⠒", band, "its range"))
    if len(validation_curve(epochs)[0]):
        curves.append((*val, LOSS_NAMES["val_loss"]))
    if changes:
        curves.append(("│", MARK_STYLE, "change" if changes == 1 else "changes"))
    for gap, space in (("  ", " "), (" ", ""), ("\n", " ")):
        parts: list[tuple[str, str]] = []
        for i, (mark, colour, name) in enumerate(curves):
            parts += [((gap if i else "") + mark, colour), (space + name, MUTED)]
        content = Content.assemble(*parts)
        if not width or content.cell_length <= width:
            break
    if width and penalty and max(line.cell_length for line in content.split("\n")) > width:
        # "━ batch loss" / "  + L2 penalty": the penalty under the name it belongs to
        first = content.split("\n")[0]
        cut = first.plain.index(" + ")
        content = Content("\n").join(
            [first[:cut], Content.styled(f"  + {penalty}", MUTED), *content.split("\n")[1:]]
        )
    return content


def _scaled(value: float, log_scale: bool) -> float:
    """A loss as plotted: log₁₀ of it on the log scale."""
    return math.log10(value) if log_scale and value > 0 else value


def _same_but_steps(key: tuple, old: tuple) -> bool:
    """Only the step and epoch counts (key[1], key[2]) differ."""
    return key[0] == old[0] and key[3:] == old[3:]


def _rgb(color: str) -> tuple[int, int, int]:
    try:
        return Color.parse(color).rgb
    except Exception:
        return (1, 120, 212)
