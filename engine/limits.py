"""The memory a run will need, estimated before anything is allocated, and the limit it must fit.

A scenario names sizes (``data.n``, ``data.classes``, ``network.layers[l].size``, a data file's
rows and columns) whose product can be far more memory than the machine has: ``size =
1000000000`` asked NumPy for 15 GiB and ended in ``MemoryError``. Before the data is generated
or read and before the network is built, these estimates are checked against a limit, and a run
past it is refused with one line naming the field, the need and the limit:

- **data**: every example's inputs and targets, in the copies loading makes (the raw arrays, the
  split, the standardized and typed arrays): n × (inputs + target columns) × 8 B × ``DATA_COPIES``
  (the fast path's copy of the rows of a few batches, ~1 MB or one batch, is left in the
  margin);
- **parameters**: W and b of every layer with the optimizer's state (1 slot per parameter for
  momentum, RMSprop and AdaGrad, 2 for Adam) in the copies the fast path keeps (the network's
  own, the flat arrays in force and the spare ones it writes the next step into, those a
  checkpoint holds) and the run's snapshots (the divergence checkpoint, the best weights of early
  stopping), and the gradients and the step ΔP;
- **one batch's activations**: z, a, δ and the dropout mask of every layer for one batch;
- **evaluation**: the forward pass over the whole training set at the end of every epoch (zˡ and
  aˡ of every layer, kept for the next one) and the loss's temporaries;
- **history**: the per-step statistics, a fixed ``HISTORY_ROWS`` rows per layer (checked alone,
  ``check_layers``, as soon as a scenario's layers are counted, before each is validated);
- **step-back** (the debugger and the lab): the snapshots and recent steps' events ``back``
  keeps, checked when the debugger is set up (``check_step_back``).

The limit is ``BACKPROP_LAB_MAX_MEMORY`` (bytes, or with a unit: ``512M``, ``8G``, ``1.5GiB``),
``DEFAULT_LIMIT`` (2 GiB) when unset. The estimates count what NumPy holds, not Python's own
overhead (the lab itself takes about 100 MB), and err on the high side: they add parts that are
never alive at the same time (tests/engine/test_engine_limits.py measures a training run's peak
against them).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence

ENV_VAR = "BACKPROP_LAB_MAX_MEMORY"
DEFAULT_LIMIT = 2 * 1024**3
DATA_COPIES = 4
HISTORY_ROWS = 6144  # StatsHistory: 2 × 2048 recent rows + 2048 buckets
STAT_COLUMNS = 9  # LayerStats' fields
OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adagrad": 1, "adam": 2}
ACTIVATION_ARRAYS = 6  # per layer and example in a step: a_prev, z, a, mask, δ, ∂C/∂a
STEP_RECORD_BYTES = 512  # per step step-back keeps: its ring row and the run's figures (Run)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


class MemoryLimitError(ValueError):
    """A run that would need more memory than the limit; the message names the field."""


def limit(environ=None) -> int:
    """The limit in bytes: ``BACKPROP_LAB_MAX_MEMORY`` or ``DEFAULT_LIMIT``."""
    text = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if not text:
        return DEFAULT_LIMIT
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", text.lower())
    value = float(match.group(1)) * _UNITS[match.group(2)] if match else 0
    if not match or not 1 <= value < 2**63:
        raise ValueError(
            f"{ENV_VAR}={text[:40]!r} is not a memory size; write bytes or a number with a "
            "unit, e.g. 512M or 8G"
        )
    return int(value)


def size(n_bytes: float) -> str:
    """``n_bytes`` for people: ``812 KiB``, ``14.9 GiB``, ``7.3e+06 TiB``."""
    for unit, scale in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n_bytes >= scale:
            value = n_bytes / scale
            if value >= 1e5:
                return f"{value:.2g} {unit}"
            return f"{value:.3g} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{int(n_bytes)} B"


def check(parts: Sequence[tuple[str, float, str]], environ=None) -> None:
    """Refuse a run whose ``parts`` — (what, bytes, the field responsible) — add up to more than
    the limit: MemoryLimitError naming the field of the largest part."""
    total = math.fsum(need for _, need, _ in parts)
    allowed = limit(environ)
    if total <= allowed:
        return
    what, need, field = max(parts, key=lambda part: part[1])
    head = (
        f"{field}: the run would need about {size(total)} of memory ({what}: {size(need)}), "
        f"more than the limit of {size(allowed)}"
    )
    if total > NO_MACHINE:
        raise MemoryLimitError(f"{head}, and more than any machine has: make it smaller.")
    raise MemoryLimitError(
        f"{head}; set {ENV_VAR} to raise it (e.g. {ENV_VAR}={_suggest(total)}) if the machine "
        "has that much."
    )


NO_MACHINE = 64 * 1024**4
"""Bytes past which raising the limit is not suggested (64 TiB: more than a machine has)."""


def _suggest(total: float) -> str:
    gib = max(1, math.ceil(total * 1.25 / 1024**3))
    return f"{gib}G" if gib < 1024 else f"{math.ceil(gib / 1024)}T"


def data_parts(n: float, columns: float, field: str) -> list[tuple[str, float, str]]:
    """The data: ``n`` examples of ``columns`` numbers (inputs + target columns), and of the
    per-example indices (labels, the split) that exist even when there are no columns."""
    return [("the data", n * (columns + 2) * 8 * DATA_COPIES, field)]


def check_data(n: float, columns: float, field: str, environ=None) -> None:
    """Refuse data of ``n`` examples × ``columns`` numbers past the limit (before making it)."""
    check(data_parts(n, columns, field), environ)


def run_parts(
    *,
    n_train: float,
    n_features: float,
    sizes: Sequence[float],
    batch_size: float,
    optimizer: str,
    itemsize: int,
    snapshots: int = 2,
) -> list[tuple[str, float, str]]:
    """The network's parts of a run (not the data): parameters with gradients, optimizer state
    and ``snapshots`` copies, one batch's activations, the evaluation, the history. ``sizes`` are
    the layers' unit counts nˡ, l = 1…L."""
    widths = [n_features, *sizes]
    params = [widths[l] * widths[l - 1] + 2 * widths[l] for l in range(1, len(widths))]
    copies = (4 + snapshots) * (1 + OPTIMIZER_SLOTS.get(optimizer, 2)) + 2
    biggest = max(range(len(params)), key=params.__getitem__) + 1
    widest = max(range(len(sizes)), key=sizes.__getitem__) + 1
    layer = f"network.layers[{biggest}].size = {_count(sizes[biggest - 1])}"
    if biggest == 1:
        layer += f" (with {_count(n_features)} inputs)"
    wide = f"network.layers[{widest}].size = {_count(sizes[widest - 1])}"
    return [
        ("parameters, gradients and optimizer state", math.fsum(params) * itemsize * copies, layer),
        (
            "one batch's activations",
            batch_size * math.fsum(sizes) * ACTIVATION_ARRAYS * itemsize,
            f"{wide} with batches of {_count(batch_size)}",
        ),
        (
            "the evaluation of the training set",
            n_train * (2 * math.fsum(sizes) + 2 * max(widths)) * itemsize,
            wide,
        ),
        history_part(len(sizes)),
    ]


