"""Activation functions σ and their slopes σ′, one class each.

Every activation maps the pre-activation ``z`` (shape (batch, n)) to ``a = σ(z)`` and gives the
element-wise slope ``σ′(z)`` used in δˡ = (from above) ⊙ σ′(zˡ). Both write into ``out`` when it
is given (a buffer shaped like z, reused from step to step by the fast path) and allocate the
result otherwise: the same NumPy calls either way, so the values are the same bit for bit.
Softmax is the exception: its Jacobian is not diagonal, so it is only allowed on the output layer
together with the cross-entropy loss, where the output delta takes the fused form δᴸ = (a − y)/B.

``ACTIVATIONS`` is the registry: a name → class dict that the CLI and the UI build their choices
from. Adding an activation is one class here and one entry there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Activation(ABC):
    """Base class. ``max_slope`` is the largest value σ′ can take (for the saturation statistic)."""

    name = ""
    max_slope = 1.0
    saturates = False  # σ′ → 0 for large |z|: the saturated-fraction statistic applies
    can_die = False  # σ′ = 0 on a whole half-line: the dead-unit statistic applies
    learnable: tuple[str, ...] = ()  # per-unit parameters this activation adds to its layer
    quiet: dict[str, str] = {}  # floating-point conditions σ raises on purpose (np.errstate
    # keywords): whoever applies σ silences them around the pass

    def __init__(self, alpha: float | None = None):
        self.alpha = alpha

    @abstractmethod
    def __call__(self, z, out=None, **params):
        """a = σ(z) (into ``out`` when given)."""

    @abstractmethod
    def slope(self, z, a, out=None, **params):
        """σ′(z), element-wise, into ``out`` when given; ``a = σ(z)`` is passed so it need not be
        recomputed."""

    def __repr__(self) -> str:
        if self.alpha is None:
            return self.name
        return f"{self.name}(alpha={self.alpha:g})"


class Linear(Activation):
    """σ(z) = z, σ′(z) = 1."""

    name = "linear"

    def __call__(self, z, out=None, **params):
        if out is None:
            return z
        np.copyto(out, z)
        return out

    def slope(self, z, a, out=None, **params):
        if out is None:
            return np.ones_like(z)
        out.fill(1.0)
        return out


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e⁻ᶻ), σ′(z) = σ(z)(1 − σ(z)); finite and accurate at any z.

    For z < −709 (−88 in float32) e⁻ᶻ overflows to +∞ and 1 / (1 + ∞) = 0, the correctly rounded
    value there; that overflow is expected (``quiet``: the caller silences it, once per pass,
    since an ``np.errstate`` costs microseconds). Elsewhere the result is within a few ulp. (Four
    NumPy calls instead of the seven of the two-branch form: this runs per layer.)
    """

    name = "sigmoid"
    max_slope = 0.25
    saturates = True
    quiet = {"over": "ignore"}

    def __call__(self, z, out=None, **params):
        e = np.negative(z, out)
        np.exp(e, e)
        e += 1.0
        return np.reciprocal(e, e)

    def slope(self, z, a, out=None, **params):
        s = np.subtract(1.0, a, out)
        return np.multiply(a, s, s)


class Tanh(Activation):
    """σ(z) = tanh z, σ′(z) = 1 − tanh² z."""

    name = "tanh"
    saturates = True

    def __call__(self, z, out=None, **params):
        return np.tanh(z, out)

    def slope(self, z, a, out=None, **params):
        s = np.multiply(a, a, out)
        return np.subtract(1.0, s, s)


class ReLU(Activation):
    """σ(z) = max(z, 0), σ′(z) = 1 if z > 0 else 0 (0 at z = 0, as in PyTorch)."""

    name = "relu"
    can_die = True

    def __call__(self, z, out=None, **params):
        return np.maximum(z, 0.0, out=out)

    def slope(self, z, a, out=None, **params):
        return np.greater(z, 0.0, _like(z, out), casting="unsafe")  # True → 1.0


