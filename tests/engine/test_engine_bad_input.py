"""Bad network descriptions: a ValueError that names the layer and what is allowed."""

import numpy as np
import pytest

from engine import LayerSpec, Learner, build_network, make_optimizer


def build(specs, loss="mse", n_in=2):
    return build_network(n_in, specs, loss, np.random.default_rng(0))


@pytest.mark.parametrize("size", [0, -3])
def test_size_not_positive(size):
    with pytest.raises(ValueError) as e:
        build([LayerSpec(3, "tanh"), LayerSpec(size, "linear")])
    assert str(e.value) == f"layer 2: size must be a positive integer, got {size}"


@pytest.mark.parametrize("size", [2.5, "3", True])
def test_size_not_an_integer(size):
    with pytest.raises(ValueError, match=r"^layer 1: size must be a positive integer, got "):
        build([LayerSpec(size, "tanh"), LayerSpec(1, "linear")])


def test_input_size():
    with pytest.raises(ValueError, match="input size must be a positive integer, got 0"):
        build([LayerSpec(1, "linear")], n_in=0)


def test_explicit_weights_of_the_wrong_shape():
    with pytest.raises(ValueError) as e:
        build([LayerSpec(2, "tanh", weights=[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]), LayerSpec(1)])
    message = str(e.value)
    assert message.startswith("layer 1: weights")
    assert "(2, 3)" in message and "needs (2, 2)" in message


def test_explicit_bias_of_the_wrong_shape_and_bad_values():
    with pytest.raises(
        ValueError, match=r"^layer 2: bias have shape \(3,\); this layer needs \(1,\)"
    ):
        build([LayerSpec(2, "tanh"), LayerSpec(1, "linear", bias=[0.0, 0.0, 0.0])])
    with pytest.raises(ValueError, match="^layer 1: weights contain a non-finite value"):
        build([LayerSpec(1, "linear", weights=[[np.nan, 1.0]])])
    with pytest.raises(ValueError, match=r"^layer 1: weights must be numbers, shape \(1, 2\)"):
        build([LayerSpec(1, "linear", weights=[["a", "b"]])])


def test_softmax_not_at_the_output():
    with pytest.raises(ValueError) as e:
        build([LayerSpec(3, "softmax"), LayerSpec(2, "softmax")], loss="cross_entropy")
    message = str(e.value)
    assert message.startswith("layer 1: softmax is only allowed on the output layer (layer 2)")
    for allowed in ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "linear"):
        assert allowed in message


@pytest.mark.parametrize(
    ("output", "loss", "expected"),
    [
        ("tanh", "bce", "layer 2 (output): bce loss needs a sigmoid output layer, not tanh"),
        (
            "sigmoid",
            "cross_entropy",
            "layer 2 (output): cross_entropy loss needs a softmax output layer, not sigmoid",
        ),
        (
            "softmax",
            "mse",
            "layer 2 (output): a softmax output needs the cross_entropy loss, not mse",
        ),
        (
            "softmax",
            "quadratic",
            "layer 2 (output): a softmax output needs the cross_entropy loss, not quadratic",
        ),
    ],
)
def test_output_and_loss_that_do_not_fit(output, loss, expected):
    with pytest.raises(ValueError) as e:
        build([LayerSpec(3, "tanh"), LayerSpec(2, output)], loss=loss)
    assert str(e.value) == expected


def test_cross_entropy_needs_two_units():
    with pytest.raises(ValueError, match=r"^layer 1 \(output\): cross_entropy needs at least 2"):
        build([LayerSpec(1, "softmax")], loss="cross_entropy")


def test_unknown_names_list_what_is_allowed():
    with pytest.raises(ValueError, match="^layer 1: unknown activation 'swish'; allowed: linear"):
        build([LayerSpec(2, "swish"), LayerSpec(1)])
    with pytest.raises(ValueError, match="^layer 2: unknown init 'glorot'; allowed: zeros"):
        build([LayerSpec(2), LayerSpec(1, init="glorot")])
    with pytest.raises(ValueError, match=r"^layer 1: init: initializer 'normal' takes gain, std"):
        build([LayerSpec(2, init="normal", init_params={"limit": 1.0}), LayerSpec(1)])
    with pytest.raises(ValueError, match="^unknown loss 'hinge'; allowed: mse, quadratic"):
        build([LayerSpec(1)], loss="hinge")
    with pytest.raises(ValueError, match="^unknown dtype 'float16'; allowed: float64, float32"):
        build_network(2, [LayerSpec(1)], "mse", np.random.default_rng(0), dtype="float16")


def test_dropout_and_batch_norm_only_on_hidden_layers():
    with pytest.raises(ValueError, match=r"^layer 2 \(output\): dropout is only allowed on hidden"):
        build([LayerSpec(2), LayerSpec(1, dropout=0.5)])
    with pytest.raises(ValueError, match=r"^layer 2 \(output\): batch_norm is only allowed"):
        build([LayerSpec(2), LayerSpec(1, batch_norm=True)])
    with pytest.raises(ValueError, match=r"^layer 1: dropout must be a number in \[0, 1\)"):
        build([LayerSpec(2, dropout=1.0), LayerSpec(1)])


def test_learner_settings():
    net = build([LayerSpec(1)])
    with pytest.raises(ValueError, match="l2 must be ≥ 0, got -0.1"):
        Learner(net, make_optimizer("sgd"), l2=-0.1)
    with pytest.raises(ValueError, match="clip by value or by norm, not both"):
        Learner(net, make_optimizer("sgd"), clip_value=1.0, clip_norm=1.0)
    with pytest.raises(ValueError, match="clip_norm must be > 0, got 0"):
        Learner(net, make_optimizer("sgd"), clip_norm=0)