def history_part(n_layers: float) -> tuple[str, float, str]:
    """The per-step history of a network of ``n_layers`` layers: ``HISTORY_ROWS`` rows of the
    step's figures and each layer's ``STAT_COLUMNS`` statistics."""
    return (
        "the per-step history",
        HISTORY_ROWS * (2 + STAT_COLUMNS * n_layers) * 8,
        f"network.layers ({_count(n_layers)} layers)",
    )


def check_layers(n_layers: float, environ=None) -> None:
    """Refuse a network of ``n_layers`` layers whose history alone passes the limit, before
    its layers are read one by one (a file of 10⁶ ``[[network.layers]]`` tables was validated
    for minutes before the run's estimate refused it)."""
    check([history_part(n_layers)], environ)


def check_step_back(run, history: int, field: str, environ=None) -> None:
    """The run with what ``back`` keeps (``engine.debugger.timeline``) fits the limit: a
    snapshot of the parameters and optimizer state every 16 steps of the ``history`` ring (no
    more steps than training has), at the start, and with the events of the 8 latest steps;
    and a small record of every step in the ring (its row, the run's own figures)."""
    net, trainer, data = run.net, run.trainer, run.data
    itemsize = net.dtype.itemsize
    state = net.n_params * itemsize * (1 + OPTIMIZER_SLOTS.get(run.learner.optimizer.name, 2))
    steps = min(history, run.stop.epochs * trainer.batches_per_epoch)
    widths = math.fsum(layer.n_out for layer in net.layers)
    step_events = trainer.batch_size * widths * ACTIVATION_ARRAYS * itemsize
    arrays = (data.x_train, data.y_train, data.x_val, data.y_val)
    held = math.fsum(a.nbytes for a in arrays) * DATA_COPIES + 3 * state
    check(
        [
            ("the run", held, field),
            ("the snapshots step-back keeps", (math.ceil(steps / 16) + 9) * state, field),
            ("the events of the latest steps", 8 * step_events, field),
            ("the records of the steps step-back keeps", steps * STEP_RECORD_BYTES, field),
        ],
        environ,
    )


def _count(value: float) -> str:
    return f"{int(value):,}" if value < 1e15 else f"{value:.3g}"
