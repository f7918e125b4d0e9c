"""Where a run diverged: the first quantity that became non-finite, found by replaying the
failed step as events from the last checkpoint (``first_non_finite``), and the epoch-end rule
that stops a headless run where the lab stops it. A mixin of ``engine.run.Run``; it costs
nothing unless a step's check fails (``Learner.finite``) or the training set's loss is not
finite."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .metrics import evaluate
from .nonfinite import NonFinite, first_non_finite

if TYPE_CHECKING:
    from .blowup import BlowUp


class DivergenceSearch:
    """``_diverged``, ``_diagnose``, ``_diverged_at_epoch_end`` and ``_diverged_in_evaluation``
    of ``Run``, which provides the network, learner, trainer, data, checkpoint and figures."""

    stop_reason: str | None
    divergence: NonFinite | BlowUp | None
    last_loss: float | None
    high_since: int | None
    _last_stats: tuple | None
    _epoch_loss_sum: float
    _epoch_steps: int
    _checkpoint_step: int
    measure_training_set: bool
    if TYPE_CHECKING:  # provided by Run
        net: Any
        learner: Any
        trainer: Any
        data: Any
        stop: Any
        history: Any
        _checkpoint: Any
        _output: Any

        @property
        def steps_done(self) -> int: ...

        @property
        def last_stats(self) -> tuple: ...

    def _diverged(self, loss: float, events, previous_loss: float | None) -> bool:
        """The step's check failed: find the first non-finite quantity in its events (replayed
        when they were not produced); a finite sum of squares that overflowed is a false alarm.
        ``previous_loss``: the step before's (see ``_diverged_at_epoch_end``)."""
        if events is not None:
            found = first_non_finite(events)
        elif not self.learner.really_non_finite():
            return False  # a finite sum of squares overflowed
        elif self._diverged_at_epoch_end(previous_loss):
            return True
        else:
            found = self._diagnose()
            if found is False:  # no state to replay the step from: look at what is left
                return not math.isfinite(loss) or any(
                    not np.isfinite(p).all()
                    for layer in self.net.layers
                    for p in layer.params.values()
                )
        self.divergence = found
        return found is not None

    def _diagnose(self):
        """Replay the last step with events (from the last checkpoint) to find what went bad:
        the first non-finite quantity, None if there is none, False if it cannot be replayed."""
        target = self.steps_done
        self.last_stats  # noqa: B018 — kept: the replay below starts from another state
        if self._checkpoint_step >= target:  # no state before the step to replay it from
            return False
        diverged = self.trainer.snapshot()
        self.trainer.restore(self._checkpoint)
        while self.trainer.steps_done < target - 1:
            self.trainer.step()
        events = list(self.trainer.step_events())
        self.trainer.restore(diverged)
        return first_non_finite(events)

    def _diverged_at_epoch_end(self, previous_loss: float | None) -> bool:
        """Where the training set is not evaluated at every epoch's end (headless ``train``), a
        step that fails its check as the first of an epoch may fail because the network of the
        epoch's end already had a non-finite loss over the whole training set — which is where
        the lab, which evaluates it there, stops. Then this run stops there too (one step
        number for one run, whichever tool trains it): the trainer is brought back from the
        last checkpoint, the training set evaluated, and if its loss is not finite the run
        ends diverged after that epoch, with the lab's figures of it. Costs nothing unless a
        run diverges. True when it ended the run so."""
        s = self.steps_done
        if (
            self.measure_training_set
            or self.stop.loss_below is not None  # evaluated at every epoch's end: not needed
            or self.trainer.batch != 1
            or s < 2
            or self._checkpoint_step > s - 1
        ):
            return False
        diverged = self.trainer.snapshot()
        self.trainer.restore(self._checkpoint)
        while self.trainer.steps_done < s - 1:
            self.trainer.step()
        data = self.data
        train_loss, accuracy = evaluate(
            self.net, data, data.x_train, data.y_train, data.labels_train, self._output
        )
        if train_loss is None or math.isfinite(train_loss):
            self.trainer.restore(diverged)
            return False
        # the run as it was after step s − 1, and that epoch's figures as the lab has them
        self.last_loss, self._last_stats = previous_loss, None
        self._epoch_loss_sum, self._epoch_steps = 0.0, 0
        if self.high_since == s:
            self.high_since = None
        self.history.steps.truncate(s - 1)
        last = self.history.epochs.last
        if last is not None and last.step == s - 1:
            measured = last._replace(train_loss=train_loss, accuracy=accuracy)
            self.history.epochs.replace_last(measured)
        self._diverged_in_evaluation(train_loss)
        return True

    def _diverged_in_evaluation(self, train_loss: float) -> None:
        """Every step's check passed, but the loss over the whole training set is not finite."""
        self.stop_reason = "diverged"
        self.divergence = self._diagnose() or NonFinite(
            self.steps_done, "evaluation", None, "train_loss", (), train_loss
        )
