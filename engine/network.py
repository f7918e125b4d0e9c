"""A network: dense layers l = 1…L, each with its own activation, and a loss.

``build_network`` turns layer specifications into a network, checking every one and naming the
layer and what is allowed when something does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import ACTIVATIONS, make_activation
from .initializers import INITIALIZERS, initialize
from .layers import Dense, frozen
from .losses import LOSSES, Loss, make_loss
from .settings import LAYER

DTYPES = {"float64": np.float64, "float32": np.float32}


@dataclass(frozen=True)
class LayerSpec:
    """What one weight layer should be; the scenario file's ``[[network.layers]]`` table."""

    size: int
    activation: str = "sigmoid"
    alpha: float | None = None  # leaky_relu slope / prelu initial slope / elu scale
    init: str = "xavier_uniform"
    init_params: dict = field(default_factory=dict)  # std, limit, value, gain
    bias_init: str = "zeros"
    bias_params: dict = field(default_factory=dict)  # value, limit, std (for the bias)
    weights: object = None  # explicit values, shape (size, n_in)
    bias: object = None  # explicit values, shape (size,)
    dropout: float = 0.0
    batch_norm: bool = False


class Network:
    """Layers l = 1…L (``layers[l - 1]``) and the loss C."""

    def __init__(self, n_in: int, layers: list[Dense], loss: Loss, dtype=np.float64):
        self.n_in = n_in
        self.layers = layers
        self.loss = loss
        self.dtype = np.dtype(dtype)

    @property
    def L(self) -> int:
        return len(self.layers)

    def layer(self, l: int) -> Dense:
        """Layer l, 1-based as in the equations."""
        if not 1 <= l <= len(self.layers):
            raise IndexError(f"layer {l} does not exist; layers are 1…{len(self.layers)}")
        return self.layers[l - 1]

    @property
    def sizes(self) -> list[int]:
        return [self.n_in] + [layer.n_out for layer in self.layers]

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    @property
    def fused_output(self) -> bool:
        """δᴸ is computed in the fused form (sigmoid+bce, softmax+cross_entropy)."""
        return self.loss.fused_activation == self.layers[-1].activation.name

    def forward(self, x, train: bool = False, rng=None) -> np.ndarray:
        """aᴸ for inputs x (evaluation mode by default: no dropout, running batch-norm stats)."""
        a = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            _, a, _ = layer.forward(a, rng, train)
        return a

    def output_z(self, x) -> tuple[np.ndarray, np.ndarray]:
        """(zᴸ, aᴸ) in evaluation mode, for losses that need the logits."""
        a = np.asarray(x, dtype=self.dtype)
        z = a
        for layer in self.layers:
            z, a, _ = layer.forward(a, None, False)
        return z, a

    def data_loss(self, x, y) -> float:
        """The data term of C on (x, y), in evaluation mode."""
        z, a = self.output_z(x)
        return self.loss.value(z, a, np.asarray(y, dtype=self.dtype))

    def snapshot(self) -> tuple[tuple[dict, dict], ...]:
        """(parameters, buffers) of each layer, by reference (arrays are never modified in place).

        Buffers are batch norm's running statistics; empty for other layers.
        """
        return tuple((dict(layer.params), layer.buffers) for layer in self.layers)

    def restore(self, snapshot) -> None:
        for layer, (params, buffers) in zip(self.layers, snapshot, strict=True):
            layer.params = dict(params)
            layer.buffers = buffers

    def describe(self) -> str:
        parts = [str(self.n_in)] + [f"{layer.n_out} {layer.activation!r}" for layer in self.layers]
        return " → ".join(parts) + f", {self.loss.name} loss"

    def __repr__(self) -> str:
        return f"Network({self.describe()}, {self.n_params} parameters, {self.dtype})"


def build_network(
    n_in: int,
    specs: list[LayerSpec],
    loss: str,
    rng: np.random.Generator,
    dtype: str = "float64",
) -> Network:
    """The network n_in → specs[0].size → … with ``loss``; ValueError names the bad layer."""
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; allowed: {', '.join(DTYPES)}")
    np_dtype = DTYPES[dtype]
    if not isinstance(n_in, int | np.integer) or n_in <= 0:
        raise ValueError(f"the input size must be a positive integer, got {n_in!r}")
    if not specs:
        raise ValueError("the network needs at least one layer")
    loss_fn = make_loss(loss)
    layers = []
    L = len(specs)
    for l, spec in enumerate(specs, start=1):
        layers.append(
            _build_layer(l, L, n_in if l == 1 else specs[l - 2].size, spec, rng, np_dtype)
        )
    _check_output(layers[-1], loss_fn)
    return Network(n_in, layers, loss_fn, np_dtype)


