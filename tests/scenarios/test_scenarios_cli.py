"""`backprop-lab scenarios`, `scenarios show` and `check`: output, exit codes, bad input."""

import json

import pytest
from click.testing import CliRunner
from scenario_texts import TINY

import scenarios
from tui.cli import main

CLAIM = '\n[[expect]]\nclaim = "{claim}"\nkind = "value"\nmetric = "steps"\n{bound}\n'


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


def test_scenarios_lists_every_preset_with_title_and_summary():
    result = invoke("scenarios")
    assert result.exit_code == 0, result.output
    for name in scenarios.preset_names():
        s = scenarios.load_scenario(name)
        assert f"{name}  " in result.stdout
        assert s.title in result.stdout
    assert "Four points, two classes, and no straight line between them." in result.stdout


def test_show_prints_settings_claims_and_lesson():
    result = invoke("scenarios", "show", "worked-example")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("worked-example: Backpropagation by hand")
    assert 'loss = "quadratic"' in out and "layer 1: 2 sigmoid, explicit weights" in out
    assert "lr = 0.5" in out
    assert "Claims (backprop-lab check)" in out and "0.298371109" in out
    s = scenarios.load_scenario("worked-example")
    assert s.lesson.strip().splitlines()[0] in out


def test_show_accepts_a_path_and_overrides(write):
    path = write(TINY)
    result = invoke("scenarios", "show", str(path), "--set", "training.lr=0.25")
    assert result.exit_code == 0, result.output
    assert "tiny: Tiny" in result.stdout and "lr = 0.25" in result.stdout


def test_show_toml_prints_the_file():
    result = invoke("scenarios", "show", "xor", "--toml")
    assert result.exit_code == 0
    assert result.stdout == scenarios.load_scenario("xor").source


@pytest.mark.parametrize("before", [False, True])
def test_show_toml_with_set_is_refused_not_printed_without_the_override(before):
    """``scenarios show xor --toml --set training.lr=0.5`` printed xor's file with ``lr = 1.0``
    and exit 0: the override silently lost, e.g. from a variant written with ``> mine.toml``
    (new-user audit). The file is printed as written, so the pair is a usage error."""
    args = ["scenarios", "show", "xor", "--toml", "--set", "training.lr=0.5"]
    if before:  # --set before the command is the same option (tui/options.py)
        args = ["--set", "training.lr=0.5", "scenarios", "show", "xor", "--toml"]
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    message = result.stderr.strip().splitlines()[-1]
    assert "--toml prints the scenario file as written, which --set does not change" in message
    assert "without --toml, show prints the settings with the overrides" in message


@pytest.mark.parametrize(
    "word,shown", [("xor", "scenarios show xor"), ("my net.toml", "scenarios show 'my net.toml'")]
)
def test_a_scenario_given_to_scenarios_itself_names_scenarios_show(word, shown):
    """``backprop-lab scenarios xor`` said only "No such command 'xor'." (new-user audit)."""
    result = invoke("scenarios", word)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    message = result.stderr.strip().splitlines()[-1]
    assert message == f"Error: No such command {word!r}; to print a scenario: backprop-lab {shown}"


def test_show_unknown_name_lists_presets_and_exits_2():
    result = invoke("scenarios", "show", "dying-rleu")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "no preset scenario 'dying-rleu'" in result.stderr
    assert 'did you mean "dying-relu"?' in result.stderr
    assert "worked-example" in result.stderr


def test_check_exit_0_when_all_claims_hold(write):
    path = write(TINY + CLAIM.format(claim="runs 100 steps", bound="near = 100\ntolerance = 0"))
    result = invoke("check", str(path))
    assert result.exit_code == 0, result.output
    assert "tiny (seed 3): Tiny" in result.stdout
    assert "held    runs 100 steps" in result.stdout
    assert "steps over the run = 100 (needs 100 ± 0)" in result.stdout
    assert "all claims held" in result.stdout


def test_check_exit_1_when_a_claim_fails(write):
    text = (
        TINY
        + CLAIM.format(claim="ok", bound="above = 1")
        + CLAIM.format(claim="wrong", bound="below = 50")
    )
    result = invoke("check", str(write(text)), "--seed", "4")
    assert result.exit_code == 1, result.output
    assert "tiny (seed 4)" in result.stdout
    assert "FAILED  wrong" in result.stdout and "1 of 2 claims FAILED" in result.stdout


def test_check_set_overrides_apply(write):
    path = write(TINY + CLAIM.format(claim="runs 7 steps", bound="near = 7\ntolerance = 0"))
    assert invoke("check", str(path)).exit_code == 1
    assert invoke("check", str(path), "--set", "training.epochs=7").exit_code == 0


def test_check_json(write):
    path = write(TINY + CLAIM.format(claim="c", bound="above = 1"))
    result = invoke("check", str(path), "--json")
    assert result.exit_code == 0
    (report,) = json.loads(result.stdout)
    assert report["scenario"] == "tiny" and report["seed"] == 3 and report["held"] is True
    assert report["claims"][0]["claim"] == "c" and report["claims"][0]["held"] is True


def test_check_bad_input_exits_2_without_traceback(write):
    bad = write(TINY.replace("lr = 1", "lr = -1"))
    for args in (
        ("check", "no-such-scenario"),
        ("check", str(bad)),
        ("check", "xor", "--set", "training.lr=fast"),
        ("check", "xor", "--set", "nonsense"),
        ("check", str(write("name = ", "broken.toml"))),
    ):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert result.stderr.startswith("backprop-lab: "), result.stderr
    broken = invoke("check", str(write("name = ", "broken.toml"))).stderr
    assert "broken.toml, line 1, column 8 (the end of the file): malformed TOML" in broken
    assert "training.lr: -1.0 is out of range; allowed: > 0" in invoke("check", str(bad)).stderr


def test_check_needs_a_scenario():
    result = invoke("check")
    assert result.exit_code == 2
    assert "give a SCENARIO" in result.output


def test_check_a_preset_by_name():
    result = invoke("check", "worked-example")
    assert result.exit_code == 0, result.output
    assert "W²₀₀ (W@2[0,0]) at step 1 = 0.358916479" in result.stdout
