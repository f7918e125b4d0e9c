"""(e) Memory of the per-step statistics history (``engine.history.StatsHistory``) over 10⁶ steps.

A history as ``Run`` keeps it (default sizes) records 10⁶ steps of loss + ``LayerStats`` per layer;
``tracemalloc`` measures what Python allocated from before the history was created to after the
last step (growth) and at most in between (peak); ``nbytes`` is what the history's arrays hold.
The full run records step by step with ``record`` (what ``Run`` calls every step); ``--quick``
uses ``record_many``, documented as bitwise the same, in chunks.
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from .report import Table, at_most

TARGET_MB = 50.0
STEPS = 1_000_000


def _stats(rng, n_layers: int, n: int):
    from engine.stats import LayerStats

    values = rng.random((n, n_layers, len(LayerStats._fields)))
    values[:, :, 0] = np.arange(1, n_layers + 1)
    return values


def measure(n_layers: int, steps: int, quick: bool) -> tuple[int, int, int]:
    """(nbytes, tracemalloc growth, tracemalloc peak) in bytes for ``steps`` recorded steps."""
    from engine.history import StatsHistory
    from engine.stats import LayerStats

    rng = np.random.default_rng(0)
    chunk = 4096
    sample = _stats(rng, n_layers, chunk)
    losses = rng.random(chunk)
    rows = [tuple(LayerStats(*map(float, layer)) for layer in step) for step in sample]
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    history = StatsHistory(n_layers)
    done = 0
    while done < steps:
        k = min(chunk, steps - done)
        if quick:
            history.record_many(np.arange(done + 1, done + k + 1), losses[:k], sample[:k])
        else:
            record = history.record
            for i in range(k):
                record(done + i + 1, losses[i], rows[i])
        done += k
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if history.n_recorded != steps:
        raise RuntimeError(f"the history recorded {history.n_recorded} steps, not {steps}")
    return history.nbytes, after - before, peak - before


def run(layer_counts=(3, 10), quick: bool = False, log=print) -> Table:
    table = Table(
        "(e) Memory of the statistics history over 10⁶ steps",
        ["layers", "steps recorded", "history arrays (nbytes)", "growth (tracemalloc)", "peak"],
    )
    try:
        import engine.history  # noqa: F401
    except ImportError as e:
        table.notes.append(f"Not measured: {e}.")
        return table
    mb = 1024 * 1024
    for n_layers in layer_counts:
        nbytes, growth, peak = measure(n_layers, STEPS, quick)
        table.rows.append(
            [
                str(n_layers),
                f"{STEPS:,}",
                f"{nbytes / mb:.2f} MB",
                at_most(growth / mb, TARGET_MB, " MB"),
                f"{peak / mb:.2f} MB",
            ]
        )
        log(f"  {n_layers} layers: nbytes {nbytes}, growth {growth}, peak {peak}")
    table.notes.append(
        "Growth counts every Python allocation still alive after the last step, from just before "
        "the history was created (so it includes the history's own arrays). "
        + ("Recorded with record_many (--quick)." if quick else "Recorded step by step.")
    )
    return table
