"""Losses C(a, y), averaged over the examples of a batch, each with its gradient ∇ₐC.

Conventions (``CONVENTIONS.md``):

- ``mse``: C = mean over all elements of (a − y)²;            ∇ₐC = 2(a − y) / (B·n)
- ``quadratic``: C = mean over examples of ½‖a − y‖²;          ∇ₐC = (a − y) / B
- ``bce``: C = −mean[y log a + (1 − y) log(1 − a)] on sigmoid outputs, computed from the logits z
  as mean[max(z, 0) − z y + log(1 + e^{−|z|})];                ∇ₐC = (a − y) / (a(1 − a)·B·n)
- ``cross_entropy``: C = mean over examples of −Σⱼ yⱼ log softmax(z)ⱼ, computed as
  Σⱼ yⱼ (logsumexp(z) − zⱼ);                                   ∇ₐC = −y / (a·B)
  y is one-hot rows (or distributions), or class indices of shape (batch,), read as one-hot.

For sigmoid + bce and softmax + cross_entropy the output delta δᴸ = ∂C/∂zᴸ is computed in the
fused stable form (a − y)/(B·n) and (a·Σⱼyⱼ − y)/B, never as ∇ₐC ⊙ σ′(z). The general form
(a·Σⱼyⱼ − y)/B is the gradient of C for any target rows, as PyTorch's ``CrossEntropyLoss`` with
class probabilities differentiates it; it is exactly (a − y)/B when a row sums to 1 (one-hot rows,
class indices), so only targets whose rows sum to 1 approximately (0.33333 × 3) see a difference.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from .arrays import vdot


class Loss(ABC):
    name = ""
    fused_activation: str | None = None  # output activation with which δᴸ is fused
    allowed_outputs: tuple[str, ...] | None = None  # None: any but softmax

    @abstractmethod
    def value(self, z, a, y) -> float:
        """C averaged over the batch."""

    @abstractmethod
    def grad_a(self, z, a, y, out=None):
        """∇ₐC, shape (batch, n) (into ``out`` when given)."""

    def fused_delta(self, z, a, y, out=None):
        """δᴸ computed directly (only where ``fused_activation`` is the output activation), into
        ``out`` when given."""
        raise TypeError(f"{self.name} has no fused output delta")

    def __repr__(self) -> str:
        return self.name


class MSE(Loss):
    """C = (1/(B·n)) Σ (a − y)², as ``torch.nn.MSELoss``."""

    name = "mse"

    def value(self, z, a, y):
        r = a - y
        return float(vdot(r, r)) / r.size

    def grad_a(self, z, a, y, out=None):
        g = np.subtract(a, y, out)
        return np.multiply(g, 2.0 / a.size, g)


class Quadratic(Loss):
    """C = (1/B) Σₓ ½‖a − y‖², the textbook quadratic cost."""

    name = "quadratic"

    def value(self, z, a, y):
        r = a - y
        return 0.5 * float(vdot(r, r)) / r.shape[0]

    def grad_a(self, z, a, y, out=None):
        g = np.subtract(a, y, out)
        return np.multiply(g, 1.0 / a.shape[0], g)


class BinaryCrossEntropy(Loss):
    """C = −(1/(B·n)) Σ [y log a + (1 − y) log(1 − a)] with a = sigmoid(z), from the logits."""

    name = "bce"
    fused_activation = "sigmoid"
    allowed_outputs = ("sigmoid",)

    def value(self, z, a, y):
        per_element = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        return float(per_element.sum()) / z.size

    def grad_a(self, z, a, y, out=None):
        """(a − y) / (a(1 − a)·B·n); where a rounds to 0 or 1, the limit of −y/a + (1 − y)/(1 − a)
        with a term whose factor y or 1 − y is 0 left out (so a saturated correct output gives
        ∓1/(B·n), not NaN)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            g = (a - y) / (a * (1.0 - a) * a.size)
            edge = a * (1.0 - a) == 0
            if edge.any():
                limit = np.where(y != 0, -y / a, 0.0) + np.where(y != 1, (1.0 - y) / (1.0 - a), 0.0)
                g = np.where(edge, limit / a.size, g)
        return _into(out, g)

    def fused_delta(self, z, a, y, out=None):
        """δᴸ = (a − y) / (B·n)."""
        d = np.subtract(a, y, out)
        return np.multiply(d, 1.0 / a.size, d)


class CrossEntropy(Loss):
    """C = (1/B) Σₓ Σⱼ yⱼ (logsumexp(z) − zⱼ) with a = softmax(z); y one-hot (or a distribution)."""

    name = "cross_entropy"
    fused_activation = "softmax"
    allowed_outputs = ("softmax",)

    def value(self, z, a, y):
        y = _rows(y, z)
        m = z.max(axis=1, keepdims=True)
        log_sum_exp = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        return float((y * (log_sum_exp - z)).sum()) / z.shape[0]

    def grad_a(self, z, a, y, out=None):
        """−y / (a·B), and 0 where y = 0 (also where a underflows to 0)."""
        y = _rows(y, a)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = -y / (a * a.shape[0])
        g[y == 0] = 0.0
        return _into(out, g)

    def fused_delta(self, z, a, y, out=None):
        """δᴸ = (a·Σⱼyⱼ − y) / B: ∂C/∂zᴸ for any target rows; (a − y)/B when y is one-hot."""
        if y.ndim == 1:  # class indices: one-hot rows, each summing to 1 exactly
            d = np.subtract(a, _rows(y, a), out)
        else:
            d = np.multiply(a, y.sum(axis=1, keepdims=True), out)
            np.subtract(d, y, d)
        return np.multiply(d, 1.0 / a.shape[0], d)


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls for cls in (MSE, Quadratic, BinaryCrossEntropy, CrossEntropy)
}


def make_loss(name: str) -> Loss:
    try:
        return LOSSES[name]()
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; allowed: {', '.join(LOSSES)}") from None


def _into(out, g):
    """``g``, copied into ``out`` when given."""
    if out is None:
        return g
    np.copyto(out, g)
    return out


def _rows(y, like):
    """Targets as rows like ``like`` (batch, n): class indices of shape (batch,) become one-hot."""
    if y.ndim == 1:
        return one_hot(y, like.shape[1], dtype=like.dtype)
    return y


def one_hot(labels, n_classes: int, dtype=np.float64) -> np.ndarray:
    """Class indices (batch,) → one-hot rows (batch, n_classes)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"class indices must have shape (batch,), not {labels.shape}")
    if labels.dtype.kind not in "iub" and not np.array_equal(labels, np.floor(labels)):
        raise ValueError("class indices must be whole numbers 0, 1, 2, …")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"class index {int(labels.max() if labels.max() >= n_classes else labels.min())} "
            f"is outside 0…{n_classes - 1} (the output layer has {n_classes} units)"
        )
    out = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels.astype(np.intp)] = 1.0
    return out
