"""The Debugger panel's left column: the current event's fields and arrays, each named as in the
equations, with a one-line summary and its numbers (corners of large ones), and a StepEnd's
per-layer statistics."""

from __future__ import annotations

import numpy as np
from textual.content import Content

from engine.debugger.formatting import sup
from engine.number_text import counted
from tui.panels.base import ACCENT, MUTED
from tui.panels.format import array_lines, array_summary, fmt, styled_number

ARRAY_NAMES = {
    "a_prev": "aˡ⁻¹",
    "z": "zˡ",
    "a": "aˡ",
    "mask": "dropout mask",
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
EVENT_TITLES = {
    "step_start": "start of the step",
    "forward": "forward: zˡ = aˡ⁻¹Wˡᵀ + bˡ, aˡ = σ(zˡ)",
    "loss": "loss C and ∇ₐC",
    "delta": "backward: δˡ = from above ⊙ σ′(zˡ)",
    "gradient": "backward: ∂C/∂Wˡ = δˡᵀ aˡ⁻¹, ∂C/∂bˡ = Σ δˡ",
    "clip": "gradient clipping",
    "update": "update: Wˡ ← Wˡ − ΔWˡ (computed, not yet applied)",
    "step_end": "end of the step (updates applied)",
}
FUSED_TITLE = "backward: δᴸ = ∂C/∂zᴸ computed with the loss (fused: a − y form, stable)"
ARRAY_ROWS = 6
ARRAY_COLS = 6


def with_layer(text: str, l: int | None) -> str:
    """``δˡ = … aˡ⁻¹`` with the layer's number: ``δ² = … a¹`` (unchanged when l is None)."""
    if l is None:
        return text
    return text.replace("ˡ⁻¹", sup(l - 1)).replace("ˡ⁺¹", sup(l + 1)).replace("ˡ", sup(l))


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
    title = EVENT_TITLES.get(event.kind, event.kind)
    if event.kind == "delta" and event.fused:
        title = FUSED_TITLE
    title = with_layer(title, l)
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
    for name, array in event.arrays().items():
        if name == "indices":  # which examples: a list, not statistics of their numbers
            room = None if height is None else height - len(lines)
            lines.extend(index_lines(array, width, room))
            continue
        label = with_layer(ARRAY_NAMES.get(name, name), l)
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
