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
    ``stop``) or ``interrupt()``. ``cont(events=True)`` (and ``next_epoch(events=True)``) take
    every step event by event, each passed to the ``on_event`` listeners: how the lab animates
    the events of each step at slow speeds.
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
from typing import Any

import numpy as np

from ..number_text import count
from . import ending
from .breakpoints import Breakpoints
from .conditions import Expression, parse_condition
from .errors import DebuggerError
from .inspection import Inspection
from .mover import Mover, never
from .stops import STOP_REASONS, Stop  # noqa: F401 (importable from here, as before)
from .timeline import CHECKPOINT_EVERY, HISTORY, KEEP_EVENTS, StepRecord, Timeline
from .view import View
from .watches import Watches

_PHASE_END = {"forward": ("loss", None), "backward": ("gradient", 1), "update": ("update", -1)}
_NEXT_PHASE = {"forward": "backward", "backward": "update", "update": "step_end"}


class Controller(Mover, Inspection):
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
    record_step
        ``record_step(loss, finite, events) -> bool``: the bookkeeping of a run that follows
        the controller (``follow.py``: ``Run.record_step``), called first after each step
        completed going forward (``events`` None on the fast path). It returns whether ``stop``
        may give a reason now; when it is given, the fast path asks ``stop`` only then.
    nan_breakpoint
        breakpoint 0 (stop at the first non-finite value) enabled at the start.
    """

    def __init__(
        self,
        trainer,
        *,
        history: int = HISTORY,
        keep_events: int = KEEP_EVENTS,
        checkpoint_every: int = CHECKPOINT_EVERY,
        max_steps: int | None = None,
        max_epochs: int | None = None,
        stop: Callable[[StepRecord], str | None] | None = None,
        record_step: Callable[[float, bool, list | None], bool] | None = None,
        nan_breakpoint: bool = True,
    ):
        self.trainer = trainer
        self.learner = trainer.learner
        self.net = self.learner.net
        self.L = self.net.L
        self.max_steps = max_steps
        self.max_epochs = max_epochs
        self.stop_rule = stop
        self.record_step = record_step
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
        self._on_due: tuple[Any, Callable[[StepRecord], None]] | None = None
        self._on_event: list[Callable[[StepRecord, object], None]] = []
        self._on_rewind: list[Callable[[int], None]] = []
        self._interrupt = False
        self._gen = None
        self._rec = None  # type: ignore[assignment]  # _begin_step() below sets the first one
        self._index = 0
        self._begin_step()

    # ==== where we are (``position``: see mover.py) ============================================

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
        """The step records back can reach, oldest first (loss of completed steps; statistics
        once read, see ``stats_of``)."""
        return list(self.timeline.records)

    def stats_of(self, rec: StepRecord):
        """The statistics of the completed step ``rec`` (None while it is in progress): from the
        learner when the step was its last one, else from the step's events, replayed."""
        if rec.stats is None and rec.complete:
            if self.learner.t == rec.step:
                rec.stats = self.learner.step_stats()
            if rec.stats is None:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                    rec.stats = self._events_of(rec, force=True)[-1].stats
        return rec.stats

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

    def on_due(self, clock, fn: Callable[[StepRecord], None]) -> Callable[[], None]:
        """Call ``fn(record)`` after a step completed going forward once ``time.monotonic()``
        has reached ``clock.due`` (``fn`` sets the next ``due``; another thread may bring it
        forward). For what needs doing now and then rather than after every step: a look at
        the clock costs the fast path less than a call. One at a time.

        Returns a function that removes the listener.
        """
        if self._on_due is not None:
            raise DebuggerError("an on_due listener is already set")
        self._on_due = (clock, fn)

        def remove() -> None:
            self._on_due = None

        return remove

    def on_event(self, fn: Callable[[StepRecord, object], None]) -> Callable[[], None]:
        """Call ``fn(record, event)`` at each event a motion moves to going forward, once it is
        the current event (``position``) and the motion goes on after it (not at the event it
        stops at, not on the fast path: ``cont(events=True)`` takes every step event by event).
        An ``interrupt()`` from ``fn`` stops the motion at that event.

        Returns a function that removes the listener.
        """
        self._on_event.append(fn)
        return lambda: self._on_event.remove(fn)

    def on_rewind(self, fn: Callable[[int], None]) -> Callable[[], None]:
        """Call ``fn(step)`` when the steps after ``step`` are forgotten (back, restart)."""
        self._on_rewind.append(fn)
        return lambda: self._on_rewind.remove(fn)

    def release(self) -> None:
        """Close the step in progress, if any: the trainer goes back to exactly the state before
        it (parameters, optimizer state, random generator), e.g. to snapshot or save it — also
        where the position was reached by going back into a step already taken, after which the
        trainer stays where it was until something needs it (it is brought back from the nearest
        checkpoint). At a StepEnd the trainer is left after that step. The position does not
        change; the step is taken again, identically, when the controller next needs it."""
        if self.position.at_step_end:
            self._trainer_at(self._rec.step)
        else:
            self._trainer_at(self._rec.step - 1)

    def settings_changed(self) -> None:
        """The trainer's settings were changed at the current position (``engine.live``; the
        trainer applies them from the step the change names). At a step's StepStart with nothing
        of it shown beyond, the StepStart is produced again, so that it shows what the step will
        be taken with (η, the batch)."""
        rec = self._rec
        if self._index == 0 and not rec.complete:
            self._close_gen()
            self.timeline.truncate_after(rec.step - 1)
            self._rec = self.timeline.get(rec.step - 1) or StepRecord(rec.step - 1)
            self._begin_step()
        elif rec.complete and rec.events is None:
            self._index = self._n_events - 1  # clipping switched: one event more or less

    def interrupt(self) -> None:
        """Stop a running ``cont``/``run``/``until``/``next_epoch`` at the next event or step —
        or, when none is running yet, the next one as soon as it starts: an interrupt that
        arrives between a caller's decision to move and the motion's start is not lost. The
        motion it stops consumes it; ``clear_interrupt()`` forgets one still pending."""
        self._interrupt = True

    def clear_interrupt(self) -> None:
        """Forget a pending ``interrupt()``: call it before deciding to start a motion (e.g.
        before checking your own cancellation flag), never after."""
        self._interrupt = False

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

    def next_epoch(self, events: bool = False) -> Stop:
        """To the StepEnd of the current epoch's last batch (at it: of the next epoch).
        ``events``: as ``cont``'s."""
        rec, tr = self._rec, self.trainer
        goal = rec.epoch + (1 if self._at_end() and rec.batch == tr.batches_per_epoch else 0)
        # batches per epoch read at each step: a batch size changed while it trains changes it
        return self._move(
            lambda r, ev: (
                ev.kind == "step_end" and r.epoch >= goal and r.batch == tr.batches_per_epoch
            ),
            coarse=True,
            events=events,
        )

    def cont(self, events: bool = False) -> Stop:
        """Until a breakpoint, a non-finite value, the end of training or ``interrupt()``.
        ``events``: every step event by event, through the ``on_event`` listeners (to show each
        one), never on the fast path; the same numbers either way."""
        return self._move(never, coarse=True, events=events)

    def run(self, n: int) -> Stop:
        """Complete n steps (mid-step, the current step counts as the first)."""
        _positive(n, "run")
        goal = self._rec.step + n - (0 if self._at_end() else 1)
        return self._move(lambda rec, ev: rec.step >= goal and ev.kind == "step_end", coarse=True)

    def until(self, condition: str | Expression, events: bool = False) -> Stop:
        """Until ``condition`` is true at a StepEnd (the Stop's ``details``: the values that
        make it true). ConditionError if it does not parse. ``events``: as ``cont``'s."""
        expr = (
            condition if isinstance(condition, Expression) else parse_condition(condition, self.L)
        )
        return self._move(never, coarse=True, until=expr, events=events)

    def to_event(self, kind: str, layer: int | None = None) -> Stop:
        """Forward to the next event of ``kind`` (of layer ``layer``; None: any layer), in this
        step or a later one; at such an event already, stay. Breakpoints stop it earlier. Once
        training has finished: back to that event of the last step (``ending.back_to``)."""

        def matches(e) -> bool:
            return e.kind == kind and (layer is None or getattr(e, "l", None) == layer)

        if matches(self._event()):
            return Stop("done", self.position)
        reason = ending.finished(self)
        if reason is not None and ending.in_every_step(self, kind):
            return ending.back_to(self, matches, reason)
        return self._move(lambda rec, e: matches(e))

    def goto(self, step: int, kind: str, layer: int | None = None) -> Stop:
        """Forward to event ``kind`` (of layer ``layer``) of ``step``, past any breakpoint on
        the way: whole steps on the fast path up to the step before, then event by event. A
        non-finite value, the end of training or ``interrupt()`` stop it earlier (the Stop
        says so); a target already behind the position leaves it unchanged."""
        _positive(step, "goto")

        def matches(e) -> bool:
            return e.kind == kind and getattr(e, "l", None) == layer

        rec = self._rec
        if rec.step > step or (
            rec.step == step and any(matches(e) for e in self._events_of(rec)[: self._index + 1])
        ):
            return Stop("done", self.position)
        while True:
            rec = self._rec
            if rec.step < step - 1 or (rec.step == step - 1 and not self._at_end()):
                stop = self._move(
                    lambda r, e: r.step >= step - 1 and e.kind == "step_end", coarse=True
                )
                if stop.reason == "done":
                    continue
            else:
                stop = self._move(lambda r, e: (r.step == step and matches(e)) or r.step > step)
            if stop.reason not in ("breakpoint", "condition_error"):
                return stop

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
        self._rec = None  # type: ignore[assignment]  # _begin_step() below starts from scratch
        for fn in list(self._on_rewind):
            fn(self.start_step)
        self._begin_step()
        return Stop("done", self.position, f"Restarted: back at step {count(self.start_step + 1)}.")


def _positive(n, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise DebuggerError(f"{what} takes a whole number ≥ 1, got {n!r}")
