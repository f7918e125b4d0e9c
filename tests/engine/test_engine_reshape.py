"""engine.reshape: a rebuilt network keeps the old weights where the shapes allow."""

import numpy as np
import pytest

from engine import build_network
from engine.build import layer_specs
from engine.reshape import add_layer, add_unit, carry, remove_layer, remove_unit

LAYERS = [
    {"size": 4, "activation": "tanh"},
    {"size": 3, "activation": "relu", "init": "he_normal"},
    {"size": 1, "activation": "sigmoid"},
]


def net(layers, seed=0):
    return build_network(2, layer_specs(layers), "bce", np.random.default_rng(seed))


def rebuilt(old, plan, seed=1):
    new = net(plan.layers, seed)
    return new, carry(old, new, plan.origins, plan.unit_maps)


X = np.random.default_rng(5).normal(size=(16, 2))


def test_add_unit_keeps_every_weight_and_the_function():
    old = net(LAYERS)
    plan = add_unit(LAYERS, 2)
    new, done = rebuilt(old, plan)
    assert [layer.n_out for layer in new.layers] == [4, 4, 1] and plan.lost == []
    assert done.kept == [1] and done.partly == [2, 3] and done.lost == []
    W2, W3 = new.layers[1].W, new.layers[2].W
    assert np.array_equal(W2[:3], old.layers[1].W) and np.array_equal(
        new.layers[0].W, old.layers[0].W
    )
    assert np.any(W2[3] != 0)  # the new unit's incoming weights: drawn by the layer's init
    assert np.array_equal(W3[:, :3], old.layers[2].W) and np.all(W3[:, 3] == 0)
    assert np.array_equal(new.layers[1].b[:3], old.layers[1].b)
    assert np.array_equal(new.forward(X), old.forward(X))  # the same function, bit for bit


def test_remove_unit_drops_its_row_and_column_only():
    old = net(LAYERS)
    plan = remove_unit(LAYERS, 1, j=1)
    new, done = rebuilt(old, plan)
    assert "unit 1 of layer 1" in plan.lost[0]
    assert np.array_equal(new.layers[0].W, old.layers[0].W[[0, 2, 3]])
    assert np.array_equal(new.layers[1].W, old.layers[1].W[:, [0, 2, 3]])
    assert np.array_equal(new.layers[2].W, old.layers[2].W)
    assert done.kept == [3]


def test_add_layer_keeps_the_layers_around_it():
    old = net(LAYERS)
    plan = add_layer(LAYERS)
    new, done = rebuilt(old, plan)
    assert [layer.n_out for layer in new.layers] == [4, 3, 3, 1] and plan.lost == []
    assert new.layers[2].activation.name == "relu"
    for l_new, l_old in ((1, 1), (2, 2), (4, 3)):
        assert np.array_equal(new.layers[l_new - 1].W, old.layers[l_old - 1].W)


def test_remove_layer_says_what_is_lost():
    old = net(LAYERS)
    plan = remove_layer(LAYERS, 1, n_in=2)
    assert plan.lost == ["layer 1's weights", "layer 2's weights (its inputs change from 4 to 2)"]
    new, done = rebuilt(old, plan)
    assert np.array_equal(new.layers[1].W, old.layers[2].W)
    assert "layer 1's weights" in done.lost


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: add_unit(LAYERS, 3), "layer 3 is not a hidden layer"),
        (lambda: remove_unit([{"size": 1}, {"size": 1}], 1), "has only one unit"),
        (lambda: remove_layer([{"size": 1}]), "has no hidden layer"),
        (lambda: remove_unit(LAYERS, 1, j=9), "units 0…3, not 9"),
    ],
)
def test_impossible_reshapes_are_refused_with_the_reason(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_origins_must_fit():
    old = net(LAYERS)
    with pytest.raises(ValueError, match="one entry per new layer"):
        carry(old, net(LAYERS), [1, 2])
