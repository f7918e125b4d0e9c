"""The debugger session: a Trainer driven one event at a time, with breakpoints and step-back.

``Controller(trainer)`` starts at the first event (``StepStart``) of the trainer's next step. The
position is always an event that has been computed and shown but not yet applied (see
``position.py``). Every motion command returns a ``Stop`` saying where and why it stopped.

Motion commands (breakpoints and the non-finite check can stop any of them earlier):

``step(n=1)``
    the next event (n events on).
``next()``
    the next layer: the next event of the SAME KIND in this step, in the order events come —
    from ``Delta(l=3)`` to ``Delta(l=2)``, from ``Forward(l=1)`` to ``Forward(l=2)``, from
    ``Update(l=1)`` to ``Update(l=2)``. Where no layer follows (``Forward(l=L)``, ``Delta(l=1)``,
    ``Gradient(l=1)``, ``Update(l=L)``) and for the once-per-step kinds (StepStart, Loss, Clip,
    StepEnd), the next event, like ``step()``: pressing ``next`` walks the whole step layer by
    layer and never skips a phase.
``finish()``
    to the last event of the current phase: forward → ``Loss``; backward → ``Gradient(l=1)``;
    update (Clip, Update) → ``Update(l=L)``. At the last event of a phase, to the end of the next
    one (after the update phase: ``StepEnd``); from ``StepStart``, to ``Loss``; from ``StepEnd``,
    to the next step's ``Loss``.
``next_batch()``
    to the end of the current step (``StepEnd``: the batch's updates applied); at a StepEnd, to
    the end of the next step.
``next_epoch()``
    to the ``StepEnd`` of the last batch of the current epoch; at that StepEnd, of the next epoch.
``cont()``
    until a breakpoint, a non-finite value, the end of training (``max_steps``, ``max_epochs``,
    ``stop``) or ``interrupt()``.
``run(n)``
    complete n steps: from a StepEnd, the next n; mid-step, the current one counts as the first.
``until(condition)``
    until the condition is true at a StepEnd (a one-off condition breakpoint).
``back(n=1)``
    n events back, also across step boundaries, within the history ring; beyond it a Stop with
    reason ``"history"`` and the position unchanged.
``restart()``
    back to the state the session started from (same seed: the same run again).

Nothing runs past the end of training: every forward motion stops at the StepEnd where training
ends (``max_steps``, ``max_epochs`` or the ``stop`` rule; reason ``"end"``), and asked for there
(or at the StepStart of the step after it) it does not move at all (reason ``"finished"``, the
message says why). ``resume(max_epochs=…)`` lets a finished run go on (the line mode's ``extend``,
the lab's ``x``); ``back`` and ``restart`` always work.

Going back and moving forward again reproduces exactly the same numbers: the trainer is restored
from a snapshot and the steps are taken again (same batches, same dropout masks).

Speed: motions that only stop at StepEnd (next_batch, next_epoch, cont, run, until) take whole
steps with ``trainer.step()`` — the fast path, no events — whenever no enabled breakpoint needs
the event stream (a location breakpoint, or a condition on event arrays such as ``delta@2``).
Conditions on statistics, ``loss``, ``W``/``b`` and the non-finite check run on the fast path from
each step's result; events of a step are rebuilt by replay when something needs them (``back``,
``explain``, a watch).

Not thread-safe: call from one thread at a time, except ``interrupt()``, which a UI may call
from another thread to stop a running ``cont``/``run``/``until``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..nonfinite import first_non_finite, step_is_finite
from . import ending
from .breakpoints import Breakpoint, Breakpoints, breakpoints_from_scenario
from .conditions import QUICK_ERRORS, Expression, parse_condition, parse_expression
from .errors import DebuggerError, EvalError
from .position import Position
from .timeline import StepRecord, Timeline
from .view import FastContext, View
from .watches import Watch, Watches, WatchValue

STOP_REASONS = (
    "done",  # the command's motion completed
    "breakpoint",  # a breakpoint fired
    "condition_error",  # a breakpoint's condition could not be evaluated (it stops, as in pdb)
    "nan",  # the first non-finite value of a step (breakpoint 0)
    "until",  # the until condition became true
    "end",  # the end of training (max_steps, max_epochs, the stop rule)
    "finished",  # a forward motion asked for at the end of training: nothing moved
    "interrupted",  # interrupt() was called
    "history",  # back: nothing further back (position unchanged)
)


@dataclass(frozen=True)
class Stop:
    """Where a command stopped and why.

    ``reason`` is one of ``STOP_REASONS``; ``message`` is a sentence for the user (empty for a
    plain completed motion); ``breakpoints`` the breakpoints that fired (the first one stopped).
    """

    reason: str
    position: Position
    message: str = ""
    breakpoints: tuple[Breakpoint, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def breakpoint(self) -> Breakpoint | None:
        return self.breakpoints[0] if self.breakpoints else None


class _StepEndMarker:
    """What the fast path passes to motion targets in place of a StepEnd event."""

    kind = "step_end"


_AT_STEP_END = _StepEndMarker()
_PHASE_END = {"forward": ("loss", None), "backward": ("gradient", 1), "update": ("update", -1)}
_NEXT_PHASE = {"forward": "backward", "backward": "update", "update": "step_end"}


class Controller:
    """A debugger session over ``trainer`` (see the module docstring for the commands).

    Parameters
    ----------
    trainer
        an ``engine.trainer.Trainer`` (its ``step_events``, ``step``, ``snapshot``, ``restore``).
    history
        how many recent steps ``back`` can reach (the ring of step records).
    keep_events
        how many recent steps keep their event lists; older steps are replayed when needed.
    checkpoint_every
        a trainer snapshot every this many steps (replay starts from the one before).
    max_steps, max_epochs
        the end of training: ``cont``/``run``/``until`` stop there (reason ``"end"``).
    stop
        ``stop(record) -> reason or None``, checked at each StepEnd with the network as it is
        after that step; a forward motion stops when it first gives a reason (e.g.
        ``"loss_below"``), and training is finished from then on. Called with None for the
        state the controller starts from when the trainer has taken steps already (a resumed
        session).
    nan_breakpoint
        breakpoint 0 (stop at the first non-finite value) enabled at the start.
    """

    def __init__(
        self,
        trainer,
        *,
        history: int = 100,
        keep_events: int = 8,
        checkpoint_every: int = 16,
        max_steps: int | None = None,
        max_epochs: int | None = None,
        stop: Callable[[StepRecord], str | None] | None = None,
        nan_breakpoint: bool = True,
    ):
        self.trainer = trainer
        self.learner = trainer.learner
        self.net = self.learner.net
        self.L = self.net.L
        self.max_steps = max_steps
        self.max_epochs = max_epochs
        self.stop_rule = stop
        self.breakpoints = Breakpoints(self.L, nan=nan_breakpoint)
        self.watches = Watches(self.L)
        self.start_step = trainer.steps_done
        self.timeline = Timeline(
            trainer.snapshot(),
            history=history,
            keep_events=keep_events,
            checkpoint_every=checkpoint_every,
            start=self.start_step,
        )
        self._on_step: list[Callable[[StepRecord], None]] = []
        self._on_rewind: list[Callable[[int], None]] = []
        self._interrupt = False
        self._gen = None
        self._rec: StepRecord | None = None
        self._index = 0
        self._n_events = (
            4 * self.L
            + 3
            + (self.learner.clip_value is not None or self.learner.clip_norm is not None)
        )
        self._begin_step()

    # ==== where we are ========================================================================

    @property
    def position(self) -> Position:
        """The current position (step, epoch, batch, event, its index in the step)."""
        rec = self._rec
        return Position(
            rec.step, rec.epoch, rec.batch, self._index, self._last_index(rec) + 1, self._event()
        )

    @property
    def event(self):
        """The current event."""
        return self._event()

    @property
    def view(self) -> View:
        """The values at the current position (for conditions, watches, explanations)."""
        return View(self, self._rec, self._index)

    @property
    def record(self) -> StepRecord:
        """The current step's record."""
        return self._rec

    def history(self) -> list[StepRecord]:
        """The step records back can reach, oldest first (loss and stats of completed steps)."""
        return list(self.timeline.records)

    @property
    def batches_per_epoch(self) -> int:
        return self.trainer.batches_per_epoch

    # ==== listeners ===========================================================================

    def on_step(self, fn: Callable[[StepRecord], None]) -> Callable[[], None]:
        """Call ``fn(record)`` for each step completed going forward (not for replays).

        Returns a function that removes the listener.
        """
        self._on_step.append(fn)
        return lambda: self._on_step.remove(fn)

    def on_rewind(self, fn: Callable[[int], None]) -> Callable[[], None]:
        """Call ``fn(step)`` when the steps after ``step`` are forgotten (back, restart)."""
        self._on_rewind.append(fn)
        return lambda: self._on_rewind.remove(fn)

    def release(self) -> None:
        """Close the step in progress, if any: the trainer goes back to exactly the state before
        it (parameters, optimizer state, random generator), e.g. to snapshot or save it. The
        position does not change; the step is taken again, identically, when the controller
        next needs it."""
        self._close_gen()

    def interrupt(self) -> None:
        """Stop a running ``cont``/``run``/``until``/``next_epoch`` at the next event or step."""
        self._interrupt = True

    def finished(self) -> str | None:
        """Why training is over at the current position, or None (``ending.finished``)."""
        return ending.finished(self)

    def resume(self, *, max_epochs: int | None = None, max_steps: int | None = None) -> None:
        """Let a finished run go on with these limits (``ending.resume``)."""
        ending.resume(self, max_epochs=max_epochs, max_steps=max_steps)

    def recover(self) -> None:
        """After an exception escaped a motion: the trainer back to the last good state the
        position stands for (``ending.recover``)."""
        ending.recover(self)

    # ==== motion commands =====================================================================

    def step(self, n: int = 1) -> Stop:
        """n events forward."""
        _positive(n, "step")
        left = [n]

        def target(rec, ev):
            left[0] -= 1
            return left[0] == 0

        return self._move(target)

    def next(self) -> Stop:
        """The next layer's event of the same kind, or the next event (see the module docstring)."""
        ev = self._event()
        l = getattr(ev, "l", None)
        if l is None or l == (1 if ev.phase == "backward" else self.L):
            return self.step()
        kind, step = ev.kind, self._rec.step
        return self._move(lambda rec, e: e.kind == kind and rec.step == step)

    def finish(self) -> Stop:
        """To the last event of the current phase (see the module docstring)."""
        ev = self._event()
        if ev.kind == "step_start" or ev.kind == "step_end":
            goal = "forward"
        elif self._is_phase_end(ev):
            goal = _NEXT_PHASE[ev.phase]
        else:
            goal = ev.phase
        if goal == "step_end":
            return self._move(lambda rec, e: e.kind == "step_end")
        kind, layer = _PHASE_END[goal]
        layer = self.L if layer == -1 else layer
        return self._move(lambda rec, e: e.kind == kind and getattr(e, "l", None) == layer)

    def next_batch(self) -> Stop:
        """To the end of the current step (at a StepEnd: of the next step)."""
        goal = self._rec.step + (1 if self._at_end() else 0)
        return self._move(lambda rec, ev: rec.step >= goal and ev.kind == "step_end", coarse=True)

    def next_epoch(self) -> Stop:
        """To the StepEnd of the current epoch's last batch (at it: of the next epoch)."""
        rec, bpe = self._rec, self.trainer.batches_per_epoch
        goal = rec.epoch + (1 if self._at_end() and rec.batch == bpe else 0)
        return self._move(
            lambda r, ev: ev.kind == "step_end" and r.batch == bpe and r.epoch >= goal,
            coarse=True,
        )

    def cont(self) -> Stop:
        """Until a breakpoint, a non-finite value, the end of training or ``interrupt()``."""
        return self._move(lambda rec, ev: False, coarse=True)

    def run(self, n: int) -> Stop:
        """Complete n steps (mid-step, the current step counts as the first)."""
        _positive(n, "run")
        goal = self._rec.step + n - (0 if self._at_end() else 1)
        return self._move(lambda rec, ev: rec.step >= goal and ev.kind == "step_end", coarse=True)

    def until(self, condition: str | Expression) -> Stop:
        """Until ``condition`` is true at a StepEnd. ConditionError if it does not parse."""
        expr = (
            condition if isinstance(condition, Expression) else parse_condition(condition, self.L)
        )
        return self._move(lambda rec, ev: False, coarse=True, until=expr)

    def back(self, n: int = 1) -> Stop:
        """n events back; beyond the history, reason ``"history"`` and the position unchanged."""
        _positive(n, "back")
        available = self._index
        rec = self._rec
        for r in reversed(self.timeline.records):
            if r.step < rec.step:
                available += self._last_index(r) + 1
        if n > available:
            return Stop("history", self.position, self._history_message(n, available))
        for _ in range(n):
            self._back_one()
        return Stop("done", self.position)

    def restart(self) -> Stop:
        """Back to the state the session started from: the same run again from its start."""
        self._close_gen()
        self.trainer.restore(self.timeline.initial)
        self.timeline.clear()
        self._rec = None
        for fn in list(self._on_rewind):
            fn(self.start_step)
        self._begin_step()
        return Stop("done", self.position, f"Restarted: back at step {self.start_step + 1}.")

    # ==== breakpoints and watches =============================================================

    def add_breakpoint(
        self,
        text: str | None = None,
        *,
        at=None,
        when=None,
        temporary=False,
        ignore=0,
        enabled=True,
    ) -> Breakpoint:
        """Add a breakpoint (``"update@2 if loss > 1"``, or ``at=``/``when=``).

        ConditionError (message + column for a caret) when it does not parse or names a layer
        outside 1…L; nothing is added then.
        """
        return self.breakpoints.add(
            text, at=at, when=when, temporary=temporary, ignore=ignore, enabled=enabled
        )

    def load_breakpoints(self, entries) -> list[Breakpoint]:
        """Add a scenario's ``[[breakpoints]]`` tables (all or none; DebuggerError names one)."""
        checked = breakpoints_from_scenario(entries, self.L)
        return [self.breakpoints.add(**kwargs) for kwargs in checked]

    def clear_breakpoint(self, bp_id: int) -> Breakpoint:
        return self.breakpoints.clear(bp_id)

    def enable_breakpoint(self, bp_id: int) -> Breakpoint:
        return self.breakpoints.set_enabled(bp_id, True)

    def disable_breakpoint(self, bp_id: int) -> Breakpoint:
        return self.breakpoints.set_enabled(bp_id, False)

    def ignore_breakpoint(self, bp_id: int, count: int) -> Breakpoint:
        return self.breakpoints.set_ignore(bp_id, count)

    def watch(self, text: str) -> Watch:
        """Add a watch expression (shown at every stop). ConditionError if it does not parse."""
        return self.watches.add(text)

    def unwatch(self, watch_id: int) -> Watch:
        return self.watches.remove(watch_id)

    def watch_values(self) -> list[WatchValue]:
        """Every watch's value (or the reason it has none) at the current position."""
        return self.watches.values(self.view)

    def evaluate(self, text: str):
        """The value of an expression at the current position (``print``).

        A number, a bool, an array, or ``{layer: value}`` for a per-layer name without ``@``.
        ConditionError if it does not parse, EvalError if it cannot be computed here.
        """
        return parse_expression(text, self.L).evaluate(self.view)

    def explain(self, select: tuple[int, ...] | None = None, example: int = 0):
        """The current event's equation with its numbers substituted (``explain.Explanation``).

        ``select``: a unit ``(j,)`` of Forward/Delta/Loss events, a weight ``(j, k)`` of
        Gradient/Update events (one number there selects the bias of unit j); default the first.
        ``example``: the row of the batch. DebuggerError for an index out of range.
        """
        from .explain import explain

        return explain(self.view, select, example)

    # ==== the machinery =======================================================================

    def _event(self):
        rec = self._rec
        if rec.events is None:
            return rec.end
        return rec.events[self._index]

    def _last_index(self, rec: StepRecord) -> int:
        if rec.events is not None and rec.complete:
            return len(rec.events) - 1
        return self._n_events - 1

    def _at_end(self) -> bool:
        return self._rec.complete and self._index == self._last_index(self._rec)

    def _is_phase_end(self, ev) -> bool:
        if ev.kind == "loss":
            return True
        if ev.kind == "gradient":
            return ev.l == 1
        return ev.kind == "update" and ev.l == self.L

    def _close_gen(self) -> None:
        if self._gen is not None:
            self._gen.close()  # abandoning a step leaves the parameters untouched
            self._gen = None

    def _trainer_at(self, steps_done: int) -> None:
        """Bring the trainer to its state after ``steps_done`` steps (no step in progress)."""
        self._close_gen()
        tr = self.trainer
        if tr.steps_done == steps_done:
            return
        done, snap = self.timeline.nearest_checkpoint(steps_done)
        if tr.steps_done > steps_done or done > tr.steps_done:
            tr.restore(snap)
        while tr.steps_done < steps_done:
            tr.step()

    def _start_events(self, rec: StepRecord):
        """A generator for ``rec``'s step from the state before it; records what is in force."""
        self._trainer_at(rec.step - 1)
        tl, tr = self.timeline, self.trainer
        if tl.wants_checkpoint(tr.steps_done):
            tl.add_checkpoint(tr.steps_done, tr.snapshot())
        rec.params_before = tuple(dict(layer.params) for layer in self.net.layers)
        rec.opt_before = tuple(dict(s) for s in self.learner.opt_state)
        return tr.step_events()

    def _begin_step(self) -> None:
        """Start the step after the current one: position at its StepStart."""
        steps_done = self._rec.step if self._rec is not None else self.start_step
        rec = StepRecord(steps_done + 1)
        gen = self._start_events(rec)
        first = next(gen)
        rec.epoch, rec.batch, rec.events = first.epoch, first.batch, [first]
        self.timeline.append(rec)
        self._rec, self._index, self._gen = rec, 0, gen

    def _events_of(self, rec: StepRecord, force: bool = False) -> list:
        """The events of the current step produced so far (replayed if they were dropped)."""
        if rec.events is None or (force and rec.params_before is None):
            gen = self._start_events(rec)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                rec.events = list(gen)
            self.timeline.note_events(
                rec
            )  # the trainer ends after this step, as a complete record is
        return rec.events

    def _advance(self):
        """Move one event forward (producing it if needed); return it."""
        rec = self._rec
        events = rec.events
        if events is not None and self._index + 1 < len(events):
            self._index += 1
            return events[self._index]
        if not rec.complete:
            if self._gen is None:  # the step's generator was closed: start it again
                gen = self._start_events(rec)
                for _ in range(len(events)):
                    next(gen)
                self._gen = gen
            ev = next(self._gen)
            events.append(ev)
            self._index += 1
            if ev.kind == "step_end":
                self._close_gen()
                rec.finish(ev)
                self._completed(rec)
            return ev
        self._begin_step()
        return self._rec.events[0]

    def _completed(self, rec: StepRecord) -> None:
        if self._n_events != len(rec.events):
            self._n_events = len(rec.events)
        for fn in self._on_step:
            fn(rec)

    def _back_one(self) -> None:
        rec = self._rec
        if self._index > 0:
            if rec.events is None:
                self._events_of(rec)
            self._index -= 1
            return
        prev = self.timeline.get(rec.step - 1)
        self._close_gen()
        self.timeline.truncate_after(prev.step)
        for fn in list(self._on_rewind):
            fn(prev.step)
        self._rec, self._index = prev, self._last_index(prev)

    def _history_message(self, n: int, available: int) -> str:
        oldest = self.timeline.oldest
        if oldest is None or oldest <= self.start_step + 1:
            where = "the start of the run"
        else:
            where = f"the start of step {oldest}, the oldest step kept"
        more = f" (only {available} event{'s' if available != 1 else ''} back)" if available else ""
        hint = (
            ""
            if where == "the start of the run"
            else f"; the history keeps the last {self.timeline.history} steps (--history N)"
        )
        return (
            f"Cannot go back {n} event{'s' if n != 1 else ''}: that is before {where}{more}{hint}."
        )

    # --- running ------------------------------------------------------------------------------

    def _fast_ok(self, until: Expression | None) -> bool:
        return not self.breakpoints.need_events() and (until is None or not until.needs_events)

    def _move(self, target, *, coarse: bool = False, until: Expression | None = None) -> Stop:
        """Advance until ``target(record, event)`` or a breakpoint / non-finite value / end.

        NumPy's overflow warnings are silenced: non-finite values are the debugger's to report.
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return self._move_quietly(target, coarse, until)

    def _move_quietly(self, target, coarse, until) -> Stop:
        self._interrupt = False
        reason = self.finished()
        if reason is not None:
            return Stop("finished", self.position, f"Training is finished: {reason}.")
        at_events = self.breakpoints.at_events()
        at_ends = self.breakpoints.at_step_end()
        while True:
            if coarse and self._at_end() and self._fast_ok(until):
                return self._finish(self._fast_loop(target, until, at_ends), forward=True)
            ev = self._advance()
            rec = self._rec
            stop = None
            if ev.kind == "step_end":
                stop = self._nan_at_step_end(rec, events=True)
            if stop is None and at_events:
                stop = self._check(at_events, ev, self.view)
            if stop is None and ev.kind == "step_end":
                stop = self._step_end_checks(rec, self.view, at_ends, until)
            if stop is None and target(rec, ev):
                stop = Stop("done", self.position)
            if stop is None and self._interrupt:
                stop = Stop("interrupted", self.position, "Interrupted.")
            if stop is not None:
                return self._finish(stop, forward=True)

    def _fast_loop(self, target, until, at_ends) -> Stop:
        """Whole steps on the fast path from a StepEnd (see the module docstring).

        Per step: ``trainer.step()``, a small record appended to the ring, a checkpoint every
        ``checkpoint_every`` steps, the non-finite test on the loss and norms, and only the
        checks that are set (conditions, until, the end of training).
        """
        self._trainer_at(self._rec.step)
        tr, tl = self.trainer, self.timeline
        append, records = tl.records.append, tl.records
        every = tl.checkpoint_every
        nan_on = self.breakpoints.nan.enabled
        ctx = FastContext(self)
        checks = bool(at_ends or until is not None or self.stop_rule is not None)
        rule = self.stop_rule is not None
        # a quick look first; the full check (hit counts, messages) only when one is true
        quick = [bp.condition.quick for bp in at_ends]
        if until is not None:
            quick.append(until.quick)
        max_steps, max_epochs = self.max_steps, self.max_epochs
        bpe = tr.batches_per_epoch
        listeners = self._on_step
        prev_loss = self._rec.loss
        last_index = self._n_events - 1
        s = tr.steps_done
        rec = self._rec
        new_record = StepRecord.from_result
        try:
            while True:
                if self._interrupt:
                    self._rec, self._index = rec, last_index
                    return Stop("interrupted", self.position, "Interrupted.")
                result = tr.step()
                s += 1
                rec = new_record(s, tr.epoch, tr.batch, result.loss, result.stats)
                append(rec)
                if s % every == 0:
                    tl.add_checkpoint(s, tr.snapshot())
                for fn in listeners:
                    fn(rec)
                if nan_on and not step_is_finite(result.loss, result.stats):
                    self._rec, self._index = rec, last_index
                    stop = self._nan_at_step_end(rec, events=False)
                    if stop is not None:
                        return stop
                if checks:
                    ctx.set(rec, prev_loss)
                    need = rule or any_true(quick, ctx)
                else:
                    need = False
                if need or s == max_steps or (rec.epoch == max_epochs and rec.batch == bpe):
                    self._rec, self._index = rec, last_index
                    stop = self._step_end_checks(rec, ctx, at_ends, until)
                    if stop is not None:
                        return stop
                if target(rec, _AT_STEP_END):
                    self._rec, self._index = rec, last_index
                    return Stop("done", self.position)
                prev_loss = result.loss
        except BaseException:  # e.g. KeyboardInterrupt: stay consistent with the ring
            if records and records[-1] is rec and self._rec is not rec:
                self._rec, self._index = rec, last_index
            raise
        finally:
            tl.trim_events()

    def _nan_at_step_end(self, rec: StepRecord, *, events: bool) -> Stop | None:
        """Breakpoint 0 at a StepEnd: move to the step's first non-finite value, if any."""
        nan_bp = self.breakpoints.nan
        if not nan_bp.enabled or rec.nan_reported or step_is_finite(rec.loss, rec.stats):
            return None
        found = first_non_finite(self._events_of(rec))
        rec.nan_scanned = len(rec.events) - 1
        if found is None:
            return None
        return self._nan_stop(rec, found)

    def _nan_stop(self, rec: StepRecord, found) -> Stop:
        rec.nan_reported = True
        self._index = found.index
        nan_bp = self.breakpoints.nan
        nan_bp.hits += 1
        message = (
            f"Non-finite value at step {rec.step}: the first one is {found.describe()}. "
            "(breakpoint 0; 'disable 0' turns it off)"
        )
        return Stop("nan", self.position, message, (nan_bp,), (found.describe(),))

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
                    detail = "; ".join(until.witnesses(ctx))
                    stop = Stop("until", self.position, f"{until} is true: {detail}.")
            except EvalError as e:
                stop = Stop("condition_error", self.position, f"until {until}: {e}")
        if self.stop_rule is not None:
            self._trainer_at(rec.step)  # the rule may look at the network after the step
            prev = self.timeline.get(rec.step - 1)
            rec.stop_reason = self.stop_rule(rec)
            fresh = rec.stop_reason and (prev is None or prev.stop_reason is None)
            if stop is None and fresh:
                stop = Stop("end", self.position, f"Training stopped: {rec.stop_reason}.")
        if stop is None:
            if self.max_steps is not None and rec.step >= self.max_steps:
                stop = Stop("end", self.position, f"End of training: step {rec.step} (max steps).")
            elif (
                self.max_epochs is not None
                and rec.epoch >= self.max_epochs
                and rec.batch == self.trainer.batches_per_epoch
            ):
                stop = Stop("end", self.position, f"End of training: epoch {rec.epoch} completed.")
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
        message = f"Breakpoint {bp.id} ({bp.spec()}) at step {self._rec.step}, {where}"
        message += f": {'; '.join(details)}." if details else "."
        others = [b.id for b in fired[1:]]
        if others:
            message += f" Also hit: {', '.join(map(str, others))}."
        return Stop("breakpoint", self.position, message, tuple(fired), details)

    def _finish(self, stop: Stop, *, forward: bool) -> Stop:
        """At a stop after moving forward: report a non-finite value passed over in this step,
        delete temporary breakpoints that fired."""
        rec = self._rec
        nan_bp = self.breakpoints.nan
        if (
            forward
            and stop.reason != "nan"
            and nan_bp.enabled
            and not rec.nan_reported
            and rec.events is not None
            and rec.nan_scanned < self._index
        ):
            found = first_non_finite(rec.events[: self._index + 1], rec.nan_scanned + 1)
            rec.nan_scanned = self._index
            if found is not None:
                stop = self._nan_stop(rec, found)
        deleted = [bp for bp in stop.breakpoints if bp.temporary and not bp.builtin]
        for bp in deleted:
            if bp.id in {b.id for b in self.breakpoints}:
                self.breakpoints.clear(bp.id)
        if deleted and stop.reason == "breakpoint":
            ids = ", ".join(str(bp.id) for bp in deleted)
            stop = Stop(
                stop.reason,
                stop.position,
                f"{stop.message} Deleted temporary breakpoint {ids}.",
                stop.breakpoints,
                stop.details,
            )
        return stop


def any_true(evaluators, ctx) -> bool:
    """Some condition is true at ``ctx``, or cannot be evaluated there (``Expression.quick``
    evaluators: an error means "look closer", and the full check reports it)."""
    for evaluate in evaluators:
        try:
            if evaluate(ctx):
                return True
        except (EvalError, *QUICK_ERRORS):
            return True
    return False


def _positive(n, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise DebuggerError(f"{what} takes a whole number ≥ 1, got {n!r}")
