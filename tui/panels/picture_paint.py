"""The network picture as a grid of cells: characters, abstract colours and what each cell
points at (pure: no Textual; the widget turns tones into the theme's colours).

A cell's colours are *tones*: a number t in [−1, 1] (the sign colour of t's sign, as strong as
|t|), None (the background), or a name: ``"muted"`` (not computed at this event), ``"text"``,
``"lit"`` (the layer or weights the current event is about), ``"mark"`` (the selection).
``Cell.strong`` asks for the sign colour at full strength (values written as text, the
selected weight). ``Cell.target`` is what a click on the cell selects: ``("unit", l, j)``,
``("weight", l, j, k)`` (W[j, k] of layer l) or ``("layer", l)``.

Without colours (``marked``: ``NO_COLOR``, where both signs' colours are one grey) a negative
tone is also drawn dotted: a weight's line dashed (``Gap.dashed``), a band's cell and a node in
the dotted counterpart of their solid character (``DOTTED``), and a pixel of a unit's map or
strip checkered (``checkered``: ``▀`` → ``▚``, ``▜``, ``▙``); positive ones as with colours.

Row 0 is the header (layer labels); the drawing of ``picture_layout`` follows from row 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.debugger.formatting import sup
from tui.panels.picture_content import signed
from tui.panels.picture_layout import Column, Gap, Layout, braille

HALF = "▀"  # a cell of two pixels: the top one in the foreground colour, the bottom one behind
NODE = "●"
NOT_COMPUTED = "·"
SHADES = "░▒▓█"  # a band's cells, by the strength of their value
DOTTED = {NODE: "◌", **dict(zip(SHADES, "⠢⠭⠿⣿"))}
"""Without colours: what a negative tone draws in place of a node's ``●`` and of a band's shade
(as dense as the shade it stands for), dotted as a negative weight's line is dashed."""
QUADRANTS = " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█"
"""The block character of each set of a cell's quarters: bit 1 upper left, 2 upper right, 4 lower
left, 8 lower right (``QUADRANTS[3]`` is ``HALF``, ``[9]`` the checkered ``▚``)."""
HALF_QUARTERS = {"solid": (3, 12), "checkered": (1, 8), "none": (0, 0)}
"""The quarters a pixel fills in the top and in the bottom half of a cell: both of its half
(solid), one of them (checkered: a negative pixel without colours), or none (no pixel)."""
GAMMA = 0.6  # strength = |tone| ** GAMMA: small values stay visible, the largest stand out


def checkered(cell: Cell) -> None:
    """Without colours: a pixel cell (``HALF``, a unit's map or strip: the upper pixel's tone in
    the foreground, the lower one's behind) with a negative pixel drawn in quarters instead
    (``QUADRANTS``), a negative pixel checkered (one of its half's two quarters), a positive
    one solid: ``▚`` both negative, ``▜`` the lower, ``▙`` the upper, ``▘`` / ``▗`` a lone
    negative pixel. The quarters take the stronger pixel's tone, on the background (a cell has
    one foreground colour); cells with no negative pixel stay ``▀`` with their two tones."""
    if cell.char != HALF:
        return
    if isinstance(cell.fg, str) or isinstance(cell.bg, str):
        return  # not computed ("muted")
    pixels = [t if isinstance(t, float) else None for t in (cell.fg, cell.bg)]
    if not any(t is not None and t < 0 for t in pixels):
        return  # no negative pixel
    quarters = 0
    for half, tone in enumerate(pixels):
        kind = "none" if tone is None else "checkered" if tone < 0 else "solid"
        quarters |= HALF_QUARTERS[kind][half]
    cell.char = QUADRANTS[quarters]
    cell.fg = max((t for t in pixels if t is not None), key=abs)
    cell.bg = None


def strength(tone: float) -> float:
    """How strongly a tone is drawn, 0 … 1 (a display transform of |tone|)."""
    return abs(tone) ** GAMMA if tone == tone else 0.0


def shade(tone: float) -> str:
    """The shade character of a band cell: ``░`` for the weakest quarter … ``█``."""
    return SHADES[min(int(strength(tone) * len(SHADES)), len(SHADES) - 1)]


