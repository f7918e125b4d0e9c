"""A dense (fully connected) layer: the forward and backward rules of one weight layer l.

    zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ          (batch rows; Wˡ has shape (nˡ, nˡ⁻¹), as torch.nn.Linear)
    aˡ = σ(zˡ)
    δˡ = ∂C/∂aˡ ⊙ σ′(zˡ)         (∂C/∂aˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ = δˡ⁺¹ Wˡ⁺¹ in batch rows)
    ∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹,  ∂C/∂bˡ = Σ_batch δˡ

Parameters live in ``params`` (a name → read-only array dict: ``W``, ``b`` and any the activation
adds, e.g. PReLU's ``alpha``). They are replaced, never modified in place, so old values can be
kept by reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation


def frozen(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only (no copy) and return it."""
    array.flags.writeable = False
    return array


@dataclass
class Dense:
    l: int
    n_in: int
    n_out: int
    activation: Activation
    params: dict[str, np.ndarray]
    init: str = ""  # how W was initialized, for display
    norm_cache: tuple = (None, 0.0)  # (W, ‖W‖) of the last statistics, see stats.layer_stats

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    @property
    def n_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def act_params(self, params: dict | None = None) -> dict:
        """The activation's learnable parameters (PReLU's alpha), as keyword arguments."""
        p = self.params if params is None else params
        return {name: p[name] for name in self.activation.learnable}

    def forward(self, a_prev, rng=None, train=True):
        """zˡ = aˡ⁻¹ Wᵀ + b,  aˡ = σ(zˡ).

        Returns (z, a, extra): ``extra`` is None for a plain dense layer, or a dict of the
        Forward event's extra fields (dropout mask, batch-norm values) that backward needs too.
        ``rng`` draws dropout masks; ``train=False`` is evaluation mode.
        """
        z = a_prev @ self.params["W"].T + self.params["b"]
        a = self.activation(z, **self.act_params())
        return z, a, None

    def backward(self, grad_a, z, a, extra):
        """δˡ = ∂C/∂aˡ ⊙ σ′(zˡ).  Returns (delta, local_slope, extra Delta-event fields or None)."""
        local_slope = self.activation.slope(z, a, **self.act_params())
        return grad_a * local_slope, local_slope, None

    def gradients(self, delta, a_prev, grad_a, z, extra) -> dict[str, np.ndarray]:
        """∂C/∂Wˡ = δᵀ aˡ⁻¹ and ∂C/∂bˡ = Σ δ (+ ∂C/∂α for PReLU, from ∂C/∂aˡ and zˡ)."""
        grads = {"W": delta.T @ a_prev, "b": delta.sum(axis=0)}
        if self.activation.learnable:
            grads["alpha"] = self.activation.grad_alpha(z, grad_a)
        return grads

    def from_above(self, delta):
        """(Wˡ)ᵀ δˡ in batch rows: the factor δˡ passes down to layer l − 1."""
        return delta @ self.params["W"]

    def describe(self) -> str:
        return f"{self.n_in}→{self.n_out} {self.activation!r}"

    def __repr__(self) -> str:
        return f"Dense(l={self.l}, {self.describe()}, params={self.n_params})"
