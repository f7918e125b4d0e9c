"""(b) The cost of watching: the event stream, the debugger's ``continue``, step-back history.

Each is timed against the engine's fast path (``Trainer.step()``) on the same network, from the
same initial weights, in interleaved repeats.
"""

from __future__ import annotations

from .cases import CASES, build
from .report import Table, at_most, micro
from .timing import paired, steps_loop, time_ratio

TARGET_EVENTS = 1.2


def drain_events(trainer):
    """A runner consuming every event of each step (reading its kind, as a dispatcher does)."""

    def run(k: int) -> None:
        step_events = trainer.step_events
        for _ in range(k):
            for event in step_events():
                event.kind  # noqa: B018 — consume the event as a dispatcher would

    return run


def run(cases, repeats: int, budget: float, log=print) -> Table:
    table = Table(
        "(b) Event stream, debugger and step-back history vs the fast path (float64)",
        ["network", "fast path µs/step", "what", "µs/step", "time / fast path"],
    )
    for name in cases:
        case = CASES[name]
        built = build(case, "float64")
        runners = {
            "fast": steps_loop(built.trainer().step),
            "events": drain_events(built.trainer()),
        }
        times = paired(runners, repeats, budget)
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        table.rows.append(
            [
                case.title,
                micro(med["fast"]),
                "event stream, every event consumed",
                micro(med["events"]),
                at_most(time_ratio(times, "events", "fast"), TARGET_EVENTS),
            ]
        )
        log(f"  {name}: " + ", ".join(f"{k} {micro(v)}" for k, v in med.items()))
    return table
