"""The rule of one layer, as a line of text: which equations its forward pass, its δ, its
gradients and its update follow — the plain dense layer's, or with dropout, batch norm or both
(``engine/layers.py``). Written in the notation of ``docs/notation.md``, in batch rows, with
``ˡ`` for the layer (``with_layer`` puts its number in), and in the same terms as the
explanations of this package (``forward.py``, ``backward.py``) use for one unit:

- plain:       zˡ = aˡ⁻¹Wˡᵀ + bˡ, aˡ = σ(zˡ);  δˡ = from above ⊙ σ′(zˡ)
- dropout:     aˡ = σ(zˡ) ⊙ mˡ;  δˡ = from above ⊙ mˡ ⊙ σ′(zˡ)
- batch norm:  ẑˡ = (zˡ − μ) / √(σ² + ε), uˡ = γˡ ⊙ ẑˡ + βˡ, aˡ = σ(uˡ);
               ∂C/∂ẑ = from above ⊙ σ′(uˡ) ⊙ γˡ,
               δˡ = (B ∂C/∂ẑ − Σₓ ∂C/∂ẑ − ẑˡ ⊙ Σₓ ∂C/∂ẑ ⊙ ẑˡ) / (B √(σ² + ε));
               ∂C/∂γˡ = Σₓ ∂C/∂uˡ ⊙ ẑˡ, ∂C/∂βˡ = Σₓ ∂C/∂uˡ (∂C/∂uˡ = from above ⊙ σ′(uˡ))
- both:        the batch-norm rule with ⊙ mˡ after σ(uˡ) and after "from above".

A ``LayerRule`` is made from a layer (``of_layer``) or from an event (``of_event``: its fields
say what the layer has — a mask, ẑ, ∂C/∂ẑ, γ's gradient); the Debugger panel's headings and
array names use it, and so can any other caption that states a layer's equations.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formatting import sup


def with_layer(text: str, l: int | None) -> str:
    """``δˡ = … aˡ⁻¹`` with the layer's number: ``δ² = … a¹`` (unchanged when l is None)."""
    if l is None:
        return text
    return text.replace("ˡ⁻¹", sup(l - 1)).replace("ˡ⁺¹", sup(l + 1)).replace("ˡ", sup(l))


LINEAR = "zˡ = aˡ⁻¹Wˡᵀ + bˡ"
NORMALIZE = "ẑˡ = (zˡ − μ) / √(σ² + ε)"
SCALE = "uˡ = γˡ ⊙ ẑˡ + βˡ"
BN_DELTA = "δˡ = (B ∂C/∂ẑ − Σₓ ∂C/∂ẑ − ẑˡ ⊙ Σₓ ∂C/∂ẑ ⊙ ẑˡ) / (B √(σ² + ε))"


@dataclass(frozen=True)
class LayerRule:
    """What lies between zˡ and aˡ: batch norm (σ applied to uˡ = γˡ ⊙ ẑˡ + βˡ) and/or an
    inverted-dropout mask mˡ on σ's output."""

    batch_norm: bool = False
    dropout: bool = False

    @classmethod
    def of_layer(cls, layer) -> LayerRule:
        """The rule of an ``engine.layers.Dense`` in training (dropout only where p > 0)."""
        return cls(bool(layer.batch_norm), bool(layer.dropout))

    @classmethod
    def of_event(cls, event) -> LayerRule:
        """The rule as far as ``event`` shows it: Forward and Delta events carry the mask and
        the batch-norm arrays; Gradient and Update events γ's gradient or step (in ``extra``),
        not the mask (their rules do not depend on it)."""
        extra = getattr(event, "extra", None) or {}
        batch_norm = (
            getattr(event, "z_hat", None) is not None
            or getattr(event, "grad_z_hat", None) is not None
            or "gamma" in extra
        )
        return cls(batch_norm, getattr(event, "mask", None) is not None)

    @property
    def sigma_input(self) -> str:
        """What σ is applied to: ``uˡ`` with batch norm, else ``zˡ``."""
        return "uˡ" if self.batch_norm else "zˡ"

    @property
    def slope(self) -> str:
        """The local slope's name: ``σ′(zˡ)``, or ``σ′(uˡ)`` with batch norm."""
        return f"σ′({self.sigma_input})"

    @property
    def activation(self) -> str:
        """``aˡ = σ(zˡ)``, ``aˡ = σ(uˡ) ⊙ mˡ``, …"""
        return f"aˡ = σ({self.sigma_input})" + (" ⊙ mˡ" if self.dropout else "")

    def forward(self) -> str:
        """The forward pass: zˡ = aˡ⁻¹Wˡᵀ + bˡ, [ẑˡ = …, uˡ = …,] aˡ = σ(·) [⊙ mˡ]."""
        steps = [LINEAR, *((NORMALIZE, SCALE) if self.batch_norm else ()), self.activation]
        return ", ".join(steps)

    def delta(self, output: bool = False) -> str:
        """δˡ from the factor from above: (Wˡ⁺¹)ᵀ δˡ⁺¹ below the output layer; at the output
        layer (``output``) it is ∇ₐC and is written so, δᴸ = ∇ₐC ⊙ σ′(zᴸ) (docs/notation.md)."""
        factor = "∇ₐC" if output else "from above"
        chain = factor + (" ⊙ mˡ" if self.dropout else "") + f" ⊙ {self.slope}"
        if not self.batch_norm:
            return f"δˡ = {chain}"
        return f"∂C/∂ẑ = {chain} ⊙ γˡ, {BN_DELTA}"

    def gradient(self) -> str:
        """∂C/∂Wˡ and ∂C/∂bˡ from δˡ; with batch norm ∂C/∂γˡ and ∂C/∂βˡ from ∂C/∂uˡ."""
        text = "∂C/∂Wˡ = δˡᵀ aˡ⁻¹, ∂C/∂bˡ = Σₓ δˡ"
        if self.batch_norm:
            text += ", ∂C/∂γˡ = Σₓ ∂C/∂uˡ ⊙ ẑˡ, ∂C/∂βˡ = Σₓ ∂C/∂uˡ"
        return text

    def update(self) -> str:
        """Wˡ ← Wˡ − ΔWˡ (and γ, β with batch norm)."""
        text = "Wˡ ← Wˡ − ΔWˡ"
        if self.batch_norm:
            text += ", γˡ ← γˡ − Δγˡ, βˡ ← βˡ − Δβˡ"
        return text
