"""The events of one training step, in the order the math happens (``docs/notation.md``).

StepStart → Forward(l) for l = 1…L → Loss → [Delta(l), Gradient(l)] for l = L…1 → Clip (when
clipping is on) → Update(l) for l = 1…L → StepEnd.

Events are immutable: each class is a named tuple (built by ``@event`` from the annotated class
body below), because a tuple is the cheapest immutable object Python can build — 0.5–0.8 µs an
event, against 1–3.7 µs for a frozen dataclass, and a tiny network's step makes 16 of them.
Assigning to a field raises ``AttributeError``; two events are equal only if they are of the same
class. Their arrays are read-only and shared with the computation (never copies) and never mutated
afterwards, so keeping an event costs nothing and a consumer may pause between any two of them.
The network's parameters change only when the step completes (just before StepEnd is produced).
"""

from __future__ import annotations

from collections import namedtuple
from types import MappingProxyType
from typing import NamedTuple, dataclass_transform

import numpy as np

Array = np.ndarray

NO_DEFAULT = object()  # ``EventField.default`` of a required field
EMPTY: MappingProxyType = MappingProxyType({})  # the shared, read-only default of ``extra``


class EventField(NamedTuple):
    """One field of an event class: its name, its annotation (as written) and its default."""

    name: str
    type: str
    default: object  # NO_DEFAULT for a required field


class Event(tuple):
    """Base of every event: a tuple whose items are the fields, in declaration order."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    FIELDS: tuple[EventField, ...] = ()
    kind: str = ""
    """Lower-case event name, as in the trace format: ``forward``, ``delta``, … (a class
    attribute: a consumer dispatching on it reads it at every event)."""
    phase: str = ""
    """``forward``, ``backward``, ``update`` or ``step`` (StepStart/StepEnd)."""

    def arrays(self) -> dict[str, Array]:
        """The event's array fields by name, in declaration order (None fields left out)."""
        return {name: v for name, v in zip(self._fields, self) if isinstance(v, np.ndarray)}

    def __eq__(self, other):
        return type(self) is type(other) and tuple.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = tuple.__hash__


@dataclass_transform(frozen_default=True)  # type checkers: the fields make the constructor
def event(body: type) -> type[Event]:
    """The event class described by ``body``'s annotations (fields, in order) and defaults."""
    names = tuple(body.__annotations__)
    defaults = {name: body.__dict__[name] for name in names if name in body.__dict__}
    required = [name for name in names if name not in defaults]
    if required and names.index(required[-1]) >= len(names) - len(defaults):
        raise TypeError(f"{body.__name__}: fields with defaults must come last")
    # mypy reads only literal namedtuple() calls; these fields come from the body at run time
    values = tuple(defaults.values())
    base = namedtuple(body.__name__, names, defaults=values, module=body.__module__)  # type: ignore[misc]
    namespace = {
        "__slots__": (),
        "__doc__": body.__doc__,
        "__module__": body.__module__,
        "__qualname__": body.__qualname__,
        "__annotations__": dict(body.__annotations__),
        "FIELDS": tuple(
            EventField(name, body.__annotations__[name], defaults.get(name, NO_DEFAULT))
            for name in names
        ),
    }
    return type(body.__name__, (base, Event), namespace)


@event
class StepStart(Event):
    step: int  # optimizer steps taken before this one + 1
    epoch: int  # 1-based
    batch: int  # 1-based index of the batch within the epoch
    batch_size: int
    lr: float  # η in force for this step (after any schedule)
    indices: Array | None = None  # rows of the training set in this batch


@event
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


@event
class Loss(Event):
    """C = data term + penalty; ∇ₐC of the data term w.r.t. the output activation."""

    value: float
    grad_a: Array
    data_loss: float
    penalty: float
    y: Array
    fused: bool  # δᴸ computed in the fused stable form (sigmoid+bce, softmax+cross_entropy)


@event
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


@event
class Gradient(Event):
    """∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹ summed over the batch, ∂C/∂bˡ = Σ δˡ (+ penalty terms)."""

    l: int
    grad_W: Array  # total: data term + penalty term
    grad_b: Array
    grad_W_penalty: Array | None = None  # λ₂ W + λ₁ sign(W), where regularization is on
    # (the annotation's text is what the trace reader converts by: it stays ``dict``)
    extra: dict[str, Array] = EMPTY  # type: ignore[assignment]  # e.g. alpha (PReLU), gamma, beta


@event
class Clip(Event):
    """Gradient clipping: by value (each entry to ±threshold) or by global norm."""

    mode: str  # "value" or "norm"
    threshold: float
    norm_before: float
    norm_after: float
    changed: tuple[int, ...]  # layers whose gradients were changed


@event
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
    extra: dict[str, tuple[Array, Array, Array]] = EMPTY  # type: ignore[assignment]  # old, new, step


@event
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
for _cls, _kind in _KINDS.items():
    _cls.kind, _cls.phase = _kind, _PHASES[_cls]
EVENT_KINDS = tuple(_KINDS.values())
