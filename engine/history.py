"""A bounded history of per-step statistics: the loss and every layer's ``LayerStats``.

Memory is fixed when the history is created and never grows, whatever the number of steps:

- the **recent** part keeps at least ``recent`` (and at most 2·``recent``) of the latest steps at
  full resolution, exactly as recorded, in a preallocated array;
- the **old** part is a second preallocated array of at most ``coarse`` buckets. When the recent
  part is full, its oldest ``recent`` rows are folded into buckets of ``width`` consecutive steps;
  when the old part is full, neighbouring buckets are merged in pairs and ``width`` doubles.
  A bucket keeps the sums of everything (so the mean step, mean loss and mean of every statistic)
  and the minimum and maximum of the loss (so a plot can draw the envelope of the old part).

So after n steps the history holds between ``recent`` and 2·``recent`` exact points (fewer just
after ``truncate``, which forgets the steps after a given one) plus at most
``coarse`` buckets of width ≈ 2n/``coarse`` — enough for a plot of the whole run at a
terminal's resolution, with the latest steps exact.

Recording costs about 2 µs a step (one row assignment; folding is vectorized and amortized).
Accessors return new arrays (float64), oldest first, old buckets followed by the exact steps.
One thread may record while another reads: each accessor is consistent on its own; use
``snapshot()`` for several arrays that must match point for point. ``state()`` and
``StatsHistory.from_state()`` save and restore a history exactly (e.g. in a lab session file).
"""

from __future__ import annotations

import threading
from itertools import chain
from typing import NamedTuple

import numpy as np

from .stats import STAT_NAMES, LayerStats

_S = len(LayerStats._fields)  # per-layer columns, as recorded: l, then STAT_NAMES


class HistoryArrays(NamedTuple):
    """A consistent copy of a history, one entry per point (bucket or exact step), oldest first."""

    steps: np.ndarray  # mean step of each point (the step itself for exact points)
    loss: np.ndarray  # mean loss
    loss_min: np.ndarray
    loss_max: np.ndarray
    counts: np.ndarray  # steps merged into each point (1 for exact points)
    stats: np.ndarray  # shape (points, n_layers, len(STAT_NAMES)): means, columns as STAT_NAMES

    def series(self, stat_name: str, l: int) -> np.ndarray:
        """Statistic ``stat_name`` of layer l (1-based) at every point."""
        return self.stats[:, _layer_index(l, self.stats.shape[1]), _stat_index(stat_name)]


