"""(c) Training inside the running app vs headless ``train``; (d) start-up times.

(c) The lab (``tui.app.LabApp``) runs headless in Textual's ``run_test`` at 120×40 with its default
refresh; space starts training in its worker thread and the steps completed over a window of wall
time give its rate. The headless figure is ``Run.fit()``, what ``backprop-lab train`` runs, on the
same scenario with the same overrides (so neither stops early). Wall-clock time: the app's UI
thread competing with training is what is measured. Windows alternate: headless, then the app,
then headless again, …, each app window compared with the geometric mean of the headless windows
on either side of it. This machine's speed moves by ±20% within seconds (headless spiral in
0.4 s windows: 8,400–13,200 steps/s in one minute), so the windows are short and many, in one
app: the headless window runs on the app's own thread while training is paused, the event loop
held still (no frame, no timer, nothing beside it). A bracket cancels a drift over the pair;
with the headless window before only, a machine slowing down (or speeding up) showed in the ratio
(single pairs read 0.75–1.02× where their medians read 0.92–0.93×). The middle half of the
pairs' ratios is shown beside the median, as a measure of that noise.

(d) First frame: a fresh Python process starts the lab on the default scenario as
``backprop-lab`` does (``tui.launch``: the session built first, the garbage collector off until
the first frame) and runs it headless; the time from just before the process was started to the
end of the screen's first update (the first frame a terminal is sent: status line, network, loss
numbers, debugger and gradients drawn; the loss plot and the data picture follow once laid out)
is read on the shared monotonic clock. Also shown: the time until every panel is drawn (the loss
plot built, the data panel drawn and the screen updated after it). ``backprop-lab --help``: the
console script's wall time from start to exit.

The processes run with the project's bytecode cached, as an installed package has it: one
unmeasured run first writes it (``PYTHONPYCACHEPREFIX``, a temporary directory, so nothing is
written in the source tree). A machine with ``PYTHONDONTWRITEBYTECODE`` set (as this team's
sandbox) otherwise compiles the project's ~100 modules at every start, ~0.1 s more.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .report import Table, at_least, at_most

TARGET_APP = 0.9
TARGET_FIRST_FRAME = 0.5
APP_SIZE = (120, 40)
NEVER_STOP = ("training.epochs=100000000", "stop.loss_below=1e-300", "lab.speed=max")

FIRST_FRAME_CHILD = """
import asyncio, gc, os, sys, time
t0 = float(os.environ["BENCH_T0"])
gc.disable()  # as backprop-lab starts the lab (tui.launch): the app turns it back on
from tui.session import LabSession
from textual.screen import Screen
from tui.app import LabApp

first = []
update = Screen._compositor_refresh

def timed_update(self):  # the screen's update: what a terminal is sent
    update(self)
    if not first:
        # and whether it is the lab's layout, not a stage of it: every panel in view at 120x40
        whole = all(panel.region.area for panel in self.app.panels.values())
        first.append(f"{time.monotonic() - t0:.6f} {time.process_time():.6f} {int(whole)}")

Screen._compositor_refresh = timed_update

async def every_panel(pilot):
    app = pilot.app
    plot = app.panels["loss"].query_one("#loss-plot")
    while not (plot.builds and app.panels["data"]._drawn is not None):
        await asyncio.sleep(0.002)
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()
    print(first[0], f"{time.monotonic() - t0:.6f}", file=sys.__stdout__, flush=True)
    app.exit()

