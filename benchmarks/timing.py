"""Paired timing: several implementations measured in interleaved repeats, so noise cancels.

Each runner is ``run(k)``, taking k training steps. Every repeat times each runner once, in an
order rotated from repeat to repeat (no runner always goes first); the figure of a runner is the
median of its seconds per step, and a ratio between two runners is the median of their per-repeat
ratios (each pair measured within the same few hundred milliseconds).

The clock is this process's CPU time (``time.process_time``, user + system) by default: with one
BLAS thread it equals the wall time on an idle machine, and it does not count the time other
processes hold the cores (the developers' machines run tests beside the benchmarks). ``CLOCKS``
offers wall time too.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable

Runner = Callable[[int], object]
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def use_clock(name: str) -> None:
    global clock
    clock = CLOCKS[name]


def calibrate(
    run: Runner, budget: float, min_steps: int = 2, max_steps: int = 100_000, cycle: int = 1
) -> int:
    """Steps per repeat so that one repeat of ``run`` takes about ``budget`` seconds (warms up),
    rounded up to a multiple of ``cycle``."""
    k = 1
    while True:
        start = clock()
        run(k)
        elapsed = clock() - start
        if elapsed >= budget / 4 or k >= max_steps:
            break
        k *= 4
    per_step = elapsed / k
    steps = max(min_steps, min(max_steps, round(budget / per_step)))
    return -(-steps // cycle) * cycle


def paired(
    runners: dict[str, Runner], repeats: int, budget: float, min_steps: int = 2, cycle: int = 1
) -> dict[str, list[float]]:
    """Seconds per step of each runner, one entry per repeat (repeats interleaved).

    ``cycle``: every repeat takes a multiple of that many steps, so that each holds the same mix
    of steps when some cost more than others (an epoch's first, a statistics reading): with 6
    steps a repeat, a reading every 32nd step lands in one repeat of five, and the median of the
    repeats leaves its cost out.

    After set-up (and calibration) everything built so far leaves the garbage collector's
    reach (``gc.freeze``): with torch imported (~280k objects) a full collection, whenever one
    falls due, landed on whichever runner allocated most at the time (+50% on some repeats)."""
    steps = {name: calibrate(run, budget, min_steps, cycle=cycle) for name, run in runners.items()}
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name in runners}
    names = list(runners)
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            k = steps[name]
            start = clock()
            runners[name](k)
            times[name].append((clock() - start) / k)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def speed_ratio(times: dict[str, list[float]], a: str, b: str) -> float:
    """How many times faster a is than b: median over repeats of t_b / t_a."""
    return statistics.median(tb / ta for ta, tb in zip(times[a], times[b], strict=True))


def time_ratio(times: dict[str, list[float]], a: str, b: str) -> float:
    """a's time per step over b's: median over repeats of t_a / t_b."""
    return statistics.median(ta / tb for ta, tb in zip(times[a], times[b], strict=True))


def steps_loop(step: Callable[[], object]) -> Runner:
    """A runner calling ``step()`` k times."""

    def run(k: int) -> None:
        for _ in range(k):
            step()

    return run
