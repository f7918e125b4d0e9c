"""(a) Training steps per second: the engine's fast path vs the hand-written loop and PyTorch.

The engine's headline figure is ``Trainer.step()`` with the statistics the lab reads: every
step's statistics are computed when something reads them (``Learner.step_stats``), and the lab's
history reads them at ``engine.run_history.sampled``'s steps — from step 8,192 on, every
``SAMPLE_EVERY``-th (32nd), which is what a long benchmark run sees. Two more engine runners
measure what statistics cost, on the same path, without any flag in the engine: no statistics
read at all ("no stats"), and statistics read after every step ("every step", what a breakpoint
condition naming a statistic costs). The column "path" says whether the step ran on the lean
path (``engine.lean``) or, for a network it does not specialise, on the event stream drained.
"""

from __future__ import annotations

from engine.run_history import SAMPLE_EVERY

from . import torch_loop
from .cases import CASES, build
from .handloop import HandLoop
from .report import Table, at_least, micro, rate
from .timing import paired, speed_ratio, steps_loop, time_ratio

TARGETS = {"tiny": 1.3, "deep": 1.3, "medium": 1.0, "large": 0.95}  # engine / hand loop


def with_statistics(trainer, every: int):
    """A runner taking steps and reading the statistics after every ``every``-th step (as the
    lab's history reads them)."""
    step, learner = trainer.step, trainer.learner

    def run(k: int) -> None:
        for _ in range(k):
            step()
            if learner.t % every == 0:
                learner.step_stats()

    return run


def runners(built, has_torch: bool) -> dict:
    found = {
        "engine": with_statistics(built.trainer(), SAMPLE_EVERY),
        "nostats": steps_loop(built.trainer().step),
        "every": with_statistics(built.trainer(), 1),
        "hand": steps_loop(HandLoop(built).step),
    }
    if has_torch:
        found["torch"] = steps_loop(torch_loop.TorchLoop(built).step)
    return found


def nth(n: int) -> str:
    """32 → "32nd", 11 → "11th"."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def run(cases, dtypes, repeats: int, budget: float, log=print, cycle: int = SAMPLE_EVERY) -> Table:
    """The table; each repeat takes a multiple of ``cycle`` steps (``timing.paired``): by
    default whole cycles of the statistics readings (and so of the cases' 8-batch epochs)."""
    has_torch = torch_loop.available()
    table = Table(
        "(a) Training: engine fast path vs hand-written NumPy loop vs PyTorch (1 thread)",
        [
            "network",
            "dtype",
            "path",
            "engine steps/s (µs/step)",
            "hand loop steps/s",
            "PyTorch steps/s",
            "engine / hand loop (target)",
            "engine / PyTorch",
            "no statistics / hand loop",
            f"statistics: every {nth(SAMPLE_EVERY)} step / every step",
        ],
    )
    for name in cases:
        case = CASES[name]
        for dtype in dtypes:
            built = build(case, dtype)
            path = built.trainer().learner.path
            times = paired(runners(built, has_torch), repeats, budget, cycle=cycle)
            med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
            vs_torch = (
                f"{speed_ratio(times, 'engine', 'torch'):.2f}×" if has_torch else "not installed"
            )
            sampled = (time_ratio(times, "engine", "nostats") - 1) * 100
            every = (time_ratio(times, "every", "nostats") - 1) * 100
            table.rows.append(
                [
                    case.title,
                    dtype,
                    path,
                    f"{rate(med['engine'])} ({micro(med['engine'])})",
                    rate(med["hand"]),
                    rate(med["torch"]) if has_torch else "not installed",
                    at_least(speed_ratio(times, "engine", "hand"), TARGETS[name]),
                    vs_torch,
                    f"{speed_ratio(times, 'nostats', 'hand'):.2f}×",
                    f"{sampled:+.0f}% / {every:+.0f}%",
                ]
            )
            log(f"  {name} {dtype}: " + ", ".join(f"{k} {micro(v)}" for k, v in med.items()))
    table.notes.append(
        "Ratios are speed ratios (steps/s over steps/s), medians of ratios paired within each "
        f"repeat ({repeats} repeats, interleaved; each repeat a multiple of {cycle} steps). "
        "Same initial weights, same batches (shuffled), "
        "same dtype, plain SGD. The engine's figure reads the statistics every "
        f"{nth(SAMPLE_EVERY)} step, as the lab's history does in a long run; the last column is "
        "what statistics cost over none, read that way and after every step (a breakpoint "
        "condition naming a statistic). Networks with dropout, batch norm or PReLU take the "
        "event stream's path instead of the lean one (`Learner.path` says why)."
    )
    return table
