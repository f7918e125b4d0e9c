"""Which example the lab explains and draws: the user's choice (``LabView.example``, a row of
the batch, 0 by default), fitted to the current batch.

The Debugger panel's equations (``Controller.explain(…, example)``) and the network picture's
node values both use it, so the two always speak of the same example. A batch can be smaller
than the choice (the last batch of an epoch, or batch size 1): then its last row is used, and
the choice is kept for the next batch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """Row ``index`` of a batch of ``batch_size`` examples; ``row``: its row in the training set
    (None when the batch is not known: between steps while training runs)."""

    index: int
    batch_size: int
    row: int | None

    def caption(self) -> str:
        """``example 2 of 0…3`` (row 2 of a batch of 4: indices count from 0, so not "2/4",
        which would read as the second of four); ``training example 2`` when the batch is not
        known (its row of the training set then)."""
        if self.row is None:
            return f"training example {self.index}"
        if self.batch_size == 1:
            return f"example {self.index} (of 1)"
        return f"example {self.index} of 0…{self.batch_size - 1}"


def step_start(view):
    """The StepStart event of the step the debugger is paused in, or None (training runs, or
    the step's events were not kept)."""
    event = view.event
    if event is None or view.controller is None:
        return None
    if event.kind == "step_start":
        return event
    if event.kind == "step_end":
        events = view.controller.record.events
        return events[0] if events else None
    return view.controller.view.events[0]


def current_example(view) -> Example:
    """The chosen example, in the batch of the step the debugger is paused in (or the trainer's
    batch size while training runs)."""
    wanted = max(int(getattr(view, "example", 0)), 0)
    start = step_start(view)
    if start is not None:
        size = max(int(start.batch_size), 1)
        index = min(wanted, size - 1)
        row = int(start.indices[index]) if start.indices is not None else index
        return Example(index, size, row)
    size = max(int(view.run.trainer.batch_size), 1)
    return Example(min(wanted, size - 1, view.run.data.x_train.shape[0] - 1), size, None)
