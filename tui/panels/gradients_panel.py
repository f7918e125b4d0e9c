"""The gradients panel: one statistic per layer, as bars on a log scale and as a history.

The statistic is one of ``tui.view.STATS`` (‖∂C/∂Wˡ‖, mean |δˡ|, ‖ΔWˡ‖/‖Wˡ‖, dead fraction,
saturated fraction), as the engine records them (``engine.stats.LayerStats``); the
panel only draws them. How a value is drawn — its axis, its band (vanishing, small, large step,
…) and their colours, the legend — is ``gradient_bands.py``'s; a layer's band depends on the
layers after it at the same step (a low gradient is vanishing only far under theirs:
``VANISHING_DECADES``). Each layer also has a history over the run: one character per column, its
height the mean value over those steps, its colour the band of that mean among the layers'
means of the same column (without colours, ``NO_COLOR``: a column in a warning band in reverse
video, as a number is, its bar the dark part). The strips share one scale, which holds the
values the bars show too (the latest step can lie outside the range of the column means), and
the caption under them gives the range of those values, as they are (``caption_range``): the
scale is wider than them where they hardly change (``MIN_DECADES``), and the caption then says
"nearly level" rather than give the scale's padded ends as if they were values.

The bars show the last step completed where the lab stands, and the strips reach it
(``history_at``): the run records every step only at first, then one in 2, 4, … 32, so the step
a pause or ``back`` stops at may be missing from its history; the debugger has its statistics.

Two layouts (``fit``): when the panel is tall enough, the history strips are a second block under
the bars (``stacked``); otherwise (deep networks, small terminals) each layer is one row — label,
bar, value, history — so up to a dozen layers fit in the 16 rows of a 120×40 grid cell or of the
80×24 tab, and deeper networks scroll. Numbers have three significant digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Select, Static

from engine.history import HistoryArrays
from engine.stats import STAT_NAMES
from tui.messages import CycleStat
from tui.panels.base import MUTED, Panel, Show
from tui.panels.format import fmt_count, widened
from tui.panels.gradient_bands import (
    BANDS,
    UNMARKED,
    axis_labels,
    band_grid,
    bar,
    format_value,
    layer_bands,
    legend,
    styled_value,
    value_style,
    zone_strip,
)
from tui.view import STATS, LabView, completed_step, steps_history

LEVELS = "▁▂▃▄▅▆▇█"
STAT_COLUMNS = {name: i for i, name in enumerate(STAT_NAMES)}
"""Column of each statistic in the last axis of ``HistoryArrays.stats``."""
VALUE_WIDTH = 8  # the widest number: "1.23e-10"; fractions "99.5%"
SCROLLBAR = 1  # columns of the vertical scrollbar when the rows do not fit
AXIS_ROWS = 2  # the band-coloured axis line and its labels


@dataclass(frozen=True)
class Fit:
    """How the panel's rows are laid out in a content area (see ``fit``)."""

    stacked: bool  # history strips in their own block under the bars (else beside the values)
    scroll: bool  # more rows than fit: a scrollbar takes ``SCROLLBAR`` columns
    label: int  # "l12 "
    track: int  # cells of each bar
    history: int  # columns of each history strip
    rows: int  # rows of the whole drawing

    @property
    def width(self) -> int:
        """Columns used by a layer's bar row (label, bar, value, and the strip if beside)."""
        beside = 0 if self.stacked or not self.history else 1 + self.history
        return self.label + self.track + 1 + VALUE_WIDTH + beside


def fitted(steps: str, covered: str, scale: str, span: str, width: int) -> str:
    """The strips' caption in one line of at most ``width`` cells where it can be: "steps
    1–216, log 0.0708…0.2560", without the scale's words (none: ``scale`` empty), then with the
    steps ``covered`` alone, then the value range alone (never a number cut short)."""
    texts = (f"{steps}, {scale} {span}", f"{steps}, {span}", f"{covered}, {span}")
    for text in texts[0 if scale else 1 :]:
        if len(text) <= width:
            return text
    return span