@dataclass(slots=True)
class Cell:
    char: str = " "
    fg: object = None
    bg: object = None
    strong: bool = False
    target: tuple | None = None


ABBREVIATIONS = {
    "linear": "lin",
    "sigmoid": "sigm",
    "leaky_relu": "lrelu",
    "softmax": "smax",
}
"""An activation's short name where its own does not fit: a usual abbreviation, never a name
cut short ("3 soft" read as a label cut at the panel's edge)."""


def labels(net_layers, n_in: int) -> list[list[str]]:
    """Header labels of each column, longest first: ``["3 softmax", "3 smax", "3"]``; ``x`` for
    the input."""
    out = [["x", "in"]]
    for layer in net_layers:
        name = layer.activation.name
        short = ABBREVIATIONS.get(name, name)
        out.append([f"{layer.l} {name}", f"{layer.l} {short}", str(layer.l)])
    return out


def paint(
    layout: Layout,
    shown,
    maps: list | None,
    column_labels: list[list[str]],
    selected: tuple | None,
    marked: bool = False,
) -> list[list[Cell]]:
    """The cells of the picture (``shown``: ``picture_content.Shown``; ``maps``: map tones per
    layer, (pixel rows, pixel columns, nˡ), or None; ``selected``: the target to mark;
    ``marked``: no colours, negative tones drawn dotted, see the module docstring)."""
    grid = [[Cell() for _ in range(layout.width)] for _ in range(layout.height + 1)]
    if layout.message:
        return grid
    painter = _Painter(grid, shown, selected, marked)
    for gap in layout.gaps:
        if gap.kind == "lines":
            painter.lines(gap)
        else:
            painter.band(gap)
    for column in layout.columns:
        if column.kind == "nodes":
            painter.nodes(column, maps[column.l] if maps is not None else None)
        else:
            painter.strip(column)
    if marked:
        for row in grid:
            for cell in row:
                checkered(cell)
    painter.header(layout, column_labels)
    painter.mark(layout)
    return grid


