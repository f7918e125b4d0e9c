"""The glue between a scenario, its training run and the debugger: what the lab drives.

``LabSession.open(name)`` loads a scenario (``scenarios.load_scenario``), builds its ``Run``
(``scenarios.build_run``) and puts a debugger ``Controller`` (``engine.debugger``) over the run's
trainer, with the scenario's preset breakpoints. The controller moves the training; the session
keeps the run's bookkeeping in step with it (the per-step history, per-epoch metrics and stopping
rules are recorded for every step the controller completes, and forgotten when it steps back).

Every command returns through ``view``: the ``LabView`` the panels draw (status, message, current
event). ``train`` is the long-running part, called from the app's thread worker; everything else
runs on the app's main thread, never at the same time as ``train``.

Two mixins hold the rest of ``LabSession``: ``train`` in ``session_training.py``, and ``save``/
``load`` of a session file in ``session_saving.py``. A command that cannot be done raises
``SessionError`` (``session_errors.py``).
"""

from __future__ import annotations

import dataclasses
import threading
from contextlib import contextmanager

import numpy as np

from engine.debugger import ConditionError, DebuggerError
from engine.debugger.follow import extend, follow_run, stop_message
from engine.debugger.non_finite_target import non_finite_target
from engine.reshape import carry
from scenarios import DEFAULT_SCENARIO, Scenario, ScenarioError, build_run, load_scenario
from tui.lesson_goal import LessonGoal
from tui.panels.format import fmt_count
from tui.scenario_edits import edited_scenario, plain
from tui.session_errors import SessionError, SessionFailure, one_line
from tui.session_kept import Mark, mark, training_unsaved, unsaved
from tui.session_saving import SessionSaving
from tui.session_training import SessionTraining
from tui.speed import Pacer
from tui.view import LabView, Selection, Status, TrainingSnapshot

HISTORY_STEPS = 200  # how many recent steps ``back`` can reach


