"""Helpers for the panel tests: a tiny app around one panel, and views of real small runs.

Not a conftest (the app's tests own tests/tui/conftest.py): the panel tests import these
directly. ``PanelApp`` records every app-level request message a panel posts, so a test can
assert on what was (or was not) asked for.
"""

from __future__ import annotations

import numpy as np
from textual import on
from textual.app import App, ComposeResult

from engine.debugger import Controller
from scenarios import build_run, load_scenario
from tui import messages
from tui.view import LabView

REQUESTS = (
    messages.DebugCommand,
    messages.ApplyNetwork,
    messages.SelectUnit,
    messages.SelectWeight,
    messages.SelectExample,
    messages.ToggleLogScale,
    messages.CycleStat,
)


class PanelApp(App[None]):
    """One panel filling the screen; ``posted`` holds the request messages it sent."""

    def __init__(self, panel, view: LabView | None = None, throttle: float = 0.0):
        super().__init__()
        self.panel = panel
        panel.THROTTLE = throttle  # tests see every redraw unless they test the throttle
        self.view = view
        self.posted: list = []

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_mount(self) -> None:
        if self.view is not None:
            self.panel.refresh_view(self.view)

    @on(messages.DebugCommand)
    @on(messages.ApplyNetwork)
    @on(messages.SelectUnit)
    @on(messages.SelectWeight)
    @on(messages.SelectExample)
    @on(messages.ToggleLogScale)
    @on(messages.CycleStat)
    def _record(self, message) -> None:
        self.posted.append(message)

    def requests(self, kind) -> list:
        return [m for m in self.posted if isinstance(m, kind)]


def make_view(
    scenario: str = "xor", *, steps: int = 0, overrides=(), debugger: bool = False, **fields
) -> LabView:
    """A view of a real run of ``scenario`` after ``steps`` fast-path steps; with ``debugger``,
    a debugger ``Controller`` over it, the view at its first event (StepStart)."""
    sc = load_scenario(scenario, tuple(overrides))
    run = build_run(sc)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            run.step()
    view = LabView(run=run, controller=None, scenario=sc, **fields)
    if debugger:
        view.controller = Controller(run.trainer)
        view.event = view.controller.event
        view.breakpoints = list(view.controller.breakpoints)
    return view


def move(view: LabView, command: str, *args) -> None:
    """Run a debugger motion (``step``, ``next``, ``finish``, …) and follow it in the view."""
    getattr(view.controller, command)(*args)
    view.event = view.controller.event


def event_at(view: LabView, kind: str, l: int | None = None):
    """Advance the view's run through its next step's events to the first ``kind`` (of layer
    ``l``); the view's ``event`` is set to it. Returns the generator (keep it alive)."""
    events = view.run.step_events()
    for event in events:
        if event.kind == kind and (l is None or getattr(event, "l", None) == l):
            view.event = event
            return events
    raise AssertionError(f"no {kind} event (layer {l}) in a step")


def record_steps(view: LabView, n: int, **values) -> None:
    """Record ``n`` synthetic steps in the run's history with statistics set to ``values``
    (a LayerStats field → a value for every layer, or a list per layer); the last one's loss
    becomes the run's latest batch loss (``Run.last_loss``), as a step taken would make it."""
    history = view.run.history.steps
    from engine.stats import LayerStats

    L = view.run.net.L
    start = history.n_recorded
    fields = LayerStats._fields
    stats = np.zeros((n, L, len(fields)))
    for l in range(L):
        stats[:, l, 0] = l + 1
    for name, value in values.items():
        if name == "loss":
            continue
        column = fields.index(name)
        per_layer = value if isinstance(value, list | tuple) else [value] * L
        for l, v in enumerate(per_layer):
            stats[:, l, column] = v
    losses = np.broadcast_to(np.asarray(values.get("loss", 0.5), dtype=float), (n,))
    history.record_many(np.arange(start + 1, start + n + 1), losses, stats)
    view.run.last_loss = float(losses[-1])
