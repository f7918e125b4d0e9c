"""The glue between a scenario, its training run and the debugger: what the lab drives.

``LabSession.open(name)`` loads a scenario (``scenarios.load_scenario``), builds its ``Run``
(``scenarios.build_run``) and puts a debugger ``Controller`` (``engine.debugger``) over the run's
trainer, with the scenario's preset breakpoints. The controller moves the training; the session
keeps the run's bookkeeping in step with it (the per-step history, per-epoch metrics and stopping
rules are recorded for every step the controller completes, and forgotten when it steps back).

Every command returns through ``view``: the ``LabView`` the panels draw (status, message, current
event). ``train`` is the long-running part, called from the app's thread worker; everything else
runs on the app's main thread, never at the same time as ``train``.

``save``/``load`` write and read a session file (``session_file.py``): the scenario's TOML text,
overrides and seed, the run's complete state (parameters, optimizer state, random generator,
counters, stopping state, history), the settings changed while it trained (``engine.live``:
the trainer's log), the breakpoints and the debugger position. Loading rebuilds the run from the
scenario, replays the log and restores that state exactly, bit for bit.
"""

from __future__ import annotations

import dataclasses
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from engine.debugger import ConditionError, DebuggerError
from engine.debugger.follow import extend, follow_run, stop_message
from engine.history import StatsHistory
from engine.json_numbers import json_number
from engine.live import Change
from engine.reshape import carry
from engine.run_history import EpochLog
from scenarios import (
    DEFAULT_SCENARIO,
    Scenario,
    ScenarioError,
    build_run,
    load_scenario,
    parse_scenario,
)
from scenarios.errors import single_line
from scenarios.loader import validate_document
from tui import session_file
from tui.panels.format import fmt_count
from tui.session_records import stop_rules
from tui.session_schema import (
    StateMismatch,
    check_header,
    check_history,
    check_like,
    check_optimizer_state,
    check_run_values,
)
from tui.session_training import SessionTraining
from tui.speed import Pacer
from tui.view import LabView, TrainingSnapshot

HISTORY_STEPS = 200  # how many recent steps ``back`` can reach


class SessionError(Exception):
    """Something the user asked for cannot be done; the message says what and why, in one
    line unless it is a condition's caret (control characters it quotes are escaped)."""

    def __init__(self, message: str = "", *args):
        lines = str(message).split("\n")
        caret = len(lines) == 3 and lines[1].strip() == "^"  # a ConditionError's three lines
        super().__init__(str(message) if caret else single_line(str(message)), *args)


class SessionFailure(SessionError):
    """A command failed with an unexpected error (a bug); the run was kept at its last good
    state and the message says so."""


