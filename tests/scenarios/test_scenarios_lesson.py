"""Lesson actions (``lab:`` links), ``[[exercises]]`` and ``compare``: parsed and checked at
load, with the file and the line in every message; the commands refuse a bad one with one line."""

import pytest
from click.testing import CliRunner
from scenario_texts import TINY

import scenarios
from scenarios import ScenarioError, load_scenario
from scenarios.lesson import ACTIONS, Context, LessonAction, find_actions, numbered, plain
from tui.cli import main

# TINY's layers: 3 tanh units (layer 1, 2 inputs), 1 linear output (layer 2); 2 examples.
LESSON_AT = 6  # the line of the lesson's first line in the file written by ``lesson_file``


def lesson_file(write, lesson: str, extra: str = ""):
    text = TINY.replace(
        'summary = "A tiny scenario."',
        f'summary = "A tiny scenario."\nlesson = """\n{lesson}\n"""',
    )
    assert text.splitlines()[LESSON_AT - 1] == lesson.splitlines()[0]
    return write(text + extra)


def actions(text: str, **ctx) -> list[LessonAction]:
    found, problems = find_actions(text, Context(**ctx))
    assert not problems, problems
    return found


def test_every_action_form_parses_to_typed_arguments():
    ctx = dict(sizes=(3, 1), inputs=2, exercises=2, compare="xor", presets=("xor", "spiral"))
    text = (
        "[a](lab:stat/dead_fraction) [b](lab:log/on) [c](lab:log/off) [d](lab:panel/loss)\n"
        "[e](lab:select/1/2) [f](lab:select/1/2,1) [g](lab:goto/delta@2) [h](lab:goto/loss)\n"
        "[i](lab:explain/delta@1/2) [j](lab:explain/update@2/0,2) [k](lab:explain/loss/0)\n"
        "[l](lab:break/update@2%20if%20loss%20>%201) [m](lab:run) [n](lab:run/epoch)\n"
        "[o](lab:run/step/40) [p](lab:run/until/grad_norm@1%20<%201e-6) [q](lab:compare)\n"
        "[r](lab:compare/spiral) [s](lab:exercise/2) [t](lab:open/xor)\n"
        "[u](lab:open/spiral/training.lr=0.1/network.layers[1].size=8)"
    )
    found = actions(text, **ctx)
    assert [(a.name, a.args) for a in found] == [
        ("stat", ("dead_fraction",)),
        ("log", (True,)),
        ("log", (False,)),
        ("panel", ("loss",)),
        ("select", (1, (2,))),
        ("select", (1, (2, 1))),
        ("goto", ("delta", 2)),
        ("goto", ("loss", None)),
        ("explain", ("delta", 1, (2,))),
        ("explain", ("update", 2, (0, 2))),
        ("explain", ("loss", None, (0,))),
        ("break", ("update@2 if loss > 1",)),
        ("run", ()),
        ("run", ("epoch",)),
        ("run", ("step", 40)),
        ("run", ("until", "grad_norm@1 < 1e-6")),
        ("compare", ("xor",)),
        ("compare", ("spiral",)),
        ("exercise", (2,)),
        ("open", ("xor", ())),
        ("open", ("spiral", ("training.lr=0.1", "network.layers[1].size=8"))),
    ]
    assert [a.number for a in found] == list(range(1, 22))
    assert [a.line for a in found][:5] == [1, 1, 1, 1, 2]
    assert {a.name for a in found} == set(ACTIONS)  # every action is exercised here


def test_a_link_across_lines_keeps_its_text_on_one_line():
    (a,) = actions("see [the dead\nfraction](lab:stat/dead_fraction) here")
    assert a.text == "the dead fraction" and a.line == 2


