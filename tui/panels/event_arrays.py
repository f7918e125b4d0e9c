"""The Debugger panel's left column: the current event's fields and arrays, each named as in the
equations, with a one-line summary and its numbers (corners of large ones), and a StepEnd's
per-layer statistics.

The heading states the layer's own rule (``engine.debugger.explain.rules.LayerRule``: plain,
dropout, batch norm or both), and the arrays are named by it: the slope is σ′(uˡ) where batch
norm puts u = γ ẑ + β under σ. Batch norm's γ and β (a Gradient's ∂C/∂γ, ∂C/∂β, an Update's
γ and β before, after and their steps), which the events keep in ``extra``, follow W and b."""

from __future__ import annotations

import numpy as np
from textual.content import Content

from engine.debugger.explain.rules import LayerRule, with_layer
from engine.number_text import counted
from tui.panels.base import ACCENT, MUTED
from tui.panels.format import array_lines, array_summary, fmt, styled_number

ARRAY_NAMES = {
    "a_prev": "aˡ⁻¹",
    "z": "zˡ",
    "a": "aˡ",
    "mask": "mˡ (dropout mask)",
    "z_hat": "ẑˡ",
    "batch_mean": "μ (batch)",
    "batch_var": "σ² (batch)",
    "grad_a": "∇ₐC",
    "y": "y",
    "delta": "δˡ",
    "from_above": "from above",
    "local_slope": "σ′(zˡ)",
    "grad_z_hat": "∂C/∂ẑ",
    "grad_W": "∂C/∂Wˡ",
    "grad_b": "∂C/∂bˡ",
    "grad_W_penalty": "penalty part",
    "W_old": "Wˡ before",
    "W_new": "Wˡ after",
    "step_W": "ΔWˡ",
    "b_old": "bˡ before",
    "b_new": "bˡ after",
    "step_b": "Δbˡ",
    "indices": "batch rows",
}
# the labels of the parameters events keep in ``extra``: a Gradient's ∂C/∂ of the parameter, an
# Update's (before, after, step)
EXTRA_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "gradient": {"gamma": ("∂C/∂γˡ",), "beta": ("∂C/∂βˡ",), "alpha": ("∂C/∂αˡ",)},
    "update": {
        "gamma": ("γˡ before", "γˡ after", "Δγˡ"),
        "beta": ("βˡ before", "βˡ after", "Δβˡ"),
        "alpha": ("αˡ before", "αˡ after", "Δαˡ"),
    },
}
EVENT_TITLES = {
    "step_start": "start of the step",
    "loss": "loss C and ∇ₐC",
    "clip": "gradient clipping",
    "step_end": "end of the step (updates applied)",
}
RULE_TITLES = {  # the kinds whose heading is the layer's rule
    "forward": lambda rule: f"forward: {rule.forward()}",
    "delta": lambda rule: f"backward: {rule.delta()}",
    "gradient": lambda rule: f"backward: {rule.gradient()}",
    "update": lambda rule: f"update: {rule.update()} (computed, not yet applied)",
}
FUSED_TITLE = "backward: δᴸ = ∂C/∂zᴸ computed with the loss (fused: a − y form, stable)"
ARRAY_ROWS = 6
ARRAY_COLS = 6


def event_title(event) -> str:
    """The event's heading: its layer's rule (``LayerRule.of_event``) for Forward, Delta,
    Gradient and Update, with the layer's number; what the event is for the others."""
    if event.kind == "delta" and event.fused:
        return FUSED_TITLE
    if event.kind in RULE_TITLES:
        return RULE_TITLES[event.kind](LayerRule.of_event(event))
    return EVENT_TITLES.get(event.kind, event.kind)


def array_name(event, name: str) -> str:
    """The name of the event's array ``name`` (``ˡ`` for its layer): ``ARRAY_NAMES``', with
    the slope σ′(uˡ) where batch norm applies σ to u."""
    if name == "local_slope":
        return LayerRule.of_event(event).slope
    return ARRAY_NAMES.get(name, name)


def shown_arrays(event) -> dict[str, np.ndarray]:
    """The event's arrays by label (``ˡ`` for its layer): its fields', then the other
    parameters' it keeps in ``extra`` (batch norm's γ and β, PReLU's α), after W's and b's."""
    arrays = {array_name(event, name): array for name, array in event.arrays().items()}
    names = EXTRA_NAMES.get(event.kind, {})
    for param, value in getattr(event, "extra", {}).items():
        values = value if isinstance(value, tuple) else (value,)
        labels = names.get(param) or tuple(f"{param} ({i})" for i in range(len(values)))
        arrays.update(zip(labels, values, strict=True))
    return arrays


