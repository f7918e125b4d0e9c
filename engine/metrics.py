"""Per-epoch metrics and predictions over a grid of inputs.

- ``train_loss``: the data term C₀ over the whole training set in evaluation mode (no dropout,
  batch norm with its running statistics; no L1/L2 penalty), after the epoch's last step; None
  where the run did not measure it (``Run.measure_training_set``: headless ``train`` measures it
  only for a ``loss_below`` rule, and at the end).
- ``val_loss``: the same over the validation set (None without one).
- ``accuracy``, ``val_accuracy``: fraction of examples whose predicted class is right
  (classification only, and ``accuracy`` only where the training set was measured; None
  otherwise).
- ``mean_step_loss``: the mean of the epoch's step losses (training mode, penalty included) — what
  the optimizer actually saw, cheap but lagging behind the weights.

``predict_grid`` evaluates the network over a regular grid covering the data (in the network's
input space, i.e. standardized when the data is), for decision-boundary and regression-fit views.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .unit_maps import grid_axes


class EpochMetrics(NamedTuple):
    epoch: int
    step: int  # steps taken when measured
    lr: float  # the rate of the epoch's last step
    train_loss: float | None
    val_loss: float | None
    accuracy: float | None
    val_accuracy: float | None
    mean_step_loss: float


def evaluate(net, data, x, y, labels, output=None) -> tuple[float | None, float | None]:
    """(C₀, accuracy) of ``net`` in evaluation mode on (x, y); (None, None) for no examples.
    ``output(x)``: (zᴸ, aᴸ) (default ``net.output_z``; a learner's reuses its buffers)."""
    if x.shape[0] == 0:
        return None, None
    z, a = (output or net.output_z)(x)
    return net.loss.value(z, a, y), data.accuracy(a, labels)


def epoch_metrics(
    net, data, epoch: int, step: int, lr: float, mean_step_loss: float, output=None, train=True
):
    """The ``EpochMetrics`` of ``net`` on ``data`` now (``output``: see ``evaluate``; ``train``:
    measure the training set too)."""
    train_loss = accuracy = None
    if train:
        train_set = data.x_train, data.y_train, data.labels_train
        train_loss, accuracy = evaluate(net, data, *train_set, output)
    val_loss, val_accuracy = evaluate(net, data, data.x_val, data.y_val, data.labels_val, output)
    return EpochMetrics(
        epoch, step, lr, train_loss, val_loss, accuracy, val_accuracy, mean_step_loss
    )


class Grid(NamedTuple):
    """Network outputs over a grid: 1-D inputs → ``values[i]`` at ``xs[i]`` (``ys`` None);
    2-D inputs → ``values[j, i]`` at (``xs[i]``, ``ys[j]``). ``classes`` holds the predicted
    class of each point (classification), else None."""

    xs: np.ndarray
    ys: np.ndarray | None
    values: np.ndarray  # (resolution, n_out) or (resolution, resolution, n_out)
    classes: np.ndarray | None


def with_params(net, params):
    """``net`` with the layers' parameters ``params`` (one dict per layer; None: ``net`` itself),
    e.g. those a training thread published: a new network sharing everything else."""
    if params is None:
        return net
    layers = [replace(layer, params=p) for layer, p in zip(net.layers, params, strict=True)]
    return type(net)(net.n_in, layers, net.loss, net.dtype)


def predict_grid(net, data, resolution: int = 50, margin: float = 0.1) -> Grid:
    """The network's outputs over a ``resolution``-point (per axis) grid spanning the data."""
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"the grid resolution must be an integer ≥ 2, got {resolution!r}")
    d = data.n_features
    if d not in (1, 2):
        raise ValueError(f"a prediction grid needs 1 or 2 input features; this data has {d}")
    axes = grid_axes(data, (resolution,) * d, margin)
    if d == 1:
        points = axes[0][:, None]
    else:
        gx, gy = np.meshgrid(axes[0], axes[1])
        points = np.column_stack([gx.ravel(), gy.ravel()])
    with np.errstate(all="ignore"):
        values = net.forward(points)
    classes = data.predicted_classes(values) if data.task == "classification" else None
    if d == 2:
        values = values.reshape(resolution, resolution, -1)
        classes = None if classes is None else classes.reshape(resolution, resolution)
    return Grid(axes[0], axes[1] if d == 2 else None, values, classes)