def _build_layer(l, L, n_in, spec: LayerSpec, rng, dtype) -> Dense:
    where = f"layer {l}"
    if isinstance(spec.size, bool) or not isinstance(spec.size, int | np.integer) or spec.size <= 0:
        raise ValueError(f"{where}: size must be a positive integer, got {spec.size!r}")
    n_out = int(spec.size)
    try:
        activation = make_activation(spec.activation, spec.alpha)
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None
    if activation.output_only and l != L:
        hidden = [name for name, cls in ACTIVATIONS.items() if not cls.output_only]
        raise ValueError(
            f"{where}: {activation.name} is only allowed on the output layer (layer {L}); "
            f"use {', '.join(hidden[:-1])} or {hidden[-1]} here"
        )
    if spec.init not in INITIALIZERS:
        raise ValueError(f"{where}: unknown init {spec.init!r}; allowed: {', '.join(INITIALIZERS)}")
    W = (
        _explicit(spec.weights, (n_out, n_in), f"{where}: weights")
        if spec.weights is not None
        else _draw(spec.init, spec.init_params, rng, (n_out, n_in), n_in, n_out, f"{where}: init")
    )
    b = (
        _explicit(spec.bias, (n_out,), f"{where}: bias")
        if spec.bias is not None
        else _draw(
            spec.bias_init, spec.bias_params, rng, (n_out,), n_in, n_out, f"{where}: bias_init"
        )
    )
    params = {"W": frozen(W.astype(dtype)), "b": frozen(b.astype(dtype))}
    for name in activation.learnable:  # PReLU's slope per unit
        params[name] = frozen(np.full(n_out, activation.alpha, dtype=dtype))
    dropout, batch_norm = _options(l, L, spec)
    buffers = {}
    if batch_norm:  # γ = 1, β = 0, running mean 0 and variance 1, as torch.nn.BatchNorm1d
        params["gamma"] = frozen(np.ones(n_out, dtype=dtype))
        params["beta"] = frozen(np.zeros(n_out, dtype=dtype))
        buffers = {
            "running_mean": frozen(np.zeros(n_out, dtype=dtype)),
            "running_var": frozen(np.ones(n_out, dtype=dtype)),
        }
    init = "explicit" if spec.weights is not None else spec.init
    return Dense(
        l,
        n_in,
        n_out,
        activation,
        params,
        init,
        dropout=dropout,
        batch_norm=batch_norm,
        buffers=buffers,
    )


def _options(l, L, spec: LayerSpec) -> tuple[float, bool]:
    """Dropout p in [0, 1) and batch norm, both for hidden layers only."""
    where = f"layer {l}"
    dropout = LAYER["dropout"].validate(
        spec.dropout if spec.dropout is not None else 0.0, f"{where}: dropout"
    )
    batch_norm = LAYER["batch_norm"].validate(spec.batch_norm, f"{where}: batch_norm")
    if l == L and dropout:
        raise ValueError(
            f"{where} (output): dropout is only allowed on hidden layers, not on the output layer"
        )
    if l == L and batch_norm:
        raise ValueError(
            f"{where} (output): batch_norm is only allowed on hidden layers, not on the output "
            "layer"
        )
    return dropout, batch_norm


def _draw(name, params, rng, shape, n_in, n_out, where) -> np.ndarray:
    try:
        return initialize(name, rng, shape, n_in, n_out, **params)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where}: {e}") from None


def _explicit(values, shape, where) -> np.ndarray:
    try:
        array = np.array(values, dtype=np.float64)
    except (ValueError, TypeError):
        raise ValueError(f"{where} must be numbers, shape {shape}") from None
    if array.shape != shape:
        raise ValueError(f"{where} have shape {array.shape}; this layer needs {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where} contain a non-finite value")
    return array


def _check_output(layer: Dense, loss: Loss) -> None:
    act = layer.activation.name
    allowed = loss.allowed_outputs
    if allowed is not None and act not in allowed:
        raise ValueError(
            f"layer {layer.l} (output): {loss.name} loss needs a {' or '.join(allowed)} output "
            f"layer, not {act}"
        )
    if allowed is None and layer.activation.output_only:
        fits = [name for name, cls in LOSSES.items() if act in (cls.allowed_outputs or ())]
        raise ValueError(
            f"layer {layer.l} (output): a {act} output needs the {' or '.join(fits)} loss, not "
            f"{loss.name}"
        )
    if loss.targets == "onehot" and layer.n_out < 2:
        raise ValueError(
            f"layer {layer.l} (output): cross_entropy needs at least 2 output units (one per "
            f"class); for two classes a single sigmoid unit with bce also works"
        )
