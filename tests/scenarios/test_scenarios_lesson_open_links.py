"""A lesson that gives a shell command ``backprop-lab open NAME --set …`` to try also links it
as an ``open`` action (one key in the lab instead of quitting and retyping), and the Lesson
panel's list describes such an action in a few words that fit its narrow column."""

from __future__ import annotations

import re

import pytest

from scenarios import load_scenario, preset_names
from scenarios.lesson import Context, find_actions

COMMAND = re.compile(r"backprop-lab open ([\w-]+)((?: --set \S+)*)")


def commands(lesson: str) -> list[tuple[str, set[str]]]:
    """Each ``backprop-lab open NAME --set S …`` of a lesson: (NAME, {S, …})."""
    text = " ".join(lesson.split())
    return [
        (m[1], set(re.findall(r"--set (\S+)", m[2])) - {""})
        for m in COMMAND.finditer(text.replace("`", " "))
    ]


def test_every_open_command_of_a_lesson_is_also_a_link():
    missing = []
    for name in preset_names():
        scenario = load_scenario(name)
        opens = [a.args for a in scenario.actions if a.name == "open"]
        for opened, settings in commands(scenario.lesson):
            if not any(o == opened and settings <= set(s) for o, s in opens):
                missing.append((name, opened, sorted(settings)))
    assert not missing


@pytest.mark.parametrize(
    "href, here, described",
    [
        (
            "gradient-descent-modes/training.batch_size=1/lab.speed=50",
            "gradient-descent-modes",
            "reopen with batch_size=1, speed=50",
        ),
        ("gradient-descent-modes", "gradient-descent-modes", "reopen the preset"),
        ("spiral/network.layers[1].size=8", "xor", "open spiral with size=8 in layer 1"),
        ("spiral", None, "open spiral"),
    ],
)
def test_an_open_action_describes_itself_short(href, here, described):
    ctx = Context(presets=tuple(preset_names()), name=here)
    (action,), _ = find_actions(f"[x](lab:open/{href})", ctx)
    assert action.describe() == described


def test_a_layers_settings_of_one_value_are_gathered():
    from scenarios.open_words import short_settings

    settings = ("training.lr=3", *(f"network.layers[{l}].bias_value=0" for l in (1, 2, 3)))
    assert short_settings(settings) == "lr=3, bias_value=0 in layers 1, 2, 3"
    assert short_settings(("network.layers[2].activation=tanh", "seed=3")) == (
        "activation=tanh in layer 2, seed=3"
    )
