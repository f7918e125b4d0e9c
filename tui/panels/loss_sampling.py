"""The loss curve reduced for a plot of a terminal's width: ``downsample`` averages runs of
neighbouring points into at most ``MAX_POINTS``, and ``spread`` gives what that averaging hides,
each run's lowest and highest value (the loss panel draws them as dots around the curve)."""

from __future__ import annotations

import numpy as np

MAX_POINTS = 300
"""At most this many points per curve reach plotext, however long the run; fewer on a narrow
plot: two per column (a braille cell is two dots wide), since plotext's cost grows with them."""


def _runs(x: np.ndarray, y: np.ndarray, max_points: int):
    """The finite points of (x, y) and the edges of ``max_points`` runs of neighbours over them
    (None when there are no more points than that)."""
    keep = np.isfinite(y) & np.isfinite(x)
    x, y = x[keep], y[keep]
    n = x.shape[0]
    edges = np.linspace(0, n, max_points + 1).astype(np.int64) if n > max_points else None
    return x, y, edges


def downsample(
    x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) reduced to at most ``max_points`` by averaging runs of neighbours (finite y only).

    A display transform: the mean of each run of consecutive points, so the curve keeps its shape.
    """
    x, y, edges = _runs(x, y, max_points)
    if edges is None:
        return x, y
    counts = np.diff(edges)
    x_mean = np.add.reduceat(x, edges[:-1]) / counts
    y_mean = np.add.reduceat(y, edges[:-1]) / counts
    return x_mean, y_mean


def spread(x: np.ndarray, low: np.ndarray, high: np.ndarray, max_points: int = MAX_POINTS):
    """What averaging hides: (x, lowest, highest) of each run of neighbours that ``downsample``
    averages into a point, at the run's mean x, from each point's own ``low`` and ``high`` (an
    old bucket of the history keeps its steps' minimum and maximum loss; an exact step is its
    own); None when no point is averaged. Drawn as dots below and above the averaged curve, a
    one-step spike or the step-to-step noise of small batches stays in view at its true height."""
    keep = np.isfinite(low) & np.isfinite(high) & np.isfinite(x)
    x, low, high = x[keep], low[keep], high[keep]
    _, _, edges = _runs(x, low, max_points)
    if edges is None:
        return None
    starts = edges[:-1]
    x_mean = np.add.reduceat(x, starts) / np.diff(edges)
    return x_mean, np.minimum.reduceat(low, starts), np.maximum.reduceat(high, starts)


def log_of_positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points with y > 0, y as log₁₀ (the log scale's plotted values)."""
    positive = y > 0
    return x[positive], np.log10(y[positive])
