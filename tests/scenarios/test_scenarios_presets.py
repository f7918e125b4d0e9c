"""Every preset loads, trains headless and its claims hold — for its own seed and three others."""

import re

import pytest

import scenarios
from scenarios import check_scenario, load_scenario

PRESETS = scenarios.preset_names()
OTHER_SEEDS = (1, 2, 3)


def test_the_issue_list_of_presets_is_shipped():
    wanted = {
        "worked-example",
        "linear-regression",
        "xor",
        "gradient-descent-modes",
        "learning-rate-too-high",
        "learning-rate-too-low",
        "vanishing-gradients",
        "vanishing-fixed-relu-he",
        "vanishing-fixed-batchnorm",
        "exploding-gradients",
        "exploding-fixed-clipping-xavier",
        "dying-relu",
        "dying-relu-fixed-leaky",
        "saturation",
        "saturation-fixed-cross-entropy",
        "overfitting",
        "overfitting-fixed-l2",
        "overfitting-fixed-dropout",
        "overfitting-fixed-early-stopping",
        "slow-convergence",
        "init-comparison",
        "spiral",
    }
    assert wanted <= set(PRESETS), f"missing presets: {sorted(wanted - set(PRESETS))}"


@pytest.mark.parametrize("name", PRESETS)
def test_preset_is_complete(name):
    s = load_scenario(name)
    assert s.name == name, "a preset's name is its file name"
    assert s.title and "\n" not in s.title
    assert len(s.summary.split()) >= 15, "the summary says what the scenario shows"
    assert len(s.lesson.split()) >= 60, "the lesson says what to watch, why, and what fixes it"
    assert s.expect, "every preset states its claim in [[expect]]"
    panels = {"Network", "Loss", "Gradients", "Debugger", "Data"}
    assert any(panel in s.lesson for panel in panels), "the lesson names the panel to watch"


@pytest.mark.parametrize("name", PRESETS)
def test_lesson_links_only_to_existing_presets(name):
    lesson = load_scenario(name).lesson
    linked = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", lesson))
    unknown = sorted(linked - set(PRESETS))
    assert not unknown, f"{name} links to unknown presets {unknown}"


@pytest.mark.parametrize("name", [n for n in PRESETS if "-fixed-" in n])
def test_fix_scenarios_are_linked_from_their_problem(name):
    problem = name.split("-fixed-")[0]
    if problem == "vanishing":
        problem = "vanishing-gradients"
    elif problem == "exploding":
        problem = "exploding-gradients"
    assert problem in PRESETS
    assert f"`{name}`" in load_scenario(problem).lesson, f"{problem}'s lesson links {name}"


@pytest.mark.parametrize("seed", [None, *OTHER_SEEDS], ids=["shipped", *map(str, OTHER_SEEDS)])
@pytest.mark.parametrize("name", PRESETS)
def test_claims_hold(name, seed):
    results = check_scenario(load_scenario(name), seed=seed)
    failed = [f"{r.claim} -- {r.measured}" for r in results if not r.held]
    assert not failed, "\n".join(failed)
