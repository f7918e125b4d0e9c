"""The layer table (the Network panel's other view, key ``t``): one row per layer l = 0…L.

Row 0 is the input: units nˡ, activation σ, how W was initialized, parameter count, and a marker
on the layer the debugger's current event belongs to (forward, δ, ∂C/∂W, update). The table is
fitted to the panel's width: when the initializers' names do not fit, the init column shows
them abbreviated (``INIT_SHORT``: ``xavU``, ``xavN``), and so does the activation column when its
cells do not (``short_activation``: ``lrlu``, ``tanh+D`` for tanh with dropout), each
abbreviation spelled out under the table — cut with "…" they read alike (``xavi…``) or lose what
they add (``tanh d…``); then the activation and init columns are shortened (with "…") before the
parameter column is ever cut. Under it, the current event ("now layer 1: forward z¹, a¹"; "▶ now:
forward z¹, a¹" where that does not fit). Clicking a layer row selects it for the equation view
(``SelectUnit``).
"""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.events import Click

from engine.debugger.formatting import sup
from engine.settings import LAYER
from tui.messages import SelectUnit
from tui.panels.base import ACCENT, CURRENT_ROW, MUTED, SELECTED, Show
from tui.panels.format import fmt, fmt_count

EVENT_MARKERS = {
    "step_start": "a step starts",
    "forward": "forward zˡ, aˡ",
    "loss": "loss C and ∇ₐC",
    "delta": "δ backward",
    "gradient": "∂C/∂W backward",
    "clip": "gradient clipping",
    "update": "update Wˡ (pending)",
    "step_end": "step done, updates applied",
}
"""How the current event is named under the table."""

HEADER = ("l", "n", "σ", "init", "params")
ALIGN_RIGHT = (True, True, False, False, True)
SHRINK = (3, 2)  # columns shortened to fit, in this order: init, then σ
MIN_SHRUNK = 4  # a shortened column keeps at least this many characters
SIGMA, INIT = 2, 3  # the activation and init columns

INIT_SHORT = {
    "zeros": "zero",
    "constant": "cnst",
    "uniform": "unif",
    "normal": "norm",
    "standard": "std",
    "xavier_uniform": "xavU",
    "xavier_normal": "xavN",
    "he_normal": "heN",
    "he_uniform": "heU",
    "lecun_normal": "lecN",
    "explicit": "expl",
}
"""Each initializer's name (``engine.initializers.INITIALIZERS``; "explicit": weights written in
the scenario) in at most ``MIN_SHRUNK`` cells, for a table too narrow for the names."""

ACTIVATION_SHORT = {
    "linear": "lin",
    "sigmoid": "sigm",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "lrlu",
    "prelu": "prlu",
    "elu": "elu",
    "softmax": "smax",
}
"""Each activation's name (``engine.activations.ACTIVATIONS``) in at most ``MIN_SHRUNK`` cells."""

EXTRA_SHORT = {LAYER["dropout"].shown: "+D", LAYER["batch_norm"].shown: "+BN"}
"""What a layer adds to its activation (``layer_rows``: dropout p, batch norm), as a short mark."""


def layer_rows(net) -> list[tuple[str, ...]]:
    """The table's cells, row 0 the input: (l, units, activation, init, parameters)."""
    rows: list[tuple[str, ...]] = [("0", str(net.n_in), "input", "", "")]
    for layer in net.layers:
        extras = []
        if getattr(layer, "dropout", 0.0):
            extras.append(f"{LAYER['dropout'].shown} {fmt(layer.dropout, 3)}")
        if getattr(layer, "batch_norm", False):
            extras.append(LAYER["batch_norm"].shown)
        act = layer.activation
        name = act.name if act.alpha is None else f"{act.name} α={fmt(act.alpha, 3)}"
        activation = name + (" " + " ".join(extras) if extras else "")
        rows.append(
            (
                str(layer.l),
                str(layer.n_out),
                activation,
                layer.init or "",
                fmt_count(layer.n_params),
            )
        )
    return rows


def event_row(event, L: int) -> tuple[int | None, str] | None:
    """(layer row to highlight or None, what the event is) for the debugger's current event."""
    if event is None or event.kind not in EVENT_MARKERS:
        return None
    l = getattr(event, "l", None)
    if event.kind in ("loss", "clip"):
        l = L
    marker = EVENT_MARKERS[event.kind]
    if l is not None:
        marker = marker.replace("ˡ", sup(l))
    return l, marker


def column_widths(table, width: int | None) -> list[int]:
    """The widths of the table's columns, shortened (init first, then σ) so that a row of them
    after the two-cell marker fits in ``width``; the other columns are never shortened."""
    widths = [max(len(row[c]) for row in table) for c in range(len(HEADER))]
    if width is None:
        return widths
    for c in SHRINK:
        over = 2 + sum(widths) + len(widths) - 1 - width
        if over > 0:
            widths[c] = max(widths[c] - over, min(widths[c], MIN_SHRUNK))
    return widths


def short_activation(cell: str) -> str:
    """An activation cell of ``layer_rows`` (``tanh drop 0.5``, ``leaky_relu α=0.01``) as its
    name's abbreviation and a mark for each addition: ``tanh+D``, ``lrlu``."""
    name, *rest = cell.split(" ")
    return ACTIVATION_SHORT.get(name, name) + "".join(EXTRA_SHORT.get(word, "") for word in rest)


