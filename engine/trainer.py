"""The loop around one step: epochs, batches, shuffling, the learning rate in force.

A ``Trainer`` owns the run's single random generator (shuffling and dropout masks), the epoch and
batch counters and the order of the current epoch. ``step_events()`` yields the events of the
next step; ``step()`` takes it on the fast path. Counters and the generator advance only when a
step completes, so an abandoned step can be taken again with the same batch and the same masks.

The event stream gets each batch as new read-only arrays (its events hand them out). The fast
path copies the rows of several batches at once, in the epoch's shuffled order, into two buffers
reused from step to step (``take``), and takes each batch as a slice of them: the same rows, two
views a step instead of two gathers (on a small network, 2–4% of its step). As many rows as fit
in ``GATHER_BYTES`` are copied at a time: a small training set's whole epoch, one batch of
large ones (whose rows are then read right after they were written, still in the cache).
Unshuffled batches are slices of the data itself.

Settings can change between steps (``change``, ``request``: ``engine.live``): the trainer logs
each change with the step it applies from, and before every step puts in force the values the
log gives for that step — so ``restore`` and any replay from a snapshot take every step with
the values it was first taken with.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import numpy as np

from . import live
from .arrays import frozen
from .learner import Learner, StepResult
from .losses import one_hot
from .schedules import Schedule

GATHER_BYTES = 1 << 20  # the fast path copies the rows of this many bytes of batches at once


class Trainer:
    def __init__(
        self,
        learner: Learner,
        x: np.ndarray,
        y: np.ndarray,
        *,
        batch_size: int | str = "full",
        lr: float | Callable[[int, int], float] = 0.1,
        shuffle: bool = True,
        rng: np.random.Generator | None = None,
    ):
        dtype = learner.net.dtype
        self.learner = learner
        self.x = frozen(np.asarray(x, dtype=dtype))
        self.y = frozen(np.asarray(y, dtype=dtype))
        n = _check_shapes(learner.net, self.x, self.y)
        if n == 0:
            raise ValueError("the training set is empty")
        if batch_size == "full":
            batch_size = n
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer or 'full', got {batch_size!r}")
        if batch_size > n:
            raise ValueError(
                f"batch_size {batch_size} is larger than the training set ({n} examples)"
            )
        self.set_batch_size(batch_size)
        self.lr: Callable[[int, int], float] = lr if callable(lr) else Schedule(lr)
        """η(step, epoch): a ``Schedule`` (its η₀ and keys can change while it trains), or any
        such function (then η cannot change live)."""
        self.shuffle = shuffle
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.epoch = 1  # the epoch the next step belongs to
        self.batch = 0  # batches of the current epoch already done
        self.order: np.ndarray | None = None  # the current epoch's row order
        self._gathered: tuple = (None, 0, 0, self.x[:0], self.y[:0])
        """(order, lo, hi, x, y): the fast path's copy of rows ``order[lo:hi]`` in x[: hi − lo],
        y[: hi − lo] (order None: nothing yet)."""
        self.changes: list[live.Change] = []
        """The settings changed since the start, in step order (``engine.live``)."""
        self._base: dict | None = None  # the live settings before the first change
        self._requests: deque = deque()  # changes asked for from another thread
        self.refused: deque[str] = deque()
        """Why requests were refused when their step came (read and cleared by the asker)."""
        self._in_force = (0, math.inf)  # the steps done for which the values in force are right
        self._split: tuple[int, int, int] | None = None  # (epoch, batch, consumed): see below

    @property
    def n(self) -> int:
        return self.x.shape[0]

    @property
    def steps_done(self) -> int:
        return self.learner.t

    @property
    def batches_per_epoch(self) -> int:
        """Batches in the current epoch: ⌈n / B⌉, or, in an epoch whose batch size changed, the
        batches done before the change and those the rest of its examples make."""
        split = self._split
        if split is not None and split[0] == self.epoch:
            return split[1] + math.ceil((self.n - split[2]) / self.batch_size)
        return self._batches

    def set_batch_size(self, size: int) -> None:
        """B from the next step (checked by the caller: ``engine.live``)."""
        self.batch_size = size
        self._batches = math.ceil(self.n / size)

    def _next_batch(self):
        """(epoch, batch, order, start) of the next step, without changing any counter: its
        examples are ``order[start : start + batch_size]``."""
        t = self.learner.t
        if self._requests or not self._in_force[0] <= t < self._in_force[1]:
            self._sync(t)
        epoch, batch, order = self.epoch, self.batch, self.order
        if batch == self.batches_per_epoch:
            epoch, batch, order = epoch + 1, 0, None
        if order is None:
            order = frozen(self.rng.permutation(self.n) if self.shuffle else np.arange(self.n))
        split = self._split
        if split is not None and split[0] == epoch:  # the batch size changed in this epoch
            start = split[2] + (batch - split[1]) * self.batch_size
        else:
            start = batch * self.batch_size
        return epoch, batch + 1, order, start

    # --- changes while it trains (engine.live) --------------------------------------------------

    def change(self, values: dict, at: int | None = None, where: tuple[int, int] | None = None):
        """Put ``values`` (checked by ``live.check``) in force from step ``at`` + 1 (default: the
        next step); returns (the logged change, the later changes it dropped). ``where``: the
        (epoch, batch) counters after step ``at`` when the trainer is not there now (the
        debugger's position after stepping back). Call between steps, from the thread that
        steps; ``request`` from any other."""
        at = self.steps_done if at is None else at
        epoch, batch = (self.epoch, self.batch) if where is None else where
        if self._base is None:
            self._base = live.read_all(self)
        dropped = [c for c in self.changes if c.at > at]
        kept = [c for c in self.changes if c.at <= at]
        before = self.settings_at(at, kept)
        old = {key: before[key] for key in values}
        if kept and kept[-1].at == at:  # the same step: one change
            merged = kept.pop()
            values = {**merged.new, **values}
            old = {**old, **merged.old}
        values = {k: v for k, v in values.items() if v != old[k] or type(v) is not type(old[k])}
        change = None
        if values:
            taken = self.settings_at(at - 1, kept)["training.batch_size"]  # B of step ``at``
            consumed = self._consumed(epoch, batch, taken, kept)
            change = live.Change(at, values, {k: old[k] for k in values}, epoch, batch, consumed)
            kept.append(change)
        self.changes = kept
        self._sync(self.steps_done)
        return change, dropped

    def request(self, values: dict) -> None:
        """Ask for ``change(values)`` at the start of the next step (safe from another thread
        while this one trains: the step about to begin, or the one running, is left as it is)."""
        self._requests.append(values)

    def settings_at(self, steps_done: int, changes=None) -> dict:
        """The live settings in force for step ``steps_done`` + 1, by key."""
        values = dict(self._base) if self._base is not None else live.read_all(self)
        for c in self.changes if changes is None else changes:
            if c.at > steps_done:
                break
            values.update(c.new)
        return values

    def set_log(self, changes: list[live.Change]) -> None:
        """Start from a saved log (a session file): ``changes`` apply at their steps, from the
        settings the trainer was built with. ValueError when one does not check.

        Each change is checked against what those before it give — the settings in force, the
        counters after its step, the examples of the epoch taken — carried along from one
        change to the next (recomputed from the start for each, a log of 20,000 changes took
        minutes)."""
        self._base = base = live.read_all(self)
        self.changes = []
        values = dict(base)  # the settings in force after the changes so far
        counters = _Counters(self.n, base.get("training.batch_size", self.batch_size))
        split = None  # the last change of B that split an epoch (``_consumed``)
        for c in changes:
            if self.changes and c.at <= self.changes[-1].at:
                raise ValueError("changes must be in step order, one a step")
            try:
                new = live.check_logged(self, c.new, values)
            except ValueError as e:
                raise ValueError(f"the change after step {c.at}: {e}") from None
            where = counters.after(c.at)
            taken = values["training.batch_size"]  # B of step ``at``: the changes before it
            consumed = self._consumed(*where, taken, [split] if split else [])
            if (c.epoch, c.batch, c.consumed) != (*where, consumed):
                raise ValueError(
                    f"the change after step {c.at} says epoch {c.epoch}, batch {c.batch}, "
                    f"{c.consumed} examples taken; the log gives epoch {where[0]}, batch "
                    f"{where[1]}, {consumed}"
                )
            change = live.Change(c.at, new, c.old, c.epoch, c.batch, c.consumed)
            self.changes.append(change)
            values.update(new)
            if "training.batch_size" in new:
                counters.resize(c.at, new["training.batch_size"])
                split = change if change.consumed > 0 else split
        self._base = base
        self._sync(self.steps_done)

    def counters_after(self, t: int) -> tuple[int, int]:
        """(epoch, batch): the counters after ``t`` steps with the batch sizes the log gives
        (epoch 1, batch 0 before the first step; at an epoch's end, its last batch). What a
        saved trainer's counters must be."""
        counters = _Counters(self.n, (self._base or {}).get("training.batch_size", self.batch_size))
        for change in self.changes:
            if change.at > t:
                break
            if "training.batch_size" in change.new:
                counters.resize(change.at, change.new["training.batch_size"])
        return counters.after(t)

    def _consumed(self, epoch: int, batch: int, size: int, changes) -> int:
        """Examples of epoch ``epoch`` taken after ``batch`` batches, the last ones of ``size``
        examples, under ``changes``."""
        for c in reversed(changes):
            if "training.batch_size" in c.new and c.epoch == epoch and c.consumed > 0:
                return min(c.consumed + (batch - c.batch) * size, self.n)
        return min(batch * size, self.n)

    def _sync(self, t: int) -> None:
        """Put in force the values of the log for step t + 1, taking requests first."""
        while self._requests:
            values = self._requests.popleft()
            try:
                self.change(live.check(self, values), t)
            except ValueError as e:  # checked when asked for; an earlier request made it wrong
                self.refused.append(str(e))
        values = self.settings_at(t) if self._base is not None else None
        lo, hi, split = 0, math.inf, None
        for c in self.changes:
            if c.at > t:
                hi = c.at
                break
            lo = c.at
            if "training.batch_size" in c.new:
                # mid-epoch, or at its end (then it stays ended: its batches are those done)
                split = (c.epoch, c.batch, c.consumed) if c.consumed > 0 else None
        if values is not None:
            live.write(self, {k: v for k, v in values.items() if live.read(self, k) != v})
        self._split, self._in_force = split, (lo, hi)

    def _batch_arrays(self, indices):
        if indices.shape[0] == self.n and not self.shuffle:
            return self.x, self.y
        return frozen(self.x[indices]), frozen(self.y[indices])

    def _batch_views(self, order, start: int):
        """The fast path's batch, examples ``order[start : start + batch_size]``: a slice of the
        rows gathered last, or of those it gathers now (see the module docstring)."""
        stop = min(start + self.batch_size, self.n)  # an epoch's last batch may be short
        if not self.shuffle:  # the order is 0 … n − 1
            return self.x[start:stop], self.y[start:stop]
        gathered, lo, hi, x, y = self._gathered
        if order is not gathered or start < lo or stop > hi:
            row_bytes = self.x[0].nbytes + self.y[0].nbytes
            rows = max(self.batch_size, GATHER_BYTES // row_bytes)
            if x.shape[0] < rows:
                x = np.empty((rows, *self.x.shape[1:]), self.x.dtype)
                y = np.empty((rows, *self.y.shape[1:]), self.y.dtype)
            lo, hi = start, min(start + rows, self.n)
            # mode "clip": the indices are valid (a permutation), and "raise" would copy through a
            # temporary buffer
            self.x.take(order[lo:hi], 0, x[: hi - lo], "clip")
            self.y.take(order[lo:hi], 0, y[: hi - lo], "clip")
            self._gathered = (order, lo, hi, x, y)
        return x[start - lo : stop - lo], y[start - lo : stop - lo]

    def step_events(self):
        """Yield the events of the next training step; counters advance when it completes
        (before StepEnd is yielded); a step left unfinished leaves the rng as it was."""
        rng_state = self.rng.bit_generator.state
        epoch, batch, order, start = self._next_batch()
        indices = order[start : start + self.batch_size]
        x, y = self._batch_arrays(indices)
        t = self.learner.t
        lr = self.next_lr

        def done() -> None:
            self.epoch, self.batch, self.order = epoch, batch, order

        try:
            yield from self.learner.events(
                x, y, lr, epoch=epoch, batch=batch, indices=indices, rng=self.rng, done=done
            )
        finally:
            if self.learner.t == t:  # closed before the step was applied
                self.rng.bit_generator.state = rng_state

    def step(self) -> StepResult:
        """The next training step on the fast path."""
        epoch, batch, order, start = self._next_batch()
        x, y = self._batch_views(order, start)
        lr = self.lr(self.learner.t + 1, epoch)  # ``next_lr``: η of this step, in its epoch
        result = self.learner.step(x, y, lr, self.rng)
        self.epoch, self.batch, self.order = epoch, batch, order
        return result

    def rate_after(self, step: int, epoch: int, batch: int) -> float:
        """η of the step after step ``step``, which was batch ``batch`` of epoch ``epoch``: the
        schedule at step + 1, in the epoch that step belongs to — the next epoch's after an
        epoch's last batch (step 0, batch 0 of epoch 1: before any step)."""
        return self.lr(step + 1, epoch + 1 if batch == self.batches_per_epoch else epoch)

    @property
    def next_lr(self) -> float:
        """The rate in force: η of the next step, or of the step in progress (counters advance
        when a step completes). The steps use it, and every view shows it as the current η."""
        return self.rate_after(self.learner.t, self.epoch, self.batch)

    @property
    def epoch_done(self) -> bool:
        """The last step completed an epoch."""
        return self.batch == self.batches_per_epoch

    def snapshot(self):
        """Everything needed to take the same steps again: by reference, except the rng state."""
        return (
            self.learner.snapshot(),
            self.rng.bit_generator.state,
            self.epoch,
            self.batch,
            self.order,
        )

    def restore(self, snapshot) -> None:
        """Back to a ``snapshot()``, with the settings the log has in force there."""
        learner, rng_state, self.epoch, self.batch, self.order = snapshot
        self.learner.restore(learner)
        self.rng.bit_generator.state = rng_state
        if self.changes:
            self._sync(self.steps_done)


def _check_shapes(net, x, y) -> int:
    """The number of examples n, once x is (n, n⁰) and y is (n, nᴸ) — or (n,) class indices with
    the cross-entropy loss; a ValueError naming the shape allowed otherwise (a 1-D y would
    broadcast against (n, 1) outputs into a wrong loss without any error)."""
    if x.ndim != 2 or x.shape[1] != net.n_in:
        raise ValueError(f"x must have shape (n, {net.n_in}): one row per example, got {x.shape}")
    n, n_out = x.shape[0], net.layers[-1].n_out
    classes = net.loss.name == "cross_entropy"
    if y.shape[:1] != (n,) or not ((classes and y.ndim == 1) or y.shape[1:] == (n_out,)):
        allowed = f"({n}, {n_out})" + (f" or ({n},) class indices" if classes else "")
        raise ValueError(f"y must have shape {allowed} for {n} examples, got {y.shape}")
    if y.ndim == 1:
        one_hot(y, n_out)  # the class indices are checked once, here
    return n


class _Counters:
    """The trainer's (epoch, batch) counters as steps are taken at changing batch sizes:
    ``resize(at, B)`` after step ``at``, then ``after(t)`` for any t ≥ it (``counters_after``)."""

    def __init__(self, n: int, size: int):
        self.n, self.size = n, size
        self.epoch, self.batch, self.taken, self.steps = 1, 0, 0, 0  # taken: of this epoch

    def resize(self, at: int, size: int) -> None:
        self.epoch, self.batch, self.taken = self._advance(at - self.steps)
        self.steps, self.size = at, size

    def after(self, t: int) -> tuple[int, int]:
        epoch, batch, _ = self._advance(t - self.steps)
        return epoch, batch

    def _advance(self, k: int) -> tuple[int, int, int]:
        """(epoch, batch, examples taken of the epoch) after ``k`` more steps of ``size``."""
        n, size, e, b, c = self.n, self.size, self.epoch, self.batch, self.taken
        if k <= 0:
            return e, b, c
        if c >= n:  # the last step ended an epoch: the next one starts the next epoch
            e, b, c = e + 1, 0, 0
        left = -(-(n - c) // size)
        if k < left:
            return e, b + k, c + k * size
        k -= left
        b, c = b + left, n
        per = -(-n // size)
        full, rest = divmod(k, per)
        if rest:
            return e + full + 1, rest, rest * size
        if full:
            return e + full, per, c
        return e, b, c
