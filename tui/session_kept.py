"""What a session keeps, and what of it is not saved: the rule behind the questions the lab asks
before it quits, opens another scenario or loads a session.

A session file's header (``SessionSaving.kept``) records the scenario and its edits in the lab,
the seed, the settings changed while it trained, the stopping rules (moved by ``x``), the
debugger's position and the breakpoints — with the speed, the status line and its message.
``Mark`` holds that header as it was at the last open, load or save; ``unsaved`` compares the
header now with it key by key, so that a field ``save`` writes is compared as soon as it is
written: the rule cannot drift from the file's format. Not compared (``DISPLAY``): how the lab
looks (the speed, the status, the message) and the breakpoints' hit counts, which count what
training did (the position says that).

What differs is named as the lab names it: "the training on xor up to step 37", "the edited
network", "η 0.25" (a setting, with its value now), "2 new breakpoints", "training extended to
2,000 epochs".
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import live
from engine.number_text import counted
from tui.panels.format import fmt_count

DISPLAY = ("speed", "status", "message")
"""Header fields that are how the lab looks, not the learner's work: never asked about."""


@dataclass(frozen=True)
class Mark:
    """A session as it was last opened, loaded or saved: its file header (``kept``), its
    scenario's ``[network]``, ``[training]`` and ``[schedule]`` sections (to name a changed
    setting by its value) and the debugger's (step, index). The header's position alone does
    not tell a step's end from the next step's start: the run's state, which holds the steps
    taken, does — the controller's position does too."""

    header: dict
    sections: dict
    position: tuple[int, int]


def mark(session) -> Mark:
    """``session`` as it is now (see ``Mark``)."""
    s = session.scenario
    sections = {"network": s.network, "training": s.training, "schedule": s.schedule or {}}
    at = session.controller.position
    return Mark(session.kept(), sections, (at.step, at.index))


def unsaved(session, saved: Mark | None) -> list[str]:
    """What of ``session`` differs from ``saved`` (its last open, load or save), in words: []
    when nothing would be lost."""
    now = mark(session)
    if saved is None:
        return []
    old, new = saved.header, now.header
    items = []
    training = training_unsaved(session, saved)
    if training:
        items.append(f"the training on {session.scenario.name} up to {training}")
    settings = _settings(saved, now, new["changes"], old["changes"])
    if any(k == "network" for k in settings):
        items.append("the edited network")
    items.extend(text for key, text in settings.items() if key != "network")
    items.extend(_breakpoints(old["breakpoints"], new["breakpoints"]))
    if new["stop"] != old["stop"]:
        items.append(f"training extended to {fmt_count(new['stop']['epochs'])} epochs")
    handled = {"position", "scenario", "edits", "changes", "breakpoints", "stop", *DISPLAY}
    for key in new.keys() | old.keys():
        if key not in handled and new.get(key) != old.get(key):
            items.append(f"the {key}")
    if new["scenario"] != old["scenario"] and not settings:
        items.append("the scenario")
    return items


def training_unsaved(session, saved: Mark | None) -> str:
    """The step training has reached ("step 37", as the status line writes it) when it moved
    since ``saved``; "" when it did not, or stands before the first step (nothing to lose)."""
    at = session.controller.position
    if saved is None or (at.step, at.index) in ((1, 0), saved.position):  # (1, 0): StepStart
        return ""
    return f"step {fmt_count(at.step)}"


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _settings(saved: Mark, now: Mark, changes: list, old_changes: list) -> dict[str, str]:
    """The edited sections and the changes made while it trained that differ, by key:
    "network" for the network (or a setting only the editor changes), else a live setting's
    key with its value now ("η 0.25")."""
    found: dict[str, str] = {}
    if saved.sections["network"] != now.sections["network"]:
        found["network"] = ""
    for section in ("training", "schedule"):
        before, after = saved.sections[section], now.sections[section]
        for name in sorted(before.keys() | after.keys()):
            if before.get(name) != after.get(name):
                key = f"{section}.{name}"
                live_key = section == "schedule" or name in live.TRAINING_KEYS
                found[key if live_key else "network"] = _value(key, after.get(name))
    for change in changes:  # oldest first: the latest value of a key stays
        if change not in old_changes:
            for key, value in change["new"].items():
                found.pop(key, None)
                found[key] = _value(key, value)
    return found


def _value(key: str, value) -> str:
    return f"{live.symbol(key)} {live.value_text(value)}"


def _breakpoints(old: list[dict], new: list[dict]) -> list[str]:
    """Breakpoints added, removed or changed (enabled, ignore count, temporary), counted."""

    def settings(entries):
        return {e["spec"]: {k: v for k, v in e.items() if k != "hits"} for e in entries}

    before, after = settings(old), settings(new)
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    changed = sum(1 for spec in after.keys() & before.keys() if after[spec] != before[spec])
    return [
        counted(n, f"{what} breakpoint")
        for n, what in ((added, "new"), (removed, "removed"), (changed, "changed"))
        if n
    ]


def reset_keeps(session) -> list[str]:
    """What ``LabSession.reset`` keeps that the scenario as opened did not have, in words: the
    edited network, each setting changed while it trained at its latest value ("η 0.1"), the
    breakpoints."""
    items = ["the edited network"] if session.edits is not None else []
    latest: dict[str, str] = {}
    for change in session.run.trainer.changes:
        for key, value in change.new.items():
            latest.pop(key, None)
            latest[key] = _value(key, value)
    items.extend(latest.values())
    if any(not bp.builtin for bp in session.controller.breakpoints):
        items.append("the breakpoints")
    return items


def reset_target(session) -> str:
    """Where a reset goes, for its question: "step 1 with the network's initial weights (keeping
    η 0.1 and the breakpoints)" — "keeping" agrees with one item and with several, plural or
    not ("the breakpoints" alone)."""
    keeps = reset_keeps(session)
    kept = f" (keeping {listing(keeps)})" if keeps else ""
    return f"step 1 with the network's initial weights{kept}"