def fit(L: int, width: int, height: int, legend_rows: int = 1) -> Fit:
    """The layout of ``L`` layers in ``width`` × ``height`` cells (the scrolling area).

    Stacked (bars, axis, legend, history caption, history strips: 2L + 4 rows) when that fits in
    ``height``; otherwise one row per layer with the history beside the value (L + 3 rows),
    scrolling when even that does not fit. Bars and strips share the width left by the label and
    the value; a strip needs at least 4 columns, else only bars are drawn. ``legend_rows``: the
    legend's lines (one a band when it does not fit on one: ``legend``)."""
    label = len(f"l{L}") + 1
    stacked_rows = 2 * L + AXIS_ROWS + 1 + legend_rows
    if stacked_rows <= height:
        track = max(width - label - 1 - VALUE_WIDTH, 6)
        return Fit(True, False, label, track, track + 1 + VALUE_WIDTH, stacked_rows)
    rows = L + AXIS_ROWS + legend_rows
    scroll = rows > height
    room = max(width - (SCROLLBAR if scroll else 0) - label - 1 - VALUE_WIDTH, 6)
    history = (room - 1) // 2 if room - 1 >= 2 * 4 else 0
    track = room - 1 - history if history else room
    return Fit(False, scroll, label, track, history, rows)


def column_means(series: np.ndarray, width: int) -> np.ndarray:
    """The series averaged over ``min(width, n)`` runs of neighbouring points (NaN if a run
    holds a non-finite value)."""
    n = series.shape[0]
    columns = min(width, n)
    if columns <= 0:
        return np.zeros(0)
    edges = np.linspace(0, n, columns + 1).astype(np.int64)
    with np.errstate(all="ignore"):
        sums = np.add.reduceat(series, edges[:-1])
    return sums / np.diff(edges)


MIN_DECADES = 0.5
"""A history strip on a log axis spans at least half a decade (× 3.2): a magnitude that hardly
changes is drawn nearly level, not magnified to the strip's full height."""
MIN_FRACTION_SPAN = 0.1
"""A strip of fractions (dead, saturated) spans at least 0.1 of [0, 1], for the same reason."""


def value_range(stat: str, columns: list[np.ndarray]) -> tuple[float, float] | None:
    """(min, max) of the finite values of ``columns`` (the positive ones on log axes); None
    when there is none."""
    values = np.concatenate(columns) if columns else np.zeros(0)
    values = values[np.isfinite(values)]
    if BANDS[stat].log:
        values = values[values > 0]
    if values.shape[0] == 0:
        return None
    return float(values.min()), float(values.max())


def strip_range(stat: str, columns: list[np.ndarray]) -> tuple[float, float]:
    """The value range the history strips share: the finite values' range (positive ones on
    log axes) widened to at least ``MIN_DECADES`` or ``MIN_FRACTION_SPAN``, or the whole axis
    when there is none."""
    b = BANDS[stat]
    found = value_range(stat, columns)
    if found is None:
        return b.lo, b.hi
    lo, hi = found
    if b.log:
        if math.log10(hi) - math.log10(lo) >= MIN_DECADES:
            return lo, hi
        low, high = widened(math.log10(lo), math.log10(hi), MIN_DECADES)
        return 10.0**low, 10.0**high
    low, high = widened(lo, hi, MIN_FRACTION_SPAN)
    shift = max(0.0, -low) - max(0.0, high - 1.0)  # fractions stay in [0, 1]
    return max(low + shift, 0.0), min(high + shift, 1.0)


