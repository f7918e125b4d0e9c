"""Synthetic data sets, each drawn from its own generator (so data never uses the training rng).

2-D classification (features x₁, x₂ in about [−1, 1]; ``noise`` is the standard deviation of
Gaussian jitter added to each coordinate after the label is decided):

- ``xor``: x uniform in [−1, 1]²; class 1 where x₁ and x₂ have different signs.
- ``circle``: half the points at radius r ∈ [0, 0.5] (class 1), half at r ∈ [0.7, 1] (class 0).
- ``gauss``: two Gaussian blobs of standard deviation ``spread`` (default 0.4) around (0.5, 0.5)
  (class 1) and (−0.5, −0.5) (class 0).
- ``spiral``: ``classes`` arms (default 2) of ``turns`` turns (default 1): arm k has radius
  r = t and angle 2π·turns·t + 2πk/classes for t ∈ (0, 1].
- ``moons``: two interleaving half circles, as scikit-learn's ``make_moons``, scaled by 1/2 and
  centred: the upper moon is class 0, the lower class 1.

Regression (``noise`` is the standard deviation of Gaussian noise added to y):

- ``linear``: x uniform in [−1, 1], y = w x + b (w = 2, b = 0.5 by default).
- ``sine``: x uniform in [−1, 1], y = sin(π·freq·x) (freq = 1 by default).
- ``plane``: x uniform in [−1, 1]², y = w·x + b (w = (1, −2), b = 0.5 by default).

Every generator takes ``n`` (default 200) and ``noise`` (default 0.1 for classification, 0.1 for
regression).
"""

from __future__ import annotations

import numpy as np

from ..limits import check_data
from .raw import RawData, classes, targets

DEFAULT_N = 200
DEFAULT_NOISE = 0.1
XY = ("x1", "x2")


def _jitter(rng, x, noise):
    return x + noise * rng.standard_normal(x.shape) if noise else x


def xor(rng, n, noise, **_):
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    labels = (x[:, 0] * x[:, 1] < 0).astype(np.int64)
    return classes(_jitter(rng, x, noise), labels, XY, "xor", ("same sign", "different signs"))


def circle(rng, n, noise, **_):
    labels = (np.arange(n) % 2 == 0).astype(np.int64)
    r = np.where(labels == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    x = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return classes(_jitter(rng, x, noise), labels, XY, "circle", ("outside", "inside"))


def gauss(rng, n, noise, spread=0.4, **_):
    labels = (np.arange(n) % 2 == 0).astype(np.int64)
    centre = np.where(labels[:, None] == 1, 0.5, -0.5)
    x = centre + spread * rng.standard_normal((n, 2))
    return classes(_jitter(rng, x, noise), labels, XY, "gauss", ("lower left", "upper right"))


def spiral(rng, n, noise, turns=1.0, classes_=2, **_):
    labels = np.arange(n) % classes_
    t = rng.uniform(0.05, 1.0, n)
    angle = 2 * np.pi * turns * t + 2 * np.pi * labels / classes_
    x = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    names = tuple(f"arm {k + 1}" for k in range(classes_))
    return classes(_jitter(rng, x, noise), labels, XY, "spiral", names)


def moons(rng, n, noise, **_):
    labels = (np.arange(n) % 2).astype(np.int64)
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    x = np.where(labels[:, None] == 0, upper, lower)
    x = (x - (0.5, 0.25)) / 2.0
    return classes(_jitter(rng, x, noise), labels, XY, "moons", ("upper moon", "lower moon"))


def linear(rng, n, noise, w=2.0, b=0.5, **_):
    w = _scalar(w, "data.w", "linear")
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = w * x + b
    return targets(x, _noisy(rng, y, noise), ("x",), "linear")


def sine(rng, n, noise, freq=1.0, **_):
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = np.sin(np.pi * freq * x)
    return targets(x, _noisy(rng, y, noise), ("x",), "sine")


def plane(rng, n, noise, w=(1.0, -2.0), b=0.5, **_):
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"data.w: plane needs two slopes [w1, w2], got {w.tolist()}")
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (x @ w)[:, None] + b
    return targets(x, _noisy(rng, y, noise), XY, "plane")


def _noisy(rng, y, noise):
    return y + noise * rng.standard_normal(y.shape) if noise else y


def _scalar(value, field, kind) -> float:
    array = np.asarray(value, dtype=np.float64).reshape(-1)
    if array.shape != (1,):
        raise ValueError(f"{field}: {kind} takes one slope, got {array.tolist()}")
    return float(array[0])


GENERATORS = {
    "xor": xor,
    "circle": circle,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "linear": linear,
    "sine": sine,
    "plane": plane,
}
CLASSIFICATION = ("xor", "circle", "gauss", "spiral", "moons")


def generate(kind: str, rng: np.random.Generator, section: dict) -> RawData:
    """The examples of generator ``kind`` with the settings of the ``[data]`` section."""
    n = section.get("n", DEFAULT_N)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"data.n must be an integer ≥ 2, got {n!r}")
    noise = section.get("noise", DEFAULT_NOISE)
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not noise >= 0:
        raise ValueError(f"data.noise must be a number ≥ 0, got {noise!r}")
    settings = {}
    for key, arg in (("w", "w"), ("b", "b"), ("freq", "freq"), ("spread", "spread")):
        if section.get(key) is not None:
            settings[arg] = section[key]
    if section.get("turns") is not None:
        settings["turns"] = _positive(section["turns"], "data.turns")
    if section.get("classes") is not None:
        k = section["classes"]
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            raise ValueError(f"data.classes must be an integer ≥ 2, got {k!r}")
        if k > n:
            raise ValueError(
                f"data.classes = {k:,} is more than data.n = {n:,}: each of the {kind}'s arms "
                "needs examples; use at most n classes"
            )
        settings["classes_"] = k
    for key in ("freq", "spread"):
        if key in settings:
            settings[key] = _positive(settings[key], f"data.{key}")
    inputs = 1 if kind in ("linear", "sine") else 2
    # before making it
    field = f"data.n = {n:,}"
    if settings.get("classes_", 2) > 2:  # one-hot targets: n × classes numbers
        field += f" with data.classes = {settings['classes_']:,}"
    check_data(float(n), inputs + settings.get("classes_", 2), field)
    return GENERATORS[kind](rng, int(n), float(noise), **settings)


def _positive(value, field) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{field} must be a number > 0, got {value!r}")
    return float(value)
