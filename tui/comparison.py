"""Two lab sessions trained in lockstep: what the comparison view (``tui/screens/compare.py``)
draws and the lab's training worker runs.

A ``Comparison`` holds one ``LabSession`` per scenario of a ``scenarios.compare.Pair`` (so each
run has its own debugger controller, history, view and published snapshots, exactly as in the
lab) and offers the same training interface as a session — ``train(until, cancelled,
progress)``, ``interrupt()``, ``training_ended()`` — so the app's one training worker
(``LabApp._train``) runs it. The scenarios' preset breakpoints are left out (only the non-finite
check stays): a comparison is watched, not debugged.

Lockstep: the runs take turns of the same number of steps — one step each for the first
``EXACT_STEPS`` steps, where every step is visible, then ``TURN_STEPS`` each; each turn ends at
the same step for both, and a pause (``interrupt``) takes effect at the end of a turn, so a
paused pair stands at one step (a run left ahead by other means waits for the other at the next
turn). When one run stops
(its stopping rules, its last epoch, divergence — or an error, which stops that run at its last
good step with a message, as in the lab) the other goes on alone.

Speed: both runs keep to one speed, ``pacer`` (``tui.speed``: steps a second for each run, ``+``
and ``-`` in the view), a step each per tick below full speed. It starts at the faster of the two
scenarios' ``[lab] speed``: each preset's speed lets its own run be watched in about half a
minute, so the pair takes about as long as its longer run. Steps are not played event by event
here (the view has no Debugger panel), whatever the speed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from time import monotonic

import numpy as np

from engine.debugger import DebuggerError
from engine.debugger.follow import stop_message
from scenarios.compare import Pair, pair_of
from tui.session import LabSession
from tui.session_training import PUBLISH_HZ
from tui.speed import MAX, Pacer
from tui.view import Status

EXACT_STEPS = 256  # one step per turn up to here
TURN_STEPS = 8  # then this many per turn
DONE = ("stopped", "diverged")


class Comparison:
    """Two sessions in lockstep (see the module docstring)."""

    def __init__(self, pair: Pair, runs=None, speed: int | str | None = None):
        """``speed``: the runs' steps a second (``tui.speed``), default ``starting_speed``."""
        self.pair = pair
        runs = runs if runs is not None else pair.runs()
        scenarios = (pair.a, pair.b)
        seeds = (pair.seed_a, pair.seed_b)
        self.pacer = Pacer(starting_speed(pair) if speed is None else speed)
        a, b = (
            LabSession(dataclasses.replace(s, breakpoints=[]), run, seed, pacer=self.pacer)
            for s, run, seed in zip(scenarios, runs, seeds, strict=True)
        )
        self.sessions = (a, b)
        for session in self.sessions:
            session.view.status = "idle"
        self._pause_at_turn = False  # ``interrupt`` was called: pause once this turn ends
        self.log_scale = False
        self.stat = "grad_norm"

    @classmethod
    def of_pair(cls, pair: Pair, runs=None) -> Comparison:
        return cls(pair, runs)

    @classmethod
    def of(cls, first, second, seed: int | None = None) -> Comparison:
        """The comparison of two loaded scenarios (``scenarios.Scenario``)."""
        return cls(pair_of(first, second, seed))

    @property
    def names(self) -> tuple[str, str]:
        return self.pair.names

    @property
    def note(self) -> str:
        return self.pair.note

    def reset(self) -> Comparison:
        """Both runs from their initial networks again, at the speed set now."""
        fresh = Comparison(self.pair, speed=self.pacer.speed)
        fresh.log_scale, fresh.stat = self.log_scale, self.stat
        return fresh

    @property
    def finished(self) -> bool:
        return all(s.view.status in DONE for s in self.sessions)

    # --- training (the app's worker thread) -------------------------------------------------

    def train(
        self,
        until: str,
        cancelled: Callable[[], bool],
        progress: Callable[[float], None] | None = None,
    ) -> tuple[str, str]:
        """Train both runs in lockstep until both have stopped or ``cancelled()``; ``until`` is
        "continue" (a comparison has no breakpoints to stop at). Each session publishes its
        progress (``LabSession.published``) at most ``PUBLISH_HZ`` times a second, and each
        session's view keeps its own status. Returns the (status, message) of the pair."""
        for session in self.sessions:
            session.controller.clear_interrupt()
        self._pause_at_turn = False  # before the check: an interrupt from now on pauses this run
        if cancelled():
            return "paused", ""
        pacer = self.pacer
        pacer.begin()
        due = 0.0
        while True:
            active = [s for s in self.sessions if s.view.status not in DONE]
            if not active:
                return "stopped", "Both runs have stopped."
            if self._pause_at_turn:  # between turns: both runs at one step
                return self._paused()
            full = pacer.speed == MAX
            behind = min(s.steps_done for s in active)
            target = behind + (TURN_STEPS if full and behind >= EXACT_STEPS else 1)
            for session in active:
                session.view.status = "running"
                c = session.controller
                turn = target - session.steps_done  # a run a pause left ahead waits
                if turn <= 0:
                    continue
                try:
                    with np.errstate(all="ignore"):
                        stop = c.run(turn)
                except DebuggerError as e:  # e.g. a condition the debugger refuses
                    session.view.status, session.view.message = "stopped", f"Stopped: {e}"
                    continue
                except Exception as e:  # a bug or a failed allocation: keep the run, say so
                    session.view.status, session.view.message = "stopped", session._failed(e)
                    continue
                if stop.reason == "interrupted":
                    return self._paused()
                if stop.reason != "done":
                    session.view.status, session.view.message = _outcome(session, stop)
                    session.published = None
            now = monotonic()
            if now >= due:
                due = now + 1 / PUBLISH_HZ
                for session in active:
                    if session.view.status == "running":
                        session.publish(session.controller.record)
                if cancelled():
                    return self._paused()
            if progress is not None:
                progress(now)
            if not full:
                pacer.wait()  # cut short by interrupt() (the sessions' pacer is this one)

    def starting(self) -> None:
        """Training starts: the runs still to train lose their last message (a stopped or
        diverged run keeps its own); nothing is published yet."""
        for session in self.sessions:
            if session.view.status not in DONE:
                session.view.message = ""
            session.view.progress = session.published = None

    def _paused(self) -> tuple[str, str]:
        self.paused()
        return "paused", ""

    def paused(self) -> None:
        """The runs that were training are paused (each at its own step)."""
        for session in self.sessions:
            if session.view.status not in DONE:
                session.view.status = "paused"
                session.view.message = session.paused_message()
            session.view.progress = None
            session.sync_view()

    def interrupt(self) -> None:
        """Pause both runs at the end of their turn, at one step (safe from another thread). The
        turn is at most ``TURN_STEPS`` steps each; a wait between turns is cut short. Stopping
        each run at its next step left one ahead when it came during the other's turn: "step
        21" beside "step 20" on the paused screen."""
        self._pause_at_turn = True
        self.pacer.halt()

    def training_ended(self) -> None:
        for session in self.sessions:
            session.training_ended()


def starting_speed(pair: Pair) -> int | str:
    """The faster of the two scenarios' ``[lab] speed`` ("max" if either is)."""
    speeds = (pair.a.lab["speed"], pair.b.lab["speed"])
    return MAX if MAX in speeds else max(speeds)


def _outcome(session: LabSession, stop) -> tuple[Status, str]:
    """The lab's (status, message) for a run that stopped, without the lab's keys: the
    comparison view has no ``x`` to train on."""
    status, message = session._outcome(stop)
    if status == "stopped":
        message = f"Training stopped: {stop_message(session.run) or 'the end of training'}."
    return status, message
