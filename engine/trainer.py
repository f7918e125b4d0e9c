"""The loop around one step: epochs, batches, shuffling, the learning rate in force.

A ``Trainer`` owns the run's single random generator (shuffling and dropout masks), the epoch and
batch counters and the order of the current epoch. ``step_events()`` yields the events of the
next step; ``step()`` takes it on the fast path. Counters and the generator advance only when a
step completes, so an abandoned step can be taken again with the same batch and the same masks.

The event stream gets each batch as new read-only arrays (its events hand them out); the fast
path copies the batch's rows into two buffers reused from step to step (``take``: the same
rows, no allocation).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .arrays import frozen
from .learner import Learner, StepResult
from .losses import one_hot


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
        self.batch_size = batch_size
        self.batches_per_epoch = math.ceil(n / batch_size)
        self.lr = lr if callable(lr) else _constant(float(lr))
        self.shuffle = shuffle
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.epoch = 1  # the epoch the next step belongs to
        self.batch = 0  # batches of the current epoch already done
        self.order: np.ndarray | None = None  # the current epoch's row order
        self._buffers: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # the fast path's batches

    @property
    def n(self) -> int:
        return self.x.shape[0]

    @property
    def steps_done(self) -> int:
        return self.learner.t

    def _next_batch(self):
        """(epoch, batch, order, indices) of the next step, without changing any counter."""
        epoch, batch, order = self.epoch, self.batch, self.order
        if batch == self.batches_per_epoch:
            epoch, batch, order = epoch + 1, 0, None
        if order is None:
            order = frozen(self.rng.permutation(self.n) if self.shuffle else np.arange(self.n))
        start = batch * self.batch_size
        return epoch, batch + 1, order, order[start : start + self.batch_size]

    def _batch_arrays(self, indices):
        if indices.shape[0] == self.n and not self.shuffle:
            return self.x, self.y
        return frozen(self.x[indices]), frozen(self.y[indices])

    def _batch_buffers(self, indices):
        """The batch's rows copied into the fast path's buffers for its size."""
        if indices.shape[0] == self.n and not self.shuffle:
            return self.x, self.y
        buffers = self._buffers.get(indices.shape[0])
        if buffers is None:
            k = indices.shape[0]
            buffers = self._buffers[k] = (
                np.empty((k, *self.x.shape[1:]), self.x.dtype),
                np.empty((k, *self.y.shape[1:]), self.y.dtype),
            )
        x, y = buffers
        # mode "clip": the indices are valid (a permutation), and "raise" would copy through a
        # temporary buffer
        return self.x.take(indices, 0, x, "clip"), self.y.take(indices, 0, y, "clip")

    def step_events(self):
        """Yield the events of the next training step; counters advance when it completes
        (before StepEnd is yielded); a step left unfinished leaves the rng as it was."""
        rng_state = self.rng.bit_generator.state
        epoch, batch, order, indices = self._next_batch()
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
        epoch, batch, order, indices = self._next_batch()
        x, y = self._batch_buffers(indices)
        result = self.learner.step(x, y, self.next_lr, self.rng)
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
        learner, rng_state, self.epoch, self.batch, self.order = snapshot
        self.learner.restore(learner)
        self.rng.bit_generator.state = rng_state


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


def _constant(lr: float):
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    return lambda step, epoch: lr
