"""How the Gradients panel draws a statistic's value: its bands, its bar, its axis and legend.

Each statistic of ``tui.view.STATS`` has an axis (``Bands``): a log₁₀ axis for magnitudes
(‖∂C/∂Wˡ‖, mean |δˡ|, ‖ΔWˡ‖/‖Wˡ‖), a linear one for fractions (dead, saturated), and two
warning bands — *vanishing* below the low threshold and *exploding* above the high one for
magnitudes, *high* and *very high* for fractions. A value's band colours its bar and its number
(``band``, ``BAND_STYLES``); the axis under the bars shows the bands' extent (``zone_strip``,
``axis_labels``) and the legend their thresholds (``legend``). The comparison's Gradients panel
draws its bars with these too.

Without colours (``marked``: ``NO_COLOR``, every colour a grey) a value outside the ok band is
drawn in reverse video (``value_style``) and the axis draws each zone with its own line
(``ZONE_MARKS``: ``╌`` vanishing, ``─`` ok, ``━`` exploding / high), which the legend names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content

from tui.panels.base import MUTED
from tui.panels.format import WARNING, fmt, fmt_fraction, is_finite


@dataclass(frozen=True)
class Bands:
    """How a statistic is drawn: axis range, log or linear, and its two warning thresholds."""

    lo: float  # left end of the axis
    hi: float  # right end of the axis
    log: bool
    low: float | None  # below: "vanishing" (None: no low band)
    high: float  # above: "exploding" / "high"
    very_high: float | None = None  # fractions: above this, "very high"


BANDS: dict[str, Bands] = {
    "grad_norm": Bands(1e-8, 1e4, True, 1e-5, 1e2),
    "delta_mean_abs": Bands(1e-8, 1e4, True, 1e-5, 1e2),
    "update_ratio": Bands(1e-9, 1e1, True, 1e-6, 1e-1),
    "dead_fraction": Bands(0.0, 1.0, False, None, 0.5, 0.9),
    "saturated_fraction": Bands(0.0, 1.0, False, None, 0.5, 0.9),
}
"""Per statistic. Magnitudes: vanishing < ``low``, exploding > ``high``. Fractions: high >
``high``, very high > ``very_high``. An update/weight ratio near 1e-3 is the usual healthy
rate; below 1e-6 a layer is frozen, above 0.1 each step rewrites a tenth of its weights."""

BAND_STYLES = {
    "ok": "$text-success",
    "vanishing": "$text-warning",
    "exploding": "$text-error",
    "high": "$text-warning",
    "very high": "$text-error",
    "nan": WARNING,
    "none": MUTED,
}
TRACK_STYLES = {"ok": "", "low": "on $warning-muted", "high": "on $error-muted"}
ZONE_MARKS = {"low": "╌", "ok": "─", "high": "━"}
"""Without colours: the axis's line in each zone (with colours every zone is ``━``)."""
EIGHTHS = " ▏▎▍▌▋▊▉█"

DIGITS = 3  # significant digits of the numbers


def band(stat: str, value) -> str:
    """The band ``value`` of statistic ``stat`` falls in: ``ok``, ``vanishing``, ``exploding``,
    ``high``, ``very high``, or ``nan`` (NaN, −∞; +∞ is past the high end: the update ratio of a
    first step from zero weights)."""
    b = BANDS[stat]
    if not is_finite(value):
        return "exploding" if b.log and value == math.inf else "nan"
    value = float(value)
    if b.log:
        if b.low is not None and value < b.low:
            return "vanishing"
        if value > b.high:
            return "exploding"
        return "ok"
    if b.very_high is not None and value > b.very_high:
        return "very high"
    if value > b.high:
        return "high"
    return "ok"


def value_style(which: str, marked: bool = False) -> str:
    """The style of a value in band ``which``; ``marked`` (no colours): in reverse video when
    outside the ok band, so that a vanishing or exploding layer stands out in greys too."""
    style = BAND_STYLES[which]
    return f"{style} reverse" if marked and which not in ("ok", "nan", "none") else style


def styled_value(text: str, width: int, which: str, marked: bool = False) -> list[tuple[str, str]]:
    """``text`` right-aligned in ``width`` cells, styled for band ``which`` (``value_style``):
    the padding apart from the number when that is in reverse video."""
    style = value_style(which, marked)
    if style == BAND_STYLES[which]:
        return [(text.rjust(width), style)]
    return [(" " * (width - len(text)), BAND_STYLES[which]), (text, style)]


def position(stat: str, value: float) -> float:
    """Where ``value`` lies on the statistic's axis, 0 (left) … 1 (right), clipped."""
    b = BANDS[stat]
    if b.log:
        if not value > 0:
            return 0.0
        t = (math.log10(value) - math.log10(b.lo)) / (math.log10(b.hi) - math.log10(b.lo))
    else:
        t = (value - b.lo) / (b.hi - b.lo)
    return min(max(t, 0.0), 1.0)


