"""The lesson linter: every key, panel, statistic, command and action a preset's lesson names
exists in the lab under that name.

The vocabulary is the lab's own, read from where the lab defines it: the keys and palette
commands from ``tui/keys.py`` (and the tab keys of ``tui/app.py``), the panels from
``tui.app.PANELS``, the statistics from the Gradients panel's table (``tui.view.STATS``), the
sub-commands from ``tui.cli.COMMANDS``, the scenario keys from ``scenarios/schema.py``, and the
actions from ``scenarios/lesson.py`` (the loader checks their arguments).
"""

from __future__ import annotations

import re
import shlex

import pytest

import engine
import scenarios
from engine.stats import STAT_NAMES
from scenarios import schema
from scenarios.lesson import ACTIONS, LINK, PANELS
from tui.app import PANELS as APP_PANELS
from tui.app import TAB_ORDER
from tui.cli import COMMANDS
from tui.keys import KEYS, PALETTE_ONLY, key_label
from tui.view import STATS

PRESETS = scenarios.preset_names()

KEY_NAMES = (
    {key_label(a) for a in KEYS}
    | {a.key for a in KEYS}
    | {str(i) for i in range(1, len(TAB_ORDER) + 1)}  # the tabs
    | {"↑", "↓", "enter", "escape"}  # the Lesson panel's actions list and exercise
)
PANEL_LABELS = {label for _, label, _ in APP_PANELS}
PALETTE_TITLES = {a.title for a in (*KEYS, *PALETTE_ONLY)}
SECTION_KEYS = {
    "data": schema.DATA,
    "network": schema.NETWORK,
    "training": schema.TRAINING,
    "schedule": schema.SCHEDULE,
    "stop": schema.STOP,
}
NAMES = {  # values a lesson may quote: the engine's registries (activations, losses, …)
    *engine.ACTIVATIONS,
    *engine.LOSSES,
    *engine.OPTIMIZERS,
    *engine.INITIALIZERS,
    "inf",
    "nan",
}


def lesson(name: str) -> str:
    return scenarios.load_scenario(name).lesson


def prose(text: str) -> str:
    """The lesson without its action links' addresses (their text stays)."""
    return LINK.sub(lambda m: m.group("text"), text)


def quoted(text: str) -> list[str]:
    """Backquoted spans and indented command lines (code blocks)."""
    spans = re.findall(r"`([^`]+)`", text)
    spans += [line.strip() for line in text.splitlines() if line.startswith("    ")]
    return spans


def is_key_path(span: str) -> bool:
    """``data.validation``, ``stop.patience = 20``, ``batch_size = "full"``, ``[schedule]``."""
    head = span.split("=")[0].strip()
    if re.fullmatch(r"\[(\w+)\]", head):
        return head[1:-1] in SECTION_KEYS
    section, _, key = head.rpartition(".")
    if section:
        return section in SECTION_KEYS and key in SECTION_KEYS[section]
    return any(head in keys for keys in SECTION_KEYS.values())


def check_command(span: str, name: str) -> str | None:
    """A problem with ``backprop-lab …`` or ``--set …`` in a lesson, or None."""
    words = shlex.split(span.replace("...", "").replace("…", ""))
    if words[0] == "--set":  # overrides for this scenario
        target, overrides = name, words
    else:
        if len(words) < 2 or words[1] not in COMMANDS:
            return f"no command {' '.join(words[:2])!r}"
        target = words[2] if len(words) > 2 else None
        overrides = words[3:]
        if target is not None and target not in PRESETS:
            return f"no preset {target!r}"
    sets = [overrides[i + 1] for i, w in enumerate(overrides) if w == "--set"]
    if target is not None and sets:
        try:
            scenarios.load_scenario(target, sets)
        except scenarios.ScenarioError as e:
            return f"{span!r}: {e}"
    return None


def problems(text: str, name: str) -> list[str]:
    """What in lesson ``text`` (of scenario ``name``) the lab does not have."""
    found = []
    for span in quoted(text):
        if span.startswith(("backprop-lab ", "--set ")):
            problem = check_command(span, name)
            if problem:
                found.append(problem)
        elif not (
            span in KEY_NAMES
            or span in PRESETS
            or span in NAMES
            or span == "--set"  # the commands' option, named on its own
            or is_key_path(span)
        ):
            found.append(f"`{span}` is not a key, preset, scenario key or command of the lab")
    words = prose(text)
    for panel in re.findall(r"\b([A-Z][a-z]+) panel", words):
        if panel not in PANEL_LABELS:
            found.append(f"no {panel} panel")
    for title in re.findall(r"\*([^*]+)\*\s*\(command palette\)", words):
        if title not in PALETTE_TITLES:
            found.append(f"no palette command {title!r}")
    for stat in set(STAT_NAMES) - set(STATS):  # statistics the engine has and the lab does not show
        for form in (stat, stat.replace("_", " ")):
            if form in words:
                found.append(f"the lab does not show {form!r}")
    for m in re.finditer(r"\b(display|switch(?:ed)? to|p [a-zA-Z_]+@|explain \d|help expr)", words):
        found.append(f"a line-mode command or an unaided view: {m.group()!r}")
    return found


@pytest.mark.parametrize("name", PRESETS)
def test_every_name_a_lesson_uses_exists_in_the_lab(name):
    assert problems(lesson(name), name) == []


@pytest.mark.parametrize("name", PRESETS)
def test_every_lesson_drives_the_lab_with_actions(name):
    s = scenarios.load_scenario(name)
    assert s.actions, f"{name}: no lab: actions in the lesson"
    assert all(a.name in ACTIONS for a in s.actions)


@pytest.mark.parametrize(
    "text",
    [
        "The Debugger's `display weight_norm` shows the weight norms growing.",
        "In the Debugger, the Forward event of layer 1 (p a@1, one row per point).",
        "`explain 0,1` shows the weight W₀₁.",
        "**Watch** the Gradients panel switched to the *dead fraction*.",
        "compare its two factors: `from_above` and `local_slope`.",
        "(*Show the dead fraction* (command palette))",
        "the Gradient panel",
        "`backprop-lab frob xor`",
        "`backprop-lab open xr`",
        "`--set training.lrr=1`",
        "`Q` quits",
        "the act std of layer 1",
    ],
)
def test_the_linter_catches_what_the_lab_does_not_have(text):
    """Among them, what the lessons said before the Lesson panel."""
    assert problems(text, "xor")


def test_the_lab_vocabulary_and_the_lesson_format_agree():
    """The statistics and panels a lesson action may name are the lab's."""
    assert set(PANELS) == {name for name, _, _ in APP_PANELS} - {"lesson"}
    assert STATS is scenarios.lesson.STATS