def wrap(text: str, width: int, sep: str = " ") -> list[str]:
    """``text`` cut at ``sep`` into lines of at most ``width`` cells (a part longer than that
    stays whole on its own line)."""
    lines: list[str] = []
    for part in text.split(sep):
        if lines and len(lines[-1]) + len(sep) + len(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return lines


def fitted_array_lines(array, width: int | None) -> tuple[list[Content], int]:
    """``array_lines`` with as many columns (``ARRAY_COLS`` at most, 2 at least) as fit in
    ``width`` cells, so that numbers are never cut by the panel's edge; and that many."""
    cols = ARRAY_COLS
    lines = array_lines(array, ARRAY_ROWS, cols)
    while width is not None and cols > 2 and max(line.cell_length for line in lines) > width:
        cols -= 1
        lines = array_lines(array, ARRAY_ROWS, cols)
    return lines, cols


MAX_INDICES = 64  # rows of a batch listed at most; a larger batch shows its first ones


def index_lines(indices, width: int | None, room: int | None = None) -> list[Content]:
    """The training-set rows of the batch, in its order: a head saying how many, then the rows
    wrapped to ``width`` on at most ``room`` lines (the head's included; the rows get one at
    least). Rows that do not fit — or more than ``MAX_INDICES`` — end the list with ``… N more``;
    a line goes on after its comma."""
    rows = [str(int(i)) for i in np.asarray(indices).ravel()]
    head = index_head(counted(len(rows), "example"), width)
    lines = None if room is None else max(room - len(head), 1)
    return [*head, *map(Content, listed(rows, width, lines))]


def index_head(count: str, width: int | None) -> list[Content]:
    """``batch rows  20 examples, in the batch's order``; the note on lines of its own when
    the line is wider than ``width``."""
    label, note = ARRAY_NAMES["indices"], f"{count}, in the batch's order"
    if width is None or len(label) + 2 + len(note) <= width:
        return [Content.assemble((label, "bold"), "  ", (note, MUTED))]
    return [Content.styled(label, "bold"), *(Content.styled(n, MUTED) for n in wrap(note, width))]


def listed(items: list[str], width: int | None, lines: int | None) -> list[str]:
    """``items`` separated by commas on at most ``lines`` lines of ``width`` cells (None: no
    limit), as many as fit (``MAX_INDICES`` at most), then ``… N more`` for the others."""
    for shown in range(min(len(items), MAX_INDICES), 0, -1):
        body = comma_lines(items, shown, width)
        if lines is None or len(body) <= lines:
            return body
    return comma_lines(items, 0, width)


def comma_lines(items: list[str], shown: int, width: int | None) -> list[str]:
    """The first ``shown`` of ``items`` and ``… N more`` for the rest, separated by commas and
    wrapped to ``width`` after a comma (which ends the line)."""
    rest = len(items) - shown
    text = ", ".join(items[:shown] + ([f"… {rest} more"] if rest else []))
    body = wrap(text, width - 1, ", ") if width else [text]  # a cell kept for the comma
    return [line + "," for line in body[:-1]] + body[-1:]


STAT_COLUMNS = (
    ("‖∂C/∂W‖", "grad_norm"),
    ("mean|δ|", "delta_mean_abs"),
    ("‖ΔW‖/‖W‖", "update_ratio"),
)
STAT_WIDTH = 9  # a space and "1.23e-10"


def stats_table(stats) -> list[Content]:
    """The per-layer statistics of a StepEnd as a small table (three significant digits)."""
    label = max(len(f"l{s.l}") for s in stats)
    lines = [
        Content.styled("per-layer statistics", "bold"),
        Content.styled(
            " " * label + "".join(name.rjust(STAT_WIDTH) for name, _ in STAT_COLUMNS), MUTED
        ),
    ]
    for s in stats:
        parts: list = [(f"l{s.l}".ljust(label), MUTED)]
        for _, field in STAT_COLUMNS:
            value = getattr(s, field)
            parts += [" " * (STAT_WIDTH - len(fmt(value, 3))), styled_number(value, 3)]
        lines.append(Content.assemble(*parts))
    return lines


def event_arrays(event, width: int | None = None, height: int | None = None) -> Content:
    """The event's scalar fields and arrays: name, summary, numbers (corners of large ones).

    With ``width``, what is prose (title, summaries) is wrapped to it and arrays show as many
    columns as fit, so nothing is cut at the panel's edge; aligned rows are never wrapped. With
    ``height``, the batch's rows take no more than the lines left of it (``index_lines``)."""
    if event is None:
        return Content.styled("No event while training runs.", MUTED)
    l = getattr(event, "l", None)
    title = with_layer(event_title(event), l)
    title_lines = wrap(title, width) if width else [title]
    lines: list[Content] = [Content.styled(line, ACCENT) for line in title_lines]
    for name in (
        "value",
        "data_loss",
        "penalty",
        "lr",
        "mode",
        "threshold",
        "norm_before",
        "norm_after",
        "loss",
        "batch_size",
        "optimizer",
        "t",
    ):
        if hasattr(event, name):
            value = getattr(event, name)
            shown = styled_number(value) if not isinstance(value, str) else Content(value)
            lines.append(Content.assemble((f"{name} ", MUTED), shown))
    for name, array in shown_arrays(event).items():
        if name == ARRAY_NAMES["indices"]:  # which examples: a list, not statistics of numbers
            room = None if height is None else height - len(lines)
            lines.extend(index_lines(array, width, room))
            continue
        label = with_layer(name, l)
        shape, _, summary = array_summary(array).partition("  ")
        lines.append(Content.assemble((label, "bold"), "  ", (shape, MUTED)))
        rows, cols = (array.shape + (1,))[:2] if array.ndim == 2 else (1, array.size)
        numbers, shown_cols = fitted_array_lines(array, width)
        if rows > ARRAY_ROWS or cols > shown_cols or not np.isfinite(array).all():
            # the numbers are cut: say what is there
            summary_lines = wrap(summary, width, "  ") if width else [summary]
            lines.extend(Content.styled(line, MUTED) for line in summary_lines)
        lines.extend(numbers)
    stats = getattr(event, "stats", None)
    if stats:
        lines.extend(stats_table(stats))
    return Content("\n").join(lines)
