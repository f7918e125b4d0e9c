"""Key latency while training runs in the app (the target: a key is handled within 100 ms).

The lab (``tui.app.LabApp``) runs headless in Textual's ``run_test`` at 120×40 (every panel
visible) on a scenario that never stops training; space starts training in its worker thread.
A separate thread, standing in for the terminal driver's input thread, presses ``l`` (the loss
plot's log-scale toggle: harmless, and its effect is a redraw of the plot) at random moments,
the way a terminal's input thread hands a key to the app (``driver.process_message``). Per
press, on the shared ``perf_counter`` clock:

- **handled**: from the key's hand-over to the app until its action (``action_log_scale``) has
  run — how long the key waited for the main thread (a frame being drawn, the training thread
  holding the GIL);
- **shown**: until the end of the first screen update that contains the loss plot rebuilt on
  the new scale — what the user sees.

Headless: the screen's updates are composed but not written to a terminal (that part is the
same with or without training). The next press waits until the last one was shown.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time

from .report import Table

TARGET_KEY = 0.100
APP_SIZE = (120, 40)
NEVER_STOP = ("training.epochs=100000000", "stop.loss_below=1e-300", "lab.speed=max")
GAP = (0.05, 0.4)  # seconds between one press being shown and the next press


class _Press:
    __slots__ = ("sent", "handled", "shown", "builds")

    def __init__(self, sent: float):
        self.sent = sent
        self.handled: float | None = None
        self.shown: float | None = None
        self.builds = 0


async def _latencies(scenario: str, presses: int, seed: int) -> list[tuple[float, float]]:
    from textual import events

    from tui.app import LabApp

    app = LabApp(scenario=scenario, overrides=NEVER_STOP)
    app.pending = None
    toggle = app.action_log_scale

    def timed_toggle() -> None:  # the action, timed (instance attribute: found by Textual)
        toggle()
        press = app.pending
        if press is not None and press.handled is None:
            press.handled = time.perf_counter()
            press.builds = app.panels["loss"].query_one("#loss-plot").builds

    app.action_log_scale = timed_toggle
    results: list[tuple[float, float]] = []
    rng = random.Random(seed)
    async with app.run_test(size=APP_SIZE) as pilot:
        await pilot.pause()
        plot = app.panels["loss"].query_one("#loss-plot")
        screen = app.screen
        refresh = screen._compositor_refresh
        shown = threading.Event()

        def timed_refresh() -> None:
            refresh()
            press = app.pending
            if (
                press is not None
                and press.handled is not None
                and press.shown is None
                and plot.builds > press.builds
            ):
                press.shown = time.perf_counter()
                shown.set()

        screen._compositor_refresh = timed_refresh
        await pilot.press("space")
        await asyncio.sleep(0.5)  # let the worker get going
        driver = app._driver
        failure: list[str] = []

        def presser() -> None:
            for _ in range(presses):
                time.sleep(rng.uniform(*GAP))
                if not app.training:
                    failure.append(f"training stopped: {app.session.view.message}")
                    return
                shown.clear()
                press = _Press(time.perf_counter())
                app.pending = press
                driver.process_message(events.Key("l", "l"))
                if not shown.wait(5.0):
                    failure.append("a key press was not shown within 5 s")
                    return
                results.append((press.handled - press.sent, press.shown - press.sent))
                app.pending = None

        thread = threading.Thread(target=presser, daemon=True)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.05)
        await app.stop_training()
        await pilot.pause(2 / app.REFRESH_HZ)
        if failure:
            raise RuntimeError(failure[0])
    return results


def key_latencies(scenario: str, presses: int, seed: int = 0) -> list[tuple[float, float]]:
    """(handled, shown) seconds for ``presses`` presses of ``l`` while ``scenario`` trains."""
    return asyncio.run(_latencies(scenario, presses, seed))


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms"


def run_keys(scenarios, presses: int, log=print) -> Table:
    from .bench_app import available

    table = Table(
        "Key latency while training runs in the app (`l` at random moments, 120×40)",
        [
            "scenario",
            "handled: median",
            "handled: p90 / worst",
            "shown: median",
            "shown: p95 (target ≤ 100 ms) / worst",
        ],
    )
    why = available()
    if why:
        table.notes.append(f"Not measured: {why}.")
        return table
    for i, scenario in enumerate(scenarios):
        measured = key_latencies(scenario, presses, seed=i)
        handled = sorted(m[0] for m in measured)
        shown = sorted(m[1] for m in measured)
        p90 = int(0.9 * (len(measured) - 1))
        p95 = shown[round(0.95 * (len(measured) - 1))]
        table.rows.append(
            [
                scenario,
                _ms(statistics.median(handled)),
                f"{_ms(handled[p90])} / {_ms(handled[-1])}",
                _ms(statistics.median(shown)),
                f"{_ms(p95)} ({'met' if p95 <= TARGET_KEY else 'NOT met'}) / {_ms(shown[-1])}",
            ]
        )
        log(f"  {scenario}: handled {[round(h * 1e3) for h in handled]} ms")
        log(f"  {scenario}: shown {[round(s * 1e3) for s in shown]} ms")
    table.notes.append(
        f"{presses} presses per scenario, {GAP[0]:g}–{GAP[1]:g} s apart, from a thread as the "
        "terminal's input thread hands keys over; handled = until the key's action ran, shown = "
        "until the screen update with the loss plot on its new scale (headless: composed, not "
        "written to a terminal)."
    )
    return table


if __name__ == "__main__":
    import sys

    from threadpoolctl import threadpool_limits

    names = sys.argv[1].split(",") if len(sys.argv) > 1 else ["xor", "spiral"]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    with threadpool_limits(limits=1):
        print(run_keys(names, n, log=lambda m: print(m, file=sys.stderr)).markdown())
