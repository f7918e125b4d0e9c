"""Colour ramps that keep their hue in every colour system the lab may be drawn in.

A panel that shows a value's size as a colour's strength (the Data panel's class tints, the
network picture's signs and unit maps) blends a base colour (the background, a neutral grey)
towards a hue. In true colour any blend exists. In 256 colours (``TERM=xterm-256color`` with no
``COLORTERM``, common over ssh and on projectors) Textual reduces every colour to the nearest
of the 6×6×6 cube and the grey ramp, one channel at a time, and a dark blend of blue or orange
lands on teal (#005f5f), olive (#5f5f00) or a grey: bands of colours that belong to no class.
In 16 colours a blend lands on whatever ANSI colour is nearest.

``ramp`` therefore builds the steps for the colour system in use (``color_system(app)``):

- **truecolor**: blends of base and hue, evenly spaced;
- **256**: colours of the 256-colour palette itself (which Textual leaves as they are), taken
  among those of the hue's own hue (within ``HUE_TOLERANCE``, not greyish) and between the base
  and the hue, spread from the faintest to the strongest: fewer steps, each of the right hue;
- **standard** (16 colours): the base, then the hue itself: two steps (a panel that needs more
  draws its strength another way, as the Data panel does with shade characters).

``reduce(color, system)`` is Textual's reduction (Rich's ``Color.downgrade``), for the tests.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

from rich import color as rich_color
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color

HUE_TOLERANCE = 14.0
"""Degrees of hue a 256-colour step may differ from its hue's own (teal is 26° from the theme's
blue, olive 25° from its orange: excluded)."""
MIN_SATURATION = 0.2
"""HLS saturation below which a 256-colour step would read as grey, not as the hue."""

CUBE_REACH = 0.8
"""How far towards its hue a 256-colour step of a ramp that stops short of the hue may go: the
cube's steps are coarse (its darkest blue is a third of the way to the theme's), so a ramp of
tints reaching half way in true colour needs them up to here to have more than one step."""

CUBE_STEPS = 3
"""At most this many 256-colour steps between the base and the hue: the cube's colours of one
hue are few and unevenly spaced, and three read as faint, medium and strong."""

SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT}
for _name in ("standard", "windows"):
    SYSTEMS[_name] = ColorSystem.STANDARD


def color_system(app) -> str:
    """The colour system the app draws in: ``truecolor``, ``256`` or ``standard`` (Textual's
    console decides it from ``TEXTUAL_COLOR_SYSTEM``, ``COLORTERM`` and ``TERM``). A headless
    app (tests, screenshots) has no terminal to reduce colours for: true colour."""
    if getattr(app, "is_headless", False):
        return "truecolor"
    system = getattr(getattr(app, "console", None), "color_system", None)
    if system in ("standard", "windows"):
        return "standard"
    return system if system in ("256", "truecolor") else "truecolor"


def reduce(color: Color, system: str) -> tuple[int, int, int]:
    """``color`` as Textual draws it in ``system``: the RGB of the palette entry it becomes
    (Rich's ``downgrade``, which Textual's ``Strip.render`` applies), or itself in true colour."""
    if system == "truecolor":
        return color.rgb
    reduced = RichColor.from_rgb(*color.rgb).downgrade(SYSTEMS[system])
    return _palette_rgb(reduced)


def _palette_rgb(color: RichColor) -> tuple[int, int, int]:
    """The RGB Rich matched a reduced colour with (its 16-colour table for entries 0–15)."""
    number = color.number
    assert number is not None  # a downgraded colour is a palette entry
    table = rich_color.STANDARD_PALETTE if number < 16 else rich_color.EIGHT_BIT_PALETTE
    red, green, blue = table[number]
    return red, green, blue


def hue_and_saturation(rgb) -> tuple[float, float, float]:
    """(hue in degrees, lightness, saturation) of an RGB triple, HLS as Rich measures greyness."""
    h, l, s = colorsys.rgb_to_hls(*(v / 255 for v in rgb))
    return h * 360.0, l, s


def hue_gap(a: float, b: float) -> float:
    """Degrees between two hues, the short way round."""
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def distance(a, b) -> float:
    """How different two RGB colours look (the "redmean" approximation of perceived distance)."""
    r = (a[0] + b[0]) / 2
    dr, dg, db = (a[i] - b[i] for i in range(3))
    return ((2 + r / 256) * dr * dr + 4 * dg * dg + (2 + (255 - r) / 256) * db * db) ** 0.5


@lru_cache(maxsize=1)
def _cube() -> tuple[tuple[int, tuple[int, int, int]], ...]:
    """The entries 16–255 of the 256-colour palette that Textual draws as themselves (entries
    0–15 are the terminal's own and vary)."""
    out = []
    for n in range(16, 256):
        red, green, blue = rich_color.EIGHT_BIT_PALETTE[n]
        rgb = (red, green, blue)
        if RichColor.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).number == n:
            out.append((n, rgb))
    return tuple(out)


@lru_cache(maxsize=256)
def cube_steps(base, hue, n: int, reach: float) -> tuple[tuple[int, int, int], ...]:
    """Up to ``n`` colours of the 256-colour palette of ``hue``'s hue — its own, or that of the
    entry Textual reduces it to — (RGB triples) between ``base`` and ``hue`` (as far as
    ``reach`` of the way, by ``distance``), from the faintest on, spread evenly; ``hue``'s own
    reduction is not among them. Empty when none qualifies."""
    own = reduce(Color(*hue), "256")
    hues = (hue_and_saturation(hue)[0], hue_and_saturation(own)[0])
    span = distance(base, own)
    allowed = []
    for _, rgb in _cube():
        h, _, s = hue_and_saturation(rgb)
        d = distance(base, rgb)
        near = min(hue_gap(h, other) for other in hues)
        on_hue = s >= MIN_SATURATION and near <= HUE_TOLERANCE
        if on_hue and 0 < d <= reach * span and rgb != own:
            allowed.append((d, rgb))
    if not allowed:
        return ()
    allowed.sort()
    lo, hi = allowed[0][0], allowed[-1][0]
    picks: list = []
    for k in range(n):
        want = lo + (hi - lo) * k / max(n - 1, 1)
        rgb = min(allowed, key=lambda a: abs(a[0] - want))[1]
        if rgb not in picks:
            picks.append(rgb)
    return tuple(picks)


def ramp(
    base: Color, hue: Color, n: int, system: str, *, lowest: float = 0.0, reach: float = 1.0
) -> list[Color]:
    """``n`` colours for strengths 0 … n − 1 (n ≥ 2), from ``lowest`` to ``reach`` of the way
    from ``base`` to ``hue`` (1: the hue itself at the top), in ``system`` (module docstring).
    Neighbouring strengths share a colour where the colour system has fewer steps."""
    fractions = [lowest + (reach - lowest) * k / (n - 1) for k in range(n)]
    if system == "truecolor":
        return [base.blend(hue, f) for f in fractions]
    if system == "standard":
        return [hue if f >= 0.5 else base for f in fractions]
    top = [hue] if reach >= 1.0 else []
    cap = 1.0 if reach >= 1.0 else CUBE_REACH
    steps = [Color(*rgb) for rgb in cube_steps(base.rgb, hue.rgb, min(n, CUBE_STEPS), cap)]
    if lowest <= 0.0:
        steps = [base, *steps]
    steps += top
    if not steps:
        return [hue] * n
    # strength k → the step at the same share of the way (the first and last ones at the ends)
    return [steps[round(k * (len(steps) - 1) / (n - 1))] for k in range(n)]
