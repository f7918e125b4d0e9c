"""Every layer's activations for some inputs, and over a grid of the input plane.

What a picture of the network shows at its nodes, computed here so the UI only colours numbers:

- ``layer_outputs(net, x)``: [a⁰ = x, a¹, …, aᴸ] for a batch of inputs, evaluation mode
  (no dropout, batch norm with its running statistics), as ``Network.forward`` computes aᴸ:
  zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ, aˡ = σ(zˡ).
- ``unit_maps(net, data, cols, rows)``: the same over a ``rows`` × ``cols`` grid of points
  spanning the data (2-D inputs): each unit's output as a function of the input plane, as
  TensorFlow Playground draws in its neurons. The grid covers the box ``predict_grid`` covers
  (the data's range plus a margin), so the maps line up with the decision-boundary picture.

A grid of a few dozen points costs one small forward pass: cheap enough for every frame.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def grid_axes(data, counts: tuple[int, ...], margin: float = 0.1) -> list[np.ndarray]:
    """One increasing axis per input feature, ``counts[j]`` points spanning the training and
    validation inputs of feature j, widened by ``margin`` of their range on each side."""
    x_all = np.concatenate([data.x_train, data.x_val])
    lo, hi = x_all.min(axis=0), x_all.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 1e-3)
    return [np.linspace(lo[j] - pad[j], hi[j] + pad[j], n) for j, n in enumerate(counts)]


def layer_outputs(net, x) -> list[np.ndarray]:
    """[a⁰, a¹, …, aᴸ] for inputs ``x`` (one row per example), evaluation mode; a⁰ = x.

    Non-finite values propagate as they are (a diverged network has NaN activations)."""
    a = np.asarray(x, dtype=net.dtype)
    outputs = [a]
    with np.errstate(all="ignore"):
        for layer in net.layers:
            _, a, _ = layer.forward(a, None, False)
            outputs.append(a)
    return outputs


class UnitMaps(NamedTuple):
    """Activations over a grid of the input plane: ``outputs[l][r, c, j]`` is unit j of layer l
    at the point (``xs[c]``, ``ys[r]``); ``ys`` increases with r (row 0 is the lowest y)."""

    xs: np.ndarray
    ys: np.ndarray
    outputs: list[np.ndarray]  # l = 0 … L, each (rows, cols, nˡ)


def unit_maps(net, data, cols: int, rows: int, margin: float = 0.1) -> UnitMaps:
    """Every unit's activation at ``rows`` × ``cols`` points spanning the data's 2-D inputs."""
    if data.n_features != 2:
        raise ValueError(f"unit maps need 2 input features; this data has {data.n_features}")
    for name, n in (("cols", cols), ("rows", rows)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"unit maps need a whole number of {name} ≥ 1, got {n!r}")
    xs, ys = grid_axes(data, (cols, rows), margin)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    outputs = [a.reshape(rows, cols, -1) for a in layer_outputs(net, points)]
    return UnitMaps(xs, ys, outputs)
