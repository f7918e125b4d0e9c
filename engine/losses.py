"""Losses C(a, y), averaged over the examples of a batch, each with its gradient ∇ₐC.

Conventions (``docs/notation.md``):

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

Each class also states itself for the debugger's explanations, beside the math: ``formula`` (C₀),
``terms`` (the loss's terms ℓ, with C₀ = Σ ℓ / ``denominator``), ``explain_grad`` (∂C/∂aⱼ) and
``explain_fused_delta`` (δᴸⱼ) — formulas with one unit's numbers in, which must compute the
engine's values (tested for every registered loss). ``LOSSES`` is the registry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from .arrays import row_max, row_sums, vdot


class Loss(ABC):
    name = ""
    fused_activation: str | None = None  # output activation with which δᴸ is fused
    allowed_outputs: tuple[str, ...] | None = None  # None: any but softmax
    targets: str | None = None  # class targets it takes: "binary" (0/1 columns), "onehot", or
    # None (real values; class labels are then read as numbers)
    formula: tuple[str, str] = ("", "")  # C₀ written out (Unicode, ASCII), for explanations:
    # "(1/B) Σₓ ℓ" or "(1/(B·n)) Σₓ Σⱼ ℓ" with ℓ one of ``terms`` as written, the sum over the
    # examples x (Σₓ, when ``terms`` are one per example) or over the examples and the outputs j
    # (Σₓ Σⱼ, one per element) — the explanation's next line is (ℓ + ℓ + …) / ``denominator``
    mean_over = "examples"  # C₀ = Σ terms / B ("examples") or / (B·n) ("elements")

    @abstractmethod
    def value(self, z, a, y) -> float:
        """C averaged over the batch."""

    @abstractmethod
    def grad_a(self, z, a, y, out=None):
        """∇ₐC, shape (batch, n) (into ``out`` when given)."""

    def value_and_grad_a(self, z, a, y, out=None) -> tuple[float, np.ndarray]:
        """(``value``, ``grad_a``) — a loss whose both start from the residual a − y computes it
        once (the fast path's step asks for both)."""
        return self.value(z, a, y), self.grad_a(z, a, y, out)

    def fused_delta(self, z, a, y, out=None):
        """δᴸ computed directly (only where ``fused_activation`` is the output activation), into
        ``out`` when given."""
        raise TypeError(f"{self.name} has no fused output delta")

    @abstractmethod
    def terms(self, z, a, y):
        """The loss's terms ℓ (per element, or per example): C₀ = Σ ℓ / ``denominator``."""

    def denominator(self, shape: tuple[int, int]) -> int:
        """What the sum of the terms is divided by: B, or B·n for a mean over elements."""
        return shape[0] * shape[1] if self.mean_over == "elements" else shape[0]

    @abstractmethod
    def explain_grad(self, t):
        """∂C/∂aⱼ for an explanation: (formula, the formula with one unit's numbers), written
        with ``t`` (``engine.debugger.explain.loss.LossTerms``: the symbols ``t.a``, ``t.y``,
        their numbers ``t.a_value``, ``t.y_value``, the batch size ``t.B``, outputs ``t.n``)."""

    def explain_fused_delta(self, t):
        """δᴸⱼ in the fused form, for an explanation (as ``explain_grad``)."""
        raise TypeError(f"{self.name} has no fused output delta")

    def __repr__(self) -> str:
        return self.name


class MSE(Loss):
    """C = (1/(B·n)) Σ (a − y)², as ``torch.nn.MSELoss``."""

    name = "mse"
    formula = ("(1/(B·n)) Σₓ Σⱼ (aⱼ − yⱼ)²", "(1/(B*n)) sum_x sum_j (a_j - y_j)^2")
    mean_over = "elements"

    def value(self, z, a, y):
        r = a - y
        return float(vdot(r, r)) / r.size

    def grad_a(self, z, a, y, out=None):
        g = np.subtract(a, y, out)
        return np.multiply(g, 2.0 / a.size, g)

    def value_and_grad_a(self, z, a, y, out=None):
        r = np.subtract(a, y, out)
        value = float(vdot(r, r)) / r.size
        return value, np.multiply(r, 2.0 / a.size, r)

    def terms(self, z, a, y):
        return (a - y) ** 2

    def explain_grad(self, t):
        return (
            "2 (" + t.a + " − " + t.y + ") / (B·n)",
            "2 × (" + t.a_value + " − " + t.y_value + f") / {t.B * t.n}",
        )


class Quadratic(Loss):
    """C = (1/B) Σₓ ½‖a − y‖², the textbook quadratic cost; explained as (1/B) Σₓ Σⱼ ½(aⱼ − yⱼ)²,
    one term per output unit, as one works it by hand."""

    name = "quadratic"
    formula = ("(1/B) Σₓ Σⱼ ½(aⱼ − yⱼ)²", "(1/B) sum_x sum_j 1/2 (a_j - y_j)^2")

    def value(self, z, a, y):
        r = a - y
        return 0.5 * float(vdot(r, r)) / r.shape[0]

    def grad_a(self, z, a, y, out=None):
        g = np.subtract(a, y, out)
        return np.multiply(g, 1.0 / a.shape[0], g)

    def value_and_grad_a(self, z, a, y, out=None):
        r = np.subtract(a, y, out)
        value = 0.5 * float(vdot(r, r)) / r.shape[0]
        return value, np.multiply(r, 1.0 / a.shape[0], r)

    def terms(self, z, a, y):
        return 0.5 * (a - y) ** 2

    def explain_grad(self, t):
        return (
            "(" + t.a + " − " + t.y + ") / B",
            "(" + t.a_value + " − " + t.y_value + f") / {t.B}",
        )


class BinaryCrossEntropy(Loss):
    """C = (1/(B·n)) Σₓ Σⱼ −[yⱼ log aⱼ + (1 − yⱼ) log(1 − aⱼ)] with a = sigmoid(z), from the
    logits."""

    name = "bce"
    fused_activation = "sigmoid"
    allowed_outputs = ("sigmoid",)
    targets = "binary"
    formula = (
        "(1/(B·n)) Σₓ Σⱼ −[yⱼ log aⱼ + (1 − yⱼ) log(1 − aⱼ)]",
        "(1/(B*n)) sum_x sum_j -[y_j log a_j + (1-y_j) log(1-a_j)]",
    )
    mean_over = "elements"

    def value(self, z, a, y):
        return float(self.terms(z, a, y).sum()) / z.size

    def terms(self, z, a, y):
        """max(z, 0) − z y + log(1 + e^{−|z|}) = −[y log a + (1 − y) log(1 − a)], from z."""
        return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))

    def explain_grad(self, t):
        a, y = t.a_value, t.y_value
        return (
            "(a − y) / (a (1 − a) B n)",
            "(" + a + " − " + y + ") / (" + a + " × (1 − " + a + f") × {t.B * t.n})",
        )

    def explain_fused_delta(self, t):
        return (
            "(" + t.a + " − " + t.y + ") / (B·n)",
            "(" + t.a_value + " − " + t.y_value + f") / {t.B * t.n}",
        )

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
    targets = "onehot"
    formula = ("(1/B) Σₓ −Σⱼ yⱼ log aⱼ", "(1/B) sum_x -sum_j y_j log a_j")

    def value(self, z, a, y):
        return float(vdot(_rows(y, z), _log_sum_exp(z) - z)) / z.shape[0]

    def terms(self, z, a, y):
        """One per example: Σⱼ yⱼ (logsumexp(z) − zⱼ) = −Σⱼ yⱼ log aⱼ, from z."""
        return row_sums(_rows(y, z) * (_log_sum_exp(z) - z))[:, 0]

    def explain_grad(self, t):
        return "−y / (a B)", "−" + t.y_value + " / (" + t.a_value + f" × {t.B})"

    def explain_fused_delta(self, t):
        if t.y_sum == 1.0:  # one-hot rows, class indices, any row summing to 1 exactly
            return (
                "(" + t.a + " − " + t.y + ") / B",
                "(" + t.a_value + " − " + t.y_value + f") / {t.B}",
            )
        return (
            "(" + t.a + " Σₖyₖ − " + t.y + ") / B",
            "(" + t.a_value + " × " + t.number(t.y_sum) + " − " + t.y_value + f") / {t.B}",
        )

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
            d = np.multiply(a, row_sums(y), out)
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


def _log_sum_exp(z):
    """log Σⱼ e^{zⱼ} for each row, shape (rows, 1): m + log Σⱼ e^{zⱼ − m} with m the row maximum,
    so nothing overflows."""
    m = row_max(z)
    return m + np.log(row_sums(np.exp(z - m)))


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
