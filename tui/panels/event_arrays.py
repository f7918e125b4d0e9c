"""The Debugger panel's left column: the current event's fields and arrays, each named as in the
equations, with a one-line summary and its numbers (corners of large ones), and a StepEnd's
per-layer statistics.

A number is labelled with its name in the debugger's expression language (``loss``,
``batch_size``: what ``p`` prints in the line mode, ``engine/debugger/conditions.py``), and an
array's math symbol has that name beside it (``δ²  4×1  delta@2``), so that a learner can type
what the panel shows. Settings that are words (a Clip's mode, the optimizer) are in the heading.

The heading states the layer's own rule (``engine.debugger.explain.rules.LayerRule``: plain,
dropout, batch norm or both), and the arrays are named by it: the slope is σ′(uˡ) where batch
norm puts u = γ ẑ + β under σ. Batch norm's γ and β (a Gradient's ∂C/∂γ, ∂C/∂β, an Update's
γ and β before, after and their steps), which the events keep in ``extra``, follow W and b.

What shows first is what the event is about: an Update lists each parameter after it, then its
step (beside it where they fit: ``side_by_side``), then before it (``UPDATE_ORDER``), the numbers
a learner stepping to it looks for, and the scalar fields share a line. The column scrolls: a
heading is never the last line above the fold with its numbers below it (``kept_with_numbers``)."""

from __future__ import annotations

import numpy as np
from textual.content import Content

from engine.debugger.conditions import LAYER_ARRAYS
from engine.debugger.explain.rules import LayerRule, with_layer
from engine.debugger.view import ARRAY_SOURCES, EXTRA_SOURCES
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
# the expression language's name (``p`` in the line mode, conditions) of each array shown: an
# event's field (kind, field), or a parameter it keeps in ``extra`` (kind, parameter, item of an
# Update's (before, after, step); None for a Gradient's); per-layer names take ``@l``. An
# Update's W and b before it are the parameters in force (W, b), a Delta's dropout mask is the
# Forward's (mask); an Update's grad_W and grad_b, the gradients after clipping, have no name.
FIELD_NAMES = {source: name for name, source in ARRAY_SOURCES.items()} | {
    ("delta", "mask"): "mask",
    ("update", "W_old"): "W",
    ("update", "b_old"): "b",
}
EXTRA_FIELD_NAMES = {source: name for name, source in EXTRA_SOURCES.items()} | {
    ("update", "gamma", 0): "gamma",
    ("update", "beta", 0): "beta",
    ("update", "alpha", 0): "alpha",
}
# the scalar fields shown, by the expression language's name where the event's differs
SCALAR_FIELDS = (
    "value",
    "data_loss",
    "penalty",
    "lr",
    "threshold",
    "norm_before",
    "norm_after",
    "loss",
    "batch_size",
    "t",
)
SCALAR_NAMES = {"value": "loss"}  # the Loss event's C
EVENT_TITLES = {
    "step_start": "start of the step",
    "loss": "loss C and ∇ₐC",
    "step_end": "end of the step (updates applied)",
}
RULE_TITLES = {  # the kinds whose heading is the layer's rule
    "forward": lambda rule, ev, output: f"forward: {rule.forward()}",
    "delta": lambda rule, ev, output: f"backward: {rule.delta(output)}",
    "gradient": lambda rule, ev, output: f"backward: {rule.gradient()}",
    "update": lambda rule, ev, output: (
        f"update ({ev.optimizer}): {rule.update()} (computed, not yet applied)"
    ),
}
FUSED_TITLE = "backward: δᴸ = ∂C/∂zᴸ computed with the loss (fused: a − y form, stable)"
ARRAY_ROWS = 6
ARRAY_COLS = 6
# an Update's fields in the order shown: each parameter after the update, its step, before it;
# then the gradients the optimizer used
UPDATE_ORDER = ("W_new", "step_W", "W_old", "b_new", "step_b", "b_old", "grad_W", "grad_b")
UPDATE_EXTRA_ORDER = (1, 2, 0)  # an Update's (before, after, step) of γ, β, α: after, step, before


def event_title(event, L: int | None = None) -> str:
    """The event's heading: its layer's rule (``LayerRule.of_event``) for Forward, Delta,
    Gradient and Update (with the optimizer's name), with the layer's number; what the event is
    for the others (a Clip's mode: by norm or by value). ``L``: the output layer, whose Delta
    has ∇ₐC where the layers below have "from above" (``output_delta``)."""
    if event.kind == "delta" and event.fused:
        return FUSED_TITLE
    if event.kind in RULE_TITLES:
        rule = LayerRule.of_event(event)
        return RULE_TITLES[event.kind](rule, event, output_delta(event, L))
    if event.kind == "clip":
        return f"gradient clipping by {event.mode}"
    return EVENT_TITLES.get(event.kind, event.kind)


