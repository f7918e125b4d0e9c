"""Saving a ``LabSession`` to a session file and loading one back.

A mixin of ``LabSession`` (``tui/session.py``), which provides ``scenario``, ``seed``,
``edits``, ``run``, ``controller``, ``view``, ``pacer``, ``saved``, ``sync_view`` and
its constructor ``(scenario, run, seed, edits, pacer)``.

``save`` writes, through ``session_file.py`` (the file's layout and codec), the scenario's TOML
text, overrides and seed, the run's complete state (parameters, optimizer state, random
generator, counters, stopping state, history), the settings changed while it trained
(``engine.live``: the trainer's log), the breakpoints, the debugger position and the speed.
``load`` rebuilds the run from the scenario, replays the log and restores that state exactly,
bit for bit, after checking it against the rebuilt run (``session_schema.py``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Self

import numpy as np

from engine.debugger import DebuggerError
from engine.history import StatsHistory
from engine.live import Change
from engine.run_history import EpochLog
from scenarios import ScenarioError, build_run, parse_scenario
from tui import session_file
from tui.scenario_edits import edited_scenario, plain
from tui.session_errors import SessionError, one_line
from tui.session_host import SessionHost
from tui.session_kept import mark
from tui.session_records import stop_rules
from tui.session_schema import (
    StateMismatch,
    check_header,
    check_history,
    check_like,
    check_optimizer_state,
    check_run_values,
)
from tui.speed import Pacer


class SessionSaving(SessionHost):
    """``save``, ``load`` and ``default_filename`` of ``LabSession`` (see the module
    docstring)."""

    def default_filename(self) -> str:
        return f"{self.scenario.name}-{self.position_tag()}{session_file.SUFFIX}"

    def kept(self) -> dict:
        """The header ``save`` writes: everything a session keeps besides the run's state (the
        scenario, its edits and seed, the changes made while it trained, the stopping rules,
        the debugger's position, the speed, the status line, the breakpoints). The position of
        a step's end is that step with index 0; inside a step (its StepStart included), the
        step and the event's index."""
        position = self.controller.position
        mid_step = not position.at_step_end
        s = self.scenario
        return {
            "scenario": {
                "name": s.name,
                "source": s.source,
                "path": str(s.path),
                "label": s.label,
                "overrides": list(s.overrides),
            },
            "edits": self.edits,
            "seed": self.seed,
            "data": self.run.data.digest if self.run.data.kind in FILE_DATA else None,
            "changes": [c.to_json() for c in self.run.trainer.changes],
            "stop": dataclasses.asdict(self.run.stop),  # changed by extend()
            "position": {"step": position.step, "index": position.index if mid_step else 0},
            "speed": self.pacer.speed,  # as + and - left it
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

    def save(self, path: str | Path) -> Path:
        """Write the session to ``path`` (atomically); SessionError if it cannot be written."""
        header = self.kept()
        if not self.controller.position.at_step_end:
            # The trainer is inside the current step (which has already drawn the epoch's
            # shuffle); releasing it puts the trainer back exactly at the start of the step,
            # random generator included. The controller takes the step again when it next moves.
            self.controller.release()
        state = {
            "run": self._run_state(),
            "steps": self.run.history.steps.state(),
            "epochs": self.run.history.epochs.state(),
        }
        try:
            written = session_file.write(path, plain(header), session_file.encode_records(state))
        except session_file.SessionFileError as e:
            raise SessionError(str(e)) from None
        self.saved = mark(self)
        return written

    def _run_state(self):
        """The run's snapshot with the trainer where ``release()`` left it: inside a step gone
        back into, the step before, with that step's loss and figures — not those of the step
        the trainer is before, which the session takes (and counts) again once opened."""
        run = self.run
        steps = run.trainer.steps_done
        record = self.controller.timeline.get(steps)
        stats = record.stats if record is not None else None
        return run.snapshot_at(steps, stats) or run.snapshot()

    @classmethod
    def load(cls, path: str | Path) -> Self:
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
                f"{path}: the session file is damaged or from another version ({one_line(e)})"
            ) from None
        except (ScenarioError, DebuggerError) as e:
            raise SessionError(f"{path}: {e}") from None

    @classmethod
    def _from_saved(cls, header: dict, state: dict) -> Self:
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
            scenario = edited_scenario(
                scenario, edits["network"], edits["training"], edits.get("schedule")
            )
        seed = header["seed"]
        run = build_run(scenario, seed=seed)
        _check_data(header.get("data"), run.data, scenario.data)
        log = []
        for i, entry in enumerate(header.get("changes", []), start=1):
            try:
                log.append(Change.from_json(entry))
            except ValueError as e:
                raise StateMismatch(f"changes[{i}]: {e}") from None
        try:
            run.trainer.set_log(log)
        except ValueError as e:
            raise StateMismatch(f"changes: {e}") from None
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
        # nothing after the state saved: a session saved after going back into a step already
        # taken holds that step's records, and the step is taken again once it is opened
        run.history.steps.truncate(run.trainer.steps_done)
        run.history.epochs.truncate(run.trainer.steps_done)
        session = cls(scenario, run, seed, edits, Pacer(header.get("speed", scenario.lab["speed"])))
        c = session.controller
        c.breakpoints.clear_all()
        position = header["position"]
        _check_position(position, run.trainer.steps_done)
        with np.errstate(all="ignore"):
            while c.position.step == position["step"] and c.position.index < position["index"]:
                before = c.position.index
                c.step()
                if c.position.index == before:  # training is finished here: nothing moves
                    break
        for i, entry in enumerate(header["breakpoints"], start=1):
            if entry["builtin"]:
                bp = c.breakpoints.nan
                c.breakpoints.set_enabled(bp.id, entry["enabled"])
            else:
                bp = cls._saved_breakpoint(c, entry, f"breakpoints[{i}]")
            bp.hits = entry["hits"]
        session.view.status = header.get("status", "paused")
        session.view.message = header.get("message", "")
        if position["step"] == run.trainer.steps_done:  # saved at that step's StepEnd
            session.view.message = reopened_after(position["step"])
        session.sync_view()
        session.saved = mark(session)
        return session

    @staticmethod
    def _saved_breakpoint(controller, entry: dict, field: str):
        """The user's breakpoint ``entry`` of a file, added to ``controller``; a spec the
        debugger refuses is a StateMismatch naming ``field``."""
        try:
            return controller.add_breakpoint(
                entry["spec"],
                temporary=entry["temporary"],
                ignore=entry["ignore"],
                enabled=entry["enabled"],
            )
        except DebuggerError as e:
            raise StateMismatch(f"{field}.spec: {getattr(e, 'message', e)}") from None


