"""Activation functions σ and their slopes σ′, one class each.

Every activation maps the pre-activation ``z`` (shape (batch, n)) to ``a = σ(z)`` and gives the
element-wise slope ``σ′(z)`` used in δˡ = (from above) ⊙ σ′(zˡ). Both write into ``out`` when it
is given (a buffer shaped like z, reused from step to step by the fast path) and allocate the
result otherwise: the same NumPy calls either way, so the values are the same bit for bit.
Softmax is the exception: its Jacobian is not diagonal, so it is only allowed on the output layer
together with the cross-entropy loss, where the output delta takes the fused form δᴸ = (a − y)/B.

Each class also writes σ′ for the debugger's explanations (``explain_slope``), beside the
``slope`` it explains: the formula, and the same formula with one unit's numbers in, which must
compute ``slope``'s value (tested for every registered activation).

``ACTIVATIONS`` is the registry: a name → class dict that the CLI and the UI build their choices
from. Adding an activation is one class here and one entry there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from .arrays import ONE, ZERO, row_max, row_sums
from .settings import Setting, layer_setting


class Activation(ABC):
    """Base class. ``max_slope`` is the largest value σ′ can take (for the saturation statistic)."""

    name = ""
    max_slope = 1.0
    saturates = False  # σ′ → 0 for large |z|: the saturated-fraction statistic applies
    row_wise = False  # aⱼ depends on the whole row of z, not on zⱼ alone (softmax)
    can_die = False  # σ′ = 0 on a whole half-line: the dead-unit statistic applies
    learnable: tuple[str, ...] = ()  # per-unit parameters this activation adds to its layer
    output_only = False  # only on the output layer, with a loss that lists it (softmax)
    kinked = False  # σ′ jumps at z = 0 (finite differences across it are not a derivative)
    settings: tuple[Setting, ...] = ()  # its own per-layer settings (α), declared once
    quiet: dict[str, str] = {}  # floating-point conditions σ raises on purpose (np.errstate
    # keywords): whoever applies σ silences them around the pass
    in_place = True  # σ(z, out=z) is right (each zᵢ is read before aᵢ is written over it), and
    # σ′ gives the same with a in z's place (it reads a, or only z's sign, which a shares)

    def __init__(self, alpha: float | None = None):
        own = {s.name: s for s in self.settings}
        if "alpha" in own:
            alpha = own["alpha"].default if alpha is None else own["alpha"].validate(alpha, "alpha")
        self.alpha = alpha

    @abstractmethod
    def __call__(self, z, out=None, **params):
        """a = σ(z) (into ``out`` when given)."""

    @abstractmethod
    def slope(self, z, a, out=None, **params):
        """σ′(z), element-wise, into ``out`` when given; ``a = σ(z)`` is passed so it need not be
        recomputed."""

    @abstractmethod
    def explain_slope(self, t):
        """σ′ for an explanation: (formula, the formula with one unit's numbers), written with
        ``t`` (``engine.debugger.explain.backward.SlopeTerms``: the unit's ``t.z`` and ``t.a``,
        its learnable ``t.params``, ``t.signed(x)`` for any other number, ``t.text`` and
        ``t.SQ`` for formula text). Plain strings are fine where no number is needed."""

    def grad_alpha(self, z, grad_a):
        """∂C/∂αⱼ of an activation with a learnable α (``learnable = ("alpha",)``, as PReLU)."""
        raise NotImplementedError(f"{self.name} has no learnable α")

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

    def explain_slope(self, t):
        return "1", "1"


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e⁻ᶻ), σ′(z) = σ(z)(1 − σ(z)); finite and accurate at any z.

    For z < −709 (−88 in float32) e⁻ᶻ overflows to +∞ and 1 / (1 + ∞) = 0, the correctly rounded
    value there; that overflow is expected (``quiet``: the caller silences it, once per pass,
    since an ``np.errstate`` costs microseconds). Elsewhere the result is within a few ulp. (Four
    NumPy calls instead of the seven of the two-branch form: this runs per layer. The last is
    ``np.divide(1, e)``, not ``np.reciprocal(e)``: the same correctly rounded quotient, and NumPy
    vectorizes the division, not the reciprocal — 1.1 µs against 1.8 µs on 64×32 in float64.)
    """

    name = "sigmoid"
    max_slope = 0.25
    saturates = True
    quiet = {"over": "ignore"}

    def __call__(self, z, out=None, **params):
        e = np.negative(z, out)
        np.exp(e, e)
        np.add(e, ONE[e.dtype], e)
        return np.divide(ONE[e.dtype], e, e)

    def slope(self, z, a, out=None, **params):
        s = np.subtract(ONE[a.dtype], a, out)
        return np.multiply(a, s, s)

    def explain_slope(self, t):
        return "a (1 − a)", t.a + " × (1 − " + t.a + ")"


class Tanh(Activation):
    """σ(z) = tanh z, σ′(z) = 1 − tanh² z."""

    name = "tanh"
    saturates = True

    def __call__(self, z, out=None, **params):
        return np.tanh(z, out)

    def slope(self, z, a, out=None, **params):
        s = np.multiply(a, a, out)
        return np.subtract(ONE[s.dtype], s, s)

    def explain_slope(self, t):
        return t.text("1 − a·a", "1 - a*a"), "1 − " + t.a + " × " + t.a  # (a², read as a layer)


class ReLU(Activation):
    """σ(z) = max(z, 0), σ′(z) = 1 if z > 0 else 0 (0 at z = 0, as in PyTorch)."""

    name = "relu"
    can_die = True
    kinked = True

    def __call__(self, z, out=None, **params):
        return np.maximum(z, ZERO[z.dtype], out=out)

    def slope(self, z, a, out=None, **params):
        return np.greater(z, ZERO[z.dtype], _like(z, out), casting="unsafe")  # True → 1.0

    def explain_slope(self, t):
        return "1 if z > 0 else 0", "1 if " + t.z + " > 0 else 0"


class LeakyReLU(Activation):
    """σ(z) = z if z > 0 else α z, σ′(z) = 1 if z > 0 else α (α defaults to 0.01)."""

    name = "leaky_relu"
    in_place = False  # σ reads z again after writing α z
    kinked = True
    alpha: float  # declared by its setting: never None
    settings = (layer_setting("alpha", "float", 0.01, "slope", "slope α for z ≤ 0", symbol="α"),)

    def __init__(self, alpha: float | None = None):
        super().__init__(alpha)
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

    def explain_slope(self, t):
        return "1 if z > 0 else α", "1 if " + t.z + " > 0 else " + t.signed(self.alpha)


class PReLU(Activation):
    """σ(z) = z if z > 0 else αⱼ z with a learnable slope αⱼ per unit j.

    σ′(z) = 1 if z > 0 else αⱼ, and ∂a/∂αⱼ = z where z ≤ 0 (else 0), so
    ∂C/∂αⱼ = Σ over the batch of (∂C/∂a ⊙ min(z, 0)). ``alpha`` here is the initial slope (0.25).
    """

    name = "prelu"
    in_place = False  # σ reads z again after writing αⱼ z
    learnable = ("alpha",)
    kinked = True
    settings = (
        layer_setting(
            "alpha",
            "float",
            0.25,
            "initial slope",
            "slope α for z ≤ 0, learned per unit",
            symbol="α",
        ),
    )

    def __call__(self, z, out=None, alpha=None, **params):
        a = np.multiply(z, alpha, out)
        np.copyto(a, z, where=z > 0)
        return a

    def slope(self, z, a, out=None, alpha=None, **params):
        s = _like(z, out)
        s[...] = alpha
        np.copyto(s, 1.0, where=z > 0)
        return s

    def explain_slope(self, t):
        return "1 if z > 0 else αⱼ", "1 if " + t.z + " > 0 else " + t.params["alpha"]

    def grad_alpha(self, z, grad_a):
        """∂C/∂αⱼ = Σᵢ ∂C/∂aᵢⱼ · min(zᵢⱼ, 0)."""
        return (grad_a * np.minimum(z, 0.0)).sum(axis=0)


class ELU(Activation):
    """σ(z) = z if z > 0 else α(eᶻ − 1), σ′(z) = 1 if z > 0 else σ(z) + α (α defaults to 1)."""

    name = "elu"
    in_place = False  # σ reads z again after writing α(eᶻ − 1)
    saturates = True
    settings = (
        layer_setting(
            "alpha",
            "float",
            1.0,
            "scale",
            "scale α of the negative part, α(eᶻ − 1)",
            symbol="α",
            lo=0.0,
            lo_open=True,
        ),
    )
    alpha: float  # declared by its setting: never None

    def __init__(self, alpha: float | None = None):
        super().__init__(alpha)
        self.max_slope = max(1.0, self.alpha)
        self.kinked = self.alpha != 1.0  # σ′(0⁻) = α, σ′(0⁺) = 1

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

    def explain_slope(self, t):
        return (
            "1 if z > 0 else a + α",
            "1 if " + t.z + " > 0 else " + t.a + " + " + t.signed(self.alpha),
        )


class Softmax(Activation):
    """aⱼ = e^{zⱼ} / Σₖ e^{zₖ} per row, shifted by the row maximum so it never overflows.

    Output layer only, with the cross-entropy loss: δᴸ = (a − y) / B is then computed directly.
    """

    name = "softmax"
    saturates = True
    row_wise = True
    output_only = True

    def __call__(self, z, out=None, **params):
        e = np.subtract(z, row_max(z), out)
        np.exp(e, e)
        return np.divide(e, row_sums(e), e)

    # The diagonal of the softmax Jacobian, aⱼ(1 − aⱼ) (shown, not used for δ): σ′ of sigmoid.
    slope = Sigmoid.slope

    def explain_slope(self, t):
        return "aⱼ (1 − aⱼ)", t.a + " × (1 − " + t.a + ")"


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
