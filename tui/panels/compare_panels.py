"""The comparison view's own panels: both runs' loss curves in one plot, both runs' per-layer
gradient bars next to each other, and each run's status (``tui/screens/compare.py``).

The two runs have two colours told apart with every common colour-vision deficiency — the
Okabe–Ito blue and orange (``RUN_COLORS``; in a light theme darker shades of them,
``LIGHT_RUN_COLORS``, as the network picture's) — and each is also named in words wherever it
is drawn (``A``/``B`` and the scenario's name), so nothing rests on the colour alone. Under
``NO_COLOR`` (both colours a grey) the curves in the one plot are told apart by their marks
(``RUN_MARKS``). The decision boundaries are the lab's own Data panel, once per run.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content

from engine.loss_names import labelled
from tui.panels.base import MUTED, Panel, Show, set_border_label
from tui.panels.format import WARNING, flow, fmt_count
from tui.panels.gradient_bands import (
    BANDS,
    axis_labels,
    bar,
    format_value,
    layer_bands,
    legend,
    styled_value,
    zone_strip,
)
from tui.panels.gradients_panel import STAT_COLUMNS
from tui.panels.loss_axes import (
    WIDE_DECADES,
    clipped_note,
    decades_note,
    decades_of,
    plot_limit,
    step_ticks,
    validation_curve,
    value_ticks,
    y_range,
)
from tui.panels.loss_panel import InitialMetrics
from tui.panels.loss_penalty import step_penalty
from tui.panels.loss_sampling import MAX_POINTS, downsample
from tui.panels.plot import CachedPlot
from tui.speed import MAX, speed_text
from tui.view import STATS, counters, epoch_figures_at, steps_history

RUN_COLORS = ("#0072B2", "#E69F00")
"""Okabe–Ito blue and orange: distinct for protanopia, deuteranopia and tritanopia alike."""
LIGHT_RUN_COLORS = ("#0061A8", "#C25400")
"""The same in a light theme (the network picture's light shades): the orange #E69F00 stood
1.6:1 from textual-light's surface, run B's curve faint on a projector; these are 4.5:1 and
3.2:1."""


def run_colour(i: int, dark: bool = True) -> str:
    """Run ``i``'s colour in a dark or a light theme."""
    return (RUN_COLORS if dark else LIGHT_RUN_COLORS)[i]


SIDES = ("A", "B")
RUN_MARKS = {
    False: (("braille", "━", "•"), ("braille", "━", "•")),
    True: (("braille", "━", "•"), ("×", "×", "○")),
}
"""Per run, with colours and without (``NO_COLOR``): the training curve's plotext marker, its
mark in the legend, and the validation points' marker."""
DIFFERENT_LOSSES = "two different losses: compare how each falls, not their values"
"""Said when the runs minimise different losses, whose values share the axis but not a scale."""


def run_key(i: int, name: str, marked: bool = False, dark: bool = True) -> Content:
    """``━ A name`` in the run's colour: the legend entry of run ``i`` (``marked``: its mark
    without colours, ``RUN_MARKS``; ``dark``: the theme's, ``run_colour``)."""
    mark = RUN_MARKS[marked][i][1]
    style = f"bold {run_colour(i, dark)}"
    return Content.assemble((f"{mark} ", style), (f"{SIDES[i]} ", "bold"), name)


SHORTEST_NAME = 12  # cells a run's name keeps before its batch loss gives way


def status_line(
    i: int,
    name: str,
    view,
    width: int | None = None,
    epoch: bool = True,
    marked: bool = False,
    dark: bool = True,
) -> Content:
    """Run ``i``'s name, status, counters (the epoch unless ``epoch`` is false), its last step's
    batch loss and, with a validation set, the val loss of its last epoch — the figure an
    overfitting lesson is about, which the batch loss hides (the problem's batch loss falls below
    its fix's while its val loss climbs). In ``width`` columns when given: the name shortened to
    ``SHORTEST_NAME``, then the batch loss left out, then the name shortened further — a number
    is never cut. Where the step's batch loss includes an L1/L2 penalty, it says so (``batch
    loss 0.6262 (with L2 penalty)``: why it stays above its problem's) when the whole line fits
    with it; else as above, without. ``marked``, ``dark``: the run's mark and colour
    (``run_key``)."""
    step, epochs, _, loss = counters(view)
    metrics, restored = epoch_figures_at(view, step)  # as the lab's Loss panel shows them
    val = metrics.val_loss if metrics is not None else None
    status = view.status
    style = {"diverged": "$text-error", "stopped": "$text-success", "running": "$text-accent"}
    counts = f"  epoch {fmt_count(epochs)}" if epoch else ""
    batch = f"  {labelled('batch_loss', loss)}" if loss is not None else ""
    validation = f"  {labelled('val_loss', val)}" if val is not None else ""
    if validation and restored is not None:
        validation += f" (epoch {fmt_count(restored)}'s weights)"

    def line(name: str, batch: str) -> Content:
        return Content.assemble(
            run_key(i, name, marked, dark),
            ("  ", ""),
            (status, f"bold {style.get(status, '')}".strip()),
            (f"{counts}  step {fmt_count(step)}", MUTED),
            (batch, ""),
            (validation, "bold" if validation else ""),
        )

    def fitted(batch: str, shortest: int) -> Content:
        content = line(name, batch)
        excess = content.cell_length - width if width is not None else 0
        if excess > 0:
            content = line(name[: max(len(name) - excess - 1, shortest - 1)] + "…", batch)
        return content

    penalty = step_penalty(view.run.trainer, step) if batch else ""
    if penalty:
        content = line(name, f"{batch} (with {penalty})")
        if width is None or content.cell_length <= width:
            return content
    content = fitted(batch, min(SHORTEST_NAME, len(name)))
    if width is not None and content.cell_length > width and batch and validation:
        content = fitted("", 1)
    elif width is not None and content.cell_length > width:
        content = fitted(batch, 1)
    return content


class CompareLossPanel(Panel):
    """Both runs' training loss over steps in one plot, with a legend naming them."""

    BORDER_TITLE = "Loss"
    DEFAULT_CSS = """
    CompareLossPanel #cmp-loss-key { height: auto; }
    CompareLossPanel #cmp-loss-plot { height: 1fr; min-height: 4; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._plotted: tuple | None = None
        self.points: tuple[int, ...] = (0, 0)  # points of each curve handed to plotext
        self.notes: list[Content] = []  # what the last plot says of its range (as the lab's)
        self.initial = (InitialMetrics(), InitialMetrics())  # each run's, before any step

    def compose(self) -> ComposeResult:
        yield Show("", id="cmp-loss-key")
        yield CachedPlot(id="cmp-loss-plot")

    def refresh_view(self, comparison) -> None:
        self.last_view = comparison
        sessions = comparison.sessions
        plot = self.query_one("#cmp-loss-plot", CachedPlot)
        histories = [s.run.history.steps for s in sessions]
        epochs = [s.run.history.epochs for s in sessions]
        key = (
            tuple(id(h) for h in histories),
            tuple((h.n_recorded, len(e)) for h, e in zip(histories, epochs, strict=True)),
            comparison.log_scale,
            self.app.theme,
            plot.size,
        )
        scale = "log scale" if comparison.log_scale else "linear scale"
        losses = [s.run.net.loss.name for s in sessions]
        different = losses[0] != losses[1]  # e.g. saturation's quadratic beside cross-entropy
        # one item per run: a narrow panel breaks between them, never between ━ B and its name
        items: list[Content] = [Content.styled(scale, MUTED)]
        for i, name in enumerate(comparison.names):
            loss = Content.styled(f" ({losses[i]})" if different else "", MUTED)
            entry = run_key(i, name, self.app.no_color, self.app.current_theme.dark)
            items.append(Content.assemble(entry, loss))
        if any(len(e) and e.last.val_loss is not None for e in epochs):
            a, b = (marks[2] for marks in RUN_MARKS[self.app.no_color])
            marks = a if a == b else f"{a} {b}"
            items.append(Content.styled(f"{marks} validation", MUTED))
        self.waiting_for_size = not (plot.size.width and plot.size.height)
        drawn = not self.waiting_for_size and key != self._plotted
        if drawn and self._plotted is not None and key[0] == self._plotted[0] and self.too_soon():
            drawn = False
        if drawn:
            self._plotted = key
            starts = [self._initial_loss(i, s.run) for i, s in enumerate(sessions)]
            self._plot(plot, histories, epochs, starts, comparison.log_scale)
            self.note_drawn()
        notes = list(self.notes)
        if different:
            notes.insert(0, Content.styled(DIFFERENT_LOSSES, WARNING))
        key_line = flow([*items, *notes], self.content_size.width)
        self.query_one("#cmp-loss-key", Show).update(key_line)

    def _initial_loss(self, i: int, run) -> float | None:
        """Run i's loss on its training set before any step, as the lab's loss panel shows it
        then; None once it has a step."""
        metrics = self.initial[i](run)
        return None if metrics is None else metrics.train_loss

    def _plot(self, widget: CachedPlot, histories, epochs, starts, log_scale: bool) -> None:
        """Each run's training loss (braille line) and, where it has a validation split, its
        validation loss per epoch (dots), in the run's colour; a run without a step yet shows
        its initial network's loss at step 0 (``starts``), as the lab's plot does."""
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        width = widget.size.width
        max_points = min(MAX_POINTS, 2 * width) if width >= 16 else MAX_POINTS
        curves, validation, raw = [], [], []
        for history, log, start in zip(histories, epochs, starts, strict=True):
            snapshot = history.snapshot()
            losses = downsample(snapshot.steps, snapshot.loss, max_points, snapshot.counts)
            if start is not None and np.isfinite(start):  # (no step: no curve yet)
                losses = (np.zeros(1), np.array([start]))  # the initial network's loss
            val = downsample(*validation_curve(log), max_points)
            curves.append(_scaled(*losses, log_scale))
            validation.append(_scaled(*val, log_scale))
            raw += [losses[1], val[1]]
        values = np.concatenate(raw)
        decades = 0 if log_scale else decades_of(values)  # the losses' own, not the plot's
        clipped = bool(np.any(np.abs(values) > plot_limit(log_scale)))
        self.notes = [clipped_note()] if clipped else []
        if decades >= WIDE_DECADES:
            self.notes.append(decades_note(decades))
        self.points = tuple(int(x.shape[0]) for x, _ in curves)
        plt.xlabel("step")
        drawn = [(x, y) for x, y in curves + validation if x.shape[0]]
        if drawn:
            first = min(float(x[0]) for x, _ in drawn)
            last = max(float(x[-1]) for x, _ in drawn)
            ticks = step_ticks(first, last)
            # textual_plotext's stub asks for list[float] (invariant); plotext takes any numbers
            plt.xticks(ticks, [fmt_count(t) for t in ticks])  # type: ignore[arg-type]
            values = np.concatenate([y for _, y in drawn])
            shown = y_range(values, log_scale)  # the lab's axis: its ticks on it, and a small
            if shown is not None:  # difference (two initial losses) not blown up to full height
                plt.ylim(*shown)
            yt, labels = value_ticks(values, log_scale)
            if yt:
                plt.yticks(yt, labels)
        if all(start is not None for start in starts):  # neither run has a step yet
            plt.title("space: train both")
        for i, ((x, y), (vx, vy)) in enumerate(zip(curves, validation, strict=True)):
            colour = run_colour(i, self.app.current_theme.dark)
            red, green, blue = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
            color = (red, green, blue)
            line, _, dots = RUN_MARKS[self.app.no_color][i]
            if starts[i] is not None and x.shape[0]:  # the initial network's loss, at step 0
                plt.scatter(x.tolist(), y.tolist(), marker="●", color=color)
            elif x.shape[0]:
                plt.plot(x.tolist(), y.tolist(), marker=line, color=color)
            if vx.shape[0]:
                plt.scatter(vx.tolist(), vy.tolist(), marker=dots, color=color)
        widget.replot()


def _scaled(x: np.ndarray, y: np.ndarray, log_scale: bool) -> tuple[np.ndarray, np.ndarray]:
    """A curve as plotted: clipped to ``plot_limit``; on the log scale, log₁₀ of its positive
    values."""
    limit = plot_limit(log_scale)
    y = np.clip(y, -limit, limit)
    if log_scale:
        positive = y > 0
        return x[positive], np.log10(y[positive])
    return x, y


class CompareGradientsPanel(Panel):
    """Each layer's statistic for both runs, one row per layer with the two bars next to each
    other: ``l1  A ▇▇▇ 1.5e-5   B ▇▇▇▇▇▇ 0.017``; a layer one run does not have is "—"."""

    BORDER_TITLE = "Gradients"
    DEFAULT_CSS = """
    CompareGradientsPanel #cmp-grad-scroll { height: 1fr; }
    CompareGradientsPanel #cmp-grad-bars { height: auto; text-wrap: nowrap; }
    CompareGradientsPanel #cmp-grad-axis { height: auto; text-wrap: nowrap; }
    """
    VALUE_WIDTH = 7  # "1.23e-5": the value column's least width
    SCROLLBAR = 2

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values: list[list[float | None]] = [[], []]  # per run, per layer from 1

    def compose(self) -> ComposeResult:
        yield Show("", id="cmp-grad-key")
        with VerticalScroll(id="cmp-grad-scroll"):
            yield Show("", id="cmp-grad-bars")
        yield Show("", id="cmp-grad-axis")

    def refresh_view(self, comparison) -> None:
        self.last_view = comparison
        stat = comparison.stat if comparison.stat in BANDS else "grad_norm"
        set_border_label(self, "border_title", f"Gradients: {STATS[stat]}")
        column = STAT_COLUMNS[stat]
        for i, session in enumerate(comparison.sessions):
            last = steps_history(session.view).last()  # a diverged step's NaNs: not completed
            L = session.run.net.L
            if last is None:
                self.values[i] = [None] * L
            else:
                self.values[i] = [float(last[2][l - 1, column]) for l in range(1, L + 1)]
        depth = max(len(v) for v in self.values)
        scroll = self.query_one("#cmp-grad-scroll")
        width = max(scroll.content_region.width, 30)
        if depth > scroll.content_region.height:
            width -= self.SCROLLBAR
        label = len(f"l{depth}") + 1
        texts = [[None if v is None else format_value(stat, v) for v in vs] for vs in self.values]
        # each run's layers banded together: a low value is vanishing only far under the
        # later layers' of its own run (``VANISHING_DECADES``)
        bands = [layer_bands(stat, values) for values in self.values]
        # as wide as the widest value shown (1.74e152 is wider than 1.23e-5): the columns line up
        self.value_width = value_width = max(
            [self.VALUE_WIDTH, *(len(t) for ts in texts for t in ts if t is not None)]
        )
        # label, then per run: "A " bar " " value, the two runs two cells apart
        self.track = track = max((width - label - 2 - 2 * (2 + 1 + value_width)) // 2, 4)
        lines = []
        for l in range(1, depth + 1):
            row: list = [(f"l{l}".ljust(label), MUTED)]
            for i in (0, 1):
                if i:
                    row.append(("  ", ""))
                row += [(SIDES[i], f"bold {run_colour(i, self.app.current_theme.dark)}"), (" ", "")]
                values = self.values[i]
                value = values[l - 1] if l <= len(values) else None
                text = texts[i][l - 1] if l <= len(values) else None
                if value is None or text is None:
                    what = "—" if l > len(values) else "·"
                    row.append((what.center(track + 1 + value_width), MUTED))
                    continue
                which = bands[i][l - 1]
                value_text = styled_value(text, value_width, which, self.app.no_color)
                row += [bar(stat, value, track, which), " ", *value_text]
            lines.append(Content.assemble(*row))
        self.query_one("#cmp-grad-bars", Show).update(Content("\n").join(lines))
        key = [("—: no such layer", MUTED)] if len(set(map(len, self.values))) > 1 else []
        if any(v is None for values in self.values for v in values):
            key = [("no step yet (space trains both)", MUTED)]
        self.query_one("#cmp-grad-key", Show).update(Content.assemble(*key))
        pad = " " * (label + 2)
        gap = " " * (1 + value_width + 2 + 2)
        strip = zone_strip(stat, track, self.app.no_color)
        axis = Content("\n").join(
            [
                Content.assemble(pad, strip, gap, strip),
                Content.assemble(
                    pad, (axis_labels(stat, track) + gap + axis_labels(stat, track), MUTED)
                ),
                legend(stat, width, self.app.no_color, {b for bs in bands for b in bs}),
            ]
        )
        self.query_one("#cmp-grad-axis", Show).update(axis)


class CompareStatus(Horizontal):
    """The comparison's head: each run's status line, then its message when it has one (whole,
    wrapped: where it diverged is read on a projector), the speed, and the line about their
    data."""

    DEFAULT_CSS = """
    CompareStatus { height: auto; layout: vertical; padding: 0 1; background: $panel; }
    CompareStatus Show { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    CompareStatus .-message, CompareStatus #cmp-note { text-wrap: wrap; padding-left: 2; }
    CompareStatus #cmp-note { padding-left: 0; }
    """

    def compose(self) -> ComposeResult:
        for run in "ab":
            yield Show("", id=f"cmp-status-{run}")
            yield Show("", id=f"cmp-message-{run}", classes="-message")
        yield Show("", id="cmp-speed")
        yield Show("", id="cmp-note")

    def refresh_view(self, comparison) -> None:
        width = (self.size.width or self.app.size.width) - 2  # inside the padding
        names, views = comparison.names, [session.view for session in comparison.sessions]
        look = {"marked": self.app.no_color, "dark": self.app.current_theme.dark}
        lines = [status_line(i, names[i], view, **look) for i, view in enumerate(views)]
        if any(line.cell_length > width for line in lines):  # both without the epoch, alike
            lines = [
                status_line(i, names[i], v, width, epoch=False, **look) for i, v in enumerate(views)
            ]
        for i, view in enumerate(views):
            self.query_one(f"#cmp-status-{'ab'[i]}", Show).update(lines[i])
            message = view.message if view.status != "running" else ""
            shown = self.query_one(f"#cmp-message-{'ab'[i]}", Show)
            shown.display = bool(message)
            shown.update(Content.styled(message, MUTED))
        speed = comparison.pacer.speed
        keys = [key for key, ok in (("+ faster", speed != MAX), ("- slower", speed != 1)) if ok]
        speed = f"{speed_text(speed)} for both runs  ({', '.join(keys)})"
        self.query_one("#cmp-speed", Show).update(Content.styled(speed, MUTED))
        note = self.query_one("#cmp-note", Show)
        note.display = bool(comparison.note)
        note.update(Content.styled(comparison.note, "$text-warning"))
