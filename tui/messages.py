"""The lab's app-level messages, all in one place.

Panels post the *request* messages (they bubble up to the app, which handles them); the training
worker posts ``TrainingStopped`` from its thread when it ends (``post_message`` is thread-safe).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

DEBUG_COMMANDS: dict[str, str] = {
    "step": "one event forward",
    "next": "to the next layer",
    "finish": "to the end of the current phase (forward, backward, update)",
    "back": "one event back",
    "epoch": "to the end of the current epoch",
    "continue": "run until a breakpoint, the loss target or the last epoch",
    "pause": "stop a running training at the next step boundary",
    "reset": "step 1 again, from the initial weights (edits and changed settings kept)",
    "break": "add a breakpoint; arg: its spec string (see the breakpoints screen)",
    "delete": "remove a breakpoint; arg: its id",
    "toggle": "enable or disable a breakpoint; arg: its id",
}
"""Names a ``DebugCommand`` may carry, with what they do."""


# --- requests: posted by panels and screens, handled by the app -------------------------------


@dataclass
class DebugCommand(Message):
    """Run a debugger command: ``name`` is a key of ``DEBUG_COMMANDS``, ``arg`` its argument."""

    name: str
    arg: Any = None


@dataclass
class ApplyNetwork(Message):
    """Apply edited sections (plain dicts in the scenario format: the ``[network]`` table with
    its ``layers`` list, and the ``[training]`` table): live when only live settings changed,
    else a rebuild keeping the weights that fit (``origins``: the old layer each layer continues,
    None for a new one; None: nothing is kept). The app validates them, asks before losing
    anything, and reports a problem without changing the current network. The network editor
    that posts it stays open: the app closes it once applied, else hands it back with the
    reason (``NetworkEditor.not_applied``)."""

    network: dict
    training: dict
    origins: list | None = None


@dataclass
class SelectUnit(Message):
    """Select unit ``index`` (0-based) of layer ``l`` (1-based) for the equation view;
    ``index=None`` selects the whole layer."""

    l: int
    index: int | None = None


@dataclass
class SelectWeight(Message):
    """Select weight Wˡⱼₖ — unit j's weight from input k, 0-based — for the equation view."""

    l: int
    j: int
    k: int


@dataclass
class SelectExample(Message):
    """Explain and draw row ``index`` (0-based) of the batch (``tui.example``)."""

    index: int


@dataclass
class ToggleLogScale(Message):
    """Switch the loss plot between linear and log scale."""


@dataclass
class CycleStat(Message):
    """Show another per-layer statistic: ``stat`` (a key of ``tui.view.STATS``) or, if None,
    the next one."""

    stat: str | None = None


@dataclass
class RunLessonAction(Message):
    """Trigger action ``number`` (from 1) of the current scenario's lesson (``Scenario.actions``,
    ``scenarios/lesson.py``)."""

    number: int


@dataclass
class ExerciseAnswered(Message):
    """The learner answered the open exercise ``number`` right, or revealed it: the Debugger
    moves onto its event."""

    number: int


# --- posted by the training worker (its progress is published, not posted: tui/frames.py) ------


@dataclass
class TrainingStopped(Message):
    """The training worker ended: ``status`` is the lab status to show ("paused", "stopped",
    "diverged") and ``message`` says why; ``token`` tells the app which training run it was."""

    status: str
    message: str
    token: int = 0