def caption_range(stat: str, columns: list[np.ndarray]) -> tuple[str, str]:
    """The caption's (scale words, range) for the values of ``columns`` drawn on the strips'
    scale (``strip_range``): the values' own min…max — one number when they read alike —
    after "log" or "linear" when the scale spans just them, after "nearly level" when it is
    wider (values that hardly change are drawn near its middle), no words for one number;
    "not finite", or "all 0" on a log scale, when there is nothing to draw."""
    scale = "log" if BANDS[stat].log else "linear"
    found = value_range(stat, columns)
    if found is None:
        finite = np.concatenate(columns) if columns else np.zeros(0)
        return scale, "all 0" if np.isfinite(finite).any() else "not finite"
    low, high = (format_value(stat, v) for v in found)
    if low == high:
        return "", low
    if strip_range(stat, columns) != found:
        scale = "nearly level"
    return scale, f"{low}…{high}"


def history_strip(
    stat: str,
    means: np.ndarray,
    lo: float,
    hi: float,
    bands: np.ndarray | None = None,
    marked: bool = False,
) -> Content:
    """One character per column: its height the value between ``lo`` and ``hi`` (log₁₀ for
    magnitudes), its colour the value's band, ``bands`` (``band_grid`` over every layer's
    columns: a low mean is vanishing only far under the later layers' means of its column);
    None: the strip's own, as for a layer with none after it. "!" where the value is NaN or −∞
    (+∞ is a full column past the high band, as ``band`` has it). ``marked`` (no colours): the
    columns in a warning band in reverse video, as the bars' numbers (``value_style``): lit
    cells whose bar is the dark part from the bottom, at most ``▇`` (a reversed ``█`` is a
    cell all dark, which read as no column at all, the strip ending before its last step)."""
    b = BANDS[stat]
    means = np.asarray(means, dtype=np.float64)
    finite = np.isfinite(means) | (means == math.inf)
    with np.errstate(all="ignore"):
        if b.log:
            t = (np.log10(means) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        else:
            t = (means - lo) / (hi - lo) if hi > lo else np.zeros_like(means)
    t = np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=0.0)
    levels = np.clip((t * len(LEVELS)).astype(np.int64), 0, len(LEVELS) - 1)
    if bands is None:
        bands = band_grid(stat, means[None, :])[0]
    chars = [LEVELS[k] if ok else "!" for k, ok in zip(levels.tolist(), finite.tolist())]
    # one span per run of equal bands
    parts = []
    start = 0
    n = len(chars)
    for i in range(1, n + 1):
        if i == n or bands[i] != bands[start]:
            text = "".join(chars[start:i])
            if marked and bands[start] not in UNMARKED:  # reversed: a lit top on every cell
                text = text.replace(LEVELS[-1], LEVELS[-2])
            parts.append((text, value_style(bands[start], marked)))
            start = i
    return Content.assemble(*parts)


def history_at(view: LabView) -> HistoryArrays:
    """The per-step history the panel draws, up to and including the last step completed where
    the lab stands (``completed_step``): ``steps_history(view)``'s points, then, paused where the
    run did not record that step — it records every step at first, then one in 2, 4, … 32
    (``engine.run_history.sampled``) —, the step itself, with the statistics the debugger has
    for it (``Controller.stats_of``: the numbers its StepEnd shows). While training runs, the
    run's points up to the step of the snapshot the status line draws."""
    arrays = steps_history(view).snapshot()
    controller = view.controller
    if controller is None or view.status == "running":
        return arrays
    done = completed_step(view)
    if done < 1 or (arrays.steps.shape[0] and arrays.steps[-1] >= done):
        return arrays
    record = controller.timeline.get(done)
    stats = controller.stats_of(record) if record is not None and record.complete else None
    if not stats:
        return arrays
    row = np.array([tuple(s)[1:] for s in stats], dtype=np.float64)  # LayerStats without l
    loss = np.array([np.nan if record.loss is None else record.loss])
    step, one = np.array([float(done)]), np.ones(1, dtype=np.int64)
    added = HistoryArrays(step, loss, loss, loss, one, row[None])
    return HistoryArrays(*(np.concatenate(pair) for pair in zip(arrays, added, strict=True)))


