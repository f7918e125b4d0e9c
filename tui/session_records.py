"""The stopping rules a saved session carries in its header: ``extend`` moves the epoch limit
and drops the rule that ended training, so a session saved after it holds rules of its own."""

from __future__ import annotations

from engine.stopping import StopRules
from tui.session_schema import StateMismatch


def stop_rules(run, saved: dict) -> None:
    """The stopping rules a saved session had (``extend`` moves the epoch limit and drops the
    rule that ended training), validated like a scenario's."""
    if not isinstance(saved, dict):
        raise StateMismatch("stop: expected the stopping rules")
    saved = dict(saved)
    epochs = saved.pop("epochs", None)
    try:
        rules = StopRules.from_section(saved, epochs)
    except ValueError as e:
        raise StateMismatch(f"stop: {e}") from None
    if rules.epochs < run.stop.epochs:  # extend only adds epochs
        scenario = run.stop.epochs
        raise StateMismatch(f"stop.epochs: {rules.epochs} is below the scenario's {scenario}")
    run.stop = rules
    if rules.patience is None:
        run.early = None
