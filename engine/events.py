"""The events of one training step, in the order the math happens (``CONVENTIONS.md``).

StepStart → Forward(l) for l = 1…L → Loss → [Delta(l), Gradient(l)] for l = L…1 → Clip (when
clipping is on) → Update(l) for l = 1…L → StepEnd.

Events are frozen, slotted dataclasses. Their arrays are read-only and shared with the
computation (never copies) and never mutated afterwards, so keeping an event costs nothing and a
consumer may pause between any two of them. The network's parameters change only when the step
completes (just before StepEnd is produced).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class Event:
    @property
    def kind(self) -> str:
        """Lower-case event name, as in the trace format: ``forward``, ``delta``, …"""
        return _KINDS[type(self)]

    @property
    def phase(self) -> str:
        """``forward``, ``backward``, ``update`` or ``step`` (StepStart/StepEnd)."""
        return _PHASES[type(self)]

    def arrays(self) -> dict[str, Array]:
        """The event's array fields by name, in declaration order (None fields left out)."""
        return {
            f.name: v for f in fields(self) if isinstance(v := getattr(self, f.name), np.ndarray)
        }


@dataclass(frozen=True, slots=True)
class StepStart(Event):
    step: int  # optimizer steps taken before this one + 1
    epoch: int  # 1-based
    batch: int  # 1-based index of the batch within the epoch
    batch_size: int
    lr: float  # η in force for this step (after any schedule)
    indices: Array | None = None  # rows of the training set in this batch


@dataclass(frozen=True, slots=True)
class Forward(Event):
    """zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ,  aˡ = σ(zˡ)  (+ dropout / batch-norm fields where used)."""

    l: int
    a_prev: Array
    z: Array
    a: Array
    mask: Array | None = None  # inverted-dropout mask (0 or 1/(1−p)), applied to σ(z)
    z_hat: Array | None = None  # batch norm: (z − μ) / √(σ² + ε)
    batch_mean: Array | None = None
    batch_var: Array | None = None


@dataclass(frozen=True, slots=True)
class Loss(Event):
    """C = data term + penalty; ∇ₐC of the data term w.r.t. the output activation."""

    value: float
    grad_a: Array
    data_loss: float
    penalty: float
    y: Array
    fused: bool  # δᴸ computed in the fused stable form (sigmoid+bce, softmax+cross_entropy)


@dataclass(frozen=True, slots=True)
class Delta(Event):
    """δˡ = ∂C/∂zˡ = from_above ⊙ local_slope (for l = L: from_above = ∇ₐC).

    With dropout, from_above ⊙ mask ⊙ local_slope. With batch norm, local_slope is σ′(γẑ + β),
    grad_z_hat = from_above (⊙ mask) ⊙ local_slope ⊙ γ, and δ is ∂C/∂ẑ carried back through
    the normalization to z (see ``engine.layers``).
    """

    l: int
    delta: Array
    from_above: Array  # (Wˡ⁺¹)ᵀ δˡ⁺¹ for hidden layers, ∇ₐC for the output layer
    local_slope: Array | None  # σ′(zˡ); None where δ is fused
    fused: bool = False
    mask: Array | None = None  # dropout mask the gradient passes through (hidden layers)
    grad_z_hat: Array | None = None  # batch norm: ∂C/∂ẑ


@dataclass(frozen=True, slots=True)
class Gradient(Event):
    """∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹ summed over the batch, ∂C/∂bˡ = Σ δˡ (+ penalty terms)."""

    l: int
    grad_W: Array  # total: data term + penalty term
    grad_b: Array
    grad_W_penalty: Array | None = None  # λ₂ W + λ₁ sign(W), where regularization is on
    extra: dict[str, Array] = field(default_factory=dict)  # e.g. alpha (PReLU), gamma, beta


@dataclass(frozen=True, slots=True)
class Clip(Event):
    """Gradient clipping: by value (each entry to ±threshold) or by global norm."""

    mode: str  # "value" or "norm"
    threshold: float
    norm_before: float
    norm_after: float
    changed: tuple[int, ...]  # layers whose gradients were changed


@dataclass(frozen=True, slots=True)
class Update(Event):
    """Wˡ ← Wˡ − step_W (and likewise b and any other parameter), computed, not yet applied."""

    l: int
    W_old: Array
    W_new: Array
    step_W: Array
    b_old: Array
    b_new: Array
    step_b: Array
    grad_W: Array  # the gradient the optimizer used (after clipping)
    grad_b: Array
    lr: float
    optimizer: str
    t: int  # optimizer step count (Adam's bias correction uses it)
    state: dict[str, dict[str, Array]]  # optimizer state after this step, per parameter name
    extra: dict[str, tuple[Array, Array, Array]] = field(
        default_factory=dict
    )  # name → old, new, step


@dataclass(frozen=True, slots=True)
class StepEnd(Event):
    """The step is complete and its updates are applied."""

    step: int
    epoch: int
    batch: int
    loss: float
    stats: tuple  # one LayerStats per layer, l = 1…L


_KINDS = {
    cls: cls.__name__.lower()
    for cls in (StepStart, Forward, Loss, Delta, Gradient, Clip, Update, StepEnd)
}
_KINDS[StepStart] = "step_start"
_KINDS[StepEnd] = "step_end"
_PHASES = {
    StepStart: "step",
    Forward: "forward",
    Loss: "forward",
    Delta: "backward",
    Gradient: "backward",
    Clip: "update",
    Update: "update",
    StepEnd: "step",
}
EVENT_KINDS = tuple(_KINDS.values())