def test_an_action_notes_the_panel_its_sentence_names():
    """Where a run's effect is to be watched: the panel named in the link's sentence (across a
    line break, or without "panel" for the Debugger), the nearest one when there are several."""
    text = (
        "**Watch** the Gradients panel: after [one step](lab:run/step/1) the norm falls.\n"
        "[Train](lab:run), the Loss\npanel falls and the Data panel's boundary closes. Then\n"
        "[an epoch](lab:run/epoch) in the status bar.\n\nThe Network panel. [run](lab:run/step/2)"
        " until the Debugger stops at 0.5 (a decimal point is no sentence's end)."
    )
    assert [a.panel for a in actions(text)] == ["gradients", "loss", None, "debugger"]


def test_a_lesson_of_many_links_is_read_in_one_pass():
    """Each link's line and panel, and whether each ``lab:`` is in a link, were found by a pass
    over the whole lesson: quadratic, 8,000 links (107 kB, far below the 8 MiB a scenario file
    may hold) took 29 s to load. These 50,000 take well under a second; bounded as a fuzz
    input is."""
    from fuzzing import bounded

    text = "Watch the Data panel: [x](lab:run) " * 50_000 + "then\nlab:run alone, the Loss panel."
    with bounded("a lesson of 50,000 links"):
        found, problems = find_actions(text, Context())
    assert len(found) == 50_000 and {a.panel for a in found} == {"data"}
    assert found[-1].line == 1 and found[-1].number == 50_000
    assert problems == [(2, "a lab action is written as a link: [what it does](lab:ACTION/ARGS)")]


def test_every_presets_run_shows_the_panel_its_lesson_names():
    """ "Watch the Gradients panel: after [one step](…)" shows the Gradients tab, "Watch the Data
    panel: [trained](…)" the Data tab; a run whose sentence names no panel, the Loss tab."""
    shown = {
        (name, a.href): a.panel
        for name in scenarios.preset_names()
        for a in load_scenario(name).actions
        if a.name == "run" and a.panel not in (None, "loss")
    }
    first_step = (
        "exploding-gradients",
        "init-comparison",
        "init-comparison-fixed-xavier",
        "saturation",
        "vanishing-fixed-relu-he",
        "vanishing-gradients",
    )
    assert shown == {
        **{(name, "lab:run/step/1"): "gradients" for name in first_step},
        ("spiral", "lab:run"): "data",
        ("linear-regression", "lab:run"): "data",
    }


@pytest.mark.parametrize(
    "lesson, line, message",
    [
        ("ok\n[x](lab:stats/dead_fraction)", 2, "unknown lab action 'stats'"),
        ("[x](lab:stat/dead_fractoin)", 1, "'dead_fractoin' is not a statistic"),
        ("a\nb\n[x](lab:explain/delta@3/0)", 3, "layer 3 does not exist; layers are 1…2"),
        ("[x](lab:explain/delta@1/3)", 1, "unit 3 does not exist; layer 1 has 3 units (0…2)"),
        ("[x](lab:select/1/0,2)", 1, "input 2 does not exist; layer 1 has 2 inputs (0…1)"),
        ("[x](lab:explain/delta@1/0,1)", 1, "expected J (a unit)"),
        ("[x](lab:goto/delta)", 1, "delta happens in every layer: give one"),
        ("[x](lab:goto/nowhere@1)", 1, "'nowhere@1' is not an event"),
        ("[x](lab:log/maybe)", 1, "expected log/on or log/off"),
        ("[x](lab:break/update@2%20iff%20loss)", 1, "breakpoint 'update@2 iff loss'"),
        ("[x](lab:run/until/loss%20<%20)", 1, "condition 'loss <'"),
        ("[x](lab:run/step/0)", 1, "the step must be ≥ 1"),
        ("[x](lab:run/fast)", 1, "expected run, run/epoch"),
        ("[x](lab:exercise/1)", 1, "no exercise 1; the scenario's [[exercises]] are none"),
        ("[x](lab:compare)", 1, "compare without a name needs the scenario's compare key"),
        ("[x](lab:compare/xr)", 1, "no preset 'xr'; did you mean \"xor\"?"),
        ("[x](lab:panel/lossy)", 1, "no panel 'lossy'"),
        ("[x](lab:open)", 1, "expected open/NAME or open/NAME/SETTING=VALUE"),
        ("[x](lab:open/xr)", 1, "no preset 'xr'; did you mean \"xor\"? to open"),
        ("[x](lab:open/xor/training.lr)", 1, "override 'training.lr' is not of the form"),
        ("one\ntwo lab:stat/grad_norm", 2, "a lab action is written as a link"),
    ],
)
def test_a_bad_action_is_a_load_error_naming_the_file_and_the_line(write, lesson, line, message):
    path = lesson_file(write, lesson)
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    text = str(e.value)
    assert text.startswith(f"{path}, line {LESSON_AT + line - 1}: lesson: "), text
    assert message in text, text
    assert "\n" not in text


