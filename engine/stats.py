"""Per-layer statistics of one training step, cheap enough to compute at every step.

For layer l:
- ``grad_norm``        ‖∂C/∂Wˡ‖ (Frobenius)
- ``delta_mean_abs``   mean |δˡ| over the batch and units
- ``weight_norm``      ‖Wˡ‖ after the update
- ``update_ratio``     ‖ΔWˡ‖ / ‖Wˡ‖ (before the update; 0 when ‖Wˡ‖ = 0)
- ``saturated_fraction`` fraction of (example, unit) entries with σ′(z) below 1% of σ′'s maximum,
  for activations that saturate (sigmoid, tanh, elu, softmax); 0 for the others
- ``dead_fraction``    fraction of ReLU units whose z ≤ 0 for every example of the batch
- ``act_mean``, ``act_std`` of aˡ over the batch
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np


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


def norm(x) -> float:
    """‖x‖ (Frobenius), about twice as fast as np.linalg.norm on small arrays."""
    return math.sqrt(np.vdot(x, x))


_ONES: dict[tuple[int, np.dtype], np.ndarray] = {}
# Sums: Σx = ⟨x, 1⟩, a BLAS dot product with a vector of ones, is 1.5–2× faster than ``x.sum()``
# on small arrays; above this many elements ``np.add.reduce`` is faster (reading the ones costs).
DOT_SUM_MAX = 1 << 16


def ones(size: int, dtype) -> np.ndarray:
    """A read-only vector of ``size`` ones, for sums as BLAS dot products (cached up to
    DOT_SUM_MAX elements)."""
    key = (size, dtype)
    vector = _ONES.get(key)
    if vector is None:
        vector = np.ones(size, dtype=dtype)
        vector.setflags(False)
        if size <= DOT_SUM_MAX:
            if len(_ONES) >= 64:  # shapes change only when the network or batch size does
                _ONES.clear()
            _ONES[key] = vector
    return vector


def forward_sums(a) -> tuple[float, float]:
    """(mean of a, mean of a²) over a layer's activations, taken in the forward pass while a is
    in cache."""
    size = a.size
    if size <= DOT_SUM_MAX:
        sum_a = float(np.vdot(a, ones(size, a.dtype)))
    else:
        sum_a = float(np.add.reduce(a, axis=None))
    return sum_a / size, float(np.vdot(a, a)) / size


def backward_stats(layer, z, a, delta, local_slope, grad_W) -> tuple[float, float, float, float]:
    """(‖∂C/∂W‖, mean |δ|, saturated fraction, dead fraction) of a layer, taken in the backward
    pass right after its δ and gradients, while they are in cache.

    ``z`` is what σ is applied to (zˡ, or u with batch norm). The dead-unit count uses the ReLU
    slope the backward pass computed: a unit is dead when Σ_batch σ′(z) = 0, i.e. z ≤ 0 for every
    example of the batch.
    """
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
    abs_delta = np.abs(delta)
    if size <= DOT_SUM_MAX:
        sum_abs = float(np.vdot(abs_delta, ones(size, delta.dtype)))
    else:
        sum_abs = float(np.add.reduce(abs_delta, axis=None))
    return math.sqrt(np.vdot(grad_W, grad_W)), sum_abs / size, saturated, dead


def update_norms(W_new, step_W, grad_norm: float, step_scale=None) -> tuple[float, float]:
    """(‖W‖ after the update, ‖ΔW‖), taken right after the update, while W_new is in cache.

    When the step is ``step_scale`` × ∂C/∂W exactly (plain SGD: ΔW = η ∂C/∂W), ‖ΔW‖ is η‖∂C/∂W‖
    instead of another pass over a W-sized array.
    """
    step_norm = step_scale * grad_norm if step_scale is not None else norm(step_W)
    return math.sqrt(np.vdot(W_new, W_new)), step_norm


def layer_stats(layer, sums, back, norms, W_old, W_new) -> LayerStats:
    """The statistics of one layer for one step (see the module docstring), from the parts taken
    during the step: ``sums`` of ``forward_sums``, ``back`` of ``backward_stats``, ``norms`` of
    ``update_norms``.

    Written for speed (it runs at every step; on small layers the cost is the number of NumPy
    calls, on large ones the passes over memory): each part is taken where its arrays were just
    computed and are still in cache; sums are BLAS dot products with a vector of ones for small
    arrays, several times faster than ``ndarray.sum``; ‖W‖ before the update is the previous
    step's ‖W‖ after it when W is the same array.
    """
    cached_W, w_norm_old = layer.norm_cache
    if cached_W is not W_old:
        w_norm_old = norm(W_old)
    w_norm_new, step_norm = norms
    layer.norm_cache = (W_new, w_norm_new)
    grad_norm, delta_mean_abs, saturated, dead = back
    mean, mean_sq = sums
    return LayerStats(
        layer.l,
        grad_norm,
        delta_mean_abs,
        w_norm_new,
        step_norm / w_norm_old if w_norm_old > 0 else 0.0,
        saturated,
        dead,
        mean,
        math.sqrt(max(mean_sq - mean * mean, 0.0)),
    )