def track_zones(stat: str, width: int) -> list[str]:
    """The band zone of each cell of a bar track: ``low``, ``ok`` or ``high``."""
    b = BANDS[stat]
    zones = []
    for i in range(width):
        centre = (i + 0.5) / width
        if b.low is not None and centre < position(stat, b.low):
            zones.append("low")
        elif centre > position(stat, b.high):
            zones.append("high")
        else:
            zones.append("ok")
    return zones


def bar(stat: str, value, width: int) -> Content:
    """A bar of ``width`` cells for ``value`` over the band-coloured track."""
    zones = track_zones(stat, width)
    which = band(stat, value)
    fill = 0.0 if which == "nan" else position(stat, float(value)) * width
    style = BAND_STYLES[which]
    parts = []
    for i, zone in enumerate(zones):
        eighths = int(round(min(max(fill - i, 0.0), 1.0) * 8))
        parts.append((EIGHTHS[eighths], f"{style} {TRACK_STYLES[zone]}".strip()))
    return Content.assemble(*parts)


def axis_labels(stat: str, width: int) -> str:
    """Tick labels under the bars (decades for log axes, 0/50/100% for fractions)."""
    b = BANDS[stat]
    if b.log:
        ticks = [b.lo, b.low, b.high, b.hi] if b.low is not None else [b.lo, b.high, b.hi]
        labels = [_decade(t) for t in ticks]
    else:
        ticks = [0.0, 0.5, 1.0]
        labels = ["0", "50%", "100%"]
    # the thresholds first (they mean something), then the ends, each where it does not touch
    # a label already placed
    order = sorted(range(len(ticks)), key=lambda i: i in (0, len(ticks) - 1))
    line = [" "] * width
    taken = [False] * (width + 1)
    for i in order:
        text = labels[i]
        if len(text) > width:
            continue
        start = round(position(stat, ticks[i]) * width - len(text) / 2)
        start = min(max(start, 0), width - len(text))
        if any(taken[max(start - 1, 0) : start + len(text) + 1]):
            continue
        line[start : start + len(text)] = text
        taken[start : start + len(text)] = [True] * len(text)
    return "".join(line)


def zone_strip(stat: str, width: int, marked: bool = False) -> Content:
    """The axis as a line coloured by band: where vanishing, ok and exploding values lie;
    ``marked`` (no colours): each zone drawn with its own line (``ZONE_MARKS``)."""
    styles = {"low": BAND_STYLES["vanishing"], "ok": MUTED, "high": BAND_STYLES["exploding"]}
    if not BANDS[stat].log:
        styles = {"low": MUTED, "ok": MUTED, "high": BAND_STYLES["high"]}
    return Content.assemble(
        *[(ZONE_MARKS[zone] if marked else "━", styles[zone]) for zone in track_zones(stat, width)]
    )


def _decade(x: float) -> str:
    """A threshold as written on the axis: powers of ten as ``1e-5``, others via ``fmt``."""
    exponent = math.log10(x)
    return f"1e{round(exponent)}" if abs(exponent - round(exponent)) < 1e-9 else fmt(x)


def legend(stat: str, width: int = 80, marked: bool = False) -> Content:
    """What the colours mean for this statistic, with the thresholds, in at most ``width``
    columns: on one line, else one band a line ("━ vanishing <1e-5" / "━ exploding >1e2": a
    narrow axis has no room for its threshold ticks, so they are said here), else without the
    thresholds. ``marked`` (no colours): the magnitudes' marks are their zones' lines."""
    b = BANDS[stat]
    if b.log:
        assert b.low is not None  # every magnitude (log axis) has a vanishing band
        names = (("vanishing", f"<{_decade(b.low)}"), ("exploding", f">{_decade(b.high)}"))
        low, high = (ZONE_MARKS[z] if marked else "━" for z in ("low", "high"))
        marks = ((low, BAND_STYLES["vanishing"]), (high, BAND_STYLES["exploding"]))
    else:
        names = (
            ("high", f">{fmt_fraction(b.high)}"),
            ("very high", f">{fmt_fraction(b.very_high)}"),
        )
        marks = (("█", BAND_STYLES["high"]), ("█", BAND_STYLES["very high"]))
    for gap, with_threshold in (("  ", True), (" ", True), ("\n", True), (" ", False)):
        parts: list = []
        for k, ((name, threshold), mark) in enumerate(zip(names, marks)):
            text = f" {name} {threshold}" if with_threshold else f" {name}"
            parts += [mark, (text + (gap if k == 0 else ""), MUTED)]
        content = Content.assemble(*parts)
        if max(line.cell_length for line in content.split("\n")) <= width:
            break
    return content


def format_value(stat: str, value) -> str:
    """A value as the panel shows it: percentages for fractions, else ``DIGITS`` significant
    digits (``fmt``: ``12,769``)."""
    if not BANDS[stat].log:
        return fmt_fraction(value)
    return fmt(value, DIGITS)
