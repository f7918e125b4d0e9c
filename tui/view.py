"""What the panels draw: one ``LabView`` the app hands to every panel's ``refresh_view``.

The view is read-only for panels: they read the engine state it points to (``run``, the debugger
``controller``, the current ``event``) and never compute gradients themselves. To change anything
they post a message from ``tui.messages``; the app handles it and refreshes the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from scenarios.lesson import STATS as LESSON_STATS

if TYPE_CHECKING:
    from engine.events import Event
    from engine.run import Run
    from scenarios import Scenario

Status = Literal["idle", "running", "paused", "stopped", "diverged"]
"""idle: nothing run yet · running: the training worker is busy · paused: stopped mid-way by the
user or a breakpoint · stopped: training ended (epochs, loss target, patience) · diverged: a
quantity went non-finite; ``LabView.message`` says which."""

STATS = LESSON_STATS
"""Per-layer statistics the gradients panel can show: ``engine.stats.LayerStats`` field → label
(defined beside the lesson actions that name them, ``scenarios/lesson.py``).
``LabView.stat`` is one of these keys; ``CycleStat`` moves to the next one in this order."""


@dataclass(frozen=True, slots=True)
class Selection:
    """What the user selected for explanation: a layer ``l`` (1-based), optionally a unit
    ``unit`` j (row j of Wˡ) and optionally a weight ``weight = (j, k)`` (entry Wˡⱼₖ, from input
    k to unit j)."""

    l: int
    unit: int | None = None
    weight: tuple[int, int] | None = None


@dataclass(slots=True)
class LabView:
    """The state of the lab at one moment, as the panels see it.

    The app owns the one instance, updates it in place on the main thread and calls every panel's
    ``refresh_view(view)`` at most ~15 times a second. ``generation`` grows by one each time
    ``run`` is replaced (scenario opened, network applied, reset, session loaded), so a panel can
    rebuild its layout only then; ``tick`` grows on every refresh.
    """

    run: Run
    controller: Any  # the debugger controller (engine.debugger), driving ``run``
    scenario: Scenario
    status: Status = "idle"
    message: str = ""  # one line for the user: why training stopped, what diverged, …
    event: Event | None = None  # the event the debugger is paused at, None between steps
    selection: Selection | None = None
    example: int = 0  # the row of the batch explained and drawn (``tui.example``)
    log_scale: bool = False  # loss plot on a log scale
    stat: str = "grad_norm"  # a key of STATS
    generation: int = 0
    tick: int = 0
    breakpoints: list = field(default_factory=list)  # the controller's breakpoints, for display