def abbreviated(table, column: int, short, width: int | None):
    """``table`` (its header row first) with each cell of ``column`` that does not fit the
    column (``column_widths``) as ``short(cell)``, and the legend: an entry
    ``xavU = xavier_uniform`` for each abbreviation used, in the order of the rows. A cell that
    fits stays whole (vanishing-fixed-batchnorm at 120x40: ``sigm+BN`` over the output's
    ``sigmoid``, which needs no line of the legend)."""
    room = column_widths(table, width)[column]
    legend: dict[str, str] = {}
    out = [table[0]]
    for row in table[1:]:
        cell = row[column]
        code = short(cell) if len(cell) > room else cell
        if code != cell:
            legend[cell] = f"{code} = {cell}"
        out.append((*row[:column], code, *row[column + 1 :]))
    return out, list(legend.values())


def short_cells(table, width: int | None) -> tuple[list[tuple[str, ...]], list[str]]:
    """``table`` with the initializers (``INIT_SHORT``), then the activations
    (``short_activation``) abbreviated where they do not fit, and the legend under the table:
    the activations' lines, then the initializers'."""
    table, inits = abbreviated(table, INIT, lambda name: INIT_SHORT.get(name, name), width)
    table, activations = abbreviated(table, SIGMA, short_activation, width)
    return table, activations + inits


LEGEND_GAP = "; "


def legend_lines(entries: list[str], width: int | None) -> list[str]:
    """The legend's entries (``xavU = xavier_uniform``) as lines of at most ``width`` cells:
    as many entries on a line as fit, in their order, apart by ``LEGEND_GAP``; an entry too
    long for a line of its own wrapped at spaces. Without ``width``, one entry a line."""
    lines: list[str] = []
    shared = False  # whether the last line may take another entry (not a wrapped one's end)
    for entry in entries:
        if width is None:
            lines.append(entry)
        elif shared and len(lines[-1]) + len(LEGEND_GAP) + len(entry) <= width:
            lines[-1] += LEGEND_GAP + entry
        else:
            parts = textwrap.wrap(entry, width, subsequent_indent="  ")
            lines.extend(parts)
            shared = len(parts) == 1
    return lines


def now_lines(l: int | None, marker: str, L: int, width: int | None) -> list[Content]:
    """The line under the table naming the current event: "now layer 1: forward z¹, a¹",
    "now step: a step starts". Where a layer's event would not all fit on one line (one of
    them at layer L: "now layer 7: update W⁷ (pending)"), every layer's event is written
    "▶ now: forward z¹, a¹" (its layer is the row the ▶ marks) — one form while stepping; a
    step's start or end that does not fit, by its name alone. Still too wide: "now step:"
    over the event's name, wrapped at spaces, never cut."""
    head = f"now {'step' if l is None else f'layer {l}'}:"
    if width is not None and l is not None:
        widest = max(
            len(m.replace("ˡ", sup(L))) for k, m in EVENT_MARKERS.items() if "step" not in k
        )
        if len(f"now layer {L}: ") + widest > width:
            head = "▶ now:"
    if width is None or len(head) + 1 + len(marker) <= width:
        return [Content.assemble((f"{head} ", MUTED), (marker, ACCENT))]
    if l is None and len(marker) <= width:
        return [Content.styled(marker, ACCENT)]
    parts = textwrap.wrap(marker, width, initial_indent="  ", subsequent_indent="  ")
    return [Content.styled(head, MUTED), *(Content.styled(part, ACCENT) for part in parts)]


def _fit(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


def render_table(
    rows, current: tuple[int | None, str] | None, selected: int | None, width: int | None = None
) -> Content:
    """The rows as aligned columns after a marker column: ``▶`` and a highlight on the current
    event's layer, the selected layer in bold; under the table, what the current event is.
    With ``width``, the table fits in that many cells (``short_cells``, ``column_widths``)."""
    table, legend = short_cells([HEADER, *rows], width)
    widths = column_widths(table, width)
    lines = []
    for index, row in enumerate(table):
        r = index - 1
        is_current = current is not None and r == current[0]
        cells = [
            _fit(cell, w).rjust(w) if right else _fit(cell, w).ljust(w)
            for cell, w, right in zip(row, widths, ALIGN_RIGHT)
        ]
        text = ("▶ " if is_current else "  ") + " ".join(cells).rstrip()
        if index == 0:
            style = MUTED
        elif is_current:
            style = CURRENT_ROW
        elif selected is not None and r == selected:
            style = SELECTED
        else:
            style = ""
        lines.append(Content.styled(text, style) if style else Content(text))
    lines.extend(Content.styled(line, MUTED) for line in legend_lines(legend, width))
    if current is not None:
        lines.extend(now_lines(*current, len(rows) - 1, width))
    return Content("\n").join(lines)


class LayerTable(Show):
    """The layer table; a click on a layer row selects that layer (``SelectUnit(l)``)."""

    rows = 0

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        l = offset.y - 1  # line 0 is the header, line 1 the input
        if 1 <= l < self.rows:
            event.stop()
            self.post_message(SelectUnit(l, None))
