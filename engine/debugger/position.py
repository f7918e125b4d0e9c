"""Where the debugger stands: a step of training and one event within it.

The debugger is always stopped AT an event that has been computed and shown but whose effect is
not yet applied (as pdb stops before a line runs): at ``Update(l=2)`` the new weights are known
but the network still has the old ones; they are applied at ``StepEnd``. Events of one step are
numbered from 0 (``StepStart``) to ``n_events − 1`` (``StepEnd``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Event
from ..number_text import count

PHASE_WORDS = {
    "forward": "forward pass",
    "backward": "backward pass",
    "update": "update",
}
KIND_NAMES = {
    "step_start": "StepStart",
    "forward": "Forward",
    "loss": "Loss",
    "delta": "Delta",
    "gradient": "Gradient",
    "clip": "Clip",
    "update": "Update",
    "step_end": "StepEnd",
}


@dataclass(frozen=True)
class Position:
    """The current step (1-based), its epoch and batch, the event and its index in the step."""

    step: int
    epoch: int
    batch: int
    index: int  # 0 … n_events − 1
    n_events: int
    event: Event

    @property
    def kind(self) -> str:
        return self.event.kind

    @property
    def phase(self) -> str:
        """``step`` (StepStart, StepEnd), ``forward``, ``backward`` or ``update``."""
        return self.event.phase

    @property
    def layer(self) -> int | None:
        return getattr(self.event, "l", None)

    @property
    def at_step_end(self) -> bool:
        return self.kind == "step_end"

    def event_name(self) -> str:
        """``Delta(l=2)``, ``Loss``, ``StepEnd``."""
        return event_name(self.event)

    def sentence(self) -> str:
        """The position as a full sentence, for screen readers and the line mode.

        ``Step 3, epoch 1, batch 3 — backward pass, layer 2: Delta.``
        """
        head = f"Step {count(self.step)}, epoch {count(self.epoch)}, batch {count(self.batch)}"
        name = KIND_NAMES[self.kind]
        if self.kind == "step_start":
            where = "start of the step: StepStart (nothing computed yet)"
        elif self.kind == "step_end":
            where = "end of the step: StepEnd (updates applied)"
        elif self.kind == "loss":
            where = "forward pass, output: Loss"
        elif self.kind == "clip":
            where = "update: Clip (gradient clipping)"
        else:
            phase = PHASE_WORDS[self.phase]
            where = f"{phase}, layer {self.layer}: {name}"
            if self.kind == "update":
                where += " (computed, not yet applied)"
        return f"{head} — {where}."

    def short(self) -> str:
        """``step 3 · epoch 1 · batch 3 · Delta(l=2) · event 9/15``."""
        return (
            f"step {count(self.step)} · epoch {count(self.epoch)} · batch {count(self.batch)} · "
            f"{self.event_name()} · event {self.index + 1}/{self.n_events}"
        )

    def __str__(self) -> str:
        return self.sentence()


def event_name(event: Event) -> str:
    """``Delta(l=2)``, ``Loss``, ``StepEnd``: an event as positions and messages name it."""
    name = KIND_NAMES[event.kind]
    l = getattr(event, "l", None)
    return f"{name}(l={l})" if l is not None else name
