"""Every layer's activations for some inputs and over the input plane (``engine.unit_maps``)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from engine.metrics import predict_grid
from engine.unit_maps import layer_outputs, unit_maps
from scenarios import build_run, load_scenario, parse_scenario

WORKED = """
name = "tiny"
title = "Two tanh units with explicit weights"
summary = "A network small enough to work by hand."
lesson = "None."
seed = 0
[data]
kind = "inline"
x = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
y = [[0.0], [1.0], [1.0], [0.0]]
[network]
loss = "mse"
[[network.layers]]
size = 2
activation = "tanh"
weights = [[0.5, -1.0], [2.0, 0.25]]
bias = [0.1, -0.2]
[[network.layers]]
size = 1
activation = "sigmoid"
weights = [[1.5, -0.5]]
bias = [0.3]
[training]
lr = 0.1
"""


def test_layer_outputs_are_the_equations_worked_by_hand():
    run = build_run(parse_scenario(WORKED, path=Path("tiny.toml"), label="tiny.toml"))
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    a0, a1, a2 = layer_outputs(run.net, x)
    assert np.array_equal(a0, x)
    # a¹ = tanh(W¹ x + b¹): for x = (1, 0): tanh(0.5 + 0.1), tanh(2.0 - 0.2)
    assert a1[0] == pytest.approx([math.tanh(0.6), math.tanh(1.8)])
    assert a1[1] == pytest.approx([math.tanh(-1.0 + 0.1), math.tanh(0.25 - 0.2)])
    z2 = 1.5 * a1[:, 0] - 0.5 * a1[:, 1] + 0.3
    assert a2[:, 0] == pytest.approx(1 / (1 + np.exp(-z2)))
    assert np.array_equal(a2, run.net.forward(x))  # the same computation as the network's


def test_layer_outputs_use_evaluation_mode_dropout_off_batch_norm_running_stats():
    run = build_run(load_scenario("vanishing-fixed-batchnorm"))
    x = run.data.x_train[:5]
    assert np.array_equal(layer_outputs(run.net, x)[-1], run.net.forward(x))
    run = build_run(load_scenario("overfitting-fixed-dropout"))
    first = layer_outputs(run.net, x)
    assert all(np.array_equal(a, b) for a, b in zip(first, layer_outputs(run.net, x)))


def test_unit_maps_cover_the_data_panels_box_and_end_in_its_predictions():
    run = build_run(load_scenario("spiral"))
    maps = unit_maps(run.net, run.data, cols=7, rows=5)
    assert [m.shape for m in maps.outputs] == [(5, 7, n) for n in run.net.sizes]
    grid = predict_grid(run.net, run.data, 7)
    assert np.array_equal(maps.xs, grid.xs)  # the same box as the decision-boundary picture
    assert maps.ys[0] == grid.ys[0] and maps.ys[-1] == grid.ys[-1]
    # row r, column c is the point (xs[c], ys[r]); the last layer is the network's output there
    point = np.array([[maps.xs[3], maps.ys[2]]])
    assert maps.outputs[-1][2, 3] == pytest.approx(run.net.forward(point)[0])
    assert maps.outputs[0][2, 3] == pytest.approx(point[0])


def test_unit_maps_refuse_what_they_cannot_draw():
    run = build_run(load_scenario("linear-regression"))  # one input feature
    with pytest.raises(ValueError, match="2 input features"):
        unit_maps(run.net, run.data, 4, 4)
    run = build_run(load_scenario("xor"))
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="whole number"):
            unit_maps(run.net, run.data, bad, 4)


def test_a_diverged_network_gives_non_finite_maps_without_warnings():
    run = build_run(load_scenario("xor"))
    layer = run.net.layers[0]
    layer.params = {**layer.params, "W": np.full_like(layer.W, np.nan)}
    with np.errstate(all="raise"):
        maps = unit_maps(run.net, run.data, 3, 3)
    assert np.isnan(maps.outputs[1]).all()
