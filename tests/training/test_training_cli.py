"""`backprop-lab train` and `backprop-lab trace`: outputs, exit codes, one-line errors."""

import json
import re
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from engine.trace import read_trace
from tui.cli import main

SUMMARY_KEYS = {
    "scenario",
    "seed",
    "epochs_run",
    "steps",
    "stop_reason",
    "final",
    "steps_per_second",
    "layers",
    "epochs",  # the figures of every epoch (tests/export/test_export_cli.py)
}
LAYER_KEYS = {
    "l",
    "grad_norm",
    "delta_mean_abs",
    "weight_norm",
    "update_ratio",
    "dead_fraction",
    "saturated_fraction",
}


def invoke(*args):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


def scenario_file(tmp_path, body, name="test-net"):
    head = f'name = "{name}"\ntitle = "A test"\nsummary = "For the tests."\nseed = 0\n'
    path = tmp_path / f"{name}.toml"
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return str(path)


def check_summary_schema(summary, scenario, n_layers):
    assert set(summary) == SUMMARY_KEYS
    assert summary["scenario"] == scenario
    assert isinstance(summary["seed"], int)
    assert isinstance(summary["epochs_run"], int) and isinstance(summary["steps"], int)
    assert summary["stop_reason"] in ("loss_below", "patience", "epochs", "diverged")
    assert set(summary["final"]) == {"train_loss", "val_loss", "accuracy"}
    assert isinstance(summary["final"]["train_loss"], float)
    assert summary["final"]["val_loss"] is None or isinstance(summary["final"]["val_loss"], float)
    assert isinstance(summary["steps_per_second"], float) and summary["steps_per_second"] > 0
    assert [layer["l"] for layer in summary["layers"]] == list(range(1, n_layers + 1))
    for layer in summary["layers"]:
        assert set(layer) == LAYER_KEYS
        assert all(isinstance(layer[k], float) for k in LAYER_KEYS - {"l"})