@pytest.mark.parametrize("command", [["scenarios", "show"], ["check"], ["open"], ["debug"]])
def test_the_commands_refuse_a_bad_action_with_one_line_and_exit_2(write, command):
    path = lesson_file(write, "x\n[x](lab:stats/grad_norm)")
    result = CliRunner().invoke(main, [*command, str(path)], prog_name="backprop-lab")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"backprop-lab: {path}, line {LESSON_AT + 1}: lesson: unknown lab action 'stats'; "
        "allowed: stat, log, panel, select, goto, explain, break, run, compare, exercise, open; "
        'did you mean "stat"?\n'
    )


def test_a_lesson_given_with_set_names_the_line_of_the_lesson(write):
    path = write(TINY)
    with pytest.raises(ScenarioError, match=r"line 2 of the lesson: lesson: unknown lab action"):
        load_scenario(path, ['lesson="""a\n[x](lab:nope)"""'])


def test_parsing_never_evaluates_anything(write):
    """An action's text is data: a condition or breakpoint is parsed by the debugger's own
    grammar, and anything else is refused — nothing in a lesson is called."""
    for href in ("lab:run/until/__import__('os').system('x')", "lab:break/exec(1)"):
        path = lesson_file(write, f"[x]({href})")
        with pytest.raises(ScenarioError):
            load_scenario(path)


def test_numbered_and_plain_forms_of_a_lesson():
    text = "see [the dead fraction](lab:stat/dead_fraction) and [a log](lab:log/on)."
    assert numbered(text) == (
        "see [1 ▸ the dead fraction](lab:stat/dead_fraction) and [2 ▸ a log](lab:log/on)."
    )
    assert plain(text) == "see [the dead fraction] and [a log]."


# --- compare ----------------------------------------------------------------------------------


def test_compare_names_a_preset(write):
    path = write(TINY.replace("seed = 3", 'seed = 3\ncompare = "xor"'))
    assert load_scenario(path).compare == "xor"
    bad = write(TINY.replace("seed = 3", 'seed = 3\ncompare = "spirl"'), "bad.toml")
    with pytest.raises(ScenarioError, match=r'compare: no preset \'spirl\'; did you mean "spiral"'):
        load_scenario(bad)


def test_every_problem_preset_names_its_fix_and_back():
    pairs = {name: scenarios.load_scenario(name).compare for name in scenarios.preset_names()}
    for problem, fix in [
        ("vanishing-gradients", "vanishing-fixed-relu-he"),
        ("exploding-gradients", "exploding-fixed-clipping-xavier"),
        ("dying-relu", "dying-relu-fixed-leaky"),
        ("saturation", "saturation-fixed-cross-entropy"),
        ("overfitting", "overfitting-fixed-l2"),
        ("learning-rate-too-high", "learning-rate-too-low"),
    ]:
        assert pairs[problem] == fix and pairs[fix] == problem
    for name in ("vanishing-fixed-batchnorm", "overfitting-fixed-dropout"):
        assert pairs[name] is not None


# --- exercises ----------------------------------------------------------------------------------

