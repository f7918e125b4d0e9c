"""The checks that stop a debugger motion, at an event or at a step's end: location and
condition breakpoints (hit counts, ignore counts, conditions that cannot be evaluated — except
where a value is not known yet, ``NotKnownYet``: such a condition is false and stops nothing),
breakpoint 0 (the first non-finite value of a step), ``until``, the run's stop rule and the end
of training. A mixin of ``Mover`` (mover.py), whose state it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..nonfinite import first_non_finite
from ..number_text import count
from .breakpoints import Breakpoints
from .errors import EvalError, NotKnownYet
from .stops import Stop
from .timeline import StepRecord, Timeline

if TYPE_CHECKING:
    from .position import Position


class StopChecks:
    """Where a motion stops (see the module docstring); ``Mover`` provides the state."""

    trainer: Any
    max_steps: int | None
    max_epochs: int | None
    stop_rule: Callable[[StepRecord], str | None] | None
    breakpoints: Breakpoints
    timeline: Timeline
    _rec: StepRecord
    _index: int

    if TYPE_CHECKING:  # defined by Mover (mover.py)

        @property
        def position(self) -> Position: ...

        def _events_of(self, rec: StepRecord, force: bool = False) -> list: ...

        def _trainer_at(self, steps_done: int) -> None: ...

    def _nan_at_step_end(self, rec: StepRecord, *, events: bool) -> Stop | None:
        """Breakpoint 0 at a StepEnd: move to the step's first non-finite value, if any."""
        nan_bp = self.breakpoints.nan
        if not nan_bp.enabled or rec.nan_reported or rec.finite:
            return None
        produced = self._events_of(rec)
        found = first_non_finite(produced)
        rec.nan_scanned = len(produced) - 1
        if found is None:
            return None
        return self._nan_stop(rec, found)

    def _nan_stop(self, rec: StepRecord, found) -> Stop:
        rec.nan_reported = True
        self._index = found.index
        nan_bp = self.breakpoints.nan
        nan_bp.hits += 1
        message = (
            f"Non-finite value at step {count(rec.step)}: the first one is {found.what()}. "
            "(breakpoint 0; 'disable 0' turns it off)"
        )
        return Stop("nan", self.position, message, (nan_bp,), (found.what(),))

    def _check(self, bps, ev, ctx) -> Stop | None:
        """Location breakpoints at event ``ev``: count hits, honour ignore counts, stop."""
        fired, errors = [], []
        for bp in bps:
            if not bp.matches(ev):
                continue
            if bp.condition is not None:
                try:
                    if not bp.condition.evaluate(ctx):
                        continue
                except NotKnownYet:  # a value the run has not reached: false, no hit
                    continue
                except EvalError as e:
                    bp.hits += 1
                    errors.append((bp, e))
                    continue
            bp.hits += 1
            if bp.ignore > 0:
                bp.ignore -= 1
                continue
            fired.append(bp)
        return self._breakpoint_stop(fired, errors, ctx)

    def _step_end_checks(self, rec, ctx, at_ends, until) -> Stop | None:
        """Condition breakpoints, ``until`` and the end of training, at a StepEnd."""
        stop = None
        if at_ends:
            fired, errors = [], []
            for bp in at_ends:
                try:
                    ok = bp.condition.evaluate(ctx)
                except NotKnownYet:
                    continue
                except EvalError as e:
                    bp.hits += 1
                    errors.append((bp, e))
                    continue
                if ok:
                    bp.hits += 1
                    if bp.ignore > 0:
                        bp.ignore -= 1
                    else:
                        fired.append(bp)
            stop = self._breakpoint_stop(fired, errors, ctx)
        if stop is None and until is not None:
            try:
                if until.evaluate(ctx):
                    details = tuple(until.witnesses(ctx))
                    message = f"{until} is true: {'; '.join(details)}."
                    stop = Stop("until", self.position, message, (), details)
            except NotKnownYet:
                pass
            except EvalError as e:
                stop = Stop("condition_error", self.position, f"until {until}: {e}")
        if self.stop_rule is not None:
            self._trainer_at(rec.step)  # the rule may look at the network after the step
            prev = self.timeline.get(rec.step - 1)
            rec.stop_reason = self.stop_rule(rec)
            fresh = rec.stop_reason and (prev is None or prev.stop_reason is None)
            if stop is None and fresh:
                stop = Stop("end", self.position, f"Training stopped: {rec.stop_reason}.")
        if stop is None:  # every forward motion stops where training ends
            if self.max_steps is not None and rec.step >= self.max_steps:
                stop = Stop(
                    "end", self.position, f"End of training: step {count(rec.step)} (max steps)."
                )
            elif (
                self.max_epochs is not None
                and rec.epoch >= self.max_epochs
                and rec.batch == self.trainer.batches_per_epoch
            ):
                stop = Stop(
                    "end", self.position, f"End of training: epoch {count(rec.epoch)} completed."
                )
        return stop

    def _breakpoint_stop(self, fired, errors, ctx) -> Stop | None:
        if errors:
            bp, e = errors[0]
            message = (
                f"Breakpoint {bp.id} ({bp.spec()}): its condition cannot be evaluated here: {e}"
            )
            return Stop("condition_error", self.position, message, tuple(b for b, _ in errors))
        if not fired:
            return None
        bp = fired[0]
        details = tuple(bp.condition.witnesses(ctx)) if bp.condition is not None else ()
        where = self.position.event_name()
        message = f"Breakpoint {bp.id} ({bp.spec()}) at step {count(self._rec.step)}, {where}"
        message += f": {'; '.join(details)}." if details else "."
        others = [b.id for b in fired[1:]]
        if others:
            message += f" Also hit: {', '.join(map(str, others))}."
        return Stop("breakpoint", self.position, message, tuple(fired), details)
