"""The network picture: units as nodes in columns (input to output), weights as the edges or
bands between them, following the debugger's current event (see ``picture_content``).

Colours: a value's sign is its hue — orange for positive, blue for negative (a pair that
colour-blind readers tell apart, as in the Okabe–Ito palette), each with a shade for dark and
one for light themes — and its size is how far the colour stands out from a neutral grey (in
steps of the sign's own hue in 256 and 16 colours: ``tints.ramp``). Text
(values) is always at full strength so it stays legible; the selected unit is marked ``▸``, the
selected weight drawn alone at full strength (``◆`` in a band). A unit's map (2-D data) is its
output over the input plane, toned like its value.

Without colours (``NO_COLOR``: Textual draws each colour as a grey, and the two signs' are the
same grey) a negative weight's line is dashed, a band cell or a ``●`` node of negative tone
dotted (``picture_paint.DOTTED``; a unit's tone is its value against the middle of its
activation's range, as its colour is), and a negative pixel of a unit's map or of a strip
checkered (``picture_paint.checkered``: ``▚`` where ``▀`` is positive); the legend names the
lines' marks (``SIGN_MARKS``), the help all of them. A node's value, where there is room for
it, is written with its sign.

With the picture focused: ←/→ walk the network (a unit → one of its incoming weights → the unit
it comes from), ↑/↓ move between the units of a layer or the weights of a unit, enter selects
what the cursor is on (moving selects too), ``[`` / ``]`` choose the example of the batch. A
click selects the unit, weight or layer under the pointer. Selections go to the app as
``SelectUnit`` / ``SelectWeight`` / ``SelectExample``; the Debugger panel explains them.
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.binding import Binding
from textual.color import Color
from textual.content import Content
from textual.events import Click
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from engine.debugger.formatting import sup
from engine.unit_maps import unit_maps
from tui.messages import SelectExample, SelectUnit, SelectWeight
from tui.panels.base import ACCENT, MUTED
from tui.panels.format import fmt
from tui.panels.picture_content import Shown, map_tones, short, shown
from tui.panels.picture_layout import Layout, layout
from tui.panels.picture_paint import DOTTED, NODE, labels, paint, pick, strength
from tui.panels.tints import color_system, ramp
from tui.speed import frozen
from tui.view import LabView, Selection, drawn_net

SIGN_COLOURS = {  # (positive, negative) for dark and light themes
    True: ("#E69F00", "#56B4E9"),
    False: ("#C25400", "#0061A8"),
}
SIGN_MARKS = {False: ("━", "━"), True: ("━", "╍")}
"""The legend's marks of a positive and a negative edge, with colours and without (``NO_COLOR``:
a negative line dashed)."""
LAUNCH_HINTS = ("space trains · s steps one event", "space trains · s steps", "space trains")
"""The caption's first line while nothing has been run (at launch, after a reset): the longest
that fits the panel's width."""
RUNNING_HINTS = (
    "training: space pauses, then s steps; + - change the speed",
    "space pauses · + - speed",
    "space pauses",
)
RULE_ROOM = 10
"""The fewest cells the event's rule gets after a selected value on the caption's first line;
with less it is left out (the Debugger panel's heading states it), so the line never ends in a
lone "…" that reads as the value cut."""
LEVELS = 8  # strengths a tone is rounded to (styles are cached per level)
NEUTRAL = 0.12  # how far the neutral grey of a zero value is from the background
MUTED_MIX = 0.35  # how far "not computed" grey is from the background
LINE_FLOOR = 0.25  # the least strength of a weight's line, so every line can be seen


