"""The debugger's memory of recent steps: what makes ``back`` and exact replay possible.

Two bounded rings:

- ``StepRecord``s of the last ``history`` steps: step, epoch, batch, loss, the step's
  non-finite check, its statistics once something read them (``Controller.stats_of``), the
  ``StepEnd`` event and — for the few most recent steps (``keep_events``) — the step's events.
  Events are immutable and share their arrays with the computation, so keeping them copies
  nothing; older steps drop their event lists and get them back by replay when needed. Where
  nothing reads a record after every step, the fast path appends a row ``(step, epoch, batch,
  loss, finite)`` to the ring instead (a tuple costs a fraction of a record to make: 1–2% of
  the lab's training speed on a small network), which becomes a record when it is first read
  (``get``, ``records``).
- checkpoints: ``trainer.snapshot()`` taken every ``checkpoint_every`` steps (parameters and
  optimizer state by reference, plus the random generator's state). Replaying from a checkpoint
  with ``trainer.step()`` reproduces every later step bit for bit (same batches, same dropout
  masks), so any step in the ring can be rebuilt from the checkpoint before it. On the fast
  path (``Mover._fast_loop``) two checkpoints are also at least ``checkpoint_gap`` seconds of
  training apart: where steps take microseconds, one every 16 steps cost 1–2% of the training
  speed (a held snapshot makes the fast path find other buffers for its next steps), and a
  replay from one at most ``checkpoint_gap`` (plus 16 steps) back costs no more time than one
  16 slow steps back would.

The snapshot of the start of the run (step 0) is kept apart for ``restart``.
"""

from __future__ import annotations

import sys
from collections import deque

from ..events import StepEnd

# the defaults of the rings' sizes (the Controller's too)
HISTORY = 100  # step records: how far back ``back`` reaches
KEEP_EVENTS = 8  # recent steps that keep their events
CHECKPOINT_EVERY = 16  # steps between trainer snapshots
CHECKPOINT_GAP = 0.004  # seconds of training between two snapshots of the fast path, at least


class StepRecord:
    """One step as the debugger remembers it.

    ``events`` is the list of the step's events (possibly still being produced, see
    ``complete``), or None when the step ran on the fast path or its events were dropped.
    ``params_before`` / ``opt_before`` are the parameters and optimizer state in force during
    the step (by reference), set whenever the step's events are produced.

    The fast path makes one a step where something reads it after every step, so a record is
    cheap to make: the fields every step has are slots, the others class-level defaults until
    a step sets them (in the record's ``__dict__``, made only then).
    """

    __slots__ = ("step", "epoch", "batch", "loss", "complete", "finite", "__dict__")

    stats: tuple | None = None  # None until read, for a step taken on the fast path
    _end: StepEnd | None = None
    events: list | None = None
    params_before: tuple[dict, ...] | None = None
    opt_before: tuple[dict, ...] | None = None
    nan_reported = False  # the first non-finite value of this step was reported
    nan_scanned = -1  # events up to this index were checked for non-finite values
    stop_reason: str | None = None  # the run's stop rule, evaluated at StepEnd

    def __init__(
        self,
        step: int,
        epoch: int = 0,
        batch: int = 0,
        loss: float | None = None,
        complete: bool = False,
        finite: bool = True,
    ):
        self.step = step
        self.epoch = epoch
        self.batch = batch
        self.loss = loss
        self.complete = complete
        self.finite = finite  # the step's check (``Learner.finite``)

    @property
    def end(self) -> StepEnd | None:
        """The step's StepEnd event (None while the step is in progress or its statistics are
        not known yet)."""
        if self._end is None and self.complete and self.stats is not None and self.loss is not None:
            self._end = StepEnd(self.step, self.epoch, self.batch, self.loss, self.stats)
        return self._end

    def finish(self, end: StepEnd, finite: bool) -> None:
        self._end, self.loss, self.stats, self.complete = end, end.loss, end.stats, True
        self.finite = finite

    def __repr__(self) -> str:
        events = "no events" if self.events is None else f"{len(self.events)} events"
        return f"StepRecord(step={self.step}, epoch={self.epoch}, batch={self.batch}, {events})"


