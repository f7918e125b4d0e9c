"""Where the network picture puts each unit and each weight: pure geometry, no Textual.

The picture is a row of *columns*, one per layer l = 0 … L (the input first), with a *gap*
between column l − 1 and column l that holds the weights Wˡ (shape nˡ × nˡ⁻¹, W[j, k] from
unit k of layer l − 1 to unit j of layer l). A column is drawn as

- ``nodes``: each unit on its own, one or two rows high: a small map of the unit's output over
  the input plane (2-D data, hidden and output layers; pixels are half-block cells, two per
  cell vertically), or a ``●``; then its value;
- ``strip``: when the layer has more units than fit as nodes, a strip of cells, one or two
  units per cell (half blocks), in as many sub-columns as the height needs.

A gap is drawn as

- ``lines``: one line per weight between two node columns (braille dots, 2 × 4 per cell),
  when there are at most ``MAX_LINE_EDGES`` of them; each line also as a dashed one
  (``Gap.dashed``: ``DASH`` dots on, ``DASH`` off along it), which the picture draws for a
  negative value when it has no colours;
- ``band``: otherwise, the matrix Wˡ as a heat band against the column it feeds: row j of
  the band beside unit j of the right-hand column (spread over its rows when that column folds
  its units), the columns of the band spanning the units k of the left-hand column (several
  per cell when they do not fit). A layer reads as its weights and its units side by side.

``layout(sizes, width, height, maps)`` tries the richest arrangement first (nodes with maps and
values) and gives up detail until the picture fits: smaller maps, no values, every layer a strip,
narrower strips and bands. When nothing fits, ``Layout.message`` says so (never a broken layout).
Coordinates: cells, x from the left, y from the top of the drawing (the header row is above it);
pixels are half cells vertically (pixel row p is in cell row p // 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MAP_WIDTH = 4  # cells of a unit's map (4 × 4 pixels when two rows high: a square)
VALUE_WIDTH = 5  # characters of a value ("-0.76", "1e-3")
MAX_LINE_EDGES = 40  # more weights between two node columns are drawn as a band
MAX_NODES = 10  # more units in a layer are drawn as a strip
MAX_STRIP_COLUMNS = 4  # a strip wider than this puts several units in one pixel
LINE_WIDTH = (3, 12)  # least and most cells between two node columns joined by lines
BAND_MAX = 12  # most cells of a band
MIN_WIDTH, MIN_HEIGHT = 8, 2
DASH = 2  # a dashed line: its dots along the line in runs of DASH drawn, DASH left out

# braille dots: bit of the dot at (column dx, row dy) of a cell (2 × 4 dots)
BRAILLE_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


def braille(bits: int) -> str:
    """The braille character with these dots (0 → a blank braille cell)."""
    return chr(0x2800 + bits)


@dataclass(frozen=True)
class Slot:
    """Where (part of) a layer is drawn: cell (x, y); ``half`` 0 = the top pixel of the cell,
    1 = the bottom pixel, None = the whole cell; the units ``units`` (a range: one unit, or a
    block of neighbours when there are more units than pixels)."""

    x: int
    y: int
    half: int | None
    units: range


@dataclass(frozen=True)
class Column:
    """Layer ``l`` (``n`` units) drawn in cells x … x + width − 1 (see the module docstring)."""

    l: int
    n: int
    kind: str  # "nodes" | "strip"
    x: int
    width: int
    # nodes: the top row of each node, its height, map width (0: a "●"), value width (0: none)
    tops: tuple[int, ...] = ()
    node_height: int = 1
    map_width: int = 0
    value_width: int = 0
    # strip: one slot per pixel or cell holding units; the slot of each unit
    slots: tuple[Slot, ...] = ()
    slot_of: tuple[int, ...] = ()

    def anchor_row(self, j: int) -> int:
        """The pixel row (of braille dots: 4 per cell) where lines meet node j."""
        return self.tops[j] * 4 + 2 * self.node_height - 1

    def unit_rows(self) -> list[range] | None:
        """For each unit, the pixel rows (2 per cell) it occupies, if the column lines its units
        up in one column (nodes, one-column strips of single units); else None."""
        if self.kind == "nodes":
            return [range(2 * t, 2 * (t + self.node_height)) for t in self.tops]
        if any(slot.x != self.x for slot in self.slots) or len(self.slots) < self.n:
            return None
        rows = []
        for slot in self.slots:
            p = 2 * slot.y + (slot.half or 0)
            rows.append(range(p, p + (1 if slot.half is not None else 2)))
        return rows

    def unit_cells(self, j: int) -> list[tuple[int, int]]:
        """The cells unit j is drawn in (a node's map and value; a strip's cell)."""
        if self.kind == "nodes":
            return [
                (self.x + dx, self.tops[j] + dy)
                for dy in range(self.node_height)
                for dx in range(self.width)
            ]
        slot = self.slots[self.slot_of[j]]
        return [(x, slot.y) for x in range(slot.x, slot.x + self.cell_width)]

    @property
    def cell_width(self) -> int:
        """Cells per strip sub-column."""
        if self.kind != "strip" or not self.slots:
            return self.width
        columns = len({slot.x for slot in self.slots})
        return self.width // columns


@dataclass(frozen=True)
class Gap:
    """The weights Wˡ between column l − 1 and column l, in cells x … x + width − 1."""

    l: int
    kind: str  # "lines" | "band"
    x: int
    width: int
    # lines: the cells they cross: ((x, y), ((j, k, dot bits), …)) for each cell; for each
    # cell of ``cells``, the dots each of its weights sets there when its line is dashed
    cells: tuple = ()
    dashed: tuple = ()
    # band: for each pixel row, the units j of that row (or None); for each cell column of
    # the band (starting at band_x), the units k
    rows: tuple[range | None, ...] = ()
    band_x: int = 0
    columns: tuple[range, ...] = ()


@dataclass(frozen=True)
class Layout:
    """Columns and gaps of a picture ``width`` × ``height`` cells (drawing rows only)."""

    width: int
    height: int
    columns: tuple[Column, ...] = ()
    gaps: tuple[Gap, ...] = ()
    message: str = ""  # why nothing is drawn (too small)
    detail: str = field(default="", compare=False)  # which arrangement was chosen


def layout(sizes: list[int], width: int, height: int, maps: bool) -> Layout:
    """The richest arrangement of a network with layer sizes ``sizes`` (n⁰ … nᴸ) that fits in
    ``width`` × ``height`` cells; ``maps``: hidden and output units can show maps.

    Preferred, in order: more layers drawn as nodes; bands of at least two cells (then one,
    then without the blank before them); maps two rows high, values, strips two cells wide."""
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return Layout(width, height, message="too small to draw the network")
    heights = (2, 1) if maps else (0,)
    details = [(h, True) for h in heights] + [(h, False) for h in heights]
    attempts = [("nodes", h, values) for h, values in details] + [("strips", 0, False)]
    fitting = []
    for rank, ((kind, map_height, values), cell) in enumerate(
        (attempt, cell) for attempt in attempts for cell in (2, 1)
    ):
        plan = _plan(sizes, height, kind, map_height, values)
        if plan is None:
            continue
        nodes = sum(p.kind == "nodes" for p in plan)
        for tight in (0, 1, 2):
            if _least_width(plan, sizes, cell, tight) <= width:
                detail = f"{kind} map{map_height} values {values} cell {cell} tight {tight}"
                fitting.append(((-nodes, tight, rank), plan, cell, tight, detail))
                break
    if not fitting:
        return Layout(width, height, message="too narrow to draw the network")
    _, plan, cell, tight, detail = min(fitting, key=lambda f: f[0])
    return _place(plan, sizes, width, height, cell, tight, detail)


# --- planning: what each column and gap is ---------------------------------------------------


@dataclass
class _ColumnPlan:
    kind: str
    node_height: int = 1
    map_width: int = 0
    value_width: int = 0
    strip_columns: int = 1

    def width(self, cell: int) -> int:
        if self.kind == "nodes":
            return max(self.map_width, 1) + (1 + self.value_width if self.value_width else 0)
        return self.strip_columns * cell


def _plan(sizes, height, kind, map_height, values) -> list[_ColumnPlan] | None:
    plans = []
    for l, n in enumerate(sizes):
        has_map = map_height > 0 and l > 0
        node_height = map_height if has_map else 1
        gap = 1 if has_map else 0  # maps need a row between them; single rows may touch
        fits = n <= MAX_NODES and n * node_height + (n - 1) * gap <= height
        if kind == "nodes" and fits:
            plans.append(
                _ColumnPlan(
                    "nodes",
                    node_height,
                    MAP_WIDTH if has_map else 0,
                    VALUE_WIDTH if values else 0,
                )
            )
        else:
            per_column = 2 * height
            columns = min(math.ceil(n / per_column), MAX_STRIP_COLUMNS)
            plans.append(_ColumnPlan("strip", strip_columns=columns))
    if kind == "nodes" and all(p.kind == "strip" for p in plans):
        return None  # the strips attempt draws this (with its narrower settings)
    return plans


def _gap_kind(plans, sizes, l) -> str:
    left, right = plans[l - 1], plans[l]
    edges = sizes[l - 1] * sizes[l]
    if left.kind == right.kind == "nodes" and edges <= MAX_LINE_EDGES:
        return "lines"
    return "band"


def _gap_range(kind: str, n_from: int, tight: int) -> tuple[int, int]:
    """Least and most cells of a gap: a band stands against the units it feeds (its rows are
    theirs), after a blank cell; the least band is two cells (``tight`` 0), one (1), or one
    without the blank (2)."""
    if kind == "lines":
        return LINE_WIDTH
    least = (min(n_from, 2) + 1, 2, 1)[tight]
    return least, min(n_from, BAND_MAX) + 1


def _least_width(plans, sizes, cell, tight) -> int:
    total = sum(p.width(cell) for p in plans)
    for l in range(1, len(sizes)):
        total += _gap_range(_gap_kind(plans, sizes, l), sizes[l - 1], tight)[0]
    return total


# --- placing: cells ----------------------------------------------------------------------------


def _place(plans, sizes, width, height, cell, tight, detail) -> Layout:
    L = len(sizes) - 1
    kinds = [_gap_kind(plans, sizes, l) for l in range(1, L + 1)]
    ranges = [_gap_range(kinds[l - 1], sizes[l - 1], tight) for l in range(1, L + 1)]
    gap_widths = [lo for lo, _ in ranges]
    spare = width - _least_width(plans, sizes, cell, tight)
    while spare > 0:  # one cell at a time to each gap that can take more, round the gaps
        grown = False
        for i, (_, hi) in enumerate(ranges):
            if spare > 0 and gap_widths[i] < hi:
                gap_widths[i] += 1
                spare -= 1
                grown = True
        if not grown:
            break
    x = spare // 2  # what no gap takes centres the picture
    columns: list[Column] = []
    xs = []
    for l, plan in enumerate(plans):
        xs.append(x)
        x += plan.width(cell) + (gap_widths[l] if l < L else 0)
    for l, (plan, n) in enumerate(zip(plans, sizes)):
        if plan.kind == "nodes":
            columns.append(_node_column(l, n, xs[l], plan, height))
        else:
            columns.append(_strip_column(l, n, xs[l], plan, height, cell))
    gaps = []
    for l in range(1, L + 1):
        left, right = columns[l - 1], columns[l]
        gx = left.x + left.width
        if kinds[l - 1] == "lines":
            cells, dashed = _lines(left, right, gx)
            gaps.append(Gap(l, "lines", gx, gap_widths[l - 1], cells=cells, dashed=dashed))
        else:
            gaps.append(_band(l, left, right, gx, gap_widths[l - 1], height))
    return Layout(width, height, tuple(columns), tuple(gaps), detail=detail)


def _node_column(l, n, x, plan: _ColumnPlan, height) -> Column:
    h = plan.node_height
    if n == 1:
        tops: tuple[int, ...] = ((height - h) // 2,)
    else:
        room = height - h
        spacing = min(room / (n - 1), 2 * h + 2)  # spread out, but not to the very edges
        span = spacing * (n - 1) + h
        first = (height - span) / 2
        tops = tuple(int(round(first + i * spacing)) for i in range(n))
    return Column(
        l,
        n,
        "nodes",
        x,
        plan.width(2),
        tops=tops,
        node_height=h,
        map_width=plan.map_width,
        value_width=plan.value_width,
    )


def _strip_column(l, n, x, plan: _ColumnPlan, height, cell) -> Column:
    columns = plan.strip_columns
    if columns == 1 and n <= height:  # a unit per cell
        top = (height - n) // 2
        slots = [Slot(x, top + j, None, range(j, j + 1)) for j in range(n)]
        return Column(l, n, "strip", x, cell, slots=tuple(slots), slot_of=tuple(range(n)))
    pixels = min(n, columns * 2 * height)  # slots, each a pixel
    per_column = math.ceil(pixels / columns)
    top = (2 * height - per_column) // 4  # centred (in cells)
    bounds = [n * s // pixels for s in range(pixels + 1)]  # units of each slot, as even as can be
    slots = []
    slot_of = [0] * n
    for s in range(pixels):
        c, p = divmod(s, per_column)
        units = range(bounds[s], bounds[s + 1])
        slots.append(Slot(x + c * cell, top + p // 2, p % 2, units))
        for j in units:
            slot_of[j] = s
    return Column(l, n, "strip", x, columns * cell, slots=tuple(slots), slot_of=tuple(slot_of))


def _lines(left: Column, right: Column, gx: int) -> tuple[tuple, tuple]:
    """Each weight W[j, k] as a straight line of braille dots from node k (left) to node j
    (right), both ends in the gap's first and last dot columns; per cell, the weights crossing
    it and the dots each one sets there (``Gap.cells``), and those it sets when dashed: the
    dots i = 0, 1, … along the line with i // DASH even (``Gap.dashed``)."""
    right_x = right.x
    x0, x1 = 2 * gx, 2 * right_x - 1
    cells: dict[tuple[int, int], dict[tuple[int, int], int]] = {}
    dashes: dict[tuple[int, int], dict[tuple[int, int], int]] = {}
    for j in range(right.n):
        y1 = right.anchor_row(j)
        for k in range(left.n):
            y0 = left.anchor_row(k)
            for i, (dx, dy) in enumerate(_segment(x0, y0, x1, y1)):
                key = (dx // 2, dy // 4)
                bit = BRAILLE_BITS[dx % 2][dy % 4]
                bits = cells.setdefault(key, {})
                bits[(j, k)] = bits.get((j, k), 0) | bit
                dashed = dashes.setdefault(key, {})
                dashed[(j, k)] = dashed.get((j, k), 0) | (bit if (i // DASH) % 2 == 0 else 0)
    crossing = tuple(
        (key, tuple((j, k, b) for (j, k), b in edges.items())) for key, edges in cells.items()
    )
    return crossing, tuple(tuple(dashes[key].values()) for key in cells)


def _segment(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The dots of a straight line from (x0, y0) to (x1, y1), one per step along its longer
    axis (Bresenham's choice, by rounding)."""
    n = max(abs(x1 - x0), abs(y1 - y0))
    if n == 0:
        return [(x0, y0)]
    return [(x0 + round((x1 - x0) * i / n), y0 + round((y1 - y0) * i / n)) for i in range(n + 1)]


def _band(l: int, left: Column, right: Column, gx: int, width: int, height: int) -> Gap:
    """The matrix Wˡ as a band: pixel rows by units j of the right column, cell columns by
    units k of the left one (blocks of neighbours when there are more units than cells)."""
    n_to, n_from = right.n, left.n
    cols = min(width - 1, n_from) if width >= 2 else 1  # a blank cell after the left column
    band_x = gx + width - cols
    bounds = [n_from * c // cols for c in range(cols + 1)]
    columns = tuple(range(bounds[c], bounds[c + 1]) for c in range(cols))
    rows: list[range | None] = [None] * (2 * height)
    unit_rows = right.unit_rows()
    if unit_rows is not None:
        for j, pixel_rows in enumerate(unit_rows):
            for p in pixel_rows:
                if 0 <= p < len(rows):
                    rows[p] = range(j, j + 1)
    else:  # the right column folds its units: Wˡ's rows spread over the rows it takes
        taken = sorted({2 * slot.y + (slot.half or 0) for slot in right.slots})
        top, pixels = taken[0], min(n_to, taken[-1] - taken[0] + 1)
        edges = [n_to * p // pixels for p in range(pixels + 1)]
        for p in range(pixels):
            rows[top + p] = range(edges[p], edges[p + 1])
    return Gap(l, "band", gx, width, rows=tuple(rows), band_x=band_x, columns=columns)
