"""``backprop-lab gradcheck``: the table, and exit 0 (pass), 1 (fail), 2 (bad input)."""

import pytest
from click.testing import CliRunner

from tui.cli import main

KINK = """
name = "kink"
title = "relu at its kink"
summary = "All-zero weights put every relu input at exactly 0."
lesson = "Finite differences straddle the kink."
seed = 0

[data]
kind = "inline"
x = [[1.0, 2.0], [0.5, -1.0], [2.0, 1.0]]
y = [[1.0], [0.0], [1.0]]

[network]
loss = "mse"

[[network.layers]]
size = 2
activation = "relu"
weights = [[0.0, 0.0], [0.0, 0.0]]

[[network.layers]]
size = 1
activation = "linear"
weights = [[0.5, -0.3]]
"""


def run(*args):
    return CliRunner().invoke(main, ["gradcheck", *args])


def test_a_preset_passes():
    result = run("xor", "--steps", "5")
    assert result.exit_code == 0, result.output
    assert "xor (seed 0, after 5 steps)" in result.output
    assert "All 2 layers pass" in result.output
    for needle in ("layer", "param", "worst error", "backprop", "finite diff."):
        assert needle in result.output


def test_float32_and_options():
    result = run("xor", "--set", 'network.dtype="float32"', "--max-entries", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "float32 network was checked on a float64 copy" in result.output
    assert "2/8" in result.output and "(seed 3," in result.output


def test_a_failing_check_exits_1(tmp_path):
    path = tmp_path / "kink.toml"
    path.write_text(KINK)
    result = run(str(path))
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output and "near a kink" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-scenario"], "no preset scenario 'no-such-scenario'"),
        (["xor", "--set", "training.lr=-1"], "training.lr"),
        (["xor", "--eps", "0"], "--eps"),
        (["xor", "--eps", "inf"], "Invalid value for '--eps': must be a finite number > 0"),
        (["xor", "--eps", "nan"], "Invalid value for '--eps': must be a finite number > 0"),
        (["xor", "--batch", "0"], "--batch"),
    ],
)
def test_bad_input_exits_2(args, message):
    result = CliRunner().invoke(main, ["gradcheck", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("eps", ["1e-9", "1e-300", "1e-320"])
def test_an_eps_too_small_to_resolve_a_gradient_is_refused(eps):
    """--eps 1e-300 made the floor 2e285 (1e-320: ∞), so every gradient passed with error 0,
    and 1e-320 printed NumPy's division warnings (fuzz campaign)."""
    result = run("xor", "--eps", eps)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"backprop-lab: ε = {float(eps):.3g} is too small for C = 0.708352: the round-off of "
        "finite differences (about ε_machine·|C|/ε) would let gradients wrong by more than the "
        "tolerance pass; use ε ≥ 2.2e-09 (the default is 1e-6)\n"
    )


@pytest.mark.filterwarnings("error")  # a warning fails the command, which then prints no table
@pytest.mark.parametrize("args", [["--eps", "1e308"], ["--set", "training.lr=1e308", "--steps=2"]])
def test_a_huge_eps_or_a_diverged_run_fails_without_numpy_warnings(args):
    """--eps 1e308, or --steps on a run that diverges, printed NumPy's RuntimeWarnings (file,
    line and source) among the report's lines."""
    result = run("xor", *args)
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output


def test_steps_past_the_scenarios_training_are_refused_before_any():
    """--steps 10**11 trained until killed; the scenario trains epochs × batches steps."""
    result = run("spiral", "--steps", str(10**11))
    assert result.exit_code == 2
    assert result.output == (
        "backprop-lab: --steps 100,000,000,000: spiral.toml trains 1,500 steps (training.epochs "
        "= 150, 10 batches per epoch); give at most 1,500, or more epochs with --set "
        "training.epochs=N\n"
    )


def test_the_help_states_the_error_and_the_pass_rule_the_report_uses():
    """``--help`` said ``|g_bp − g_fd| / (|g_bp| + |g_fd|)``, passing "below 1e-6"; the report
    divides by ``max(|g_bp| + |g_fd|, 2.2e-03)`` and passes at ``≤ 1e-06`` (new-user audit):
    a gradient of 1e-5 off by 1e-9 reads as an error of 1e-4 by the help, a pass by the tool."""
    report = run("xor").output
    rule = next(line for line in report.splitlines() if line.startswith("error = "))
    assert rule == "error = |g_bp − g_fd| / max(|g_bp| + |g_fd|, 2.2e-03), pass when ≤ 1e-06"
    shown = " ".join(CliRunner().invoke(main, ["gradcheck", "--help"]).output.split())
    assert "|g_bp − g_fd| / max(|g_bp| + |g_fd|, floor) and passes at 1e-6 or below" in shown
    assert "the floor (2.2e-3 at the default --eps, for a cost up to 1)" in shown
    assert "(|g_bp| + |g_fd|) and" not in shown
