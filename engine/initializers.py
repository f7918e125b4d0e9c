"""Weight and bias initializers: ``fn(rng, n_out, n_in, **params) -> array`` of shape (n_out, n_in).

Fan-in n_in and fan-out n_out follow PyTorch's ``torch.nn.init`` (Wˡ has shape (nˡ, nˡ⁻¹)):

- zeros, constant(value)
- uniform: U[−limit, limit] (limit 0.05 by default)
- normal: N(0, std²) (std 0.05 by default)
- standard: U[−1/√n_in, 1/√n_in] (the classic "small random weights"; PyTorch's Linear default
  for the bias)
- xavier_uniform: U[−√(6/(n_in+n_out)), +…];  xavier_normal: N(0, 2/(n_in+n_out))
- he_uniform: U[−√(6/n_in), +…];  he_normal: N(0, 2/n_in)
- lecun_normal: N(0, 1/n_in)

``gain`` scales every random initializer's spread (e.g. gain 3 for deliberately large weights).
Biases use the same functions with the bias shape (n_out,) and fan-in n_in.
"""

from __future__ import annotations

import math

import numpy as np


def zeros(rng, shape, n_in, n_out):
    return np.zeros(shape)


def constant(rng, shape, n_in, n_out, value=0.0):
    return np.full(shape, float(value))


def uniform(rng, shape, n_in, n_out, limit=0.05, gain=1.0):
    return rng.uniform(-limit * gain, limit * gain, size=shape)


def normal(rng, shape, n_in, n_out, std=0.05, gain=1.0):
    return rng.normal(0.0, std * gain, size=shape)


def standard(rng, shape, n_in, n_out, gain=1.0):
    limit = gain / math.sqrt(n_in)
    return rng.uniform(-limit, limit, size=shape)


def xavier_uniform(rng, shape, n_in, n_out, gain=1.0):
    limit = gain * math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=shape)


def xavier_normal(rng, shape, n_in, n_out, gain=1.0):
    return rng.normal(0.0, gain * math.sqrt(2.0 / (n_in + n_out)), size=shape)


def he_uniform(rng, shape, n_in, n_out, gain=1.0):
    limit = gain * math.sqrt(6.0 / n_in)
    return rng.uniform(-limit, limit, size=shape)


def he_normal(rng, shape, n_in, n_out, gain=1.0):
    return rng.normal(0.0, gain * math.sqrt(2.0 / n_in), size=shape)


def lecun_normal(rng, shape, n_in, n_out, gain=1.0):
    return rng.normal(0.0, gain * math.sqrt(1.0 / n_in), size=shape)


INITIALIZERS = {
    fn.__name__: fn
    for fn in (
        zeros,
        constant,
        uniform,
        normal,
        standard,
        xavier_uniform,
        xavier_normal,
        he_normal,
        he_uniform,
        lecun_normal,
    )
}

# The keyword each initializer takes besides ``gain`` (scenario keys: std, limit, value).
INIT_PARAMS = {"constant": ("value",), "uniform": ("limit",), "normal": ("std",)}


def initialize(name, rng, shape, n_in, n_out, **params) -> np.ndarray:
    """Draw an array of ``shape`` with initializer ``name`` (see the module docstring)."""
    try:
        fn = INITIALIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown initializer {name!r}; allowed: {', '.join(INITIALIZERS)}"
        ) from None
    params = {k: v for k, v in params.items() if v is not None}
    allowed = set(INIT_PARAMS.get(name, ())) | (
        {"gain"} if name not in ("zeros", "constant") else set()
    )
    extra = set(params) - allowed
    if extra:
        raise ValueError(
            f"initializer {name!r} takes {', '.join(sorted(allowed)) or 'no parameters'}, "
            f"not {', '.join(sorted(extra))}"
        )
    return fn(rng, shape, n_in, n_out, **params)
