"""The exported script as text (no PyTorch needed): the reviewed xor script, ruff-clean exports of
every preset and variant, the .npz beside the larger ones, and the settings it refuses."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from export_cases import PRESETS, SOFT_TARGETS, VARIANTS
from export_helpers import Case, write_exports

from scenarios import build_run, load_scenario
from scenarios.export import INLINE_LIMIT, ExportError, export_pytorch, write_export

GOLDEN = Path(__file__).parent / "__snapshots__" / "xor_pytorch.py"
ROOT = Path(__file__).parents[2]


def test_the_xor_export_is_the_reviewed_script():
    """The exported xor script, as read and reviewed for readability. After a deliberate change
    of the export, write it again with
    ``backprop-lab export xor -o tests/export/__snapshots__/xor_pytorch.py``, read the diff as a
    newcomer would, and commit it."""
    export = export_pytorch(load_scenario("xor"), script="xor_pytorch.py")
    assert export.arrays is None  # 29 numbers: written into the script
    assert export.script == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_every_export_passes_ruff_check_and_format(tmp_path):
    (tmp_path / "soft-targets.toml").write_text(SOFT_TARGETS, encoding="utf-8")
    soft = Case("soft_targets", str(tmp_path / "soft-targets.toml"))
    scripts = [str(p) for p in write_exports([*PRESETS, *VARIANTS, soft], tmp_path)]
    config = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *config, *scripts],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_larger_data_goes_to_an_npz_of_the_labs_exact_numbers(tmp_path):
    scenario = load_scenario("spiral")
    export = export_pytorch(scenario, script="spiral.py")
    assert export.arrays_name == "spiral.npz"
    written = write_export(export, tmp_path / "spiral.py")
    assert sorted(p.name for p in written) == ["spiral.npz", "spiral.py"]
    run = build_run(scenario)
    with np.load(tmp_path / "spiral.npz") as arrays:
        np.testing.assert_array_equal(arrays["x_train"], run.data.x_train)
        # cross-entropy on one-hot rows: the class indices, as nn.CrossEntropyLoss takes them
        np.testing.assert_array_equal(arrays["y_train"], run.data.y_train.argmax(axis=1))
        for layer in run.net.layers:
            np.testing.assert_array_equal(arrays[f"W{layer.l}"], layer.params["W"])
            np.testing.assert_array_equal(arrays[f"b{layer.l}"], layer.params["b"])
        export_id = str(arrays["export_id"])
    assert f'if str(arrays["export_id"]) != "{export_id}":' in export.script
    assert 'arrays_path = Path(__file__).with_name("spiral.npz")' in export.script
    assert "arrays = np.load(arrays_path)" in export.script


def test_small_scenarios_write_their_numbers_into_the_script():
    for name in ("xor", "worked-example", "saturation"):
        export = export_pytorch(load_scenario(name))
        assert export.arrays is None, name
        assert "np.load" not in export.script and "import numpy" not in export.script
    big = export_pytorch(load_scenario("slow-convergence"))  # 48 examples: more than the limit
    assert sum(a.size for k, a in big.arrays.items() if k != "export_id") > INLINE_LIMIT


def test_the_same_export_twice_is_the_same_bytes():
    a = export_pytorch(load_scenario("overfitting-fixed-dropout"), seed=3, script="o.py")
    b = export_pytorch(load_scenario("overfitting-fixed-dropout"), seed=3, script="o.py")
    assert a.script == b.script and a.arrays_bytes() == b.arrays_bytes()
    other = export_pytorch(load_scenario("overfitting-fixed-dropout"), seed=4, script="o.py")
    assert other.arrays["export_id"] != a.arrays["export_id"]  # another seed: other numbers
    assert "SEED = 4" in other.script


def test_the_header_says_how_to_write_it_again_and_where_the_lab_prints_the_same_figures():
    plain = export_pytorch(load_scenario("xor"), seed=2).script
    assert "Exported by `backprop-lab export xor --seed 2`" in plain
    assert "`backprop-lab train xor --seed 2 --json` lists them" in plain
    changed = export_pytorch(load_scenario("xor", ["network.layers[1].size=8"])).script
    assert "--set 'network.layers[1].size=8'" in changed  # quoted for the shell
    assert "nn.Linear(2, 8)" in changed
    named = export_pytorch(load_scenario("xor"), seed=2, script="my xor.py").script
    assert "Exported by `backprop-lab export xor --seed 2 -o 'my xor.py'`" in named
    edited = export_pytorch(load_scenario("xor"), edited=True).script
    assert "as edited in the lab" in edited and "backprop-lab export" not in edited


def test_the_script_names_the_labs_settings_where_pytorch_differs():
    def script(name, *overrides):
        return export_pytorch(load_scenario(name, overrides)).script

    momentum = script("xor", "training.optimizer=momentum")
    assert "momentum=0.9" in momentum and "PyTorch's default momentum is 0" in momentum
    cosine = script("xor", "schedule.kind=cosine", "schedule.lr_min=0.1")
    assert "CosineAnnealingLR(optimizer, T_max=EPOCHS - 1, eta_min=0.1)" in cosine
    decay = script("xor", "training.weight_decay=0.01")
    assert '"weight_decay": 0.01' in decay and "weight matrices only" in decay
    l2 = script("overfitting-fixed-l2")
    assert "0.5 * L2 * (linear.weight**2).sum()" in l2 and "L2 = 0.01" in l2
    rmsprop = script("xor", "training.optimizer=rmsprop")
    assert "alpha=0.99, eps=1e-08" in rmsprop and "outside the square root" in rmsprop
    bn = script("vanishing-fixed-batchnorm")
    assert "nn.BatchNorm1d(16, eps=1e-05, momentum=0.1)" in bn
    dropout = script("overfitting-fixed-dropout")
    assert "LabDropout(0.5)" in dropout and "lab_rng.random(" in dropout
    clip = script("exploding-fixed-clipping-xavier")
    assert "nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)" in clip


def test_a_setting_the_export_does_not_know_is_refused_by_name(monkeypatch):
    """As if the lab had gained clip_value and dropout after the export was written."""
    from scenarios.export import plan

    monkeypatch.setattr(plan, "TRAINING_KEYS", plan.TRAINING_KEYS - {"clip_value"})
    monkeypatch.setattr(plan, "LAYER_KEYS", plan.LAYER_KEYS - {"dropout"})
    clipped = load_scenario("xor", ["training.clip_value=1.0"])
    with pytest.raises(ExportError, match=r"^training\.clip_value = 1.0 has no PyTorch export"):
        export_pytorch(clipped)
    with pytest.raises(
        ExportError, match=r"^network\.layers\[1\]\.dropout = 0.5 has no PyTorch export"
    ):
        export_pytorch(load_scenario("overfitting-fixed-dropout"))
    export_pytorch(load_scenario("xor"))  # what it knows still exports


def test_an_activation_the_export_does_not_know_is_refused_by_layer(swish):
    scenario = load_scenario("xor", ["network.layers[1].activation=swish"])
    with pytest.raises(ExportError, match=r"network\.layers\[1\]\.activation = 'swish'"):
        export_pytorch(scenario)
