"""(b) The cost of watching: the event stream, the debugger's ``continue``, step-back history.

Each is timed against the engine's fast path (``Trainer.step()``) on the same network, from the
same initial weights, in interleaved repeats:

- event stream: ``Trainer.step_events()`` drained, every event's kind read (as a dispatcher does);
- ``continue``: the debugger's ``Controller.cont()`` with a condition breakpoint that never fires
  (``grad_norm > 1e300``, checked at every step end), the non-finite check on, and step-back
  history as the app keeps it (200 steps, a checkpoint every 8);
- step-back history: ``cont()`` with that history vs with the smallest one (1 step, no
  checkpoints), no breakpoint.
"""

from __future__ import annotations

import importlib.util

from .cases import CASES, build
from .report import Table, at_most, micro
from .timing import paired, steps_loop, time_ratio

TARGET_EVENTS = 1.2
TARGET_CONTINUE = 1.05
TARGET_HISTORY = 1.3
APP_HISTORY = 200  # steps ``back`` reaches in the app (tui/session.py HISTORY_STEPS)
NEVER = "grad_norm > 1e300"


def drain_events(trainer):
    """A runner consuming every event of each step (reading its kind, as a dispatcher does)."""

    def run(k: int) -> None:
        step_events = trainer.step_events
        for _ in range(k):
            for event in step_events():
                event.kind  # noqa: B018 — consume the event as a dispatcher would

    return run


def has_debugger() -> bool:
    return importlib.util.find_spec("engine.debugger") is not None


def controller_runner(trainer, *, breakpoint: str | None, history: bool):
    """A runner taking k steps with the debugger's ``cont()`` (it stops at ``max_steps``)."""
    from engine.debugger import Controller

    if history:
        ctl = Controller(trainer, history=APP_HISTORY)
    else:
        ctl = Controller(trainer, history=1, keep_events=1, checkpoint_every=1 << 62)
    if breakpoint is not None:
        ctl.add_breakpoint(breakpoint)

    def run(k: int) -> None:
        ctl.max_steps = ctl.record.step + k
        stop = ctl.cont()
        if stop.reason != "end":
            raise RuntimeError(f"the debugger stopped early: {stop.reason} {stop.message}")

    return run


def run(cases, repeats: int, budget: float, log=print) -> Table:
    table = Table(
        "(b) Event stream, debugger and step-back history vs the fast path (float64)",
        ["network", "fast path", "what", "its time per step", "time ratio (target)"],
    )
    debugger = has_debugger()
    for name in cases:
        case = CASES[name]
        built = build(case, "float64")
        runners = {
            "fast": steps_loop(built.trainer().step),
            "events": drain_events(built.trainer()),
        }
        if debugger:
            runners["continue"] = controller_runner(built.trainer(), breakpoint=NEVER, history=True)
            runners["history off"] = controller_runner(
                built.trainer(), breakpoint=None, history=False
            )
            runners["history on"] = controller_runner(
                built.trainer(), breakpoint=None, history=True
            )
        times = paired(runners, repeats, budget)
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        fast = micro(med["fast"])
        table.rows.append(
            [
                case.title,
                fast,
                "event stream, every event consumed",
                micro(med["events"]),
                at_most(time_ratio(times, "events", "fast"), TARGET_EVENTS),
            ]
        )
        if debugger:
            table.rows.append(
                [
                    "",
                    fast,
                    f"debugger `continue`, breakpoint `{NEVER}` never fires",
                    micro(med["continue"]),
                    at_most(time_ratio(times, "continue", "fast"), TARGET_CONTINUE),
                ]
            )
            table.rows.append(
                [
                    "",
                    f"{micro(med['history off'])} (history off)",
                    f"step-back history on ({APP_HISTORY} steps) vs off (`continue`)",
                    micro(med["history on"]),
                    at_most(time_ratio(times, "history on", "history off"), TARGET_HISTORY),
                ]
            )
        else:
            table.rows.append(["", fast, "debugger", "engine.debugger not available", ""])
        log(f"  {name}: " + ", ".join(f"{k} {micro(v)}" for k, v in med.items()))
    table.notes.append(
        "Time ratios are medians of per-repeat ratios (interleaved repeats); the debugger rows "
        "include its per-step bookkeeping (step records, checkpoints, the non-finite check). "
        "The targets were set when the fast path was the event stream's own loop without its "
        "events; it is now the lean path (buffers reused, one optimizer call for all layers), "
        "against which the event stream also pays for its new arrays. The `continue` row's "
        "condition names a statistic, so that row computes the statistics at every step, as "
        "such a breakpoint must."
    )
    return table
