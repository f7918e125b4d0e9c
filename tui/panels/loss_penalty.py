"""Which L1/L2 penalty the batch losses shown include (``engine.loss_names.penalty_name``), read
off the trainer's log of changes (``Trainer.settings_at``): λ₁ and λ₂ can change while it
trains (``engine.live``), so a step's batch loss has the penalty in force for that step."""

from __future__ import annotations

from engine.loss_names import penalty_name

KEYS = ("training.l1", "training.l2")


def step_penalty(trainer, step: int) -> str:
    """The penalty the batch loss of ``step`` (counted from 1) includes: ``L2 penalty``; ""
    without one (or before the first step)."""
    if step < 1:
        return ""
    values = trainer.settings_at(step - 1)
    return penalty_name(*(values.get(key, 0.0) or 0.0 for key in KEYS))


def steps_penalty(trainer, last: int) -> str:
    """The penalty the batch losses of steps 1…``last`` include, if any of them does: λ₁ or λ₂
    non-zero for any of those steps (``L1+L2 penalty`` when each was for some); "" when none."""
    if last < 1:
        return ""
    values = trainer.settings_at(0)
    l1, l2 = (bool(values.get(key)) for key in KEYS)
    for change in trainer.changes:
        if change.at >= last:  # in force from step at + 1, after the last one
            break
        values.update(change.new)
        l1, l2 = l1 or bool(values.get(KEYS[0])), l2 or bool(values.get(KEYS[1]))
    return penalty_name(float(l1), float(l2))
