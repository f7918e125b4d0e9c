"""A run's data, ready for training: split, optionally standardized, targets encoded for the loss.

- **Validation split**: with ``validation = f`` > 0, round(f·n) examples (at least 1) chosen at
  random by the data's own generator are held out; both parts keep the original order.
- **Standardization** (``standardize = true``): each feature x_j ← (x_j − mean_j) / std_j with the
  mean and standard deviation of the *training* part only (std 0 counts as 1); applied to both.
- **Targets** of classification data (class indices 0…K−1), by ``labels`` or, by default, by the
  loss: ``binary`` (one 0/1 column; two classes; the default for bce, mse and quadratic with two
  classes), ``onehot`` (K columns; the default for cross_entropy and for more than two classes),
  ``index`` (one column holding the class index as a number, for mse/quadratic). Real-valued
  targets (regression, inline arrays) are used as they are.

Accuracy compares predicted and true classes: one output column is read as class 1 where aᴸ > 0.5
(binary) or as the nearest class index (index); several columns by their largest entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..arrays import frozen
from .raw import RawData

ENCODINGS = ("binary", "onehot", "index")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and validation examples (``x_val`` has 0 rows without validation)."""

    kind: str
    source: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str  # "classification" | "regression"
    encoding: str  # "binary" | "onehot" | "index" | "targets" (used as given)
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None = None
    labels_train: np.ndarray | None = None  # class index of each example (classification)
    labels_val: np.ndarray | None = None
    mean: np.ndarray | None = None  # standardization (None: inputs as given)
    std: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.y_train.shape[1]

    @property
    def n_train(self) -> int:
        return self.x_train.shape[0]

    @property
    def n_val(self) -> int:
        return self.x_val.shape[0]

    @property
    def has_validation(self) -> bool:
        return self.n_val > 0

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the examples as trained on (inputs, targets, both parts: dtype, shape and
        bytes): the same data, the same digest. A session records it for data read from a file,
        which may change after the session was saved."""
        h = hashlib.sha256()
        for a in (self.x_train, self.y_train, self.x_val, self.y_val):
            h.update(f"{a.dtype.str}{a.shape}".encode())
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()

    @property
    def n_classes(self) -> int | None:
        return None if self.class_names is None else len(self.class_names)

    def predicted_classes(self, a: np.ndarray) -> np.ndarray:
        """The class each row of network outputs ``a`` predicts (classification only)."""
        if a.shape[1] > 1:
            return a.argmax(axis=1)
        if self.encoding == "index":
            assert self.n_classes is not None  # "index" encodes classes
            return np.clip(np.rint(a[:, 0]), 0, self.n_classes - 1).astype(np.int64)
        return (a[:, 0] > 0.5).astype(np.int64)

    def accuracy(self, a: np.ndarray, labels: np.ndarray) -> float | None:
        """Fraction of rows predicted as their class in ``labels`` (None: regression, no rows)."""
        if self.task != "classification" or labels is None or labels.shape[0] == 0:
            return None
        return float(np.count_nonzero(self.predicted_classes(a) == labels)) / labels.shape[0]

    def standardize(self, x) -> np.ndarray:
        """Raw inputs → what the network sees (identity without standardization)."""
        x = np.asarray(x, dtype=np.float64)
        return x if self.mean is None else (x - self.mean) / self.std

    def describe(self) -> str:
        what = (
            f"{self.n_classes} classes" if self.task == "classification" else "regression targets"
        )
        val = f", {self.n_val} validation" if self.n_val else ""
        return (
            f"{self.kind}: {self.n_train} training examples{val}, {self.n_features} features, "
            f"{what}"
        )

    def __repr__(self) -> str:
        return f"Dataset({self.describe()})"


def prepare(raw: RawData, section: dict, loss: str, rng, dtype, kind: str) -> Dataset:
    """Split, standardize and encode ``raw`` as the ``[data]`` section and the loss ask."""
    validation = section.get("validation", 0.0)
    if validation is None:
        validation = 0.0
    if isinstance(validation, bool) or not isinstance(validation, int | float):
        raise ValueError(f"data.validation must be a number in [0, 1), got {validation!r}")
    if not 0 <= validation < 1:
        raise ValueError(f"data.validation must be a fraction in [0, 1), got {validation!r}")
    standardize = section.get("standardize", False)
    if not isinstance(standardize, bool):
        raise ValueError(f"data.standardize must be true or false, got {standardize!r}")

    y, encoding, labels, task, class_names = _encode(raw, section.get("labels"), loss)
    train, val = _split(raw.n, float(validation), rng)
    x_train, x_val = raw.x[train], raw.x[val]
    mean = std = None
    if standardize:
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    dtype = np.dtype(dtype)
    return Dataset(
        kind=kind,
        source=raw.source,
        x_train=frozen(x_train.astype(dtype)),
        y_train=frozen(y[train].astype(dtype)),
        x_val=frozen(x_val.astype(dtype)),
        y_val=frozen(y[val].astype(dtype)),
        task=task,
        encoding=encoding,
        feature_names=raw.feature_names,
        class_names=class_names,
        labels_train=None if labels is None else frozen(labels[train]),
        labels_val=None if labels is None else frozen(labels[val]),
        mean=mean,
        std=std,
    )


def _split(n: int, fraction: float, rng) -> tuple[np.ndarray, np.ndarray]:
    if fraction == 0:
        return np.arange(n), np.arange(0)
    n_val = max(1, round(fraction * n))
    if n_val >= n:
        raise ValueError(
            f"data.validation = {fraction} holds out all {n} examples; lower it so that some "
            "are left for training"
        )
    order = rng.permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def loss_targets(loss: str) -> str | None:
    """The class targets loss ``loss`` takes (``Loss.targets``: "binary", "onehot"), or None for
    real values (and for a name that is no loss: the network reports that)."""
    from ..losses import LOSSES

    cls = LOSSES.get(loss)
    return None if cls is None else cls.targets


def _encode(raw: RawData, requested, loss: str):
    """(y, encoding, labels or None, task, class names) for the loss and ``labels``."""
    if requested is not None and requested not in ENCODINGS:
        raise ValueError(f"data.labels must be one of {', '.join(ENCODINGS)}, got {requested!r}")
    if not raw.is_classification:
        return _real_targets(raw, requested, loss)
    assert raw.labels is not None and raw.class_names is not None  # is_classification
    names = raw.class_names
    labels = raw.labels
    k = len(raw.class_names)
    if k < 2:
        raise ValueError(
            f"{raw.source}: the targets hold a single class ({raw.class_names[0]!r}); "
            "classification needs at least two"
        )
    encoding = requested
    targets = loss_targets(loss)
    if encoding is None:
        encoding = "binary" if k == 2 and targets != "onehot" else "onehot"
    if targets == "onehot" and encoding != "onehot":
        raise ValueError(
            f"data.labels = {encoding!r}: the {loss} loss needs one-hot targets "
            '(labels = "onehot", one output unit per class)'
        )
    if encoding == "binary" and k != 2:
        raise ValueError(
            f"data.labels = 'binary' needs two classes; {raw.source} has {k} "
            f'({", ".join(raw.class_names)}); use "onehot"'
        )
    if encoding == "index" and targets == "binary" and k != 2:
        raise ValueError(
            f"data.labels = 'index': {loss} targets must lie in [0, 1], so only two classes can be "
            'encoded as an index; use "onehot"'
        )
    if encoding == "onehot":
        y = np.zeros((labels.shape[0], k))
        y[np.arange(labels.shape[0]), labels] = 1.0
    else:
        y = labels.astype(np.float64)[:, None]
    return y, encoding, labels, "classification", names


def _real_targets(raw: RawData, requested, loss: str):
    y = raw.y
    assert y is not None  # not is_classification: real-valued targets
    if requested is not None:
        raise ValueError(
            f"data.labels applies to class labels; {raw.source} gives real-valued targets"
        )
    labels = _labels_of(y)
    targets = loss_targets(loss)
    if targets == "binary" and not np.all((y >= 0) & (y <= 1)):
        raise ValueError(
            f"{raw.source}: the {loss} loss needs targets in [0, 1]; these range over "
            f"[{y.min():g}, {y.max():g}] (use mse or quadratic for real-valued targets)"
        )
    if targets == "onehot" and (
        y.shape[1] < 2 or not np.all(y >= 0) or not np.allclose(y.sum(axis=1), 1.0)
    ):
        raise ValueError(
            f"{raw.source}: the {loss} loss needs one-hot targets (one column per class, "
            "each row summing to 1); use mse or quadratic for real-valued targets"
        )
    if targets == "onehot" and labels is None:  # soft targets: the most likely class
        labels = y.argmax(axis=1)
    if labels is None:
        return y, "targets", None, "regression", None
    names = ("0", "1") if y.shape[1] == 1 else tuple(str(j) for j in range(y.shape[1]))
    return y, "targets", labels, "classification", names


def _labels_of(y: np.ndarray) -> np.ndarray | None:
    """Class indices where targets are a 0/1 column or one-hot rows, else None."""
    binary = np.all((y == 0) | (y == 1))
    if not binary:
        return None
    if y.shape[1] == 1:
        return y[:, 0].astype(np.int64)
    if np.all(y.sum(axis=1) == 1):
        return y.argmax(axis=1)
    return None
