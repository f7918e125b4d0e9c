"""How the Gradients panel draws a statistic's value: its bands, its bar, its axis and legend.

Each statistic of ``tui.view.STATS`` has an axis (``Bands``): a log₁₀ axis for magnitudes
(‖∂C/∂Wˡ‖, mean |δˡ|, ‖ΔWˡ‖/‖Wˡ‖), a linear one for fractions (dead, saturated), and two
warning bands, named for what a value there means for that statistic (``BANDS`` gives each
statistic's thresholds and why): *vanishing* below the low threshold and *exploding* above the
high one for the gradient ‖∂C/∂Wˡ‖ and the error mean |δˡ|, *frozen* and *large step* for the
update ratio ‖ΔWˡ‖/‖Wˡ‖, *high* and *very high* for fractions. Below the low threshold a
gradient or an error is *vanishing* only when it is also far under the layers after it — it
shrank on its way back —, else *small*, as in a trained network (``VANISHING_DECADES``). A
value's band colours its bar and its number (``band``, ``layer_bands``, ``BAND_STYLES``); the
axis under the bars shows the bands' extent (``zone_strip``, ``axis_labels``) and the legend
their names and thresholds (``legend``). The comparison's Gradients panel draws its bars with
these too.

Without colours (``marked``: ``NO_COLOR``, every colour a grey) a value outside the ok band is
drawn in reverse video (``value_style``) and the axis draws each zone with its own line
(``ZONE_MARKS``: ``╌`` the low band, ``─`` ok, ``━`` the high one), which the legend names.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from textual.content import Content

from tui.panels.base import MUTED
from tui.panels.format import WARNING, fmt, fmt_fraction


@dataclass(frozen=True)
class Bands:
    """How a statistic is drawn: axis range, log or linear, its two warning thresholds and the
    names of the bands past them (the words of the legend, and of ``band``)."""

    lo: float  # left end of the axis
    hi: float  # right end of the axis
    log: bool
    low: float | None  # below: the ``low_name`` band (None: no low band)
    high: float  # above: the ``high_name`` band
    very_high: float | None = None  # fractions: above this, "very high"
    low_name: str = "vanishing"
    high_name: str = "exploding"
    # below ``low`` but not ``VANISHING_DECADES`` under a later layer: this band (None: the low
    # band is absolute)
    quiet_name: str | None = "small"


BANDS: dict[str, Bands] = {
    "grad_norm": Bands(1e-8, 1e4, True, 1e-5, 1e2),
    "delta_mean_abs": Bands(1e-9, 1e3, True, 1e-6, 1e0),
    "update_ratio": Bands(
        1e-9, 1e1, True, 1e-6, 1e-1, low_name="frozen", high_name="large step", quiet_name=None
    ),
    "dead_fraction": Bands(0.0, 1.0, False, None, 0.5, 0.9, high_name="high", quiet_name=None),
    "saturated_fraction": Bands(0.0, 1.0, False, None, 0.5, 0.9, high_name="high", quiet_name=None),
}
"""Per statistic, its thresholds and what a value past them means.

- ‖∂C/∂Wˡ‖: *vanishing* < 1e-5 (and far under a later layer's, else *small*:
  ``VANISHING_DECADES``), *exploding* > 1e2. The gradient is the batch's mean (δ carries the
  mean's 1/B and ∂C/∂Wˡ = δˡᵀ aˡ⁻¹ sums the B rows), so it does not shrink with B. At the
  usual η of 0.01 … 1 a norm below 1e-5 moves the whole matrix by at most 1e-5 a step:
  nothing in a run of thousands of steps; above 1e2 a single step moves it by 1 or more, more
  than a whole layer's weights at the usual initial scale (entries ~1/√n).