def output_delta(event, L: int | None) -> bool:
    """Whether ``event`` is the Delta of the output layer ``L``: its factor "from above" is
    ∇ₐC, nothing being above it."""
    return event.kind == "delta" and L is not None and getattr(event, "l", None) == L


def array_name(event, name: str, L: int | None = None) -> str:
    """The name of the event's array ``name`` (``ˡ`` for its layer): ``ARRAY_NAMES``', with
    the slope σ′(uˡ) where batch norm applies σ to u, and ∇ₐC for the factor "from above" of
    the output layer's Delta (``L``: the output layer)."""
    if name == "local_slope":
        return LayerRule.of_event(event).slope
    if name == "from_above" and output_delta(event, L):
        return ARRAY_NAMES["grad_a"]
    return ARRAY_NAMES.get(name, name)


def shown_arrays(event) -> dict[str, np.ndarray]:
    """The event's arrays by label (``ˡ`` for its layer): its fields', then the other
    parameters' it keeps in ``extra`` (batch norm's γ and β, PReLU's α), after W's and b's."""
    return {label: array for label, (array, _) in named_arrays(event).items()}


def named_arrays(event, L: int | None = None) -> dict[str, tuple[np.ndarray, str | None]]:
    """``shown_arrays`` with each array's name in the expression language (``delta@2``,
    ``grad_a``; ``FIELD_NAMES``), None for one that has none (``L``: as ``array_name``)."""
    kind, l = event.kind, getattr(event, "l", None)
    fields = event.arrays()
    if kind == "update":  # the parameters' new values first (UPDATE_ORDER)
        fields = {f: fields[f] for f in sorted(fields, key=_update_rank)}
    arrays = {
        array_name(event, field, L): (array, expression_name(FIELD_NAMES.get((kind, field)), l))
        for field, array in fields.items()
    }
    extras: dict[str, tuple[np.ndarray, str | None]] = {}
    names = EXTRA_NAMES.get(kind, {})
    for param, value in getattr(event, "extra", {}).items():
        values = value if isinstance(value, tuple) else (value,)
        labels = names.get(param) or tuple(f"{param} ({i})" for i in range(len(values)))
        order = UPDATE_EXTRA_ORDER if kind == "update" and len(values) == 3 else range(len(values))
        for i in order:
            item = i if isinstance(value, tuple) else None
            typed = expression_name(EXTRA_FIELD_NAMES.get((kind, param, item)), l)
            extras[labels[i]] = (values[i], typed)
    if kind != "update":
        return arrays | extras
    # an Update's other parameters follow b, before the gradients the optimizer used
    gradients = {array_name(event, field, L) for field in ("grad_W", "grad_b")}
    first = {label: shown for label, shown in arrays.items() if label not in gradients}
    return first | extras | {label: arrays[label] for label in arrays if label in gradients}


def _update_rank(field: str) -> int:
    """The place of an Update's field in ``UPDATE_ORDER`` (another field: after them)."""
    return UPDATE_ORDER.index(field) if field in UPDATE_ORDER else len(UPDATE_ORDER)


def expression_name(name: str | None, l: int | None) -> str | None:
    """``name`` as typed for layer ``l``: ``delta@2`` for a per-layer array, ``grad_a``."""
    if name is None or l is None or name not in LAYER_ARRAYS:
        return name
    return f"{name}@{l}"


def label_line(label: str, shape: str, name: str | None, width: int | None) -> list[Content]:
    """An array's label and shape, then its name in the expression language when it is not
    the label itself (``δ²  4×1  delta@2``): on a line of its own when the line would be wider
    than ``width``."""
    head = Content.assemble((label, "bold"), "  ", (shape, MUTED))
    if name is None or name == label:
        return [head]
    if width is not None and head.cell_length + 2 + len(name) > width:
        return [head, Content.styled(name, MUTED)]
    return [Content.assemble(head, "  ", (name, MUTED))]


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