class _Painter:
    def __init__(self, grid, shown, selected, marked: bool = False) -> None:
        self.grid, self.shown, self.selected, self.marked = grid, shown, selected, marked
        self.height = len(grid) - 1
        self.width = len(grid[0]) if grid else 0

    def cell(self, x: int, y: int) -> Cell | None:
        """The cell at (x, y) of the drawing (row y + 1 of the grid), None outside it."""
        if 0 <= x < self.width and 0 <= y < self.height:
            return self.grid[y + 1][x]
        return None

    # --- weights ----------------------------------------------------------------------------

    def edge_tone(self, l: int, j: int, k: int):
        tones = self.shown.edge_tones[l - 1]
        return "muted" if tones is None else float(tones[j, k])

    def lines(self, gap: Gap) -> None:
        """One braille line per weight; in a cell several lines cross, the strongest |tone|
        gives the colour. The selected weight always wins and is drawn alone, reversed: a
        band of its colour at full strength. ``marked``: a negative weight's line dashed."""
        sel = self.selected
        chosen = sel[2:] if sel is not None and sel[0] == "weight" and sel[1] == gap.l else None
        tones = self.shown.edge_tones[gap.l - 1]
        for ((x, y), crossing), dashed in zip(gap.cells, gap.dashed, strict=True):
            cell = self.cell(x, y)
            if cell is None:
                continue
            edges = crossing
            if self.marked and tones is not None:  # (j, k, the dots it sets here)
                edges = tuple(
                    (j, k, dash if tones[j, k] < 0 else b)
                    for (j, k, b), dash in zip(crossing, dashed, strict=True)
                )
            mine = [e for e in edges if (e[0], e[1]) == chosen]
            if mine:  # the selected weight: its dots cut out of a cell of its colour
                j, k, bits = mine[0]
                cell.char, cell.fg, cell.bg = braille(bits), None, self.edge_tone(gap.l, j, k)
                cell.strong = True
                cell.target = ("weight", gap.l, j, k)
                continue
            if tones is None:
                j, k, _ = edges[0]
            else:
                j, k, _ = max(edges, key=lambda e: abs(tones[e[0], e[1]]))
            bits = 0
            for _, _, b in edges:
                bits |= b
            cell.char, cell.fg = braille(bits), self.edge_tone(gap.l, j, k)
            cell.target = ("weight", gap.l, j, k)

    def band(self, gap: Gap) -> None:
        """Wˡ as shaded cells (``░▒▓█`` by |value|, a texture units do not have): per cell, the
        mean |value| of its block of rows j and columns k, with the sign of its sum; a click
        selects the block's largest entry (``pick``). ``marked``: a negative cell dotted."""
        tones = self.shown.edge_tones[gap.l - 1]
        blocks = BlockTones(tones, gap.columns) if tones is not None else None
        for y in range(self.height):
            halves = [js for js in gap.rows[2 * y : 2 * y + 2] if js is not None]
            if not halves:
                continue
            js = range(min(r.start for r in halves), max(r.stop for r in halves))
            if blocks is not None:
                block_tones = blocks.row(js)
            for c, ks in enumerate(gap.columns):
                cell = self.cell(gap.band_x + c, y)
                if cell is None:
                    continue
                if tones is None:
                    cell.char, cell.fg = SHADES[0], "muted"
                else:
                    t = block_tones[c]
                    cell.char, cell.fg = self.dotted(shade(t), t), t
                cell.target = ("block", gap.l, js, ks)

    def dotted(self, char: str, tone) -> str:
        """``char``, or (``marked``, a negative tone) its dotted counterpart (``DOTTED``)."""
        negative = self.marked and isinstance(tone, float) and tone < 0
        return DOTTED[char] if negative else char

    # --- units ------------------------------------------------------------------------------

    def unit_tone(self, l: int, j: int | range):
        tones = self.shown.node_tones[l]
        if tones is None:
            return "muted"
        if isinstance(j, range):
            block = tones[j.start : j.stop]
            return float(block[np.argmax(np.abs(block))])
        return float(tones[j])

    def nodes(self, column: Column, maps) -> None:
        l = column.l
        values = self.shown.nodes[l]
        for j, top in enumerate(column.tops):
            target = ("unit", l, j)
            x = column.x
            if column.map_width and maps is not None:
                pixels = maps[:, :, j]
                for dy in range(column.node_height):
                    for dx in range(column.map_width):
                        cell = self.cell(x + dx, top + dy)
                        if cell is not None:
                            cell.char = HALF
                            cell.fg = float(pixels[2 * dy, dx])
                            cell.bg = float(pixels[2 * dy + 1, dx])
                            cell.target = target
                x += column.map_width
            else:
                cell = self.cell(x, top)
                if cell is not None:
                    tone = self.unit_tone(l, j)
                    cell.char, cell.fg, cell.target = self.dotted(NODE, tone), tone, target
                x += 1
            if column.value_width:
                text = NOT_COMPUTED if values is None else signed(values[j])
                tone = self.unit_tone(l, j)
                for dx, char in enumerate(" " + text.rjust(column.value_width)):
                    cell = self.cell(x + dx, top)
                    if cell is not None:
                        cell.char, cell.target = char, target
                        cell.fg, cell.strong = ("muted", False) if tone == "muted" else (tone, True)
                for dy in range(1, column.node_height):  # the value's row is the node's first
                    for dx in range(column.value_width + 1):
                        cell = self.cell(x + dx, top + dy)
                        if cell is not None:
                            cell.target = target

    def strip(self, column: Column) -> None:
        """Each slot's unit (or block of units: the largest |tone|) as a pixel or a cell."""
        l = column.l
        for slot in column.slots:
            tone = self.unit_tone(l, slot.units if len(slot.units) > 1 else slot.units.start)
            for x in range(slot.x, slot.x + column.cell_width):
                cell = self.cell(x, slot.y)
                if cell is None:
                    continue
                if slot.half is None:
                    cell.char, cell.fg, cell.bg = HALF, tone, tone
                    cell.target = ("unit", l, slot.units.start)
                elif slot.half == 0:
                    cell.char, cell.fg = HALF, tone
                    cell.target = ("unit", l, slot.units.start)
                else:
                    cell.char, cell.bg = HALF, tone
                    if cell.target is None:
                        cell.target = ("unit", l, slot.units.start)

    # --- header and marks -------------------------------------------------------------------

    def header(self, layout: Layout, column_labels) -> None:
        """Each column's label (the longest form that fits for all); the lit layer (or the
        selected one) highlighted; the lit weights named between the labels of the layers they
        join (``_gap_label``: never over a layer's number or a letter of a name it keeps)."""
        row = self.grid[0]
        shown, sel = self.shown, self.selected
        columns = layout.columns
        forms = max(len(options) for options in column_labels)
        texts = []
        for form in range(forms):  # the same form for every label: the longest that fits all
            texts = [options[min(form, len(options) - 1)] for options in column_labels]
            placed = _place_labels(layout, texts)
            if placed is not None:
                break
        else:
            placed = _place_labels(layout, texts, skip=True)
        assert placed is not None  # with skip, every column has an entry
        named = None
        if shown.lit_gap is not None:
            gap = layout.gaps[shown.lit_gap - 1]
            names = [
                shown.edge_name + sup(gap.l),
                shown.edge_name.replace("∂C/", "") + sup(gap.l),
                "▼",
            ]
            named = _gap_label(layout, gap, placed, column_labels, names)
            left_start, left_text = placed[gap.l - 1]
            if named is not None and left_text is not None:  # the left label, maybe shortened
                placed[gap.l - 1] = (left_start, named[2])
        for column, (start, text) in zip(columns, placed):
            if text is None:
                continue
            style = (
                "lit"
                if shown.lit_column == column.l
                else "mark"
                if sel is not None and sel[0] == "layer" and sel[1] == column.l
                else "text"
            )
            for dx, char in enumerate(text):
                row[start + dx] = Cell(char, style, target=("layer", column.l))
        if named is not None:
            start, text, _ = named
            for dx, char in enumerate(text):
                row[start + dx] = Cell(char, "lit", target=("layer", shown.lit_gap))

    def mark(self, layout: Layout) -> None:
        """A ``▸`` beside the selected unit (``◂`` when there is no room on its left); a ``◆``
        on the selected weight of a band."""
        sel = self.selected
        if sel is None or sel[0] == "layer":
            return
        if sel[0] == "unit":
            _, l, j = sel
            if l >= len(layout.columns) or j >= layout.columns[l].n:
                return
            column = layout.columns[l]
            cells = column.unit_cells(j)
            x, y = cells[0]
            right = max(cx for cx, _ in cells) + 1
            spot = (x - 1, "▸") if x > 0 else (right, "◂")
            cell = self.cell(spot[0], y)
            if cell is not None:
                cell.char, cell.fg, cell.bg, cell.strong = spot[1], "mark", None, False
                cell.target = ("unit", l, j)
            return
        _, l, j, k = sel
        if l - 1 >= len(layout.gaps):
            return
        gap = layout.gaps[l - 1]
        if gap.kind != "band":
            return  # lines: drawn alone and strong by ``lines``
        cols = [c for c, ks in enumerate(gap.columns) if k in ks]
        rows = [p for p, js in enumerate(gap.rows) if js is not None and j in js]
        if cols and rows:
            cell = self.cell(gap.band_x + cols[0], rows[0] // 2)
            if cell is not None:
                cell.char, cell.fg, cell.bg = "◆", self.edge_tone(l, j, k), None
                cell.strong = True
                cell.target = ("weight", l, j, k)


def _place_labels(layout: Layout, texts: list[str], skip: bool = False) -> list | None:
    """(start, text) of each column's label, about centred above it with a space between
    neighbours; None when they do not all fit (``skip``: leave out those that do not)."""
    placed: list = []
    end = -1
    for column in layout.columns:
        text = texts[column.l]
        want = column.x + column.width // 2 - (len(text) - 1) // 2
        start = min(max(want, end + 1, 0), layout.width - len(text))
        if start < end + 1 or abs(start - want) > len(text) // 2 + 1:
            if not skip:
                return None
            placed.append((0, None))
            continue
        placed.append((start, text))
        end = start + len(text)
    return placed


def _gap_label(
    layout: Layout, gap: Gap, placed: list, column_labels: list[list[str]], names: list[str]
) -> tuple[int, str, str | None] | None:
    """Where the name of the lit weights ``gap`` goes in the header: (start, name, the left
    layer's label as it is then, None if there is none to its left). The name goes in the room
    between the labels of the layers the weights join, about centred above the gap, a space on
    either side; to make room, the left label may take a shorter form of its own (``labels``:
    ``1 sigmoid`` → ``1 sigm`` → ``1 sig`` → ``1``), which starts where it did, so that every
    layer's number stays in its place. Preferred, in order: a name (``∂C/∂W²``, then ``∂W²``)
    beside a label that keeps part of its activation's name; ``▼`` beside one; a name, then
    ``▼``, beside the bare number; ``▼`` against the left label, then between both (a header of
    numbers one space apart: ``6▼7``). None when not even that fits."""
    l = gap.l
    lefts = [i for i in range(l) if placed[i][1] is not None]
    rights = [start for start, text in placed[l:] if text is not None]
    right = rights[0] if rights else None
    forms: list[str | None] = [None]
    left_start = 0
    if lefts:
        left_start, current = placed[lefts[-1]]
        forms = [current]
        if lefts[-1] == l - 1:  # the label of layer l - 1: its forms as long as it, or shorter
            options = column_labels[l - 1]
            shorter = [o for o in options[options.index(current) :] if len(o) <= len(current)]
            forms = list(dict.fromkeys(shorter))
    kept = [f for f in forms if f is None or not f.isdigit()]  # a name, or part of one
    bare = [f for f in forms if f is not None and f.isdigit()]
    words, mark = names[:-1], names[-1]
    spaced, tight = (1, 1), ((0, 1), (0, 0))  # spaces (before, after) the name
    tries = (
        [(word, form, spaced) for word in words for form in kept]
        + [(mark, form, spaced) for form in kept]
        + [(word, form, spaced) for word in words + [mark] for form in bare]
        + [(mark, form, spaces) for form in forms for spaces in tight]
    )
    for text, form, (before, after) in tries:
        lo = 0 if form is None else left_start + len(form) + before
        hi = layout.width if right is None else right - after
        if hi - lo < len(text):
            continue
        want = gap.x + (gap.width - len(text)) // 2
        return min(max(want, lo), hi - len(text)), text, form
    return None


class BlockTones:
    """One tone per block of a matrix of tones: the block's mean |tone|, with the sign of its
    sum (the sign most of its weight has). Columns are cut into ``columns`` (ranges of k) once;
    ``row(js)`` gives the tones of the blocks of rows ``js``."""

    def __init__(self, tones: np.ndarray, columns) -> None:
        starts = [ks.start for ks in columns]
        self.size_sums = np.add.reduceat(np.abs(tones), starts, axis=1)
        self.signed_sums = np.add.reduceat(tones, starts, axis=1)
        self.widths = np.array([len(ks) for ks in columns], dtype=np.float64)

    def row(self, js: range) -> list[float]:
        means = self.size_sums[js.start : js.stop].sum(axis=0) / (self.widths * len(js))
        sums = self.signed_sums[js.start : js.stop].sum(axis=0)
        return np.where(sums < 0, -means, means).tolist()


def pick(tones, js: range, ks: range) -> tuple[int, int]:
    """The (j, k) of largest |tone| in the block js × ks (the first when no tones)."""
    if tones is None or (len(js) == 1 and len(ks) == 1):
        return js.start, ks.start
    block = np.abs(tones[js.start : js.stop, ks.start : ks.stop])
    dj, dk = np.unravel_index(int(np.argmax(block)), block.shape)
    return js.start + int(dj), ks.start + int(dk)