def test_train_json_prints_exactly_the_summary():
    result = invoke("train", "xor", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    summary = json.loads(result.stdout)
    check_summary_schema(summary, "xor", 2)
    assert summary["stop_reason"] == "loss_below"
    assert summary["final"]["accuracy"] == 1.0 and summary["final"]["val_loss"] is None
    assert result.stdout.count("\n") == 1


def test_train_json_in_a_real_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "train", "xor", "--json", "--epochs", "30", "--seed", "4"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    summary = json.loads(proc.stdout)
    check_summary_schema(summary, "xor", 2)
    assert (summary["seed"], summary["epochs_run"], summary["stop_reason"]) == (4, 30, "epochs")


def test_train_plain_output_without_a_terminal():
    result = invoke("train", "xor", "--epochs", "5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "xor (seed 0): stopped after 5 epochs (5 steps): all 5 epochs done"
    assert lines[1].startswith("final: train-set loss ")
    assert "steps per second" in lines[-1]


def test_ctrl_c_says_where_training_was_and_its_last_epochs_figures(monkeypatch):
    """Interrupted, ``train`` says how far it got (it printed only "interrupted"), exit 130."""
    from engine.run import Run

    def fit_then_ctrl_c(self, callback=None):
        for _ in range(12):  # xor: one step an epoch
            self.step()
        raise KeyboardInterrupt

    monkeypatch.setattr(Run, "fit", fit_then_ctrl_c)
    result = invoke("train", "xor")
    assert result.exit_code == 130
    assert re.fullmatch(
        r"backprop-lab: interrupted after step 12 \(epoch 12 of 2,000\); epoch 12: "
        r"(train-set loss|epoch mean loss) [\d.e-]+(, accuracy [\d.]+%)?\n",
        result.stderr,
    ), result.stderr


def test_train_progress_bar_on_a_terminal(monkeypatch):
    monkeypatch.setattr("tui.commands.train.on_terminal", lambda: True)
    result = invoke("train", "xor", "--epochs", "40")
    assert result.exit_code == 0, result.output
    assert "epoch 40/40" in result.stdout
    assert "stopped after 40 epochs" in result.stdout


VALIDATED = """
[data]
kind = "moons"
n = 60
validation = 0.25
[network]
loss = "bce"
[[network.layers]]
size = 6
activation = "tanh"
[[network.layers]]
size = 1
activation = "sigmoid"
[training]
lr = 0.5
batch_size = 9
epochs = 300
[stop]
patience = 5
restore_best = true
"""


def test_train_a_scenario_file_with_early_stopping(tmp_path):
    path = scenario_file(tmp_path, VALIDATED)
    result = invoke("train", path, "--json", "--set", "training.epochs=20")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    check_summary_schema(summary, "test-net", 2)
    assert isinstance(summary["final"]["val_loss"], float)
    assert summary["epochs_run"] <= 20


DIVERGING = """
[data]
kind = "inline"
x = [[1e200], [2e200]]
y = [[0.0], [1.0]]
[network]
loss = "mse"
[[network.layers]]
size = 1
activation = "linear"
weights = [[1e200]]
[[network.layers]]
size = 1
activation = "linear"
"""


@pytest.mark.parametrize("as_json", [True, False])
def test_divergence_exits_3_with_one_line_naming_step_layer_and_quantity(tmp_path, as_json):
    path = scenario_file(tmp_path, DIVERGING)
    result = invoke("train", path, *(["--json"] if as_json else []))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "step 1" in lines[0] and "z of layer 1" in lines[0] and "Forward" in lines[0]
    if as_json:
        summary = json.loads(result.stdout)
        assert summary["stop_reason"] == "diverged"
        assert summary["final"]["train_loss"] in ("nan", "inf")


BAD_CSV = """
[data]
kind = "csv"
path = "data.csv"
target = "{target}"
[network]
loss = "bce"
[[network.layers]]
size = 3
activation = "tanh"
[[network.layers]]
size = 1
activation = "sigmoid"
[training]
batch_size = {batch_size}
"""


@pytest.mark.parametrize(
    ("csv", "target", "batch_size", "message"),
    [
        ("a,label\n1,0\n2,1\n", "class", 1, "has no column 'class'; columns: a, label"),
        ("a,label\n1,0\nx,1\n", "label", 1, "column 'a', line 3: 'x' is not a number"),
        ("a,label\n1,0\nnan,1\n", "label", 1, "column 'a', line 3"),
        ("a,label\n1,0\n2,1\n", "label", 5, "training.batch_size = 5 is larger than"),
        ("a,label\n1,0\n2\n", "label", 1, "line 3 has 1 fields"),
    ],
)
def test_bad_data_is_one_line_and_exit_2(tmp_path, csv, target, batch_size, message):
    (tmp_path / "data.csv").write_text(csv)
    path = scenario_file(tmp_path, BAD_CSV.format(target=target, batch_size=batch_size))
    for command in ("train", "trace"):
        result = invoke(command, path)
        assert result.exit_code == 2, (command, result.output)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and message in lines[0], lines
        assert "data.csv" in lines[0] or "batch_size" in lines[0]
        assert isinstance(result.exception, SystemExit)


def test_validation_fraction_outside_0_1_exits_2(tmp_path):
    result = invoke("train", "xor", "--set", "data.validation=1.0")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "validation" in result.stderr


def test_unknown_scenario_exits_2():
    result = invoke("train", "no-such-scenario")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1


def test_trace_to_stdout_reads_back(tmp_path):
    result = invoke("trace", "xor", "--steps", "3", "--seed", "2")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "backprop-lab-trace/1" and document["seed"] == 2
    path = tmp_path / "t.json"
    path.write_text(result.stdout)
    assert [s.step for s in read_trace(path).steps] == [1, 2, 3]


def test_trace_to_a_file(tmp_path):
    path = tmp_path / "trace.json"
    result = invoke("trace", "xor", "--steps", "2", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert len(read_trace(path).steps) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trace.json"]


def test_trace_steps_past_the_scenarios_training_are_refused_before_any(tmp_path):
    """``trace xor --steps 10**20`` wrote steps (past the scenario's last epoch) until it was
    killed; at most epochs × batches per epoch are recorded."""
    path = tmp_path / "t.json"
    result = invoke("trace", "xor", "--steps", str(10**20), "-o", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "backprop-lab: --steps 1e+20: xor.toml trains 2,000 steps (training.epochs = 2,000, "
        "1 batch per epoch); give at most 2,000, or more epochs with --set training.epochs=N\n"
    )
    assert not path.exists()
    result = invoke("trace", "xor", "--set", "training.epochs=2", "--steps", "2", "-o", str(path))
    assert result.exit_code == 0 and len(read_trace(path).steps) == 2


def test_trace_to_an_impossible_file_exits_2(tmp_path):
    result = invoke("trace", "xor", "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and len(result.stderr.splitlines()) == 1