class LabSession(SessionTraining):
    """A scenario, its run and the debugger controller over it (see the module docstring)."""

    def __init__(self, scenario: Scenario, run, seed: int | None = None, edits=None, pacer=None):
        """``pacer``: the training speed to keep (``tui.speed.Pacer``); default the scenario's
        ``[lab] speed``."""
        self.scenario = scenario
        self.seed = seed
        self.edits = edits  # {"network": …, "training": …} when the network was edited in the lab
        self.saved_position: tuple[int, int] | None = None  # (step, index) last saved or loaded
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
        """A fresh session of the same scenario and seed: the initial network again. The
        breakpoints added since are kept. SessionError if the run cannot be built again (a data
        file removed since)."""
        try:
            run = build_run(self.scenario, seed=self.seed)
        except ScenarioError as e:
            raise SessionError(str(e)) from None
        session = LabSession(self.scenario, run, self.seed, self.edits, self.pacer)
        session.copy_breakpoints(self)
        return session

    def rebuild(
        self, network: dict, training: dict, schedule: dict | None = None, keep=None
    ) -> LabSession:
        """A session whose scenario has these ``[network]``, ``[training]`` (and ``[schedule]``)
        sections; ``keep``: (origins, unit maps) to take the weights that still fit from this
        session's network (``engine.reshape.carry``), else the new network is drawn anew.

        The sections are validated like a scenario file's (SessionError naming the key and the
        allowed values); the current session is left untouched either way.
        """
        try:
            scenario = _edited(self.scenario, network, training, schedule)
            run = build_run(scenario, seed=self.seed)
            if keep is not None:
                carry(self.run.net, run.net, *keep)
        except (ScenarioError, ValueError) as e:
            raise SessionError(str(e)) from None
        edits = _plain({"network": network, "training": training})
        if schedule is not None:
            edits["schedule"] = _plain(schedule)
        session = LabSession(scenario, run, self.seed, edits, self.pacer)
        session.copy_breakpoints(self, only_valid=True)
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

    @property
    def progress(self) -> str:
        """What would be lost by replacing this session: "" when nothing was trained since it
        was opened, loaded or saved."""
        position = self.controller.position
        if (position.step, position.index) == self.saved_position:
            return ""
        steps = position.step - 1
        if steps <= 0 and position.index == 0:
            return ""
        return f"step {fmt_count(position.step)}"  # as the status line writes it

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
                    self._stopped(c.back(int(arg) if arg else 1))
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

    def _failed(self, error: Exception) -> str:
        """After an exception in training: the run back at its last good step (``recover``),
        and a message saying what happened and where the run is."""
        c = self.controller
        try:
            c.recover()
        except Exception as again:  # nothing more can be saved: say so
            return f"Training failed ({_one_line(error)}), and recovering failed too: {again}."
        self.sync_view()
        position = c.position
        where = "the end of" if position.at_step_end else "the start of"
        return (
            f"Training stopped by an error: {type(error).__name__}: {_one_line(error)}. "
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

    def _outcome(self, stop) -> tuple[str, str]:
        """(status, message) for the view after the controller stopped with ``stop``."""
        run = self.run
        if stop.reason == "nan" or run.stop_reason == "diverged":
            return "diverged", self._divergence_message(stop)
        if stop.reason in ("end", "finished"):
            why = stop_message(run) or "the end of training"
            text = _sentence(stop.message) or f"Training stopped: {why}."
            return "stopped", f"{text} x trains {fmt_count(self.extend_epochs)} more epochs."
        if stop.reason == "interrupted":
            return "paused", f"Paused at step {fmt_count(stop.position.step)}."
        return "paused", _sentence(stop.message)

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

    def default_filename(self) -> str:
        return f"{self.scenario.name}-step{self.steps_done}{session_file.SUFFIX}"

    # --- saving and loading -----------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the session to ``path`` (atomically); SessionError if it cannot be written."""
        position = self.controller.position
        mid_step = not position.at_step_end
        if mid_step:
            # The trainer is inside the current step (which has already drawn the epoch's
            # shuffle); releasing it puts the trainer back exactly at the start of the step,
            # random generator included. The controller takes the step again when it next moves.
            self.controller.release()
        s = self.scenario
        header = {
            "scenario": {
                "name": s.name,
                "source": s.source,
                "path": str(s.path),
                "label": s.label,
                "overrides": list(s.overrides),
            },
            "edits": self.edits,
            "seed": self.seed,
            "changes": [c.to_json() for c in self.run.trainer.changes],
            "stop": dataclasses.asdict(self.run.stop),  # changed by extend()
            "position": {"step": position.step, "index": position.index if mid_step else 0},
            "status": self.view.status if self.view.status != "running" else "paused",
            "message": self.view.message,
            "breakpoints": [
                {
                    "spec": bp.spec(),
                    "builtin": bp.builtin,
                    "enabled": bp.enabled,
                    "temporary": bp.temporary,
                    "ignore": bp.ignore,
                    "hits": bp.hits,
                }
                for bp in self.controller.breakpoints
            ],
        }
        state = {
            "run": self.run.snapshot(),
            "steps": self.run.history.steps.state(),
            "epochs": self.run.history.epochs.state(),
        }
        try:
            written = session_file.write(path, _plain(header), session_file.encode_records(state))
        except session_file.SessionFileError as e:
            raise SessionError(str(e)) from None
        position = self.controller.position
        self.saved_position = (position.step, position.index)
        return written

    @classmethod
    def load(cls, path: str | Path) -> LabSession:
        """The session saved in ``path``; SessionError (naming the file) if it cannot be read."""
        try:
            header, state = session_file.read(path)
        except session_file.SessionFileError as e:
            raise SessionError(str(e)) from None
        try:
            state = session_file.decode_records(state)
            if header["format"] != session_file.FORMAT:
                state = session_file.upgrade(header["format"], state)
            return cls._from_saved(header, state)
        except StateMismatch as e:
            raise SessionError(f"{path}: not a session file this lab can open: {e}") from None
        except (
            KeyError,
            TypeError,
            ValueError,
            IndexError,
            AttributeError,
            OverflowError,
            RecursionError,
        ) as e:
            raise SessionError(
                f"{path}: the session file is damaged or from another version ({_one_line(e)})"
            ) from None
        except (ScenarioError, DebuggerError) as e:
            raise SessionError(f"{path}: {e}") from None

    @classmethod
    def _from_saved(cls, header: dict, state: dict) -> LabSession:
        check_header(header)
        info = header["scenario"]
        scenario = parse_scenario(
            info["source"],
            path=Path(info["path"]),
            label=info["label"].removesuffix(" (edited)"),
            overrides=tuple(info["overrides"]),
        )
        edits = header.get("edits")
        if edits is not None:
            scenario = _edited(scenario, edits["network"], edits["training"], edits.get("schedule"))
        seed = header["seed"]
        run = build_run(scenario, seed=seed)
        changes = header.get("changes", [])
        if not isinstance(changes, list):
            raise ValueError("changes must be a list")
        run.trainer.set_log([Change.from_json(entry) for entry in changes])
        if header.get("stop") is not None:
            stop_rules(run, header["stop"])
        if not isinstance(state, dict) or not {"run", "steps", "epochs"} <= set(state):
            raise StateMismatch("state: expected the run and its histories")
        check_like(state["run"], run.snapshot(), "run")
        check_run_values(state["run"], run, "run")
        check_optimizer_state(state["run"][0][0][1], run.learner, "run.optimizer")
        run.restore(state["run"])
        check_history(state["steps"], run.history.steps.state(), "steps")
        check_history(state["epochs"], run.history.epochs.state(), "epochs")
        steps = StatsHistory.from_state(state["steps"])
        if steps.n_layers != run.net.L:
            raise ValueError(f"history of {steps.n_layers} layers for a network of {run.net.L}")
        run.history.steps = steps
        run.history.epochs = EpochLog.from_state(state["epochs"])
        session = cls(scenario, run, seed, edits)
        c = session.controller
        c.breakpoints.clear_all()
        position = header["position"]
        with np.errstate(all="ignore"):
            while c.position.step == position["step"] and c.position.index < position["index"]:
                before = c.position.index
                c.step()
                if c.position.index == before:  # training is finished here: nothing moves
                    break
        for entry in header["breakpoints"]:
            if entry["builtin"]:
                bp = c.breakpoints.nan
                c.breakpoints.set_enabled(bp.id, entry["enabled"])
            else:
                bp = c.add_breakpoint(
                    entry["spec"],
                    temporary=entry["temporary"],
                    ignore=entry["ignore"],
                    enabled=entry["enabled"],
                )
            bp.hits = entry["hits"]
        session.view.status = header.get("status", "paused")
        session.view.message = header.get("message", "")
        session.sync_view()
        session.saved_position = (c.position.step, c.position.index)
        return session


def _edited(s: Scenario, network: dict, training: dict, schedule: dict | None = None) -> Scenario:
    """Scenario ``s`` with new ``[network]`` and ``[training]`` sections, validated like a file
    (its claims and preset breakpoints are dropped: they were written for the original network).

    Sections taken from a validated scenario carry filled-in defaults; the output layer's
    (dropout 0, no batch norm) are taken out again, since a file may not set them there."""
    network = dict(network)
    layers = [dict(layer) for layer in network.get("layers") or []]
    if layers:
        if layers[-1].get("dropout") == 0:
            layers[-1].pop("dropout")
        if layers[-1].get("batch_norm") is False:
            layers[-1].pop("batch_norm")
        network["layers"] = layers
    document = {
        "name": s.name,
        "title": s.title,
        "summary": s.summary,
        "lesson": s.lesson,
        "seed": s.seed,
        "data": s.data,
        "network": network,
        "training": training,
        "schedule": s.schedule if schedule is None else schedule,
        "stop": s.stop,
        "lab": s.lab,
    }
    if s.compare is not None:
        document["compare"] = s.compare
    label = f"{s.label or s.name} (edited)"
    sections = validate_document(_plain(document), label, source=s.source, edited=True)
    return dataclasses.replace(s, **sections, label=label)


def _plain(tree):
    """Sections as plain JSON-able values (tuples → lists)."""
    if isinstance(tree, dict):
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return [_plain(x) for x in tree]
    if isinstance(tree, float):
        return json_number(tree)
    return tree


def _one_line(error: Exception) -> str:
    """An exception's message on one line, at most 120 characters (its type if it has none)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _sentence(text: str) -> str:
    return text.strip()
