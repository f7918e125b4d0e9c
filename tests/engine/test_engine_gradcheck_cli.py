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
