"""The command palette's live changes: "Change … while it trains (now …)" for every setting
that changes from the next step (``tui.live_actions``).

A schedule's own parameters are offered only when the run's schedule uses them (``every`` and
``factor`` the step schedule, ``gamma`` the exponential one, the final rate ``lr_min`` the
cosine one: a schedule of another kind ignores them), named with the schedule they belong to:
"Change step schedule: epochs between drops (every) while it trains (now 5)"."""

from __future__ import annotations

import ast
import re

from engine import live
from engine.schedules import OWN_PARAMETERS
from tui.live_actions import palette_entries
from tui.live_changes import latest
from tui.palette import ActionCommands

KIND_OF = {name: kind for kind, names in OWN_PARAMETERS.items() for name in names}
"""The kind of schedule that reads each ``[schedule]`` key of one kind (``kind`` and ``warmup``
apply to every kind)."""


class LiveCommands(ActionCommands):
    """One entry per live setting of the current run: opens its dialog."""

    def _entries(self):
        session = getattr(self.app, "session", None)
        return live_entries(session) if session is not None else []


def live_entries(session) -> list[tuple[str, str, str]]:
    """``palette_entries`` without the schedule parameters the run's schedule does not use, and
    with theirs named after their schedule. Which kind reads a parameter is
    ``engine.schedules.OWN_PARAMETERS``, the table ``live.check`` refuses by; the kind is the
    latest the run's changes give."""
    trainer = session.run.trainer
    kind_now = latest(trainer).get("schedule.kind")
    entries = []
    for title, action, help in palette_entries(session):
        key = ast.literal_eval(action.removeprefix("change_setting(").removesuffix(")"))
        section, _, name = key.rpartition(".")
        if section == "schedule" and name in KIND_OF:
            kind = KIND_OF[name]
            if kind != kind_now:  # a schedule of another kind ignores it (live.check refuses it)
                continue
            meaning = live.setting_of(trainer, key).meaning.removeprefix(f"{kind}: ")
            meaning = re.sub(r" \([^)]*\)$", "", meaning)  # "(0)": the default, said by "now"
            now = title.rpartition(" (now ")[2]
            title = f"Change {kind} schedule: {meaning} ({name}) while it trains (now {now}"
        entries.append((title, action, help))
    return entries