class Timeline:
    """The rings of step records and checkpoints (see the module docstring)."""

    def __init__(
        self,
        initial_snapshot,
        *,
        history: int = HISTORY,
        keep_events: int = KEEP_EVENTS,
        checkpoint_every: int = CHECKPOINT_EVERY,
        checkpoint_gap: float = CHECKPOINT_GAP,
        start: int = 0,
    ):
        if history < 1:
            raise ValueError(f"history must be at least 1 step, got {history}")
        if keep_events < 1:
            raise ValueError(f"keep_events must be at least 1 step, got {keep_events}")
        if checkpoint_every < 1:
            raise ValueError(f"checkpoint_every must be at least 1, got {checkpoint_every}")
        self.history = history
        self.keep_events = keep_events
        self.checkpoint_every = checkpoint_every
        self.checkpoint_gap = checkpoint_gap
        self.initial = initial_snapshot
        self.start = start  # steps done when the initial snapshot was taken
        # records and rows; a history longer than a deque can be (--history 10²³) keeps them all
        self.ring: deque[StepRecord | tuple] = deque(maxlen=min(history, sys.maxsize))
        self._eventful: deque[StepRecord] = deque()  # records holding events, oldest first
        self.checkpoints: deque[tuple[int, object]] = deque()  # (steps done, snapshot)

    # --- records ----------------------------------------------------------------------------

    def get(self, step: int) -> StepRecord | None:
        ring = self.ring
        if not ring:
            return None
        i = step - _step_of(ring[0])
        if 0 <= i < len(ring):
            entry = ring[i]
            if isinstance(entry, tuple):
                entry = ring[i] = _record(entry)
            return entry
        return None

    def last(self) -> StepRecord:
        """The newest record (there is one: the ring is not empty)."""
        entry = self.ring[-1]
        if isinstance(entry, tuple):
            entry = self.ring[-1] = _record(entry)
        return entry

    @property
    def records(self) -> deque[StepRecord]:
        """The step records, oldest first (the fast path's rows made records)."""
        ring = self.ring
        for i in range(len(ring)):
            entry = ring[i]
            if isinstance(entry, tuple):
                ring[i] = _record(entry)
        return ring  # type: ignore[return-value]  # records only, now

    @property
    def oldest(self) -> int | None:
        """The oldest step that can still be revisited."""
        return _step_of(self.ring[0]) if self.ring else None

    @property
    def newest(self) -> int | None:
        """The last step in the ring."""
        return _step_of(self.ring[-1]) if self.ring else None

    def append(self, rec: StepRecord) -> None:
        ring = self.ring
        if ring and _step_of(ring[-1]) >= rec.step:
            self.truncate_after(rec.step - 1)
        ring.append(rec)
        if rec.events is not None:
            self.note_events(rec)
        self._prune_checkpoints()

    def note_events(self, rec: StepRecord) -> None:
        """``rec`` holds its events now; drop those of all but the ``keep_events`` most recent
        such records (they are replayed from a checkpoint when needed again)."""
        eventful = self._eventful
        if rec in eventful:
            eventful.remove(rec)
        eventful.append(rec)
        self.trim_events()

    def trim_events(self) -> None:
        eventful = self._eventful
        while len(eventful) > self.keep_events:
            old = eventful.popleft()
            if old.complete:
                old.events = old.params_before = old.opt_before = None
            else:  # a step in progress keeps its events
                eventful.append(old)
                break

    def truncate_after(self, step: int) -> None:
        """Forget steps after ``step`` (and checkpoints taken after it): the past was changed."""
        ring = self.ring
        while ring and _step_of(ring[-1]) > step:
            gone = ring.pop()
            if not isinstance(gone, tuple) and gone in self._eventful:
                self._eventful.remove(gone)
        checkpoints = self.checkpoints
        while checkpoints and checkpoints[-1][0] > step:
            checkpoints.pop()

    def clear(self) -> None:
        self.ring.clear()
        self.checkpoints.clear()
        self._eventful.clear()

    # --- checkpoints ------------------------------------------------------------------------

    def wants_checkpoint(self, steps_done: int) -> bool:
        if steps_done % self.checkpoint_every:
            return False
        checkpoints = self.checkpoints
        return steps_done > self.start and (not checkpoints or checkpoints[-1][0] < steps_done)

    def add_checkpoint(self, steps_done: int, snapshot) -> None:
        self.checkpoints.append((steps_done, snapshot))
        self._prune_checkpoints()

    def nearest_checkpoint(self, steps_done: int) -> tuple[int, object]:
        """The latest checkpoint taken at or before ``steps_done`` (the run's start at worst)."""
        best = (self.start, self.initial)
        for done, snap in self.checkpoints:
            if done > steps_done:
                break
            best = (done, snap)
        return best

    def _prune_checkpoints(self) -> None:
        """Keep only the checkpoints needed to rebuild the steps still in the ring."""
        oldest = self.oldest
        if oldest is None:
            return
        checkpoints = self.checkpoints
        while len(checkpoints) >= 2 and checkpoints[1][0] <= oldest - 1:
            checkpoints.popleft()


def _step_of(entry: StepRecord | tuple) -> int:
    return entry[0] if isinstance(entry, tuple) else entry.step


def _record(row: tuple) -> StepRecord:
    """The record of a step the fast path took, from its row ``(step, epoch, batch, loss,
    finite)``: complete, its statistics computed when asked for."""
    step, epoch, batch, loss, finite = row
    return StepRecord(step, epoch, batch, loss, True, finite)