EXERCISE = '\n[[exercises]]\nprompt = "Compute it."\nquantity = "{q}"\n{more}\n'


def test_exercises_load_with_their_defaults(write):
    path = write(TINY + EXERCISE.format(q="delta@2[1,0]", more="step = 2\ntolerance = 0.01"))
    (table,) = load_scenario(path).exercises
    assert table == {"prompt": "Compute it.", "quantity": "delta@2[1,0]", "step": 2,
                     "tolerance": 0.01}  # fmt: skip
    path = write(TINY + EXERCISE.format(q="loss", more=""), "b.toml")
    assert load_scenario(path).exercises[0]["tolerance"] == 1e-3


@pytest.mark.parametrize(
    "quantity, more, message",
    [
        ("W@1[0,0]", "", "'W' is not a quantity an exercise can ask for; allowed: z, a, loss"),
        ("delta@3[0,0]", "", "layer 3 does not exist; layers are 1…2"),
        ("delta@1[0]", "", "delta takes 2 indices [example, unit], got 1"),
        ("delta@1[0,3]", "", "unit 3 does not exist; there are 3 units in layer 1 (0…2)"),
        ("grad_W@2[0,3]", "", "k 3 does not exist; there are 3 inputs to layer 2 (0…2)"),
        ("loss@2", "", "loss is one number for the step"),
        ("delta@1[0,0]", "tolerance = 0", "tolerance (exercise 1): 0.0 is out of range"),
        ("delta@1[0,0]", "step = 0", "step (exercise 1): 0 is out of range"),
        ("delta@1[0,0]", "answer = 3", "unknown key exercises[1].answer (exercise 1)"),
    ],
)
def test_a_bad_exercise_is_a_load_error_naming_it(write, quantity, more, message):
    path = write(TINY + EXERCISE.format(q=quantity, more=more))
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert str(e.value).startswith(f"{path}: "), str(e.value)
    assert message in str(e.value), str(e.value)


@pytest.mark.parametrize(
    "quantity, more, message",
    [
        ("grad_W@1[0,2]", "", "k 2 does not exist; there are 2 inputs to layer 1 (0…1)"),
        ("z@1[2,0]", "", "example 2 does not exist; there are 2 examples in a step (0…1)"),
        ("z@1[0,0]", "step = 1000", "step 1000 is never reached; training takes 100 steps"),
    ],
)
def test_what_needs_the_data_is_checked_when_the_run_is_built(write, quantity, more, message):
    path = write(TINY + EXERCISE.format(q=quantity, more=more))
    scenario = load_scenario(path)
    with pytest.raises(ScenarioError) as e:
        scenarios.build_run(scenario)
    assert str(e.value).startswith(f"{path}: exercises[1] (exercise 1)"), str(e.value)
    assert message in str(e.value)


def test_the_presets_carry_exercises_of_every_kind():
    kinds = {}
    for name in ("worked-example", "vanishing-gradients", "saturation"):
        for table in load_scenario(name).exercises:
            kinds.setdefault(table["quantity"].split("@")[0], []).append(name)
    assert {"a", "delta", "grad_W", "W_new", "b_new"} <= set(kinds)
    hidden = [
        t for t in load_scenario("worked-example").exercises if t["quantity"] == "delta@1[0,0]"
    ]
    assert hidden, "a hidden delta"


# --- [[expect]] entries count from 0 -----------------------------------------------------------


def test_an_old_one_based_index_is_refused_with_its_translation(write):
    claim = (
        '\n[[expect]]\nclaim = "w"\nkind = "value"\nmetric = "weight"\nlayer = 1\n'
        "index = [1, 2]\nbelow = 1\n"
    )
    with pytest.raises(ScenarioError) as e:
        load_scenario(write(TINY + claim))
    assert "expect[1].index (claim 1): index counted from 1 and is no longer read" in str(e.value)
    assert "write entry = [0, 1]" in str(e.value)