class LeakyReLU(Activation):
    """σ(z) = z if z > 0 else α z, σ′(z) = 1 if z > 0 else α (α defaults to 0.01)."""

    name = "leaky_relu"

    def __init__(self, alpha: float | None = None):
        super().__init__(0.01 if alpha is None else float(alpha))
        self.max_slope = max(1.0, abs(self.alpha))

    def __call__(self, z, out=None, **params):
        a = np.multiply(z, self.alpha, out)
        np.copyto(a, z, where=z > 0)
        return a

    def slope(self, z, a, out=None, **params):
        s = _like(z, out)
        s.fill(self.alpha)
        np.copyto(s, 1.0, where=z > 0)
        return s


class PReLU(Activation):
    """σ(z) = z if z > 0 else αⱼ z with a learnable slope αⱼ per unit j.

    σ′(z) = 1 if z > 0 else αⱼ, and ∂a/∂αⱼ = z where z ≤ 0 (else 0), so
    ∂C/∂αⱼ = Σ over the batch of (∂C/∂a ⊙ min(z, 0)). ``alpha`` here is the initial slope (0.25).
    """

    name = "prelu"
    learnable = ("alpha",)

    def __init__(self, alpha: float | None = None):
        super().__init__(0.25 if alpha is None else float(alpha))

    def __call__(self, z, out=None, alpha=None, **params):
        a = np.multiply(z, alpha, out)
        np.copyto(a, z, where=z > 0)
        return a

    def slope(self, z, a, out=None, alpha=None, **params):
        s = _like(z, out)
        s[...] = alpha
        np.copyto(s, 1.0, where=z > 0)
        return s

    def grad_alpha(self, z, grad_a):
        """∂C/∂αⱼ = Σᵢ ∂C/∂aᵢⱼ · min(zᵢⱼ, 0)."""
        return (grad_a * np.minimum(z, 0.0)).sum(axis=0)


class ELU(Activation):
    """σ(z) = z if z > 0 else α(eᶻ − 1), σ′(z) = 1 if z > 0 else σ(z) + α (α defaults to 1)."""

    name = "elu"
    saturates = True

    def __init__(self, alpha: float | None = None):
        super().__init__(1.0 if alpha is None else float(alpha))
        self.max_slope = max(1.0, self.alpha)

    def __call__(self, z, out=None, **params):
        a = np.minimum(z, 0.0, out=out)
        np.expm1(a, a)
        np.multiply(a, self.alpha, a)
        np.copyto(a, z, where=z > 0)
        return a

    def slope(self, z, a, out=None, **params):
        s = np.add(a, self.alpha, out)
        np.copyto(s, 1.0, where=z > 0)
        return s


class Softmax(Activation):
    """aⱼ = e^{zⱼ} / Σₖ e^{zₖ} per row, shifted by the row maximum so it never overflows.

    Output layer only, with the cross-entropy loss: δᴸ = (a − y) / B is then computed directly.
    """

    name = "softmax"
    saturates = True

    def __call__(self, z, out=None, **params):
        e = np.subtract(z, z.max(axis=1, keepdims=True), out)
        np.exp(e, e)
        return np.divide(e, e.sum(axis=1, keepdims=True), e)

    # The diagonal of the softmax Jacobian, aⱼ(1 − aⱼ) (shown, not used for δ): σ′ of sigmoid.
    slope = Sigmoid.slope


def _like(z, out):
    """``out``, or a new array shaped like z."""
    return np.empty_like(z) if out is None else out


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, ELU, Softmax)
}


def make_activation(name: str, alpha: float | None = None) -> Activation:
    """The activation called ``name``; ``alpha`` is the leaky/PReLU slope or the ELU scale."""
    try:
        cls = ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; allowed: {', '.join(ACTIVATIONS)}"
        ) from None
    return cls(alpha) if alpha is not None else cls()