class Palette:
    """Theme colours for tones (``picture_paint``), with a cache of cell styles."""

    def __init__(
        self,
        background: Color,
        foreground: Color,
        accent: Color,
        dark: bool,
        system: str = "truecolor",
    ):
        self.background, self.foreground, self.accent = background, foreground, accent
        positive, negative = SIGN_COLOURS[dark]
        self.positive, self.negative = Color.parse(positive), Color.parse(negative)
        self.neutral = background.blend(foreground, NEUTRAL)
        self.muted = background.blend(foreground, MUTED_MIX)
        # strength k of 0 … LEVELS → its colour, of the sign's hue in any colour system
        self.ramps = {
            sign: ramp(self.neutral, colour, LEVELS + 1, system)
            for sign, colour in ((1, self.positive), (-1, self.negative))
        }
        self._styles: dict = {}
        self.blank = Style(foreground=foreground, background=background).rich_style

    def colour(self, tone, strong: bool = False, floor: float = 0.0) -> Color:
        if tone is None:
            return self.background
        if isinstance(tone, str):
            return {
                "muted": self.muted,
                "text": self.foreground,
                "mark": self.accent,
                "lit": self.background,
            }[tone]
        level = self.level(tone, strong, floor)
        return self.ramps[1 if tone > 0 else -1][abs(level)]

    @staticmethod
    def level(tone: float, strong: bool = False, floor: float = 0.0) -> int:
        """A tone's signed strength in 0 … LEVELS steps (strong: the full colour)."""
        if tone == 0 or tone != tone:
            return 0
        amount = 1.0 if strong else max(strength(tone), floor)
        return int(round(amount * LEVELS)) * (1 if tone > 0 else -1)

    def style(self, cell, floor: float = 0.0) -> RichStyle:
        fg, bg = cell.fg, cell.bg
        fg_key = self.level(fg, cell.strong, floor) if isinstance(fg, float) else fg
        bg_key = self.level(bg, cell.strong) if isinstance(bg, float) else bg
        key = (fg_key, bg_key, cell.strong)
        style = self._styles.get(key)
        if style is None:
            if fg == "lit":
                style = Style(foreground=self.background, background=self.accent, bold=True)
            else:
                fg_colour = self._of(fg_key, fg, cell.strong)
                bg_colour = self._of(bg_key, bg)
                bold = fg in ("mark", "text") or cell.strong
                style = Style(foreground=fg_colour, background=bg_colour, bold=bold)
            style = style.rich_style
            self._styles[key] = style
        return style

    def _of(self, key, tone, strong: bool = False) -> Color:
        if isinstance(key, int):
            if key == 0:
                return self.foreground if strong else self.neutral
            return self.ramps[1 if key > 0 else -1][abs(key)]
        return self.colour(tone)


def to_strips(grid, palette: Palette, width: int) -> list[Strip]:
    """The painted cells as the screen's lines (runs of equal styles joined)."""
    strips = []
    for row in grid:
        segments: list[Segment] = []
        text, style = "", None
        for cell in row:
            if cell.fg is None and cell.bg is None:
                cell_style = palette.blank
            else:
                char = cell.char
                line = "\u2800" <= char <= "\u28ff" and (cell.target or ("",))[0] != "block"
                floor = LINE_FLOOR if char in (NODE, DOTTED[NODE]) or line else 0.0
                cell_style = palette.style(cell, floor)
            if cell_style is style:
                text += cell.char
                continue
            if text:
                segments.append(Segment(text, style))
            text, style = cell.char, cell_style
        if text:
            segments.append(Segment(text, style))
        strips.append(Strip(segments, width))
    return strips


def plane_data(data) -> bool:
    """Whether units get maps: 2-D inputs with enough examples to span a plane (as the Data
    panel draws the plane)."""
    return data.n_features == 2 and data.x_train.shape[0] >= 3


