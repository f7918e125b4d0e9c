"""Per-layer statistics of one training step, computed when something reads them.

For layer l:
- ``grad_norm``        ‖∂C/∂Wˡ‖ (Frobenius; penalty included, before clipping)
- ``delta_mean_abs``   mean |δˡ| over the batch and units
- ``weight_norm``      ‖Wˡ‖ after the update
- ``update_ratio``     ‖ΔWˡ‖ / ‖Wˡ‖ (‖Wˡ‖ before the update; +∞ when ‖Wˡ‖ = 0 < ‖ΔWˡ‖, the first
  step from zero weights, and 0 when both are 0)
- ``saturated_fraction`` fraction of (example, unit) entries with σ′(z) below 1% of σ′'s maximum,
  for activations that saturate (sigmoid, tanh, elu, softmax); 0 for the others
- ``dead_fraction``    fraction of ReLU units whose z ≤ 0 for every example of the batch
- ``act_mean``, ``act_std`` of aˡ over the batch

A step keeps the arrays these are computed from (``StepArrays``) until the next step, and
``step_stats`` computes them only when asked: the history samples them, a breakpoint condition
naming a statistic reads them, the debugger shows them when paused. Both ways of taking a step
(the event stream and the fast path) call the same function on equal arrays, so their statistics
are equal bit for bit.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .arrays import DOT_SUM_MAX, ones, vdot


class LayerStats(NamedTuple):
    l: int
    grad_norm: float
    delta_mean_abs: float
    weight_norm: float
    update_ratio: float
    saturated_fraction: float
    dead_fraction: float
    act_mean: float
    act_std: float


STAT_NAMES = LayerStats._fields[1:]


class StepArrays(NamedTuple):
    """What one step's statistics are computed from: per layer l = 1…L (index l − 1), by
    reference. ``z`` is what σ was applied to (u with batch norm; on the lean path, aˡ where σ
    was written over it, from which such a σ′ is the same), ``slope`` σ′ as the backward
    pass computed it (None at a fused output), ``grad_W`` ∂C/∂W before clipping; ``step_scale``
    is η when ΔW = η ∂C/∂W exactly (plain SGD on unclipped gradients), else None; ``scratch``
    a flat array with room for any layer's δ that the statistics may write over (|δ|), or None.
    Large temporaries cost more than their arithmetic here: freed and allocated again at every
    read, their pages are given back to the system and faulted in anew."""

    a: list
    z: list
    slope: list
    delta: list
    grad_W: list
    W_old: list
    W_new: list
    step_W: list
    step_scale: float | None
    scratch: np.ndarray | None = None


def norm(x) -> float:
    """‖x‖ (Frobenius) = √(x·x), about twice as fast as np.linalg.norm on small arrays. Where
    the sum of squares overflows (entries past ~10¹⁵⁴ in float64, ~10¹⁹ in float32) it is taken
    again scaled by the largest |entry| m, as m √(Σ (x/m)²): an exploding gradient's norm is a
    number, not "inf", until an entry itself is infinite."""
    squares = float(vdot(x, x))
    if squares < math.inf:
        return math.sqrt(squares)
    return _scaled(x, lambda y: math.sqrt(float(vdot(y, y))), math.sqrt(squares))


def _scaled(x, measure, plain: float) -> float:
    """m · measure(x / m) for m = max |x| — a measure of degree 1 whose sums overflowed on x —
    or ``plain`` (the overflowed value) when an entry is infinite or NaN."""
    m = float(np.max(np.abs(x)))
    if not 0.0 < m < math.inf:
        return plain
    return m * measure(x / m)


def step_stats(layers, arrays: StepArrays) -> tuple[LayerStats, ...]:
    """The ``LayerStats`` of every layer (see the module docstring)."""
    a, z, slope, delta, grad_W, W_old, W_new, step_W, scale, scratch = arrays
    return tuple(
        layer_stats(
            layer,
            a[i],
            z[i],
            slope[i],
            delta[i],
            grad_W[i],
            W_old[i],
            W_new[i],
            step_W[i],
            scale,
            scratch,
        )
        for i, layer in enumerate(layers)
    )


def layer_stats(
    layer, a, z, local_slope, delta, grad_W, W_old, W_new, step_W, step_scale, scratch=None
):
    """The statistics of one layer. Sums are BLAS dot products with a vector of ones for small
    arrays (several times faster than ``ndarray.sum``). The dead-unit count uses the ReLU slope
    the backward pass computed: a unit is dead when Σ_batch σ′(z) = 0, i.e. z ≤ 0 for every
    example of the batch. ‖ΔW‖ is η‖∂C/∂W‖ when the step is that exactly. |δ| is written into
    ``scratch`` when given (``StepArrays``)."""
    activation = layer.activation
    size = delta.size
    saturated = 0.0
    if activation.saturates:
        slope = local_slope
        if slope is None:
            slope = activation.slope(z, a, **layer.act_params())
        saturated = int(np.count_nonzero(slope < 0.01 * activation.max_slope)) / size
    dead = 0.0
    if activation.can_die:
        n = z.shape[1]
        if local_slope is not None:  # σ′ = 1 where z > 0, else 0: count the columns summing to 0
            dead = (n - int(np.count_nonzero(ones(z.shape[0], a.dtype) @ local_slope))) / n
        else:
            dead = int(np.count_nonzero(z.max(axis=0) <= 0)) / n
    grad_norm = norm(grad_W)
    step_norm = step_scale * grad_norm if step_scale is not None else norm(step_W)
    w_norm_old = norm(W_old)
    mean = _sum(a) / a.size
    std = _std(a, mean)
    return LayerStats(
        layer.l,
        grad_norm,
        _sum(np.abs(delta, None if scratch is None else scratch[:size].reshape(delta.shape)))
        / size,
        norm(W_new),
        update_ratio(step_norm, w_norm_old),
        saturated,
        dead,
        mean,
        std,
    )


def update_ratio(step_norm: float, w_norm_old: float) -> float:
    """‖ΔW‖ / ‖W‖ with ‖W‖ before the update. From zero weights any step is infinitely large
    beside them: +∞, not 0 — 0 would read as a frozen layer (the Gradients panel's "frozen"
    band) at the first, largest step of a run from ``init = "zeros"``. No step from no weights:
    0."""
    if w_norm_old > 0:
        return step_norm / w_norm_old
    return math.inf if step_norm > 0 else 0.0


def _std(a, mean: float) -> float:
    """The standard deviation of a's entries, √(E[a²] − E[a]²); scaled by the largest |entry|
    where E[a²] overflows (``norm``)."""
    mean_sq = float(vdot(a, a)) / a.size
    plain = math.sqrt(max(mean_sq - mean * mean, 0.0))
    if plain < math.inf:
        return plain
    return _scaled(a, lambda y: _std(y, _sum(y) / y.size), plain)


def _sum(x) -> float:
    """Σ x over all entries."""
    if x.size <= DOT_SUM_MAX:
        return float(vdot(x, ones(x.size, x.dtype)))
    return float(np.add.reduce(x, axis=None))