class LabSession(SessionTraining, SessionSaving):
    """A scenario, its run and the debugger controller over it (see the module docstring)."""

    def __init__(self, scenario: Scenario, run, seed: int | None = None, edits=None, pacer=None):
        """``pacer``: the training speed to keep (``tui.speed.Pacer``); default the scenario's
        ``[lab] speed``."""
        self.scenario = scenario
        self.seed = seed
        self.edits = edits  # {"network": …, "training": …} when the network was edited in the lab
        self.saved: Mark | None = None  # the session as last opened, loaded or saved
        self.published: TrainingSnapshot | None = None  # by ``train``, on its thread
        self.pacer = pacer if pacer is not None else Pacer(scenario.lab["speed"])
        self.lock = threading.RLock()  # the controller, while ``train`` animates (``frozen``)
        self.animating = False  # ``train`` is taking steps event by event
        self.run = run
        try:
            self.controller = follow_run(run, history=HISTORY_STEPS)
        except ValueError as e:  # the memory limit, with what step-back keeps
            raise SessionError(f"{scenario.label or scenario.name}: {e}") from None
        self.view = LabView(run=run, controller=self.controller, scenario=scenario)
        try:
            self.controller.load_breakpoints(scenario.breakpoints)
        except DebuggerError as e:
            raise SessionError(f"{scenario.label or scenario.name}: {e}") from None
        self.sync_view()
        self.saved = mark(self)

    # --- building -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, name_or_path: str | None = None, overrides=(), seed: int | None = None
    ) -> LabSession:
        """The session of scenario ``name_or_path`` (a preset name or a file; None: the default)."""
        try:
            scenario = load_scenario(name_or_path or DEFAULT_SCENARIO, tuple(overrides))
            return cls(scenario, build_run(scenario, seed=seed), seed)
        except ScenarioError as e:
            raise SessionError(str(e)) from None

    def reset(self) -> LabSession:
        """A fresh session of the same scenario and seed: step 1 again, with the network's
        initial weights drawn anew from the seed (the edited network's, when it was edited).
        Kept: the edits, the settings changed while it trained (in force from step 1: ``<``
        then ``r``, as the divergence message advises, trains again with the lower η — not the
        old one), the breakpoints and the speed. SessionError if the run cannot be built again
        (a data file removed since)."""
        if self.run.trainer.changes:
            from tui.live_changes import sections_in_force  # it imports this module

            return self.rebuild(*sections_in_force(self.scenario, self.run), only_valid=False)
        try:
            run = build_run(self.scenario, seed=self.seed)
        except ScenarioError as e:
            raise SessionError(str(e)) from None
        session = LabSession(self.scenario, run, self.seed, self.edits, self.pacer)
        session.copy_breakpoints(self)
        session.saved = self.saved
        return session

    def rebuild(
        self,
        network: dict,
        training: dict,
        schedule: dict | None = None,
        keep=None,
        only_valid: bool = True,
    ) -> LabSession:
        """A session whose scenario has these ``[network]``, ``[training]`` (and ``[schedule]``)
        sections; ``keep``: (origins, unit maps) to take the weights that still fit from this
        session's network (``engine.reshape.carry``), else the new network is drawn anew.

        The sections are validated like a scenario file's (SessionError naming the key and the
        allowed values); the current session is left untouched either way. The breakpoints are
        kept (``only_valid``: those that still fit the new network); what was last opened or
        saved stays the new session's reference for what is unsaved (``saved``).
        """
        try:
            scenario = edited_scenario(self.scenario, network, training, schedule)
            run = build_run(scenario, seed=self.seed)
            if keep is not None:
                carry(self.run.net, run.net, *keep)
        except (ScenarioError, ValueError) as e:
            raise SessionError(str(e)) from None
        edits = plain({"network": network, "training": training})
        if schedule is not None:
            edits["schedule"] = plain(schedule)
        session = LabSession(scenario, run, self.seed, edits, self.pacer)
        session.copy_breakpoints(self, only_valid=only_valid)
        session.saved = self.saved
        return session

    def copy_breakpoints(self, other: LabSession, only_valid: bool = False) -> None:
        """Add ``other``'s user breakpoints that this session does not have yet (by spec)."""
        mine = {bp.spec() for bp in self.controller.breakpoints}
        nan = other.controller.breakpoints.nan
        self.controller.breakpoints.set_enabled(0, nan.enabled)
        for bp in other.controller.breakpoints:
            if bp.builtin or bp.spec() in mine:
                continue
            try:
                self.controller.add_breakpoint(
                    bp.spec(), temporary=bp.temporary, ignore=bp.ignore, enabled=bp.enabled
                )
            except (ConditionError, DebuggerError):
                if not only_valid:
                    raise
        self.sync_view()

    # --- commands -------------------------------------------------------------------------------

    @property
    def steps_done(self) -> int:
        return self.run.trainer.steps_done

    def paused_message(self) -> str:
        """Where training was paused: ``Paused at step 53.`` at a step's end, ``Paused at step
        53, Forward(l=4).`` within it (an animated step)."""
        position = self.controller.position
        where = "" if position.at_step_end else f", {position.event_name()}"
        return f"Paused at step {fmt_count(position.step)}{where}."

    def position_tag(self) -> str:
        """The position in a file name: ``step539`` after step 539 (at its StepEnd, or at the
        StepStart of step 540, where nothing of it is computed yet: ``step0`` before training),
        ``step540-delta2`` at ``Delta(l=2)`` within step 540."""
        position = self.controller.position
        if position.kind == "step_start":
            return f"step{position.step - 1}"
        if position.at_step_end:
            return f"step{position.step}"
        return f"step{position.step}-{position.kind}{position.layer or ''}"

    @property
    def progress(self) -> str:
        """The training that would be lost by replacing this session ("step 37", as the status
        line writes it): "" when training has not moved since it was opened, loaded or saved."""
        return training_unsaved(self, self.saved)

    def unsaved(self) -> list[str]:
        """Everything this session keeps that changed since it was opened, loaded or saved, in
        words (``tui.session_kept``): the training, the edited network, settings changed while
        it trained, breakpoints; [] when a save would write nothing new."""
        return unsaved(self, self.saved)

    def command(self, name: str, arg=None) -> None:
        """A debugger command on the main thread: step, next, finish, back, goto, break,
        delete, toggle; the outcome goes to ``view``. SessionError for a bad argument."""
        c = self.controller
        c.clear_interrupt()  # one meant for a training run that had already ended
        try:
            with np.errstate(all="ignore"):
                if name == "step":
                    self._stopped(c.step(int(arg) if arg else 1))
                elif name == "next":
                    self._stopped(c.next())
                elif name == "finish":
                    self._stopped(c.finish())
                elif name == "back":
                    self._stopped(self._history_kept(c.back(int(arg) if arg else 1)))
                elif name == "goto":  # arg: (kind, layer or None), e.g. ("delta", 2)
                    self._stopped(c.to_event(*arg))
                elif name == "break":
                    bp = c.add_breakpoint(str(arg))
                    self.view.message = f"breakpoint {bp.id}: {bp.spec()}"
                elif name == "delete":
                    c.clear_breakpoint(int(arg))
                elif name == "toggle":
                    bp = c.breakpoints.get(int(arg))
                    c.breakpoints.set_enabled(bp.id, not bp.enabled)
                else:
                    raise SessionError(f"unknown debugger command {name!r}")
        except ConditionError as e:
            raise SessionError(e.caret("  ")) from None
        except DebuggerError as e:
            raise SessionError(str(e)) from None
        except SessionError:
            raise
        except Exception as e:  # a bug: keep the run at its last good state, say what happened
            raise SessionFailure(self._failed(e).replace("Training stopped", "Stopped")) from None
        self.sync_view()

    def _history_kept(self, stop):
        """``stop`` of ``back``, whose message says "before the start of the run" where the run
        began before this session (a saved one reopened, ``start_step`` > 0): the oldest step
        is then the first this session took, and the steps before it are not in the file."""
        c = self.controller
        oldest = c.timeline.oldest
        if stop.reason != "history" or c.start_step == 0:
            return stop
        if oldest is not None and oldest > c.start_step + 1:
            return stop  # past the history kept since: the engine's message says so
        first = fmt_count(c.start_step + 1)
        message = stop.message.replace(
            "the start of the run", f"the start of step {first}, the oldest step this session kept"
        )
        message = (
            message.removesuffix(".") + "; a saved session does not keep the step-back history."
        )
        return dataclasses.replace(stop, message=message)

    def _failed(self, error: Exception) -> str:
        """After an exception in training: the run back at its last good step (``recover``),
        and a message saying what happened and where the run is."""
        c = self.controller
        try:
            c.recover()
        except Exception as again:  # nothing more can be saved: say so
            return f"Training failed ({one_line(error)}), and recovering failed too: {again}."
        self.sync_view()
        position = c.position
        where = "the end of" if position.at_step_end else "the start of"
        return (
            f"Training stopped by an error: {type(error).__name__}: {one_line(error)}. "
            f"The run is kept at {where} step {fmt_count(position.step)}, its last good state "
            "(ctrl+s saves it)."
        )

    def interrupt(self) -> None:
        """Ask a running ``train`` to stop at the next step — or one about to begin, before its
        first step; an animated step stops at its current event (safe from another thread)."""
        self.controller.interrupt()
        self.pacer.halt()

    @contextmanager
    def frozen(self):
        """Hold the controller still while the UI thread reads it: while ``train`` animates a
        step, the training thread lets go of it only between events. The view's current event
        is the controller's then (its events are what the panels draw), else none while
        training runs — the controller is the training thread's."""
        with self.lock:
            view = self.view
            if view.status == "running":
                view.event = self.controller.event if self.animating else None
            yield

    @property
    def extend_epochs(self) -> int:
        """How many epochs ``extend`` adds: the scenario's own count (training.epochs)."""
        return int(self.scenario.training.get("epochs") or 1)

    def extend(self) -> None:
        """Let finished training go on for ``extend_epochs`` more epochs (the lab's x);
        SessionError when it has not finished or diverged."""
        try:
            self.view.message = extend(self.run, self.controller, self.extend_epochs)
        except DebuggerError as e:
            raise SessionError(_sentence(str(e)[:1].upper() + str(e)[1:]) + ".") from None

    def training_ended(self) -> None:
        """The training thread is done: forget an interrupt that came as it ended."""
        self.controller.clear_interrupt()

    def _stopped(self, stop) -> None:
        self.view.status, self.view.message = self._outcome(stop)
        if stop.reason == "nan":
            self.point_at_non_finite()

    def point_at_non_finite(self) -> None:
        """After a divergence: the unit or weight (and example) of the first non-finite value of
        the event the debugger stopped at as the selection (``engine.debugger.non_finite_target``),
        so that the equation explains the value the message names; nothing where there is no
        such value."""
        target = non_finite_target(self.controller.event, self.run.net.L)
        if target is None:
            return
        self.view.selection = Selection(target.l, target.unit, target.weight)
        if target.example is not None:
            self.view.example = target.example

    def _outcome(self, stop, goal: LessonGoal | None = None) -> tuple[Status, str]:
        """(status, message) for the view after the controller stopped with ``stop``; after a
        lesson's run (``goal``) that reached its goal, in the lesson's words (and where
        training ends there too, that it stopped)."""
        run = self.run
        if stop.reason == "nan" or run.stop_reason == "diverged":
            return "diverged", self._divergence_message(stop)
        reached = goal.reached(stop) if goal is not None else None
        if reached is not None:
            end = self.controller.finished()
            if end is None:
                return "paused", reached
            why = stop_message(run) or end
            return "stopped", f"{reached} Training stopped: {why}. {self._extend_hint()}"
        if stop.reason in ("end", "finished"):
            why = stop_message(run) or "the end of training"
            text = _sentence(stop.message) or f"Training stopped: {why}."
            return "stopped", f"{text} {self._extend_hint()}"
        if stop.reason == "interrupted":
            return "paused", self.paused_message()
        return "paused", _sentence(stop.message)

    def _extend_hint(self) -> str:
        n = self.extend_epochs
        return f"x trains {fmt_count(n)} more epoch{'' if n == 1 else 's'}."

    def _divergence_message(self, stop) -> str:
        if stop is not None and stop.reason == "nan" and stop.details:
            what = stop.details[0]
            step = stop.position.step
        elif self.run.divergence is not None:
            what, step = self.run.divergence.what(), self.run.divergence.step
        else:
            what, step = "a value became non-finite", None
        where = f"at step {fmt_count(step)}: " if step is not None else ""
        return (
            f"Diverged {where}{what}. Lower the learning rate, clip the gradients or change "
            "the init; r resets."  # two lines of an 80-column status bar
        )

    def sync_view(self) -> None:
        """Bring the view's event and breakpoint list up to date with the controller."""
        view = self.view
        view.event = self.controller.event if view.status != "running" else None
        view.breakpoints = list(self.controller.breakpoints)


def _sentence(text: str) -> str:
    return text.strip()