class NetworkPicture(Widget, can_focus=True):
    """The picture (see the module docstring); ``refresh_view(view)`` redraws it and its
    ``caption`` (the lines the Network panel shows under it)."""

    BINDINGS = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("enter", "choose", "Select", show=False),
        Binding("left_square_bracket", "example(-1)", "Example −", show=False),
        Binding("right_square_bracket", "example(1)", "Example +", show=False),
    ]
    DEFAULT_CSS = """
    NetworkPicture {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: LabView | None = None
        self.layout_: Layout | None = None
        self.shown: Shown | None = None
        self.grid: list = []
        self.caption = Content("")
        self._strips: list[Strip] = []
        self._layout_key: tuple | None = None
        self._palette_key: tuple | None = None
        self._palette_now: Palette | None = None
        self._maps_key: tuple | None = None
        self._maps: list[np.ndarray] | None = None
        self._input_unit: tuple[int, Selection | None] | None = (
            None  # (unit of layer 0 under the cursor, the selection then)
        )
        self._anchor = "to"  # on a weight: ↑/↓ move its "from" end (came from the unit it feeds)

    # --- drawing ------------------------------------------------------------------------------

    def refresh_view(self, view: LabView) -> bool:
        """Redraw for ``view``; False when the widget has no size yet (drawn at its resize)."""
        self.view = view
        width, height = self.size
        if not (width and height):
            return False
        net, data = view.run.net, view.run.data
        maps_on = plane_data(data)
        key = (tuple(net.sizes), width, height, maps_on)
        if key != self._layout_key or self.layout_ is None:
            self._layout_key = key
            self.layout_ = layout(net.sizes, width, height - 1, maps_on)
        grid_layout = self.layout_
        raw = self._unit_maps(view, grid_layout) if maps_on else None
        self.shown = now = shown(view, maps=raw)
        tones = map_tones(net, raw, now.nodes) if raw is not None else None
        selected = self._selected(view)
        self.grid = paint(
            grid_layout, now, tones, labels(net.layers, net.n_in), selected, self.app.no_color
        )
        if grid_layout.message:
            row = self.grid[min(1, len(self.grid) - 1)]
            for x, char in enumerate(f"{grid_layout.message}: t shows the table"[: len(row)]):
                row[x].char, row[x].fg = char, "muted"
        self._strips = to_strips(self.grid, self._palette(), width)
        self.caption = self._caption(view, selected)
        self.refresh()
        return True

    def on_resize(self) -> None:
        """Draw again at the new size. The panel redraws when it is resized, but the picture
        also changes size inside a panel that keeps its own: when the lines below it (caption,
        settings) get their text or change their number of lines. At the lab's first frame
        they are drawn after the picture, which then kept a layout for 3 rows more than it had
        and lost its bottom units (spiral at 155×42 showed two of its three outputs)."""
        drawn = self.layout_
        size = (drawn.width, drawn.height + 1) if drawn is not None else None
        if self.view is not None and size != self.size:
            with frozen(self.app):
                self.refresh_view(self.view)

    def _palette(self) -> Palette:
        """The palette of the present theme (kept, with its styles, until the theme changes)."""
        _, _, background, foreground = self.colors
        variables = self.app.theme_variables
        system = color_system(self.app)
        key = (background, foreground, variables.get("accent"), self.app.current_theme.dark, system)
        if key != self._palette_key or self._palette_now is None:
            try:
                accent = Color.parse(variables.get("accent", "#ffa62b"))
            except Exception:
                accent = Color.parse("#ffa62b")
            self._palette_key = key
            self._palette_now = Palette(background, foreground, accent, key[3], system)
        return self._palette_now

    def _unit_maps(self, view, grid_layout):
        """Every layer's outputs over the map's grid (``engine.unit_maps``), computed again only
        when a parameter changed (they are replaced, never modified, by a step)."""
        heights = [c.node_height for c in grid_layout.columns if c.map_width]
        if not heights:
            return None
        rows = 2 * heights[0]
        cols = max(c.map_width for c in grid_layout.columns)
        net = drawn_net(view)
        params = tuple(id(p) for layer in net.layers for p in layer.params.values())
        buffers = tuple(id(b) for layer in net.layers for b in layer.buffers.values())
        key = (id(view.run), params, buffers, rows, cols)
        if key != self._maps_key:
            self._maps_key = key
            outputs = unit_maps(net, view.run.data, cols, rows).outputs
            self._maps = outputs
        return self._maps

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)

    # --- the caption under the picture ----------------------------------------------------------

    def _caption(self, view: LabView, selected) -> Content:
        """Two lines: the selected unit or weight and what the event did (or what to press,
        before anything ran); which example the nodes show and the edges' colours, in the longest
        form that fits (``_legends``). Always two lines, each cut to the width, so that the
        picture keeps its height."""
        s = self.shown
        assert s is not None  # refresh_view computes it first
        palette = self._palette()
        width = max(self.size.width, 20)
        first = []
        chosen = self._describe(selected, width - len("▸ "))
        if chosen:  # first: the answer to a click or a key, which a narrow panel cuts last
            first.append(Content.assemble(("▸ ", ACCENT), chosen))
        if s.what:  # "forward: a¹ = σ(…)"; the rule alone where the whole does not fit
            what = s.what
            if len(what) > width and ": " in what:  # the status line names the event too
                what = what.split(": ", 1)[1]
            room = width - sum(part.cell_length + 2 for part in first)
            if room >= min(len(what), RULE_ROOM):  # not a lone "…" right after the value
                first.append(Content.styled(what, ACCENT))
        elif view.status == "idle" and not chosen:
            first.append(Content.styled(_fitting(LAUNCH_HINTS, width), ACCENT))
        elif view.status == "running" and not chosen:
            first.append(Content.styled(_fitting(RUNNING_HINTS, width), MUTED))
        warning = []
        if any(a is not None and not np.isfinite(a).all() for a in (*s.edges, *s.nodes)):
            warning = [Content.styled("some values are nan or inf", "$text-warning")]
        legends = _legends(s, palette, self.app.no_color)
        forms = [Content("  ").join([*warning, *legend]) for legend in legends]
        second = next((form for form in forms if form.cell_length <= width), forms[-1])
        lines = [Content("  ").join(first), second]
        return Content("\n").join(line.truncate(width, ellipsis=True) for line in lines)

    def _describe(self, selected, width: int) -> str:
        """The selected unit or weight with its value as the Debugger panel writes it (4
        significant digits, ``fmt``), not in the nodes' five characters: ``a¹[2] = -0.5616``,
        ``∂C/∂W²[0,0] = -0.009036  (to 0, from 0)`` beside the equation's ``= -0.009036``; a
        weight's "(to j, from k)" only where it fits in ``width``, so the value is never cut."""
        s = self.shown
        if selected is None or s is None:
            return ""
        if selected[0] == "layer":
            return f"layer {selected[1]}"
        if selected[0] == "unit":
            _, l, j = selected
            values = s.nodes[l] if l < len(s.nodes) else None
            name = "x" if l == 0 else s.node_name
            value = "not computed yet" if values is None or j >= len(values) else fmt(values[j])
            where = f"{name}{sup(l) if l else ''}[{j}]"
            return f"{where} = {value}" if values is not None else f"{where} {value}"
        _, l, j, k = selected
        matrix = s.edges[l - 1] if l - 1 < len(s.edges) else None
        name = f"{s.edge_name}{sup(l)}[{j},{k}]"
        if matrix is None or j >= matrix.shape[0] or k >= matrix.shape[1]:
            return f"{name} not computed yet"
        answer = f"{name} = {fmt(matrix[j, k])}"
        hinted = f"{answer}  (to {j}, from {k})"
        return hinted if len(hinted) <= width else answer

    # --- selection ------------------------------------------------------------------------------

    def _selected(self, view) -> tuple | None:
        """What to mark: the app's selection, or a unit of the input layer under the cursor."""
        sel = view.selection
        if self._input_unit is not None:
            unit, under = self._input_unit
            if under is sel:
                return ("unit", 0, unit)
            self._input_unit = None  # the selection moved elsewhere since
        if sel is None:
            return None
        if sel.weight is not None:
            return ("weight", sel.l, *sel.weight)
        if sel.unit is not None:
            return ("unit", sel.l, sel.unit)
        return ("layer", sel.l)

    def select(self, target: tuple | None) -> None:
        """Select ``target`` (a cell's target): tell the app, which redraws the panels."""
        if target is None or self.view is None:
            return
        self._input_unit = None
        kind, l = target[0], target[1]
        if kind == "unit" and l == 0:  # marked here only: no equation has x as its result
            self._input_unit = (target[2], self.view.selection)
            with frozen(self.app):
                self.refresh_view(self.view)
            return
        if kind == "block":  # a cell of a band: its largest weight
            tones = self.shown.edge_tones[l - 1] if self.shown is not None else None
            kind, target = "weight", ("weight", l, *pick(tones, target[2], target[3]))
        if kind == "unit":
            self.post_message(SelectUnit(l, target[2]))
        elif kind == "weight":
            self.post_message(SelectWeight(l, target[2], target[3]))
        elif kind == "layer" and l >= 1:
            self.post_message(SelectUnit(l, None))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.grid:
            return
        x, y = offset
        if 0 <= y < len(self.grid) and 0 <= x < len(self.grid[y]):
            target = self.grid[y][x].target
            if target is not None:
                event.stop()
                if target[0] in ("weight", "block"):
                    self._anchor = "to"
                self.select(target)

    def action_choose(self) -> None:
        self.select(self._cursor() or ("unit", 1, 0))

    def _cursor(self) -> tuple | None:
        return self._selected(self.view) if self.view is not None else None

    def action_move(self, dx: int, dy: int) -> None:
        """Walk the network: see the module docstring."""
        if self.view is None:
            return
        sizes = self.view.run.net.sizes
        L = len(sizes) - 1
        at = self._cursor()
        if at is None or at[0] == "layer":
            l = at[1] if at is not None else 1
            self.select(("unit", l, 0))
            return
        if at[0] == "unit":
            _, l, j = at
            if dy:
                self.select(("unit", l, (j + dy) % sizes[l]))
            elif dx < 0 and l >= 1:
                self._anchor = "to"
                self.select(("weight", l, j, 0))
            elif dx > 0 and l < L:
                self._anchor = "from"
                self.select(("weight", l + 1, 0, j))
            return
        _, l, j, k = at
        if dy and self._anchor == "to":
            self.select(("weight", l, j, (k + dy) % sizes[l - 1]))
        elif dy:
            self.select(("weight", l, (j + dy) % sizes[l], k))
        elif dx < 0:
            self.select(("unit", l - 1, k))
        else:
            self.select(("unit", l, j))

    def action_example(self, delta: int) -> None:
        """The previous or next example of the batch (wrapping around)."""
        if self.view is None or self.shown is None:
            return
        size = self.shown.example.batch_size
        self.post_message(SelectExample((self.shown.example.index + delta) % size))


