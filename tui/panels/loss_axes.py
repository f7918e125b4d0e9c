"""The loss plots' axes — the lab's Loss panel's and the comparison's: the y range and its round
ticks on a linear or log scale, the step ticks, the validation curve's points, the limit beyond
which values are clipped for plotext, and the notes the line under a plot makes of them (values
clipped, a loss spanning decades).

The axes do not mislead: the linear axis spans at least ``MIN_SPAN`` of the loss's size, so a
loss that barely moves is drawn nearly flat; the log axis is labelled down to the curve's
minimum; when most of the curve is pressed into the bottom row (``squeezed``) or the loss spans
``WIDE_DECADES`` decades, the line under the plot suggests ``l``.
"""

from __future__ import annotations

import math

import numpy as np
from textual.content import Content

from tui.panels.base import WARNING
from tui.panels.format import fmt, fmt_ticks, log_ticks, nice_ticks, widened

PLOT_LIMIT = 1e30
"""plotext draws nothing at all when a value exceeds about 1e35; larger values are clipped."""


def plot_limit(log_scale: bool) -> float:
    """The largest |value| a loss plot on this scale draws; beyond it values are clipped. On
    the log scale plotext is handed log₁₀ of the (finite) values, ≤ 308.3: nothing is, so a loss
    growing until it overflows is drawn all the way (learning-rate-too-high's rise is a straight
    line for ~500 steps, not 50 under a 1e30 lid)."""
    return math.inf if log_scale else PLOT_LIMIT


def step_ticks(first: float, last: float, n: int = 5) -> list[int]:
    """Up to ``n`` whole-number step ticks from ``first`` to ``last``, at round intervals."""
    span = max(last - first, 1.0)
    raw = span / (n - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))
    start = math.ceil(first / step) * step
    ticks = []
    t = start
    while t <= last + 1e-9:
        ticks.append(int(round(t)))
        t += step
    return ticks or [int(round(first))]


MIN_SPAN = 0.05
"""The linear y axis spans at least this fraction of the loss's size: a loss that varies less
(dying-relu's 0.6930 … 0.6945) is drawn nearly flat, as it is, not magnified to the plot's
height, and the line under the plot says by how little it varies."""
SQUEEZED = 0.8
"""On the linear scale, when this share of the points lies in the plot's bottom row (a spike or
a steep start sets the scale), the line under the plot suggests the log scale."""


WIDE_DECADES = 3
"""On the linear scale, a loss spanning this many decades (a diverging run) makes the line
under the plot suggest the log scale, on which all of it can be seen."""


def clipped_note() -> Content:
    """Said under a linear loss plot whose values went beyond ``PLOT_LIMIT``."""
    return Content.styled(f"plot clipped at {fmt(PLOT_LIMIT)}", "$text-warning")


def decades_note(decades: int) -> Content:
    """Said under a linear loss plot spanning ``WIDE_DECADES`` decades or more."""
    return Content.styled(f"the loss spans {decades} decades: l for log", WARNING)


def decades_of(values: np.ndarray) -> int:
    """Whole decades between the smallest and the largest finite ``values`` (0 when one is
    ≤ 0 or none is finite)."""
    finite = values[np.isfinite(values)]
    if not finite.size or float(finite.min()) <= 0:
        return 0
    return int(math.log10(float(finite.max()) / float(finite.min())))


def y_range(values: np.ndarray, log_scale: bool = False) -> tuple[float, float] | None:
    """The y axis for the finite ``values`` (log₁₀ of the losses on the log scale): their range,
    on the linear scale widened to at least ``MIN_SPAN`` of their size (``widened``; 0 to 1 when
    every value is 0), on the log scale from the round value at or below the minimum
    (``log_ticks``). None: no values."""
    values = values[np.isfinite(values)]
    if values.shape[0] == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    if log_scale:
        ticks = log_ticks(lo, hi)
        return (min(ticks[0], lo), max(ticks[-1], hi)) if ticks else (lo, hi)
    least = MIN_SPAN * max(abs(lo), abs(hi))
    if not least > 0:  # every loss exactly 0 (a network that fits its data): not an axis of
        least = 1.0  # no height, which plotext divides by
    lo_shown, hi_shown = widened(lo, hi, least)
    if lo >= 0 > lo_shown:  # a loss is never negative: widen upwards instead
        lo_shown, hi_shown = 0.0, hi_shown - lo_shown
    return lo_shown, hi_shown


def value_ticks(values: np.ndarray, log_scale: bool = False) -> tuple[list[float], list[str]]:
    """Round y ticks over the axis ``y_range`` gives the finite ``values``, and their labels.

    On the log scale the values are log₁₀ of the losses: ticks at round losses from the one at
    or below the minimum (``log_ticks``), labelled with the losses, not their logarithms.
    """
    shown = y_range(values, log_scale)
    if shown is None:
        return [], []
    lo, hi = shown
    if not log_scale:
        ticks = nice_ticks(lo, hi)
        return ticks, fmt_ticks(ticks)
    ticks = log_ticks(lo, hi)
    losses = [10.0**t for t in ticks]
    decades = ticks[-1] - ticks[0] >= 2 if ticks else False
    return ticks, [fmt(v) for v in losses] if decades else fmt_ticks(losses)


def squeezed(values: np.ndarray, lo: float, hi: float, rows: int) -> bool:
    """Whether ``SQUEEZED`` of the finite ``values`` fall in the bottom one of ``rows`` rows of
    a linear axis from ``lo`` to ``hi`` (at least 10 points)."""
    values = values[np.isfinite(values)]
    if values.shape[0] < 10 or hi <= lo or rows < 2:
        return False
    return bool(np.mean((values - lo) / (hi - lo) < 1.0 / rows) >= SQUEEZED)


def validation_curve(epochs) -> tuple[np.ndarray, np.ndarray]:
    """(step, validation loss) at the end of each epoch (empty without a validation split).

    Read from one copy of the log (the training thread may append while this runs).
    """
    items = [(m.step, m.val_loss) for m in list(epochs) if m.val_loss is not None]
    if not items:
        return np.zeros(0), np.zeros(0)
    steps, val = np.array(items, dtype=np.float64).T
    return steps, val
