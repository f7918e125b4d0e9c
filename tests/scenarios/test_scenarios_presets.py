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


@pytest.mark.parametrize("name", PRESETS)
def test_debugger_commands_quoted_in_a_lesson_are_valid(name):
    """`p EXPR` / `display EXPR` in a lesson parse against the preset's own network."""
    from engine.debugger import parse_expression

    s = load_scenario(name)
    L = len(s.network["layers"])
    for expr in re.findall(r"`(?:p|print|display) ([^`]+)`", s.lesson):
        parse_expression(expr, L)  # raises ConditionError naming the bad character


def test_worked_example_lesson_numbers_are_the_debuggers():
    """The lesson's symbols (units from 0, as the Debugger writes them) and numbers are what
    `explain` shows for the same unit or weight."""
    from engine.debugger import Controller

    s = load_scenario("worked-example")
    lesson = " ".join(s.lesson.split())
    c = Controller(scenarios.build_run(s).trainer)

    def go(kind, l):
        while not (c.event.kind == kind and getattr(c.event, "l", None) == l):
            c.step()

    go("forward", 1)
    e = c.explain((0,))
    assert abs(e.term("z").value - 0.3775) < 1e-12
    assert "z¹₀ = W¹₀₀ x₀ + W¹₀₁ x₁ + b¹₀ = 0.15·0.05 + 0.20·0.10 + 0.35 = 0.3775" in lesson
    assert f"a¹₀ = σ(0.3775) = {e.result.value:.9f}" in lesson
    assert s.exercises[0]["quantity"] == "a@1[0,1]"  # a¹₁ is the learner's to compute
    go("forward", 2)
    assert f"a²₀ = {c.explain((0,)).result.value:.9f}" in lesson
    assert f"a²₁ = {c.explain((1,)).result.value:.9f}" in lesson
    go("delta", 2)
    assert f"δ²₀ = 0.741365070 · 0.186815602 = {c.explain((0,)).result.value:.9f}" in lesson
    go("gradient", 2)
    assert f"∂C/∂W²₀₀ = δ²₀ · a¹₀ = {c.explain((0, 0)).result.value:.9f}" in lesson
    go("update", 2)
    assert f"= {c.explain((0, 0)).result.value:.8f}" in lesson  # 0.35891648


@pytest.mark.parametrize("name", PRESETS)
def test_preset_sets_a_speed_at_which_its_run_takes_20_to_60_seconds(name):
    """Every preset chooses its lab speed ([lab] speed, not the default): the steps its run
    takes (to its stopping rule, its last epoch or its divergence) at that many steps a second
    last 20–60 s. A run of fewer than 20 steps is shown at the slowest speed, 1 step a second."""
    import tomllib

    from scenarios import build_run
    from scenarios.loader import preset_path

    raw = tomllib.loads(preset_path(name).read_text(encoding="utf-8"))
    assert "speed" in raw.get("lab", {}), f"{name} sets no [lab] speed"
    speed = load_scenario(name).lab["speed"]
    assert speed != "max", "a phenomenon to watch needs a speed to watch it at"
    run = build_run(load_scenario(name)).headless()
    run.fit()
    seconds = run.trainer.steps_done / speed
    assert seconds <= 60, f"{run.trainer.steps_done} steps at {speed}/s take {seconds:.0f} s"
    assert seconds >= 20 or speed == 1, (
        f"{run.trainer.steps_done} steps at {speed}/s: {seconds:.0f} s"
    )
