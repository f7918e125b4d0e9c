"""Where a run's examples come from: generators, inline arrays, CSV and .npz files, digits.

``load_data(section, rng=…, loss=…)`` turns the scenario's ``[data]`` section into a ``Dataset``:
the examples of the source (``kind``), split into training and validation parts, optionally
standardized, with targets encoded for the loss (see ``dataset.py``). The random choices (the
generated points, the validation split) use ``rng``, the data's own generator, never the one
that shuffles batches and draws dropout masks.
"""

from __future__ import annotations

import numpy as np

from ..limits import check_data
from .dataset import ENCODINGS, Dataset, loss_targets, prepare
from .digits import INSTALL_HINT, load_digits
from .files import load_csv, load_npz, resolve
from .generators import CLASSIFICATION, GENERATORS, generate
from .raw import RawData, classes, targets

KINDS = ("inline", *GENERATORS, "csv", "npz", "digits")


def load_data(
    section: dict, *, rng: np.random.Generator, loss: str, dtype="float64", base_dir=None
) -> Dataset:
    """The ``Dataset`` the ``[data]`` section describes (ValueError naming the field otherwise)."""
    kind = section.get("kind", "inline")
    if kind not in KINDS:
        raise ValueError(f"data.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    classify = loss_targets(loss) is not None or section.get("labels") is not None
    if kind in GENERATORS:
        with np.errstate(over="ignore", invalid="ignore"):  # checked next
            raw = generate(kind, rng, section)
        _check_generated(raw, kind, section)
    elif kind == "inline":
        raw = inline(section.get("x"), section.get("y"), section.get("labels") is not None)
    elif kind == "csv":
        path = resolve(section.get("path"), base_dir)
        raw = load_csv(path, section.get("target"), section.get("features"), classify)
    elif kind == "npz":
        path = resolve(section.get("path"), base_dir)
        raw = load_npz(path, section.get("target"), section.get("features"), classify)
    else:
        raw = load_digits(section.get("n"))
    _check_size(raw, kind, section)
    return prepare(raw, section, loss, rng, dtype, kind)


def _check_generated(raw: RawData, kind: str, section: dict) -> None:
    """A generator's examples are finite: its numbers (``noise``, ``w``, …) can be large enough
    to overflow (data.noise = 1e308 gave inputs of ±inf, and training then 'diverged')."""
    arrays = [raw.x] if raw.y is None else [raw.x, raw.y]
    if all(np.isfinite(a).all() for a in arrays):
        return
    given = ", ".join(  # the settings large enough to be the cause
        f"data.{key} = {value:g}"
        for key, value in section.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e6
        if key != "n"
    )
    given = given or "these settings"
    raise ValueError(
        f"data ({kind}): the generated examples are not finite numbers with {given}; use smaller "
        "values"
    )


def _check_size(raw: RawData, kind: str, section: dict) -> None:
    """The examples with their encoded targets (one column per class at most) fit the memory
    limit (``engine.limits``), checked before the targets are encoded and the data copied."""
    if raw.class_names is not None:
        targets = len(raw.class_names)
    else:
        assert raw.y is not None  # real-valued targets
        targets = raw.y.shape[1]
    field = f"data.path = {section.get('path')}" if kind in ("csv", "npz") else f"data ({kind})"
    check_data(raw.n, raw.x.shape[1] + targets, field)


def inline(x, y, labels: bool) -> RawData:
    """Examples written in the scenario: ``x`` one row per example, ``y`` one row (or number)
    per example; with ``labels`` set, ``y`` holds class indices 0…K−1."""
    if x is None or y is None:
        raise ValueError("data: kind = 'inline' needs both x and y")
    x = _array(x, "data.x")
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError("data.x must be a list of rows of numbers, one row per example")
    y = _array(y, "data.y")
    if y.shape[:1] != x.shape[:1]:
        raise ValueError(
            f"data.y has {y.shape[0] if y.ndim else 1} targets for {x.shape[0]} examples in data.x"
        )
    names = tuple(f"x{j + 1}" for j in range(x.shape[1]))
    if labels:
        if y.ndim != 1 or not np.all(y == np.rint(y)) or y.min() < 0:
            raise ValueError(
                "data.y: with data.labels set, y holds one class index (0, 1, 2, …) per example"
            )
        k = float(y.max()) + 1  # class names 0…k−1 are made for every index up to the largest
        check_data(x.shape[0], x.shape[1] + k, f"data.y (a class index of {y.max():.0f})")
        return classes(x, y.astype(np.int64), names, "data.y")
    if y.ndim > 2:
        raise ValueError("data.y must be a list of numbers or of rows of numbers")
    return targets(x, y, names, "data.y")


def _array(values, field) -> np.ndarray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{field} must be numbers in rows of equal length") from None
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        where = ", ".join(str(i) for i in bad[0])
        raise ValueError(f"{field} has a NaN or infinite value at [{where}]; use finite numbers")
    return array


__all__ = [
    "CLASSIFICATION",
    "ENCODINGS",
    "GENERATORS",
    "INSTALL_HINT",
    "KINDS",
    "Dataset",
    "RawData",
    "load_data",
]
