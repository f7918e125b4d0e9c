"""(a) Training steps per second: the engine's fast path vs the hand-written loop and PyTorch.

The engine's figure is ``Trainer.step()`` as the app and ``train`` use it, per-layer statistics
included. "engine w/o stats" is the same step with the statistics left out
(``Learner(stats=False)``), to show what they cost.
"""

from __future__ import annotations

from engine import Learner

from . import torch_loop
from .cases import CASES, build
from .flat_prototype import FlatLoop
from .handloop import HandLoop
from .report import Table, at_least, micro, rate
from .timing import paired, speed_ratio, steps_loop, time_ratio

TARGET_VS_HAND = 0.9


def learner_without_stats(net, optimizer) -> Learner:
    """The engine's learner with the per-layer statistics left out (for comparison only)."""
    return Learner(net, optimizer, stats=False)


def run(cases, dtypes, repeats: int, budget: float, log=print) -> Table:
    has_torch = torch_loop.available()
    table = Table(
        "(a) Training: engine fast path vs hand-written NumPy loop vs PyTorch (1 thread)",
        [
            "network",
            "dtype",
            "engine steps/s (µs/step)",
            "hand loop steps/s",
            "PyTorch steps/s",
            "engine / hand loop",
            "engine / PyTorch",
            "engine w/o stats / hand loop",
            "statistics cost",
            "flat-buffer prototype / hand loop",
        ],
    )
    for name in cases:
        case = CASES[name]
        for dtype in dtypes:
            built = build(case, dtype)
            runners = {
                "engine": steps_loop(built.trainer().step),
                "nostats": steps_loop(built.trainer(learner_without_stats).step),
                "hand": steps_loop(HandLoop(built).step),
                "flat": steps_loop(FlatLoop(built).step),
            }
            if has_torch:
                runners["torch"] = steps_loop(torch_loop.TorchLoop(built).step)
            times = paired(runners, repeats, budget)
            med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
            vs_torch = (
                f"{speed_ratio(times, 'engine', 'torch'):.2f}×" if has_torch else "not installed"
            )
            table.rows.append(
                [
                    case.title,
                    dtype,
                    f"{rate(med['engine'])} ({micro(med['engine'])})",
                    rate(med["hand"]),
                    rate(med["torch"]) if has_torch else "not installed",
                    at_least(speed_ratio(times, "engine", "hand"), TARGET_VS_HAND),
                    vs_torch,
                    at_least(speed_ratio(times, "nostats", "hand"), TARGET_VS_HAND),
                    f"+{(time_ratio(times, 'engine', 'nostats') - 1) * 100:.0f}%",
                    at_least(speed_ratio(times, "flat", "hand"), TARGET_VS_HAND),
                ]
            )
            log(f"  {name} {dtype}: " + ", ".join(f"{k} {micro(v)}" for k, v in med.items()))
    table.notes.append(
        "Ratios are speed ratios (steps/s over steps/s), medians of ratios paired within each "
        f"repeat ({repeats} repeats). Same initial weights, same batches (shuffled, "
        "fancy-indexed), same dtype, plain SGD. The engine's figure includes its per-layer "
        "statistics; 'statistics cost' is the engine's time with them over its time without them."
    )
    return table