def reopened_after(step: int) -> str:
    """The status line of a session saved at the end of ``step``: it reopens at the start of the
    next one (the file keeps the run after the step, not the step's events)."""
    return (
        f"Reopened at the start of step {step + 1:,}: saved at the end of step {step:,}, which "
        "a session does not reopen at (it keeps the weights after a step, not its events)."
    )


FILE_DATA = ("csv", "npz")
"""Data kinds read from a file, which can change after a session is saved (the others come
from the scenario's own text and seed)."""


def _check_data(saved, data, section: dict) -> None:
    """The data file holds what the session trained on (``Dataset.digest``; a session saved
    without a digest is taken as it is); ScenarioError naming the file otherwise — the run would
    go on with other examples than its history and weights came from."""
    if saved is not None and not (isinstance(saved, str) and len(saved) == 64):
        raise StateMismatch("data: expected the SHA-256 of the data file's examples, or null")
    if saved is None or data.kind not in FILE_DATA or saved == data.digest:
        return
    raise ScenarioError(
        f"data.path = {section.get('path')}: the file has changed since the session was saved "
        "(its examples differ from those the session trained on); put the saved data back, or "
        "open the scenario to train on the new data"
    )


def _check_position(position: dict, steps_done: int) -> None:
    """The saved debugger position fits the saved training: at the end of its last step
    (``index`` 0, as ``save`` writes it) or inside the next one (StateMismatch otherwise — an
    edited file opened silently at another step)."""
    step, index = position["step"], position["index"]
    if step == steps_done + 1 or (step == steps_done and index == 0):
        return
    raise StateMismatch(
        f"position.step: {step} does not fit the training saved, which took {steps_done:,} "
        f"steps (the position is step {steps_done:,}'s end or inside step {steps_done + 1:,})"
    )
