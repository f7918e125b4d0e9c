"""``backprop-lab compare A B``: pairing (shared data and seed), the headless JSON and table,
lockstep training, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from scenarios import build_run, load_scenario
from scenarios.compare import pair, side_by_side
from tui.cli import main


def run_cli(*args: str):
    return CliRunner().invoke(main, ["compare", *args])


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 7])
def test_vanishing_first_layer_gradient_is_100x_smaller_than_the_fixs(seed):
    result = run_cli(
        "vanishing-gradients", "vanishing-fixed-relu-he", "--json", "--seed", str(seed)
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["a"]["scenario"] == "vanishing-gradients"
    assert out["b"]["scenario"] == "vanishing-fixed-relu-he"
    assert out["same_data"] is True and out["note"] == ""
    assert out["a"]["seed"] == out["b"]["seed"] == seed
    first = out["layers"]["first_step"][0]
    assert first["l"] == 1
    a, b = first["a"]["grad_norm"], first["b"]["grad_norm"]
    assert a * 100 <= b, (seed, a, b)
    assert first["b_over_a"]["grad_norm"] == pytest.approx(b / a)
    # the last layer is not where the difference is: the cliff is towards the input
    last = out["layers"]["first_step"][-1]
    assert last["b_over_a"]["grad_norm"] < first["b_over_a"]["grad_norm"] / 10


def test_the_json_runs_are_the_runs_train_makes():
    """Both runs are exactly what ``train --seed`` makes of each scenario alone."""
    out = json.loads(run_cli("dying-relu", "dying-relu-fixed-leaky", "--json").output)
    for side, name in (("a", "dying-relu"), ("b", "dying-relu-fixed-leaky")):
        run = build_run(load_scenario(name), seed=out[side]["seed"])
        run.headless()
        alone = run.fit()
        assert out[side]["final"] == alone["final"]
        assert out[side]["steps"] == alone["steps"]
        assert out[side]["layers"] == alone["layers"]


def test_shared_data_means_the_same_examples_and_one_seed():
    p = pair("dying-relu", "dying-relu-fixed-leaky", seed=5)
    assert p.same_data and p.seed_a == p.seed_b == 5
    a, b = p.runs()
    np.testing.assert_array_equal(a.data.x_train, b.data.x_train)
    np.testing.assert_array_equal(a.data.y_train, b.data.y_train)


def test_different_data_are_each_run_on_their_own_with_a_line_saying_so():
    result = run_cli("vanishing-gradients", "spiral", "--json")
    out = json.loads(result.output)
    assert out["same_data"] is False
    assert "differ" in out["note"] and "its own data" in out["note"]
    assert "kind" in out["note"]  # names what differs
    text = run_cli("vanishing-gradients", "spiral")  # not a terminal: the table
    assert text.exit_code == 0
    assert out["note"] in text.output


def test_layer_counts_may_differ():
    out = json.loads(
        run_cli("vanishing-gradients", "xor", "--json", "--set", "training.epochs=2").output
    )
    rows = out["layers"]["final"]
    assert [r["l"] for r in rows] == list(range(1, 8))
    assert rows[6]["b"] is None and rows[6]["b_over_a"]["grad_norm"] is None
    assert rows[0]["b"] is not None


def test_set_applies_to_both():
    out = json.loads(
        run_cli(
            "overfitting", "overfitting-fixed-l2", "--json", "--set", "training.epochs=3"
        ).output
    )
    assert out["a"]["epochs_run"] == out["b"]["epochs_run"] == 3


def test_without_a_terminal_it_prints_a_table():
    result = run_cli("vanishing-gradients", "vanishing-fixed-relu-he", "--seed", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("A  vanishing-gradients (seed 1)")
    assert lines[1].startswith("B  vanishing-fixed-relu-he (seed 1)")
    assert any(line.split()[:2] == ["layer", "1"] for line in lines)


@pytest.mark.parametrize(
    "a,b,epochs",
    [("overfitting", "overfitting-fixed-l2", 40), ("xor", "learning-rate-too-high", 600)],
)
def test_the_tables_final_figures_are_trains_in_trains_words(a, b, epochs):
    """The table said ``loss 0.00457, accuracy 0.594`` for overfitting, where ``train`` says
    ``train-set loss 0.004567, val loss 2.236, val accuracy 59.4%``: the val loss left out, the
    val accuracy unnamed and a fraction (new-user audit). Each run's line now ends with the
    figures of ``train``'s final line, word for word (with a validation set, without one, and
    diverged: learning-rate-too-high's ``train-set loss inf``)."""
    overrides = ["--set", f"training.epochs={epochs}"]
    result = run_cli(a, b, *overrides)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for letter, name, line in (("A", a, lines[0]), ("B", b, lines[1])):
        trained = CliRunner().invoke(main, ["train", name, *overrides])
        final = next(x for x in trained.stdout.splitlines() if x.startswith("final: "))
        assert line.startswith(f"{letter}  {name} (seed 0)")
        assert line.endswith("; " + final.removeprefix("final: ")), (line, final)