def covered_steps(arrays: HistoryArrays) -> tuple[int, int]:
    """The first and last step the points cover: an exact point is its step, a bucket of
    consecutive steps (every step is recorded at first) its mean ± (count − 1)/2."""
    first = arrays.steps[0] - (arrays.counts[0] - 1) / 2
    last = arrays.steps[-1] + (arrays.counts[-1] - 1) / 2
    return round(first), round(last)


class GradientsPanel(Panel):
    """Per-layer statistic bars with bands and a legend, and per-layer history strips."""

    last_view: LabView | None

    BORDER_TITLE = "Gradients"
    DEFAULT_CSS = """
    GradientsPanel #gradients-top {
        height: 1;
    }
    GradientsPanel #gradients-stat {
        width: 24;
    }
    GradientsPanel #gradients-steps {
        width: 1fr;
        color: $text-muted;
        padding-left: 1;
    }
    GradientsPanel #gradients-scroll {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    GradientsPanel #gradients-scroll > Static {
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.stat = "grad_norm"
        self.bands: list[str] = []  # band of each layer's current value, l = 1…L
        self.values: list[float] = []
        self.fit: Fit | None = None  # the layout of the last drawing

    def compose(self) -> ComposeResult:
        with Horizontal(id="gradients-top"):
            yield Select(
                [(label, key) for key, label in STATS.items()],
                value=self.stat,
                allow_blank=False,
                compact=True,
                id="gradients-stat",
                tooltip="Which per-layer statistic to show",
            )
            yield Show("", id="gradients-steps")
        with VerticalScroll(id="gradients-scroll", can_focus=False):
            yield Show("", id="gradients-bars")
            yield Show("", id="gradients-axis")
            yield Show("", id="gradients-legend")
            yield Show("", id="gradients-history-title", classes="panel-note")
            yield Show("", id="gradients-history")

    @on(Select.Changed, "#gradients-stat")
    def _stat_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL and event.value != self.stat:
            self.post_message(CycleStat(str(event.value)))

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        self.last_view = view
        stat = view.stat if view.stat in BANDS else "grad_norm"
        self.stat = stat
        select = self.query_one("#gradients-stat", Select)
        if select.value != stat:
            with select.prevent(Select.Changed):
                select.value = stat
        run = view.run
        L = run.net.L
        history = history_at(view)  # up to the last step completed at the position
        exact = history.steps.shape[0] and history.counts[-1] == 1
        last = (history.steps[-1], history.loss[-1], history.stats[-1]) if exact else None
        scroll = self.query_one("#gradients-scroll", VerticalScroll)
        area = scroll.content_region
        size = (max(area.width, 20), max(area.height, 1))
        marked = self.app.no_color
        column = STAT_COLUMNS[stat]
        if last is None:
            self.values = [math.nan] * L
            self.bands = ["none"] * L
        else:
            stats = last[2]
            self.values = [float(stats[l - 1, column]) for l in range(1, L + 1)]
            self.bands = layer_bands(stat, self.values)
        # the legend names the small and zero bands when a bar or a strip shows them; a legend
        # of more lines (one a band, when narrow) may change the layout, and the layout its width
        rows = 1
        drawn: dict = {}  # the strips of each (stacked, history, width) tried
        for _ in range(3):
            layout = fit(L, *size, legend_rows=rows)
            shape = (layout.stacked, layout.history, layout.width)
            if shape not in drawn:
                drawn[shape] = self._strips(history, stat, L, layout, self.values)
            strips, caption, strip_bands = drawn[shape]
            key = legend(stat, layout.width, marked, {*self.bands, *strip_bands})
            if key.plain.count("\n") + 1 == rows:
                break
            rows = key.plain.count("\n") + 1
        self.fit = layout
        width = layout.width
        if last is None:
            hint = "no steps yet (s: step, space: run)"
            bars = Content.styled(hint if len(hint) <= width else "no steps yet", MUTED)
        else:
            lines = []
            for l, value in enumerate(self.values, start=1):
                row: list[str | Content | tuple[str, str]] = [
                    (f"l{l}".ljust(layout.label), MUTED),
                    bar(stat, value, layout.track, self.bands[l - 1]),
                    " ",
                    *styled_value(
                        format_value(stat, value), VALUE_WIDTH, self.bands[l - 1], marked
                    ),
                ]
                if not layout.stacked and strips:
                    row += [" ", strips[l - 1]]
                lines.append(Content.assemble(*row))
            bars = Content("\n").join(lines)
        self.query_one("#gradients-bars", Static).update(bars)
        # the axis; beside it, in the one-row layout, what the history strips span
        side = ["", ""] if layout.stacked or not strips else caption
        pad = " " * layout.label
        self.query_one("#gradients-axis", Static).update(
            Content.assemble(
                pad,
                zone_strip(stat, layout.track, marked),
                (" " + side[0] if side[0] else "", MUTED),
                "\n",
                (pad + axis_labels(stat, layout.track) + (" " + side[1] if side[1] else ""), MUTED),
            )
        )
        self.query_one("#gradients-legend", Static).update(key)
        steps = self.query_one("#gradients-steps", Static)
        text = f"step {fmt_count(int(last[0]))}" if last is not None else ""
        # beside the menu when it fits there (the 120×40 grid with the lesson leaves one cell)
        steps.update(text if len(text) <= steps.content_region.width else "")
        title = self.query_one("#gradients-history-title", Static)
        body = self.query_one("#gradients-history", Static)
        title.display = body.display = layout.stacked
        if layout.stacked:
            title.update(Content.styled(caption[0] if strips else "", MUTED))
            body.update(
                Content("\n").join(
                    Content.assemble((f"l{l}".ljust(layout.label), MUTED), strip)
                    for l, strip in enumerate(strips, start=1)
                )
            )

    def _strips(
        self, history, stat: str, L: int, layout: Fit, shown: list[float]
    ) -> tuple[list[Content], list[str], set[str]]:
        """Each layer's history strip, the two lines of caption: the steps they cover and the
        range of the values drawn (``caption_range``; empty when nothing was recorded or no
        room), and the bands the strips show.

        The scale holds the column means and the values ``shown`` by the bars, so that the
        caption is the range of every number the panel draws, as it reads (a latest step
        above the means of its column lay outside a range of means alone, and words saying
        so do not fit in the 15 cells beside a one-row axis); it is the range of those values,
        never the ends of a scale widened past them."""
        if history.steps.shape[0] == 0 or layout.history == 0:
            return [], ["", ""], set()
        columns = [column_means(history.series(stat, l), layout.history) for l in range(1, L + 1)]
        drawn = [*columns, np.asarray(shown, dtype=np.float64)]
        lo, hi = strip_range(stat, drawn)
        scale, span = caption_range(stat, drawn)  # "all 0": e.g. dead layers, on a log scale
        first, last = covered_steps(history)
        covered = f"{fmt_count(first)}–{fmt_count(last)}" if last > first else fmt_count(last)
        steps_text = f"{'steps' if last > first else 'step'} {covered}"
        bands = band_grid(stat, np.stack(columns))  # the layers' means, column by column
        marked = self.app.no_color
        strips = [
            history_strip(stat, means, lo, hi, bands[l], marked) for l, means in enumerate(columns)
        ]
        shown_bands = {str(b) for b in bands.ravel()}
        if layout.stacked:  # one line above the strips
            return strips, [fitted(steps_text, covered, scale, span, layout.width), ""], shown_bands
        room = VALUE_WIDTH + 1 + layout.history  # two lines beside the axis
        return (
            strips,
            [
                steps_text if len(steps_text) <= room else covered,
                f"{scale} {span}" if scale and len(scale) + 1 + len(span) <= room else span,
            ],
            shown_bands,
        )
