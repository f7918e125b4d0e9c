"""Numbers and arrays as short, readable text for the panels.

Every number a panel shows goes through ``fmt``: four significant digits, scientific notation for
tiny and huge magnitudes, and the words ``nan`` / ``inf`` for non-finite values (which
``styled_number`` paints in the theme's warning colour) — except the entries of an array
(``array_lines``), which keep their trailing zeros as the debugger's equations write them
(``engine.debugger.formatting.num``), so that every entry shows its four digits and a column
reads alike (``-0.02260``, not ``-0.0226`` under ``0.08217``). Nothing here raises on NaN or Inf.
"""

from __future__ import annotations

import math

import numpy as np
from textual.content import Content

from engine.debugger.formatting import num
from engine.number_text import LARGE, SMALL, count, percent, short

WARNING = "bold $text-warning"
"""Style of non-finite numbers (theme variable, so it reads in light and dark themes)."""


def fmt(x, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits; ``nan``, ``inf``, ``-inf`` as words.

    Magnitudes in [1e-3, 1e5) are written in positional notation (``0.01234``, ``1,234``),
    others in compact scientific notation (``1.234e-05`` → ``1.234e-5``); trailing zeros go.
    """
    if x is None:
        return "—"
    if isinstance(x, bool | np.bool_):
        return str(bool(x)).lower()
    if isinstance(x, int | np.integer):
        return str(int(x))
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    return short(x, digits)


def is_finite(x) -> bool:
    """True for finite numbers; False for NaN, ±Inf and anything that is not a number."""
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def styled_number(x, digits: int = 4, style: str = "") -> Content:
    """``fmt(x)`` as Content: in ``style``, or in the warning colour when x is not finite."""
    text = fmt(x, digits)
    if x is not None and not isinstance(x, str) and not is_finite(x):
        return Content.styled(text, WARNING)
    return Content.styled(text, style) if style else Content(text)


def fmt_fraction(x) -> str:
    """A fraction in [0, 1] as a percentage (``engine.number_text.percent``: ``0.257`` →
    ``25.7%``, ``0.99996`` → ``99.996%``); anything that is not a number as ``fmt`` writes it."""
    try:
        return percent(x)
    except (TypeError, ValueError):
        return fmt(x)


def flow(items, width: int, gap: str = "  ") -> Content:
    """``items`` (Content or text) joined by ``gap`` on lines at most ``width`` cells wide,
    broken only between items, so that a label never parts from its number ("acc" / "50%").

    A width of 0 (not laid out yet) keeps them on one line; an item wider than ``width`` gets a
    line of its own (and is wrapped by the widget)."""
    lines: list[list[Content]] = [[]]
    used = 0
    for item in items:
        item = item if isinstance(item, Content) else Content(item)
        n = item.cell_length
        if lines[-1] and width > 0 and used + len(gap) + n > width:
            lines.append([])
            used = 0
        used += n + (len(gap) if lines[-1] else 0)
        lines[-1].append(item)
    return Content("\n").join(Content(gap).join(line) for line in lines)


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """About ``n`` round values (multiples of 1, 2 or 5 × 10ᵏ) in [lo, hi]: at least two when
    lo < hi, a finer step when it gives three to five rather than two; ``[lo]`` when lo == hi."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(n - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (0.1, 0.2, 0.5, 1, 2, 5, 10)]

    def ticks(step: float) -> list[float]:
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        return [round(i * step, 12) for i in range(first, last + 1)]

    k = next(i for i, s in enumerate(steps) if s >= raw)
    while k > 0 and len(ticks(steps[k])) < 2:
        k -= 1
    chosen = ticks(steps[k])
    if len(chosen) == 2 and k > 0 and len(ticks(steps[k - 1])) <= 5:
        chosen = ticks(steps[k - 1])
    return chosen


def widened(lo: float, hi: float, least: float) -> tuple[float, float]:
    """[lo, hi] widened about its middle to a span of at least ``least`` (as it is when it
    spans that already): an axis never magnifies a change smaller than ``least`` to its full
    height."""
    if hi - lo >= least:
        return lo, hi
    middle = (lo + hi) / 2
    return middle - least / 2, middle + least / 2


def log_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Ticks of a log axis spanning log₁₀ values ``lo`` … ``hi``, as log₁₀ of round values:
    the finest of the series 1·10ᵏ, 1 and 5, 1-2-5, 1-2-3-5, 1…9 × 10ᵏ that gives at most
    ``n``; over many decades every 2nd, 5th, 10th, 20th … power of ten. The first tick is the
    largest of those values at or below the minimum, so the labels reach the bottom of the
    curve (the axis is drawn from there); when the range lies between two of them, both."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    hi = max(hi, lo)
    chosen: list[float] = []
    for mantissas in ((1,), (1, 5), (1, 2, 5), (1, 2, 3, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        values = [
            math.log10(m) + d
            for d in range(math.floor(lo) - 1, math.ceil(hi) + 1)
            for m in mantissas
        ]
        ticks = _from_bottom(values, lo, hi)
        if chosen and len(ticks) > n:
            break
        chosen = ticks
        if len(ticks) >= n:
            break
    if len(chosen) == 1:  # a range within two round values: the one above too
        above = [v for v in values if v > chosen[0] + 1e-9]
        return chosen + above[:1]
    if len(chosen) <= n:
        return chosen
    for every in (k * 10**e for e in range(0, 6) for k in (1, 2, 5)):  # decades apart
        bottom = math.floor(lo + 1e-9)
        ticks = [float(d) for d in range(bottom, math.ceil(hi) + 1, every) if d <= hi + 1e-9]
        if len(ticks) <= n:
            return ticks
    return chosen[:: math.ceil(len(chosen) / n)]


def _from_bottom(values: list[float], lo: float, hi: float) -> list[float]:
    """The largest of ``values`` at or below ``lo``, then those in (lo, hi]."""
    below = [v for v in values if v <= lo + 1e-9]
    return ([max(below)] if below else []) + [v for v in values if lo + 1e-9 < v <= hi + 1e-9]


def fmt_ticks(ticks) -> list[str]:
    """Axis labels for ``ticks`` in one format: as many decimals as the finest tick needs, or
    scientific notation for all when the magnitudes are tiny or huge."""
    ticks = [float(t) for t in ticks]
    finite = [abs(t) for t in ticks if math.isfinite(t) and t != 0]
    if not finite:
        return [fmt(t) for t in ticks]
    if max(finite) >= LARGE or min(finite) < SMALL:
        return [fmt(t, 3) for t in ticks]
    decimals = 0
    for t in ticks:
        while decimals < 6 and abs(round(t, decimals) - t) > 1e-9 * max(abs(t), 1e-12):
            decimals += 1
    return [f"{t:.{decimals}f}" for t in ticks]


def fmt_count(n: int) -> str:
    """An integer in groups of three: ``12345`` → ``12,345`` (``engine.number_text.count``)."""
    return count(n)


def fmt_shape(shape) -> str:
    """``(4, 2)`` → ``4×2``; a scalar shape → ``scalar``."""
    return "×".join(str(s) for s in shape) if shape else "scalar"


def array_summary(a) -> str:
    """One line about an array: shape, min, mean, max and ‖·‖ — after the count of its non-finite
    entries, if any, and then of the others: ``32×32  288 non-finite  others: min -1.63e207 …``.

    The count comes first: where the line wraps in a short panel (a diverged run's z at
    120x40), the figures of the finite entries alone must not be all that shows, reading as if
    the array were finite."""
    a = np.asarray(a)
    if a.size == 0:
        return f"{fmt_shape(a.shape)} (empty)"
    values = a.astype(np.float64, copy=False).ravel()
    finite = np.isfinite(values)
    n_bad = int(values.size - np.count_nonzero(finite))
    parts = [fmt_shape(a.shape)]
    if n_bad:
        parts.append(f"{fmt_count(n_bad)} non-finite")
    if n_bad < values.size:
        good = values[finite] if n_bad else values
        mean, norm = _mean_and_norm(good)
        others = "others: " if n_bad else ""
        parts.append(
            f"{others}min {fmt(good.min())}  mean {fmt(mean)}  max {fmt(good.max())}  "
            f"‖·‖ {fmt(norm)}"
        )
    return "  ".join(parts)


def _mean_and_norm(values: np.ndarray) -> tuple[float, float]:
    """The mean and the norm ‖v‖ = √(Σ vᵢ²) of finite ``values``, computed on v / max|vᵢ| and
    scaled back: the plain sum of squares overflows to inf once entries pass ~1e154 (a diverging
    run's activations), and the sum for the mean once they near 1e308 — a finite array then
    read as if it held an infinite value."""
    scale = float(np.abs(values).max())
    if scale == 0.0:
        return 0.0, 0.0
    unit = values / scale
    return float(unit.mean()) * scale, math.sqrt(float(np.vdot(unit, unit))) * scale


def array_lines(a, max_rows: int = 8, max_cols: int = 6, digits: int = 4) -> list[Content]:
    """The array as aligned rows of numbers, large ones cut with ``…`` (non-finite in warning).

    Every entry has ``digits`` significant digits, trailing zeros kept (``num``: ``-0.02260``,
    ``0`` for zero, never ``-0``), right-aligned to the widest. 1-D arrays are shown as one
    row; higher dimensions are flattened to (first, rest).
    """
    a = np.asarray(a)
    if a.ndim == 0:
        return [styled_number(a.item(), digits)]
    if a.ndim == 1:
        a = a[np.newaxis, :]
    elif a.ndim > 2:
        a = a.reshape(a.shape[0], -1)
    n_rows, n_cols = a.shape
    rows = _cut(n_rows, max_rows)
    cols = _cut(n_cols, max_cols)
    cells: list[list[tuple[str, float]] | None] = []
    for i in rows:
        if i is None:
            cells.append(None)
            continue
        cells.append(
            [(num(a[i, j], digits), a[i, j]) if j is not None else ("…", 0.0) for j in cols]
        )
    width = max((len(text) for row in cells if row for text, _ in row), default=1)
    lines = []
    for row in cells:
        if row is None:
            lines.append(Content("⋮".rjust(width)))
            continue
        parts: list[Content | str] = []
        for k, (text, value) in enumerate(row):
            if k:
                parts.append(" ")
            padded = text.rjust(width)
            parts.append(Content.styled(padded, WARNING) if not is_finite(value) else padded)
        lines.append(Content.assemble(*parts))
    return lines


def _cut(n: int, limit: int) -> list[int | None]:
    """Indices 0…n−1, or the first and last ones around a ``None`` gap when n > limit."""
    if n <= limit:
        return list(range(n))
    head = (limit + 1) // 2
    tail = limit - head
    return [*range(head), None, *range(n - tail, n)]