- mean |δˡ|: *vanishing* < 1e-6 (as for ‖∂C/∂Wˡ‖, far under a later layer's, else *small*),
  *exploding* > 1. Unlike ‖∂C/∂W‖ it is a mean over the batch's entries, each carrying the
  mean's 1/B, with no sum over units or examples: it is smaller than ‖∂C/∂Wˡ‖ by up to the batch
  size times the layer's width (‖∂C/∂Wˡ‖ / mean |δˡ| is 1 with one example and one unit,
  thousands in exploding-gradients' 32-unit layers), so ‖∂C/∂W‖'s thresholds called layers
  vanishing whose gradient was not, and an error exploding only after 100 times more growth. The
  output error of bce and cross-entropy is |a − y|/(nB) ≤ 1/B, about 0.5/(nB) at the start (0.5
  for B = 1, 0.008 for B = 64): below 1e-6 an error is three or more decades under the output's
  for any batch up to ~500 — it has vanished on its way back; above 1 it is larger than any such
  output error can be — it has grown on its way back. The thresholds are per entry and divided
  by B, so a larger batch moves every value down (B = 256 by about a decade from B = 20).
- ‖ΔWˡ‖/‖Wˡ‖, the step beside the weights it changes: *frozen* < 1e-6, *large step* > 0.1.
  Near 1e-3 is the usual healthy rate; below 1e-6 a million steps would change the layer by its
  own size. Above 0.1 each step rewrites a tenth of the weights or more: large, but not
  exploding gradients — the first steps from a small initialization, an output layer learning
  fast (vanishing-gradients' layer 7: 0.26) or a batch-normalized net reach it; a run whose
  loss grows with such steps has too high an η. +∞ (the first step from zero weights) is past
  the high end.
- dead and saturated fractions: *high* > 50%, *very high* > 90% of the units (dead) or of the
  batch's (example, unit) pairs (saturated).

The low thresholds of ‖∂C/∂Wˡ‖ and mean |δˡ| alone cannot tell an error that vanished on its
way back from a trained network's small errors, where the output layer's is small too: see
``VANISHING_DECADES``. The other thresholds are absolute.
"""

VANISHING_DECADES = 2.0
"""The rule of the vanishing band: a layer's ‖∂C/∂Wˡ‖ or mean |δˡ| below the low threshold is
*vanishing* when it is also at least this many decades (a factor of 100) under the largest value
of the same statistic among the layers after it, l + 1 … L, at the same step; otherwise it is
*small*, drawn muted.

Why: vanishing gradients are an error that shrinks on its way back, so that the first layers get
far less than the layers near the output; a value below the threshold says only that the layer
hardly moves. A trained network's gradients and errors are small everywhere together, the
output's included: linear-regression's ‖∂C/∂W¹‖ after 300 steps is 2e-16 in its only layer, the
least-squares fit reached; vanishing-fixed-relu-he's mean |δ| with B = 128 after 300 steps lies
between 4.5e-7 and 1.9e-6 in all seven layers, its output's 1.9e-6, the loss 1.4e-4. Nothing
vanished there: such layers read *small*. The output layer has no layer after it, so it is never
vanishing.

Two decades because a healthy network's layers lie within about one decade of each other
(vanishing-fixed-relu-he with B = 128 at step 1: ‖∂C/∂W‖ 0.05 … 0.29, mean |δ| 4.7e-4 … 3.4e-3
— the ReLU + He fix holds the variance from layer to layer; an output layer of one unit has 16
weights where a hidden layer has 256, so its ‖∂C/∂W‖ is about √16 = 4 times smaller for entries
of the same size), while an error shrinking by a factor of four or more a layer (σ′ ≤ 1/4) is
two decades under the output three or four layers back: vanishing-gradients at step 1 has
‖∂C/∂W¹‖ 6.4e-6 under layer 7's 0.18 (4.4 decades), mean |δ¹| 8.6e-7 under 0.024. The largest
later value, not the output's alone: an error may vanish behind a middle layer, and a dead layer
(δ = 0) leaves the layers before it with nothing, vanishing under the layers past it
(dying-relu's mean |δ|: 0 in layers 1-3, 0.025 in layer 4).

A value of exactly 0 that is not far under a later layer's is *zero*, a warning, not *small*:
no gradient at all reaches the layer, which is never what training to convergence gives (the
nearest is linear-regression's 2e-16). dying-relu's ‖∂C/∂W‖ is 0 in all four layers: every ReLU
unit of its last hidden layer is dead, so the output layer's input is all 0 and nothing before
it gets an error; its dead fraction says why.
"""

BAND_STYLES = {
    "ok": "$text-success",
    "vanishing": "$text-warning",
    "small": MUTED,  # low, with the layers after it: nothing to warn of (VANISHING_DECADES)
    "zero": "$text-warning",  # exactly 0, and so are the layers after it: no gradient at all
    "exploding": "$text-error",
    "frozen": "$text-warning",
    "large step": "$text-warning",
    "high": "$text-warning",
    "very high": "$text-error",
    "nan": WARNING,
    "none": MUTED,
}
TRACK_STYLES = {
    "vanishing": "on $warning-muted",
    "frozen": "on $warning-muted",
    "exploding": "on $error-muted",
    "large step": "on $warning-muted",
    "high": "on $error-muted",  # a fraction's high zone holds its very high band too
}
"""A bar track's background in a warning zone, by the name of the zone's band."""
ZONE_MARKS = {"low": "╌", "ok": "─", "high": "━"}
"""Without colours: the axis's line in each zone (with colours every zone is ``━``)."""
EIGHTHS = " ▏▎▍▌▋▊▉█"

DIGITS = 3  # significant digits of the numbers


def band(stat: str, value, later: float = math.nan) -> str:
    """The band ``value`` of statistic ``stat`` falls in: ``ok``, the statistic's low or high
    band (``Bands.low_name``, ``high_name``: ``vanishing``, ``exploding``, ``frozen``, ``large
    step``, ``high``), ``small``, ``very high``, or ``nan`` (NaN, −∞; +∞ is past the high end of
    a log axis: the update ratio of a first step from zero weights). ``later``: the largest
    value of the same statistic among the layers after this one (NaN: none, as for the output
    layer); a low ‖∂C/∂W‖ or mean |δ| is vanishing only ``VANISHING_DECADES`` under it, else
    small. ``layer_bands`` finds ``later`` for every layer of a step."""
    values = np.array([[value]], dtype=np.float64)
    return str(_bands(stat, values, np.array([[later]], dtype=np.float64))[0, 0])


def layer_bands(stat: str, values) -> list[str]:
    """The band of each layer's value ``values[l − 1]``, l = 1 … L, at one step (``band``, each
    with the largest value among the layers after it); None is NaN."""
    column = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    return [str(b) for b in band_grid(stat, column[:, None])[:, 0]]


def band_grid(stat: str, values: np.ndarray) -> np.ndarray:
    """The band of every value of ``values`` — layers l = 1 … L along the first axis, each
    column one step (or the means over a run of steps) — as ``band`` has it, ``later`` being
    the largest value among the layers after it in its column (NaN ignored)."""
    v = np.asarray(values, dtype=np.float64)
    later = np.full_like(v, math.nan)
    if v.shape[0] > 1:
        later[:-1] = np.fmax.accumulate(v[::-1], axis=0)[::-1][1:]
    return _bands(stat, v, later)


def _bands(stat: str, v: np.ndarray, later: np.ndarray) -> np.ndarray:
    """``band`` elementwise: the bands of values ``v`` with the largest later values ``later``."""
    b = BANDS[stat]
    bands = np.full(v.shape, "ok", dtype=object)
    with np.errstate(all="ignore"):
        if b.log:
            if b.low is not None:
                low = v < b.low
                bands[low] = b.low_name
                if b.quiet_name is not None:
                    far_under = later > v * 10.0**VANISHING_DECADES  # False for NaN
                    bands[low & ~far_under] = b.quiet_name
                    bands[(v == 0) & ~far_under] = "zero"  # none at all: not a quiet value
            bands[v > b.high] = b.high_name
        else:
            bands[v > b.high] = b.high_name
            if b.very_high is not None:
                bands[v > b.very_high] = "very high"
    not_finite = ~np.isfinite(v)
    bands[not_finite & ~((v == math.inf) & b.log)] = "nan"  # +∞: past a log axis's high end
    return bands


UNMARKED = ("ok", "small", "nan", "none")
"""Bands whose values are not reversed without colours: nothing to warn of (``small``: a low
value with the layers after it, ``VANISHING_DECADES``), or no number (``nan``, ``none``)."""


def value_style(which: str, marked: bool = False) -> str:
    """The style of a value in band ``which``; ``marked`` (no colours): in reverse video when in
    a warning band (not ``UNMARKED``), so that a vanishing or exploding layer stands out in
    greys too."""
    style = BAND_STYLES[which]
    return f"{style} reverse" if marked and which not in UNMARKED else style


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


def zone_tracks(stat: str) -> dict[str, str]:
    """A bar track's background in each zone of the statistic's axis (``TRACK_STYLES``)."""
    b = BANDS[stat]
    return {"low": TRACK_STYLES[b.low_name], "ok": "", "high": TRACK_STYLES[b.high_name]}


def bar(stat: str, value, width: int, which: str | None = None) -> Content:
    """A bar of ``width`` cells for ``value`` over the band-coloured track, in the colour of
    band ``which`` (the layer's, from ``layer_bands``; None: ``band(stat, value)``, as for a
    layer with none after it)."""
    zones = track_zones(stat, width)
    if which is None:
        which = band(stat, value)
    fill = 0.0 if which == "nan" else position(stat, float(value)) * width
    style = BAND_STYLES[which]
    tracks = zone_tracks(stat)
    parts = []
    for i, zone in enumerate(zones):
        eighths = int(round(min(max(fill - i, 0.0), 1.0) * 8))
        parts.append((EIGHTHS[eighths], f"{style} {tracks[zone]}".strip()))
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
    """The axis as a line coloured by band: where the low, ok and high values lie (vanishing, ok,
    exploding for ‖∂C/∂W‖); ``marked`` (no colours): each zone drawn with its own line
    (``ZONE_MARKS``)."""
    b = BANDS[stat]
    styles = {"low": BAND_STYLES[b.low_name], "ok": MUTED, "high": BAND_STYLES[b.high_name]}
    if not b.log:
        styles = {"low": MUTED, "ok": MUTED, "high": BAND_STYLES[b.high_name]}
    return Content.assemble(
        *[(ZONE_MARKS[zone] if marked else "━", styles[zone]) for zone in track_zones(stat, width)]
    )


def _decade(x: float) -> str:
    """A threshold as written on the axis: powers of ten as ``1e-5`` (1 as ``1``), others via
    ``fmt``."""
    exponent = math.log10(x)
    if abs(exponent - round(exponent)) >= 1e-9:
        return fmt(x)
    return "1" if round(exponent) == 0 else f"1e{round(exponent)}"


def legend(
    stat: str, width: int = 80, marked: bool = False, shown: Collection[str] = ()
) -> Content:
    """What the colours mean for this statistic, with the thresholds, in at most ``width``
    columns: on one line, else one band a line ("━ vanishing <1e-5" / "━ exploding >1e2", for
    the update ratio "━ frozen <1e-6" / "━ large step >1e-1": a narrow axis has no room for its
    threshold ticks, so they are said here), else without the thresholds. ``marked`` (no
    colours): the magnitudes' marks are their zones' lines. ``shown``: the bands the panel draws;
    with ``Bands.quiet_name``'s among them, the low band's two names, "vanishing <1e-5 ≪ later"
    (far under a later layer) and "small <1e-5 not ≪ later" (``VANISHING_DECADES``); with
    ``zero``, "zero: no gradient" after them."""
    b = BANDS[stat]
    if b.log:
        assert b.low is not None  # every magnitude (log axis) has a low band
        low, high = (ZONE_MARKS[z] if marked else "━" for z in ("low", "high"))
        names = [(b.low_name, f"<{_decade(b.low)}"), (b.high_name, f">{_decade(b.high)}")]
        marks = [(low, BAND_STYLES[b.low_name]), (high, BAND_STYLES[b.high_name])]
        if b.quiet_name is not None and b.quiet_name in shown:
            names[:1] = [
                (b.low_name, f"<{_decade(b.low)} ≪ later"),
                (b.quiet_name, f"<{_decade(b.low)} not ≪ later"),
            ]
            marks.insert(1, (low, BAND_STYLES[b.quiet_name]))
        if b.quiet_name is not None and "zero" in shown:
            names.insert(-1, ("zero", "no gradient"))
            marks.insert(-1, (low, BAND_STYLES["zero"]))
    else:
        names = [
            (b.high_name, f">{fmt_fraction(b.high)}"),
            ("very high", f">{fmt_fraction(b.very_high)}"),
        ]
        marks = [("█", BAND_STYLES["high"]), ("█", BAND_STYLES["very high"])]
    for gap, with_threshold in (("  ", True), (" ", True), ("\n", True), (" ", False)):
        parts: list = []
        for k, ((name, threshold), mark) in enumerate(zip(names, marks)):
            text = f" {name} {threshold}" if with_threshold else f" {name}"
            parts += [mark, (text + (gap if k < len(names) - 1 else ""), MUTED)]
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