LabApp(session=LabSession.open(None), resume_gc=True).run(
    headless=True, size=(120, 40), auto_pilot=every_panel
)
"""


def available() -> str | None:
    """None when the app can be benchmarked, else why not."""
    try:
        import tui.app  # noqa: F401
        import tui.session  # noqa: F401
    except ImportError as e:
        return f"the app cannot be imported ({e})"
    return None


def _timed_fit(run, k: int) -> float:
    run.stop_reason = None  # fit(max_steps=…) ends with "max_steps"
    start = time.perf_counter()
    run.fit(max_steps=k)
    return time.perf_counter() - start


class Headless:
    """``Run.fit()`` on ``scenario`` (as ``backprop-lab train``), timed in windows."""

    def __init__(self, scenario: str, overrides, seconds: float):
        from scenarios import build_run, load_scenario

        self.run = build_run(load_scenario(scenario, overrides))
        k = 20
        _timed_fit(self.run, k)  # warm up
        while (elapsed := _timed_fit(self.run, k)) < seconds / 4:
            k *= 4
        self.k = max(1, round(k * seconds / elapsed))  # steps in about ``seconds``

    def rate(self) -> float:
        """Steps per second over one window."""
        return self.k / _timed_fit(self.run, self.k)


async def _paired_rates(scenario: str, overrides, seconds: float, pairs: int):
    """[(headless steps/s, the app's steps/s)] over ``pairs`` app windows (see (c) above), each
    bracketed by headless windows: its headless figure is the geometric mean of the window just
    before and the one just after it, so that a drift of the machine's speed over the pair
    cancels (``pairs`` + 1 headless windows in all)."""
    from tui.app import LabApp

    headless = Headless(scenario, overrides, seconds)
    app = LabApp(scenario=scenario, overrides=overrides)
    rates = []
    async with app.run_test(size=APP_SIZE) as pilot:
        await pilot.pause()
        session = app.session
        before = headless.rate()  # on this thread: the app's loop waits meanwhile
        for _ in range(pairs):
            await pilot.press("space")
            await asyncio.sleep(0.3)  # let the worker get going
            s0, t0 = session.steps_done, time.perf_counter()
            await asyncio.sleep(seconds)
            s1, t1 = session.steps_done, time.perf_counter()
            if not app.training:
                raise RuntimeError(f"training stopped in the app: {session.view.message}")
            await app.stop_training()
            await pilot.pause(2 / app.REFRESH_HZ)  # the last frame drawn
            after = headless.rate()
            rates.append((math.sqrt(before * after), (s1 - s0) / (t1 - t0)))
            before = after
    return rates


def paired_rates(scenario: str, overrides, seconds: float, pairs: int):
    """[(headless steps/s, steps/s of training inside the running app)], one per app window of
    ``seconds`` of wall time, with the headless windows on either side of it."""
    return asyncio.run(_paired_rates(scenario, overrides, seconds, pairs))


def run_in_app(scenarios, repeats: int, seconds: float, log=print) -> Table:
    table = Table(
        "(c) Training inside the running app vs headless `train` (wall-clock steps/s)",
        [
            "scenario",
            "headless steps/s",
            "in the app steps/s",
            "app / headless (target)",
            "middle half of the pairs",
        ],
    )
    why = available()
    if why:
        table.notes.append(f"Not measured: {why}.")
        return table
    for scenario in scenarios:
        rates = paired_rates(scenario, NEVER_STOP, seconds, repeats)
        headless, app = [h for h, _ in rates], [a for _, a in rates]
        ratios = [a / h for h, a in rates]
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        table.rows.append(
            [
                scenario,
                f"{statistics.median(headless):,.0f}",
                f"{statistics.median(app):,.0f}",
                at_least(statistics.median(ratios), TARGET_APP),
                f"{quartiles[0]:.2f}× – {quartiles[2]:.2f}×",
            ]
        )
        log(f"  {scenario}: headless {headless}, app {app}")
    table.notes.append(
        f"The app at {APP_SIZE[0]}×{APP_SIZE[1]} (every panel visible), default refresh; "
        f"{repeats} windows of {seconds:g} s in the app, each between two headless windows of "
        "the same length, in one app (headless on its thread while training is paused); "
        "medians; a window's ratio is over the geometric mean of the headless windows on either "
        "side of it, and the target's figure is the median of those ratios. "
        f"Overrides {', '.join(NEVER_STOP)} keep both training."
    )
    return table


def cached_bytecode_env(cache: str) -> dict[str, str]:
    """The environment with Python's bytecode cache on, kept in ``cache``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def first_frame_seconds(env: dict[str, str] | None = None) -> tuple[float, float, float, bool]:
    """(wall seconds from just before the process started to its first frame, the process's
    CPU seconds then, wall seconds to every panel drawn, whether that first frame showed every
    panel)."""
    env = dict(os.environ if env is None else env)
    env["BENCH_T0"] = repr(time.monotonic())
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    wall, cpu, whole, every = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu), float(every), whole == "1"


def console_script() -> str | None:
    beside = Path(sys.executable).with_name("backprop-lab")
    return str(beside) if beside.exists() else shutil.which("backprop-lab")


def help_seconds(script: str, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run([script, "--help"], env=env, capture_output=True, timeout=60, check=True)
    return time.perf_counter() - start


def run_startup(repeats: int, log=print) -> Table:
    table = Table(
        "(d) Start-up: process start to the app's first frame; `backprop-lab --help`",
        ["what", "median", "min – max", "target"],
    )
    why = available()
    cache = tempfile.mkdtemp(prefix="backprop-lab-bytecode-")
    env = cached_bytecode_env(cache)
    if why:
        table.notes.append(f"First frame not measured: {why}.")
    else:
        first_frame_seconds(env)  # writes the bytecode cache
        measured = [first_frame_seconds(env) for _ in range(repeats)]
        for i, what in enumerate(("wall time", "CPU time of the process")):
            values = [m[i] for m in measured]
            table.rows.append(
                [
                    f"first frame of the lab (default scenario, 120×40, headless), {what}",
                    f"{statistics.median(values):.3f} s",
                    f"{min(values):.3f} – {max(values):.3f} s",
                    # the target is on wall time; the CPU time only explains it
                    at_most(statistics.median(values), TARGET_FIRST_FRAME, " s", 3)
                    if i == 0
                    else "—",
                ]
            )
        values = [m[2] for m in measured]
        table.rows.append(
            [
                "every panel drawn (loss plot and data picture included), wall time",
                f"{statistics.median(values):.3f} s",
                f"{min(values):.3f} – {max(values):.3f} s",
                "—",
            ]
        )
        if not all(m[3] for m in measured):
            table.notes.append(
                "The first frame did not show every panel (a stage of the layout): its time "
                "flatters the start-up."
            )
        log(f"  first frame (wall, cpu, every panel, whole layout): {measured}")
    script = console_script()
    if script is None:
        table.notes.append("`backprop-lab --help` not measured: no console script installed.")
    else:
        help_seconds(script, env)  # writes the bytecode cache
        helps = [help_seconds(script, env) for _ in range(repeats)]
        table.rows.append(
            [
                "`backprop-lab --help` (wall time of the process)",
                f"{statistics.median(helps):.3f} s",
                f"{min(helps):.3f} – {max(helps):.3f} s",
                "—",
            ]
        )
        log(f"  --help: {helps}")
    shutil.rmtree(cache, ignore_errors=True)
    table.notes.append(
        f"Medians of {repeats} fresh processes (Python start-up included), with the project's "
        "bytecode cached as an installed package has it (one unmeasured run writes it). The "
        "first frame is the end of the screen's first update: status line, network, loss "
        "numbers, debugger and gradients drawn; the loss plot and the data picture are drawn "
        "once the panels are laid out. The wall time is the target's measure; the CPU time "
        "shows how much of it is the process's own work on a machine shared with other load."
    )
    return table
