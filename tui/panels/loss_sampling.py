"""The loss curve reduced for a plot of a terminal's width: ``downsample`` averages runs of
neighbouring points into at most ``MAX_POINTS``, and ``spread`` gives what that averaging hides,
each run's lowest and highest value (the loss panel draws them as dots around the curve)."""

from __future__ import annotations

import numpy as np

MAX_POINTS = 300
"""At most this many points per curve reach plotext, however long the run; fewer on a narrow
plot: two per column (a braille cell is two dots wide), since plotext's cost grows with them."""


def _edges(n: int, max_points: int) -> np.ndarray | None:
    """The edges of ``max_points`` runs of neighbours over ``n`` points (None when there are no
    more points than that)."""
    return np.linspace(0, n, max_points + 1).astype(np.int64) if n > max_points else None


def _means(edges: np.ndarray, counts: np.ndarray | None, *values: np.ndarray):
    """Each run's mean of each of ``values``, every point weighted by its count of steps (a
    bucket of the history holds many, an exact step one); unweighted when ``counts`` is None."""
    starts = edges[:-1]
    if counts is None:
        n = np.diff(edges)
        return [np.add.reduceat(v, starts) / n for v in values]
    weights = counts.astype(np.float64)
    total = np.add.reduceat(weights, starts)
    return [np.add.reduceat(v * weights, starts) / total for v in values]


def downsample(
    x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS, counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) reduced to at most ``max_points`` by averaging runs of neighbours (finite y only).

    A display transform: the mean of each run of consecutive points, so the curve keeps its
    shape. ``counts``: how many steps each point stands for (the history's ``counts``): a run
    that joins an old bucket of 64 steps and exact steps is then the mean over its steps, not
    over its points, which gave the bucket the weight of one step.
    """
    keep = np.isfinite(y) & np.isfinite(x)
    x, y = x[keep], y[keep]
    edges = _edges(x.shape[0], max_points)
    if edges is None:
        return x, y
    x_mean, y_mean = _means(edges, None if counts is None else counts[keep], x, y)
    return x_mean, y_mean


def spread(
    x: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    max_points: int = MAX_POINTS,
    counts: np.ndarray | None = None,
):
    """What averaging hides: (x, lowest, highest) of each run of neighbours that ``downsample``
    averages into a point, at that point's x (``counts`` as there), from each point's own
    ``low`` and ``high`` (an old bucket of the history keeps its steps' minimum and maximum
    loss; an exact step is its own); None when no point is averaged. Drawn as dots below and
    above the averaged curve, a one-step spike or the step-to-step noise of small batches stays
    in view at its true height."""
    keep = np.isfinite(low) & np.isfinite(high) & np.isfinite(x)
    x, low, high = x[keep], low[keep], high[keep]
    edges = _edges(x.shape[0], max_points)
    if edges is None:
        return None
    starts = edges[:-1]
    (x_mean,) = _means(edges, None if counts is None else counts[keep], x)
    return x_mean, np.minimum.reduceat(low, starts), np.maximum.reduceat(high, starts)


def log_of_positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points with y > 0, y as log₁₀ (the log scale's plotted values)."""
    positive = y > 0
    return x[positive], np.log10(y[positive])
