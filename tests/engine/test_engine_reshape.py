"""engine.reshape: a rebuilt network keeps the old weights where the shapes allow."""

import numpy as np
import pytest

from engine import build_network
from engine.build import layer_specs
from engine.reshape import add_layer, add_unit, carry, outcome, remove_layer, remove_unit

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
    assert [layer.n_out for layer in new.layers] == [4, 4, 1]
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
    assert done.lost == ["unit 1 of layer 1"]
    assert np.array_equal(new.layers[0].W, old.layers[0].W[[0, 2, 3]])
    assert np.array_equal(new.layers[1].W, old.layers[1].W[:, [0, 2, 3]])
    assert np.array_equal(new.layers[2].W, old.layers[2].W)
    assert done.kept == [3]


def test_add_layer_keeps_the_layers_around_it():
    old = net(LAYERS)
    plan = add_layer(LAYERS)
    new, done = rebuilt(old, plan)
    assert [layer.n_out for layer in new.layers] == [4, 3, 3, 1] and done.lost == []
    assert new.layers[2].activation.name == "relu"
    for l_new, l_old in ((1, 1), (2, 2), (4, 3)):
        assert np.array_equal(new.layers[l_new - 1].W, old.layers[l_old - 1].W)


def test_remove_layer_says_what_is_lost():
    old = net(LAYERS)
    plan = remove_layer(LAYERS, 1)
    new, done = rebuilt(old, plan)
    assert done.lost == [
        "layer 1's weights",
        "layer 2's weights (its inputs changed from 4 to 2)",
    ]
    assert np.array_equal(new.layers[1].W, old.layers[2].W)


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


def test_outcome_says_before_building_what_carry_then_does():
    """The lab asks with ``outcome`` (shapes only) and reports what ``carry`` did: the same.
    Inserting a layer of another size before the output redraws the output layer's weights
    (its inputs changed), and shrinking a layer loses its last units."""
    old = net(LAYERS)
    shapes = [(layer.n_in, layer.n_out) for layer in old.layers]
    cases = [
        (LAYERS[:2] + [{"size": 5, "activation": "tanh"}, LAYERS[2]], [1, 2, None, 3]),
        ([{"size": 2, "activation": "tanh"}, *LAYERS[1:]], [1, 2, 3]),
        ([LAYERS[0], {"size": 3, "activation": "tanh"}, LAYERS[2]], [1, None, 3]),
    ]
    expected = [
        ["layer 3's weights (its inputs changed from 3 to 5)"],
        ["units 2, 3 of layer 1"],
        ["layer 2's weights"],
    ]
    for (layers, origins), lost in zip(cases, expected):
        new = net(layers, seed=1)
        before = outcome(shapes, [(layer.n_in, layer.n_out) for layer in new.layers], origins)
        done = carry(old, new, origins)
        assert before == done and done.lost == lost
    why = {2: "its activation or init changed"}
    assert outcome(shapes, shapes, [1, None, 3], why=why).lost == [
        "layer 2's weights (its activation or init changed)"
    ]
