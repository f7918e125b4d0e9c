"""The examples a data source produces, before splitting, standardization and target encoding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RawData:
    """Inputs ``x`` (n, d) and either class ``labels`` (n,) or real-valued targets ``y`` (n, k).

    ``class_names[i]`` names class index i; ``source`` names where the examples came from (a
    file, a generator) for messages.
    """

    x: np.ndarray
    feature_names: tuple[str, ...]
    source: str
    labels: np.ndarray | None = None
    class_names: tuple[str, ...] | None = None
    y: np.ndarray | None = None

    @property
    def n(self) -> int:
        return self.x.shape[0]

    @property
    def is_classification(self) -> bool:
        return self.labels is not None


def classes(x, labels, names, source, class_names=None) -> RawData:
    labels = np.asarray(labels, dtype=np.int64)
    if class_names is None:
        class_names = tuple(str(i) for i in range(int(labels.max()) + 1))
    return RawData(np.asarray(x, dtype=np.float64), tuple(names), source, labels, class_names)


def targets(x, y, names, source) -> RawData:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    return RawData(np.asarray(x, dtype=np.float64), tuple(names), source, y=y)