class StatsHistory:
    """Per-step loss and layer statistics in a fixed amount of memory (see the module docstring).

    ``recent`` and ``coarse`` must be powers of two (so buckets always hold whole chunks).
    """

    def __init__(self, n_layers: int, recent: int = 2048, coarse: int = 2048):
        if isinstance(n_layers, bool) or not isinstance(n_layers, int) or n_layers < 1:
            raise ValueError(f"n_layers must be a positive integer, got {n_layers!r}")
        for name, value in (("recent", recent), ("coarse", coarse)):
            if not isinstance(value, int) or value < 2 or value & (value - 1):
                raise ValueError(f"{name} must be a power of two ≥ 2, got {value!r}")
        self.n_layers = n_layers
        self.recent = recent
        self.coarse = coarse
        self._D = 2 + n_layers * _S  # row: step, loss, then the LayerStats of l = 1…L
        # the exact part: rows 0 … _n_recent − 1 in use
        self._rows = np.zeros((2 * recent, self._D))
        self._n_recent = 0
        # the old part: buckets 0 … _n_coarse − 1 in use, all of _width steps but the last
        self._sums = np.zeros((coarse, self._D))
        self._count = np.zeros(coarse, dtype=np.int64)
        self._loss_min = np.zeros(coarse)
        self._loss_max = np.zeros(coarse)
        self._last = np.zeros(coarse)  # the latest step in each bucket (for truncate)
        self._n_coarse = 0
        self._width = 1
        self.n_recorded = 0  # steps recorded since creation (or the last clear)
        self._lock = threading.Lock()

    # --- recording ------------------------------------------------------------------------------

    def record(self, step: int, loss: float, stats) -> None:
        """Record one step: its number, its loss and its tuple of ``LayerStats`` (l = 1…L)."""
        i = self._n_recent
        if i == self._rows.shape[0]:
            self._fold()
            i = self._n_recent
        self._rows[i] = (step, loss, *chain.from_iterable(stats))
        self._n_recent = i + 1
        self.n_recorded += 1

    def record_many(self, steps, losses, stats) -> None:
        """Record many steps at once: ``stats`` has shape (n, n_layers, 9), LayerStats' fields.

        The same as calling ``record`` for each step in turn (bitwise: same arrays afterwards).
        """
        steps = np.asarray(steps, dtype=np.float64)
        losses = np.asarray(losses, dtype=np.float64)
        stats = np.asarray(stats, dtype=np.float64)
        n = steps.shape[0]
        if losses.shape != (n,) or stats.shape != (n, self.n_layers, _S):
            raise ValueError(
                f"record_many needs steps (n,), losses (n,) and stats (n, {self.n_layers}, {_S}); "
                f"got {steps.shape}, {losses.shape}, {stats.shape}"
            )
        flat = stats.reshape(n, -1)
        done = 0
        while done < n:
            if self._n_recent == self._rows.shape[0]:
                self._fold()
            i = self._n_recent
            k = min(n - done, self._rows.shape[0] - i)
            rows = self._rows[i : i + k]
            rows[:, 0] = steps[done : done + k]
            rows[:, 1] = losses[done : done + k]
            rows[:, 2:] = flat[done : done + k]
            self._n_recent = i + k
            self.n_recorded += k
            done += k

    def clear(self) -> None:
        """Forget everything (memory stays allocated)."""
        with self._lock:
            self._n_recent = self._n_coarse = self.n_recorded = 0
            self._width = 1

    # --- folding the oldest exact rows into buckets ----------------------------------------------

    def _fold(self) -> None:
        """Move the oldest ``recent`` exact rows into the old part (vectorized)."""
        R = self.recent
        with self._lock:
            chunk = self._rows[:R]
            # fit the chunk's buckets into the old part, merging pairs when it would overflow
            while self._width < R and self._n_coarse + R // self._width > self.coarse:
                self._merge_pairs()
            if self._width < R:
                w = self._width
                nb, j = R // w, self._n_coarse
                self._sums[j : j + nb] = chunk.reshape(nb, w, self._D).sum(axis=1)
                loss = chunk[:, 1].reshape(nb, w)
                self._loss_min[j : j + nb] = loss.min(axis=1)
                self._loss_max[j : j + nb] = loss.max(axis=1)
                self._last[j : j + nb] = chunk[:, 0].reshape(nb, w).max(axis=1)
                self._count[j : j + nb] = w
                self._n_coarse = j + nb
            else:  # buckets hold whole chunks: fill the last one, or start a new one
                j = self._n_coarse - 1
                if j < 0 or self._count[j] == self._width:
                    if self._n_coarse == self.coarse:
                        self._merge_pairs()
                    j = self._n_coarse
                    self._sums[j] = 0.0
                    self._count[j] = 0
                    self._loss_min[j] = np.inf
                    self._loss_max[j] = -np.inf
                    self._last[j] = -np.inf
                    self._n_coarse = j + 1
                self._sums[j] += chunk.sum(axis=0)
                self._loss_min[j] = min(self._loss_min[j], chunk[:, 1].min())
                self._loss_max[j] = max(self._loss_max[j], chunk[:, 1].max())
                self._last[j] = max(self._last[j], chunk[:, 0].max())
                self._count[j] += R
            # keep the newer half as the exact part
            self._rows[:R] = self._rows[R : 2 * R]
            self._n_recent = R

    def _merge_pairs(self) -> None:
        """Merge buckets (0, 1), (2, 3), …: half as many buckets, each twice as wide.

        An odd bucket out (possible after ``truncate``) moves down unmerged.
        """
        n = self._n_coarse
        half, odd = divmod(n, 2)
        m = 2 * half
        s = self._sums
        s[:half] = s[:m].reshape(half, 2, self._D).sum(axis=1)
        for a, merge in (
            (self._count, np.add),
            (self._loss_min, np.minimum),
            (self._loss_max, np.maximum),
            (self._last, np.maximum),
        ):
            a[:half] = merge(a[0:m:2], a[1:m:2])
            if odd:
                a[half] = a[n - 1]
        if odd:
            s[half] = s[n - 1]
        self._n_coarse = half + odd
        self._width *= 2

    def truncate(self, step: float) -> None:
        """Forget the steps recorded after ``step`` (for a run restored to an earlier step).

        Exact steps are dropped one by one; an old bucket is dropped whole if it holds any step
        after ``step`` (only reached when every exact step is dropped).
        """
        with self._lock:
            nr = self._n_recent
            keep = int(np.searchsorted(self._rows[:nr, 0], step, side="right"))
            self._n_recent = keep
            dropped = nr - keep
            if keep == 0:
                nc = self._n_coarse
                keep_c = int(np.searchsorted(self._last[:nc], step, side="right"))
                dropped += int(self._count[keep_c:nc].sum())
                self._n_coarse = keep_c
            self.n_recorded -= dropped

    # --- saving and restoring -------------------------------------------------------------------

    def state(self) -> dict:
        """Everything recorded, as plain values: ints and new arrays (only the rows in use).

        ``StatsHistory.from_state(h.state())`` is a history equal to ``h`` bit for bit, that goes
        on folding and merging exactly as ``h`` would. Consistent while another thread records.
        """
        with self._lock:
            nc, nr = self._n_coarse, self._n_recent
            return {
                "n_layers": self.n_layers,
                "recent": self.recent,
                "coarse": self.coarse,
                "width": self._width,
                "n_recorded": self.n_recorded,
                "rows": self._rows[:nr].copy(),
                "sums": self._sums[:nc].copy(),
                "count": self._count[:nc].copy(),
                "loss_min": self._loss_min[:nc].copy(),
                "loss_max": self._loss_max[:nc].copy(),
                "last": self._last[:nc].copy(),
            }

    @classmethod
    def from_state(cls, state: dict) -> StatsHistory:
        """The history that ``state()`` described (ValueError naming the entry that does not fit:
        a missing key, a row of the wrong width, more rows than the history can hold)."""
        missing = _STATE_KEYS - state.keys()
        if missing:
            raise ValueError(f"history state lacks {', '.join(sorted(missing))}")
        h = cls(int(state["n_layers"]), int(state["recent"]), int(state["coarse"]))
        rows = np.asarray(state["rows"], dtype=np.float64)
        nr = rows.shape[0]
        if rows.ndim != 2 or rows.shape[1] != h._D or nr > h._rows.shape[0]:
            raise ValueError(
                f"history rows have shape {rows.shape}; expected (≤ {h._rows.shape[0]}, {h._D})"
            )
        sums = np.asarray(state["sums"], dtype=np.float64)
        nc = sums.shape[0]
        if sums.ndim != 2 or sums.shape[1] != h._D or nc > h.coarse:
            raise ValueError(
                f"history buckets have shape {sums.shape}; expected (≤ {h.coarse}, {h._D})"
            )
        for name in ("count", "loss_min", "loss_max", "last"):
            if np.shape(state[name]) != (nc,):
                raise ValueError(
                    f"history {name} has shape {np.shape(state[name])}; expected ({nc},)"
                )
        width = int(state["width"])
        if width < 1 or width & (width - 1):
            raise ValueError(f"history bucket width must be a power of two, got {width}")
        h._rows[:nr] = rows
        h._n_recent = nr
        h._sums[:nc] = sums
        h._count[:nc] = state["count"]
        h._loss_min[:nc] = state["loss_min"]
        h._loss_max[:nc] = state["loss_max"]
        h._last[:nc] = state["last"]
        h._n_coarse = nc
        h._width = width
        h.n_recorded = int(state["n_recorded"])
        return h

    # --- reading ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of points (old buckets + exact steps)."""
        return self._n_coarse + self._n_recent

    @property
    def width(self) -> int:
        """Steps per full bucket of the old part (1 until anything has been folded)."""
        return self._width

    @property
    def nbytes(self) -> int:
        """Memory held by the history's arrays (fixed at creation)."""
        return sum(
            a.nbytes
            for a in (
                self._rows,
                self._sums,
                self._count,
                self._loss_min,
                self._loss_max,
                self._last,
            )
        )

    def _column(self, c: int) -> np.ndarray:
        with self._lock:
            nc, nr = self._n_coarse, self._n_recent
            old = self._sums[:nc, c] / self._count[:nc]
            return np.concatenate([old, self._rows[:nr, c]])

    def steps(self) -> np.ndarray:
        """The step of each point (the mean step of a bucket)."""
        return self._column(0)

    def loss(self) -> np.ndarray:
        """The loss at each point (the mean loss of a bucket)."""
        return self._column(1)

    def loss_min(self) -> np.ndarray:
        with self._lock:
            nc, nr = self._n_coarse, self._n_recent
            return np.concatenate([self._loss_min[:nc], self._rows[:nr, 1]])

    def loss_max(self) -> np.ndarray:
        with self._lock:
            nc, nr = self._n_coarse, self._n_recent
            return np.concatenate([self._loss_max[:nc], self._rows[:nr, 1]])

    def counts(self) -> np.ndarray:
        """Steps merged into each point (1 for the exact part)."""
        with self._lock:
            nc, nr = self._n_coarse, self._n_recent
            return np.concatenate([self._count[:nc], np.ones(nr, dtype=np.int64)])

    def series(self, stat_name: str, l: int) -> np.ndarray:
        """Statistic ``stat_name`` (one of STAT_NAMES) of layer l (1-based) at each point."""
        c = 2 + _layer_index(l, self.n_layers) * _S + 1 + _stat_index(stat_name)
        return self._column(c)

    def last(self) -> tuple[float, float, np.ndarray] | None:
        """(step, loss, stats of shape (n_layers, len(STAT_NAMES))) of the latest step, or None."""
        with self._lock:
            if self._n_recent == 0:
                return None
            row = self._rows[self._n_recent - 1].copy()
        return row[0], row[1], row[2:].reshape(self.n_layers, _S)[:, 1:]

    def snapshot(self) -> HistoryArrays:
        """Every array at once, consistent with each other (safe while another thread records)."""
        with self._lock:
            nc, nr = self._n_coarse, self._n_recent
            count = self._count[:nc]
            old = self._sums[:nc] / count[:, None]
            rows = np.concatenate([old, self._rows[:nr]])
            loss_min = np.concatenate([self._loss_min[:nc], self._rows[:nr, 1]])
            loss_max = np.concatenate([self._loss_max[:nc], self._rows[:nr, 1]])
            counts = np.concatenate([count, np.ones(nr, dtype=np.int64)])
        stats = rows[:, 2:].reshape(-1, self.n_layers, _S)[:, :, 1:]
        return HistoryArrays(rows[:, 0], rows[:, 1], loss_min, loss_max, counts, stats)

    def __repr__(self) -> str:
        return (
            f"StatsHistory({self.n_layers} layers, {self.n_recorded} steps recorded, "
            f"{len(self)} points, bucket width {self._width}, {self.nbytes} bytes)"
        )


_STATE_KEYS = frozenset(
    ("n_layers", "recent", "coarse", "width", "n_recorded", "rows", "sums", "count")
    + ("loss_min", "loss_max", "last")
)


def _stat_index(stat_name: str) -> int:
    try:
        return STAT_NAMES.index(stat_name)
    except ValueError:
        raise ValueError(
            f"unknown statistic {stat_name!r}; allowed: {', '.join(STAT_NAMES)}"
        ) from None


def _layer_index(l: int, n_layers: int) -> int:
    if not 1 <= l <= n_layers:
        raise IndexError(f"layer {l} does not exist; layers are 1…{n_layers}")
    return l - 1
