"""The machinery under the debugger's motions: producing, replaying and walking back events, and
the fast path over whole steps. The checks that stop a motion (breakpoints, the non-finite value,
``until``, the end of training) are in ``stop_checks.py``.

``Controller`` (controller.py) is a ``Mover``: every motion command hands a "where to stop" test
to ``_move``. The state it works on is set up by ``Controller.__init__``.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING, Any

import numpy as np

from ..nonfinite import first_non_finite
from . import ending
from .breakpoints import Breakpoints
from .conditions import QUICK_ERRORS, Expression
from .errors import EvalError
from .position import Position
from .stop_checks import StopChecks
from .stops import Stop
from .timeline import StepRecord, Timeline
from .view import FastContext

if TYPE_CHECKING:
    from .view import View


class _StepEndMarker:
    """What the fast path passes to motion targets in place of a StepEnd event."""

    kind = "step_end"


_AT_STEP_END = _StepEndMarker()


class Mover(StopChecks):
    """The position in the event stream and the motion machinery of a ``Controller`` (the checks
    that stop a motion: ``StopChecks``)."""

    trainer: Any
    learner: Any
    net: Any
    L: int
    max_steps: int | None
    max_epochs: int | None
    stop_rule: Callable[[StepRecord], str | None] | None
    record_step: Callable[[float, bool, list | None], bool] | None
    breakpoints: Breakpoints
    start_step: int
    timeline: Timeline
    _on_step: list[Callable[[StepRecord], None]]
    _on_due: tuple[Any, Callable[[StepRecord], None]] | None
    _on_event: list[Callable[[StepRecord, Any], None]]
    _on_rewind: list[Callable[[int], None]]
    _interrupt: bool
    _gen: Any  # the generator of the step in progress, or None
    _rec: StepRecord  # None only until _begin_step() (at the start and on restart)
    _index: int

    if TYPE_CHECKING:  # defined by Controller (controller.py)

        @property
        def view(self) -> View: ...

        def stats_of(self, rec: StepRecord) -> tuple | None: ...

    @property
    def position(self) -> Position:
        """The current position (step, epoch, batch, event, its index in the step)."""
        rec = self._rec
        return Position(
            rec.step, rec.epoch, rec.batch, self._index, self._last_index(rec) + 1, self._event()
        )

    # ==== the machinery =======================================================================

    def _event(self):
        rec = self._rec
        if rec.events is None:
            self.stats_of(rec)
            return rec.end
        return rec.events[self._index]

    @property
    def _n_events(self) -> int:
        """Events of a step with the settings in force: StepStart, Forward, Loss, Delta,
        Gradient, Clip (when clipping is on: it can change while it trains), Update, StepEnd."""
        learner = self.learner
        clip = learner.clip_value is not None or learner.clip_norm is not None
        return 4 * self.L + 3 + clip

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
        """The events of the current step produced so far (replayed if they were dropped).

        A replay that re-creates the state the trainer was already in (after this step) leaves
        it as it found it: with what was set since the step — early stopping's restored best
        weights — not the step's own parameters."""
        if rec.events is None or (force and rec.params_before is None):
            tr = self.trainer
            live = tr.snapshot() if tr.steps_done == rec.step and self._gen is None else None
            gen = self._start_events(rec)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                rec.events = list(gen)
            self.timeline.note_events(
                rec
            )  # the trainer ends after this step, as a complete record is
            if live is not None:
                tr.restore(live)
        return rec.events

    def _advance(self):
        """Move one event forward (producing it if needed); return it."""
        rec = self._rec
        events = rec.events
        if events is not None and self._index + 1 < len(events):
            self._index += 1
            return events[self._index]
        if not rec.complete:
            assert events is not None  # a step in progress keeps its events
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
                rec.finish(ev, self.learner.finite)
                self._completed(rec)
            return ev
        self._begin_step()
        assert self._rec.events is not None  # _begin_step() keeps the first one
        return self._rec.events[0]

    def _completed(self, rec: StepRecord) -> None:
        # a step completes as its events are produced, with its StepEnd's loss
        assert rec.events is not None and rec.loss is not None
        if self.record_step is not None:
            self.record_step(rec.loss, rec.finite, rec.events)
        for fn in self._on_step:
            fn(rec)
        if self._on_due is not None and monotonic() >= self._on_due[0].due:
            self._on_due[1](rec)

    def _back_one(self) -> None:
        rec = self._rec
        if self._index > 0:
            if rec.events is None:
                # a clipping switched on or off since: the step has one event more or less
                self._index = min(self._index, len(self._events_of(rec)) - 1)
            self._index -= 1
            return
        prev = self.timeline.get(rec.step - 1)
        assert prev is not None  # back() counted it as available
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

    def _move(
        self,
        target,
        *,
        coarse: bool = False,
        until: Expression | None = None,
        events: bool = False,
    ) -> Stop:
        """Advance until ``target(record, event)`` or a breakpoint / non-finite value / end.
        ``events``: never take the fast path — every step event by event, each one passed to the
        ``on_event`` listeners.

        NumPy's overflow warnings are silenced: non-finite values are the debugger's to report.
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return self._move_quietly(target, coarse and not events, until, coarse)

    def _move_quietly(self, target, fast, until, coarse) -> Stop:
        reason = ending.finished(self)
        if reason is not None:  # nothing runs past the end of training (ending.py)
            return Stop("finished", self.position, f"Training is finished: {reason}.")
        at_events = self.breakpoints.at_events()
        at_ends = self.breakpoints.at_step_end()
        while True:
            if fast and self._at_end() and self._fast_ok(until):
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
            if stop is None:
                for fn in self._on_event:
                    fn(rec, ev)
            if stop is None and self._interrupt:
                self._interrupt = False  # consumed
                stop = Stop("interrupted", self.position, "Interrupted.")
            if stop is not None:
                return self._finish(stop, forward=True)

    def _fast_loop(self, target, until, at_ends) -> Stop:
        """Whole steps on the fast path from a StepEnd (see the module docstring).

        Per step: ``trainer.step()``, a small record appended to the ring, a checkpoint every
        ``checkpoint_every`` steps (and ``checkpoint_gap`` seconds), the followed run's
        bookkeeping (``record_step``), the ``on_step`` listeners and an ``on_due`` listener
        whose time has come, the step's non-finite check, and only the checks that are set
        (conditions, until, the stop rule — where there is a run, asked only once it stopped —,
        the end of training). The rest of this loop is what training in the debugger costs
        beyond ``Run.fit``, and where the lab trains at full speed even a few hundred
        nanoseconds of Python a step count (xor's step is ~45 µs; Python between two NumPy
        steps runs several times slower than alone). So where nothing reads a record after
        every step — ``cont`` with no listener and no condition, what the lab does — a loop of
        its own does only what must be done: the ring gets a row (``timeline.py``), and the
        checks are those that can stop it. Statistics are computed only when a condition
        reads them, and for the step the loop stops at.
        """
        self._trainer_at(self._rec.step)
        tr, tl = self.trainer, self.timeline
        take_step, snapshot = tr.step, tr.snapshot
        append, add_checkpoint = tl.ring.append, tl.add_checkpoint
        every, gap = tl.checkpoint_every, tl.checkpoint_gap
        next_checkpoint = 0.0  # the first multiple of ``every`` takes one
        nan_on = self.breakpoints.nan.enabled
        ctx = FastContext(self)
        rule = self.stop_rule
        record_step = self.record_step
        # a quick look first; the full check (hit counts, messages) only when one is true
        quick = [bp.condition.quick for bp in at_ends]
        if until is not None:
            quick.append(until.quick)
        max_steps = -1 if self.max_steps is None else self.max_steps  # s is never -1
        max_epochs = self.max_epochs
        listeners = self._on_step
        clock: Any
        clock, at_due = self._on_due or (None, None)  # on_due's: a clock and a listener
        aimless = target is never  # ``cont``: only the checks stop it
        prev_loss = self._rec.loss
        s = start = tr.steps_done
        rec = self._rec
        new_record = StepRecord
        try:
            if (
                aimless
                and not listeners
                and not quick
                and (rule is None or record_step is not None)
            ):
                while True:  # the lab's loop (see above)
                    if self._interrupt:
                        return self._interrupted(s)
                    loss, finite = take_step()
                    s += 1
                    epoch, batch = tr.epoch, tr.batch
                    append((s, epoch, batch, loss, finite))
                    if not s % every and (now := monotonic()) >= next_checkpoint:
                        add_checkpoint(s, snapshot())  # the step's state: before early stopping's
                        next_checkpoint = now + gap
                    need = (
                        record_step is not None
                        and record_step(loss, finite, None)
                        and rule is not None
                    )
                    if at_due is not None and monotonic() >= clock.due:
                        at_due(tl.last())
                    if not finite and nan_on and self.learner.really_non_finite():
                        stop = self._nan_at_step_end(self._stop_at(s), events=False)
                        if stop is not None:
                            return stop
                    if (
                        need
                        or s == max_steps
                        or (epoch == max_epochs and batch == tr.batches_per_epoch)
                    ):
                        stop = self._checked(self._stop_at(s), ctx, prev_loss, at_ends, until)
                        if stop is not None:
                            return stop
                    prev_loss = loss
            while True:
                if self._interrupt:
                    return self._interrupted(s)
                loss, finite = take_step()
                s += 1
                # a step taken on the fast path: complete, statistics computed when asked for
                rec = new_record(s, tr.epoch, tr.batch, loss, True, finite)
                append(rec)
                if not s % every and (now := monotonic()) >= next_checkpoint:
                    add_checkpoint(s, snapshot())  # the step's state: before early stopping's
                    next_checkpoint = now + gap
                # the stop rule is asked here (where there is a run, only once it stopped) and
                # again by the full check when it answers
                if record_step is not None:
                    need = record_step(loss, finite, None) and rule is not None
                else:
                    need = rule is not None and rule(rec) is not None
                for fn in listeners:
                    fn(rec)
                if at_due is not None and monotonic() >= clock.due:
                    at_due(rec)
                if nan_on and not finite and self.learner.really_non_finite():
                    stop = self._nan_at_step_end(self._stop_at(s), events=False)
                    if stop is not None:
                        return stop
                if quick and not need:
                    ctx.set(rec, prev_loss)
                    need = any_true(quick, ctx)
                if (
                    need
                    or s == max_steps
                    or (rec.epoch == max_epochs and rec.batch == tr.batches_per_epoch)
                ):
                    stop = self._checked(self._stop_at(s), ctx, prev_loss, at_ends, until)
                    if stop is not None:
                        return stop
                if not aimless and target(rec, _AT_STEP_END):
                    self._stop_at(s)
                    return Stop("done", self.position)
                prev_loss = loss
        except BaseException:  # e.g. KeyboardInterrupt: stay consistent with the ring
            if s > start and tl.newest == s:
                self._stop_at(s)
            raise
        finally:
            tl.trim_events()
            if self._rec.step == s == self.learner.t:
                self.stats_of(self._rec)  # shown where the loop stopped

    def _interrupted(self, step: int) -> Stop:
        self._interrupt = False  # consumed
        self._stop_at(step)
        return Stop("interrupted", self.position, "Interrupted.")

    def _checked(self, rec, ctx, prev_loss, at_ends, until) -> Stop | None:
        """The full checks at the fast path's step ``rec``, where one may stop it."""
        ctx.set(rec, prev_loss)
        return self._step_end_checks(rec, ctx, at_ends, until)

    def _stop_at(self, step: int) -> StepRecord:
        """The position after the fast path's step ``step`` (its record made from its row)."""
        if self._rec.step != step:
            self._rec = self.timeline.last()
            assert self._rec.step == step  # the fast path's last step
        self._index = self._n_events - 1
        return self._rec

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


def never(rec, ev) -> bool:
    """The target of a motion that only its checks stop (``cont``, ``until``)."""
    return False


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
