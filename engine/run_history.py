"""The records a run keeps besides per-step statistics: per-epoch metrics, in bounded memory.

``RunHistory`` holds both halves of a run's past: ``steps`` (``StatsHistory``, per-step loss and
layer statistics) and ``epochs`` (``EpochLog``, the metrics measured at the end of each epoch).
"""

from __future__ import annotations

import numpy as np

from .history import StatsHistory
from .metrics import EpochMetrics

SAMPLE_EXACT = 512  # steps recorded one by one at the start of a run
SAMPLE_EVERY = 32  # the longest interval between two recorded steps


def sampled(step: int) -> bool:
    """Whether the per-step history records step ``step`` (taken on the fast path): every step
    of the first 512, then every 2nd up to step 1,023, every 4th, 8th, 16th, and from step 8,192
    on every 32nd. A plot draws at most two points per column of a terminal (a few hundred over
    the whole run), and the history keeps its latest 2,048 records exact, so it shows nothing
    more; a step's statistics are a dozen NumPy calls per layer, as much as a small network's
    step itself, so every recorded step counts (in the lab, at full speed, training a small
    network: 4% of its speed with the first 2,048 steps recorded one by one, 1.5% so)."""
    length = step.bit_length()
    mask = _MASKS[length] if length < len(_MASKS) else SAMPLE_EVERY - 1
    return not step & mask


def _mask(length: int) -> int:
    """The interval − 1 for steps of ``length`` bits: 0 (every step) below SAMPLE_EXACT, then
    1, 3, 7, … up to SAMPLE_EVERY − 1."""
    shift = max(length - SAMPLE_EXACT.bit_length() + 1, 0)
    return (1 << min(shift, SAMPLE_EVERY.bit_length() - 1)) - 1


_MASKS = tuple(_mask(length) for length in range(64))  # ``sampled`` is asked after every step


class EpochLog:
    """Per-epoch metrics in bounded memory: when ``capacity`` entries are held, the older half is
    thinned to every other entry (so a long run keeps its whole curve at falling resolution)."""

    def __init__(self, capacity: int = 4096):
        self.capacity = capacity
        self._items: list[EpochMetrics] = []

    def append(self, metrics: EpochMetrics) -> None:
        if len(self._items) >= self.capacity:
            half = self.capacity // 2
            self._items = self._items[:half:2] + self._items[half:]
        self._items.append(metrics)

    def replace_last(self, metrics: EpochMetrics) -> None:
        """The last epoch's metrics, measured again (more of them)."""
        self._items[-1] = metrics

    def truncate(self, step: int) -> None:
        """Forget epochs measured after ``step`` (used when a run is restored)."""
        self._items = [m for m in self._items if m.step <= step]

    def state(self) -> dict:
        """Everything held, as plain values: ``{"capacity": int, "items": [EpochMetrics, …]}``
        (a new list); ``EpochLog.from_state(log.state())`` is an equal log."""
        return {"capacity": self.capacity, "items": list(self._items)}

    @classmethod
    def from_state(cls, state: dict) -> EpochLog:
        """The log that ``state()`` described; items may be plain sequences of the fields."""
        log = cls(int(state["capacity"]))
        log._items = [EpochMetrics(*m) for m in state["items"]]
        return log

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __iter__(self):
        return iter(list(self._items))

    @property
    def last(self) -> EpochMetrics | None:
        return self._items[-1] if self._items else None

    def series(self, name: str) -> np.ndarray:
        """One field of every entry as floats (NaN where it does not apply)."""
        if name not in EpochMetrics._fields:
            raise ValueError(f"unknown metric {name!r}; allowed: {', '.join(EpochMetrics._fields)}")
        return np.array(
            [np.nan if (v := getattr(m, name)) is None else v for m in list(self._items)],
            dtype=np.float64,
        )


class RunHistory:
    """``steps``: per-step loss and layer statistics (bounded); ``epochs``: per-epoch metrics."""

    def __init__(self, n_layers: int):
        self.steps = StatsHistory(n_layers)
        self.epochs = EpochLog()

    def __repr__(self) -> str:
        return f"RunHistory({self.steps.n_recorded} steps, {len(self.epochs)} epochs)"
