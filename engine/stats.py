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


def layer_stats(layer, z, a, delta, local_slope, grad_W, W_old, W_new, step_W) -> LayerStats:
    """The statistics of one layer for one step (see the module docstring).

    Written for speed (it runs at every step): ``ndarray.sum`` instead of ``mean``, ‖W‖ before
    the update reused from the previous step's ‖W‖ after it when W is the same array.
    """
    activation = layer.activation
    cached_W, w_norm_old = layer.norm_cache
    if cached_W is not W_old:
        w_norm_old = norm(W_old)
    w_norm_new = norm(W_new)
    layer.norm_cache = (W_new, w_norm_new)
    saturated = 0.0
    if activation.saturates:
        slope = local_slope
        if slope is None:
            slope = activation.slope(z, a, **layer.act_params())
        saturated = int(np.count_nonzero(slope < 0.01 * activation.max_slope)) / slope.size
    dead = 0.0
    if activation.can_die:
        dead = int(np.count_nonzero(z.max(axis=0) <= 0)) / z.shape[1]
    size = a.size
    mean = float(a.sum()) / size
    return LayerStats(
        layer.l,
        norm(grad_W),
        float(np.abs(delta).sum()) / delta.size,
        w_norm_new,
        norm(step_W) / w_norm_old if w_norm_old > 0 else 0.0,
        saturated,
        dead,
        mean,
        math.sqrt(max(float(np.vdot(a, a)) / size - mean * mean, 0.0)),
    )