def stats_table(stats, width: int | None = None) -> list[Content]:
    """The per-layer statistics of a StepEnd as a small table (three significant digits), under
    the columns' names in the expression language (wrapped to ``width``)."""
    label = max(len(f"l{s.l}") for s in stats)
    names = [field for _, field in STAT_COLUMNS]  # p grad_norm prints every layer's
    names[0] = f"names: {names[0]}"
    lines = [
        Content.styled("per-layer statistics", "bold"),
        *(Content.styled(line, MUTED) for line in comma_lines(names, len(names), width)),
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


def scalar_lines(event, width: int | None) -> list[Content]:
    """The event's scalar fields (``SCALAR_FIELDS``) as ``name value``, two spaces apart, on as
    few lines of ``width`` cells as hold them (``lr 1  t 1``; without a width: one line)."""
    lines: list[Content] = []
    for field in (f for f in SCALAR_FIELDS if hasattr(event, f)):
        item = Content.assemble(
            (f"{SCALAR_NAMES.get(field, field)} ", MUTED), styled_number(getattr(event, field))
        )
        if lines and (width is None or lines[-1].cell_length + 2 + item.cell_length <= width):
            lines[-1] = Content.assemble(lines[-1], "  ", item)
        else:
            lines.append(item)
    return lines


Block = tuple[list[Content], list[Content]]
"""An array as shown: its heading's lines, and the lines under it."""
PAIR_GAP = 3  # cells between an Update's parameter after it and its step beside it


def array_block(label: str, array, typed: str | None, width: int | None) -> Block:
    """The array's heading (``label_line``) and the lines under it: its summary when its
    numbers are cut (too many rows or columns, or some not finite), then its numbers, with as
    many columns as fit in ``width`` (``fitted_array_lines``)."""
    shape, _, summary = array_summary(array).partition("  ")
    head = label_line(label, shape, typed, width)
    rows, cols = (array.shape + (1,))[:2] if array.ndim == 2 else (1, array.size)
    numbers, shown_cols = fitted_array_lines(array, width)
    body: list[Content] = []
    if rows > ARRAY_ROWS or cols > shown_cols or not np.isfinite(array).all():
        summary_lines = wrap(summary, width, "  ") if width else [summary]
        body.extend(Content.styled(line, MUTED) for line in summary_lines)
    return head, body + numbers


def side_by_side(left: Block, right: Block, width: int | None) -> Block | None:
    """``right`` beside ``left``, ``PAIR_GAP`` cells apart, row beside row: an Update's W¹
    after it and its step ΔW¹ (4×2 each in xor) on the same lines, where stacked, the step's
    numbers fell below the fold of the Debugger's column at 120×40. None when they do not fit
    in ``width`` or their rows would not line up (a heading or a summary of more lines)."""
    if width is None or len(left[0]) != len(right[0]) or len(left[1]) != len(right[1]):
        return None
    left_width = max(line.cell_length for line in [*left[0], *left[1]])
    right_width = max(line.cell_length for line in [*right[0], *right[1]])
    if left_width + PAIR_GAP + right_width > width:
        return None

    def beside(lefts: list[Content], rights: list[Content]) -> list[Content]:
        return [
            Content.assemble(a, " " * (left_width - a.cell_length + PAIR_GAP), b)
            for a, b in zip(lefts, rights, strict=True)
        ]

    return beside(left[0], right[0]), beside(left[1], right[1])


def kept_with_numbers(at: int, head: int, height: int | None) -> list[Content]:
    """Blank lines that move a heading of ``head`` lines, due at line ``at``, below the fold of
    a column that shows ``height`` lines when its numbers would all be below it: a heading alone
    at the bottom read as an array without numbers (``W² after  1×4  W_new@2`` over nothing, at
    120×40). None when it is not at the fold, or the height is not known."""
    if height is None or not at < height <= at + head:
        return []
    return [Content("")] * (height - at)


def event_arrays(
    event, width: int | None = None, height: int | None = None, L: int | None = None
) -> Content:
    """The event's scalar fields and arrays: name, summary, numbers (corners of large ones).

    With ``width``, what is prose (title, summaries) is wrapped to it and arrays show as many
    columns as fit, so nothing is cut at the panel's edge; aligned rows are never wrapped. With
    ``height``, the batch's rows take no more than the lines left of it (``index_lines``). With
    ``L``, the network's output layer, its Delta names its factor from above ∇ₐC."""
    if event is None:
        return Content.styled("No event while training runs.", MUTED)
    l = getattr(event, "l", None)
    title = with_layer(event_title(event, L), l)
    title_lines = wrap(title, width) if width else [title]
    lines: list[Content] = [Content.styled(line, ACCENT) for line in title_lines]
    lines.extend(scalar_lines(event, width))

    def place(block: Block) -> None:
        lines.extend(kept_with_numbers(len(lines), len(block[0]), height))
        lines.extend([*block[0], *block[1]])

    after: Block | None = None  # an Update's parameter after it, waiting for its step
    for name, (array, typed) in named_arrays(event, L).items():
        if name == ARRAY_NAMES["indices"]:  # which examples: a list, not statistics of numbers
            room = None if height is None else height - len(lines)
            lines.extend(index_lines(array, width, room))
            continue
        block = array_block(with_layer(name, l), array, typed, width)
        if event.kind == "update" and name.endswith(" after"):  # its step comes next
            after = block
            continue
        if after is not None:  # the step beside it when they fit, else below it
            paired = side_by_side(after, block, width)
            if paired is None:
                place(after)
            block, after = paired or block, None
        place(block)
    if after is not None:
        place(after)
    stats = getattr(event, "stats", None)
    if stats:
        lines.extend(stats_table(stats, width))
    return Content("\n").join(lines)