def test_the_table_writes_numbers_as_the_panels_do():
    """Four significant digits, thousands grouped (``17,193``), as every screen writes them: the
    table wrote ``1.72e+04`` and ``4.54e-05``."""
    result = run_cli("vanishing-gradients", "vanishing-fixed-relu-he")
    assert result.exit_code == 0, result.output
    layer_1 = next(x for x in result.output.splitlines() if x.split()[:2] == ["layer", "1"])
    assert layer_1.split()[2:] == ["6.43e-6", "0.1105", "17,193"]


@pytest.mark.parametrize(
    "args,words",
    [
        (
            ("vanishing-gradient", "xor"),
            ["no preset scenario 'vanishing-gradient'", "did you mean", "vanishing-gradients"],
        ),
        (
            ("xor", "dying-relu-fixd-leaky"),
            ["'dying-relu-fixd-leaky'", "did you mean", "dying-relu-fixed-leaky"],
        ),
        (("xor", "spiral", "--set", "training.lr=fast"), ["training.lr"]),
        (("xor", "no/such/file.toml"), ["no/such/file.toml"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, words):
    result = CliRunner().invoke(main, ["compare", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    message = result.output.strip().splitlines()[-1]
    for word in words:
        assert word in message


def test_a_missing_second_scenario_is_a_usage_error():
    result = run_cli("xor")
    assert result.exit_code == 2 and "Missing argument 'B'" in result.output


def test_side_by_side_ratio_is_b_over_a_and_none_where_undefined():
    a = [{"l": 1, "grad_norm": 2.0, "delta_mean_abs": 0.0, "update_ratio": "nan"}]
    b = [
        {"l": 1, "grad_norm": 8.0, "delta_mean_abs": 1.0, "update_ratio": 1.0},
        {"l": 2, "grad_norm": 1.0, "delta_mean_abs": 1.0, "update_ratio": 1.0},
    ]
    rows = side_by_side(a, b)
    assert rows[0]["b_over_a"] == {"grad_norm": 4.0, "delta_mean_abs": None, "update_ratio": None}
    assert rows[1]["a"] is None and rows[1]["b"]["grad_norm"] == 1.0


PROBLEMS = (
    "vanishing-gradients",
    "exploding-gradients",
    "dying-relu",
    "saturation",
    "overfitting",
    "learning-rate-too-high",
    "learning-rate-too-low",
    "slow-convergence",
    "init-comparison",
)


@pytest.mark.parametrize("name", PROBLEMS)
def test_every_problem_preset_opens_its_counterpart_from_its_lesson(name):
    scenario = load_scenario(name)
    assert scenario.compare is not None
    other = load_scenario(scenario.compare)  # it exists
    assert other.compare is not None  # and names a counterpart back (its problem, or a twin)
    assert any(a.name == "compare" for a in scenario.actions), "the lesson's compare action"
    assert any(a.name == "compare" for a in other.actions)


def test_an_unknown_compare_key_is_a_load_error_naming_the_field(tmp_path):
    from scenarios import ScenarioError

    path = tmp_path / "mine.toml"
    source = load_scenario("xor").source.replace('name = "xor"', 'name = "mine"')
    path.write_text('compare = "vanishing-gradient"\n' + source)
    with pytest.raises(ScenarioError) as e:
        load_scenario(str(path))
    message = str(e.value)
    assert "compare" in message and "did you mean" in message
    assert "vanishing-gradients" in message and "mine.toml" in message


def test_on_a_terminal_it_opens_the_lab_on_the_comparison(launched, monkeypatch):
    monkeypatch.setattr("tui.commands.compare.is_interactive", lambda: True)
    result = CliRunner().invoke(
        main,
        [
            "compare",
            "dying-relu",
            "dying-relu-fixed-leaky",
            "--seed",
            "4",
            "--theme",
            "textual-light",
        ],
    )
    assert result.exit_code == 0, result.output
    (app,) = launched
    comparison = app.open_comparison_at_start
    assert comparison.names == ("dying-relu", "dying-relu-fixed-leaky")
    assert comparison.pair.seed_a == comparison.pair.seed_b == 4
    assert app.session is None and app._given_session is comparison.sessions[0]
    assert app.theme == "textual-light"