def _legends(s: Shown, palette: Palette, marked: bool = False) -> list[list[Content]]:
    """The caption's second line, longest first: which example the nodes show and the edges'
    colours (``marked``: and marks, ``SIGN_MARKS``), each form dropping the least needed part of
    the one before (so that a narrow panel says what the colours mean rather than cutting it):
    the ``[ ]`` keys (the help lists them), the batch's range, the scale."""
    hint = (" [ ]", MUTED)
    positive, negative = SIGN_MARKS[marked]

    def edges(*tail) -> Content:
        return Content.assemble(
            s.edge_name,
            " ",
            (positive, Style(foreground=palette.positive, bold=True)),
            ("+ ", MUTED),
            (negative, Style(foreground=palette.negative, bold=True)),
            *tail,
        )

    scale = f"max {short(s.edge_scale)}" if s.edge_scale > 0 else ""  # 0: all zero or none yet
    scaled, unscaled = edges(("− ", MUTED), (scale, MUTED)), edges(("−", MUTED))
    example = s.example
    # the batch's example, or (its events not kept, after e or a run) the training set's row:
    # "training example 0" left no room for the colours at 26 cells
    index = f"example {example.index}" if example.row is not None else f"train ex. {example.index}"
    return [
        [Content.assemble(f"{s.node_name}: {example.caption()}", hint), scaled],
        [Content(f"{s.node_name}: {example.caption()}"), scaled],
        [Content(f"{s.node_name}: {index}"), scaled],
        [Content(f"{s.node_name}: {index}"), unscaled],
    ]


def _fitting(hints: tuple[str, ...], width: int) -> str:
    """The first of ``hints`` (longest first) that fits in ``width`` cells, else the last."""
    return next((hint for hint in hints if len(hint) <= width), hints[-1])
