"""`backprop-lab export`: the files it writes, stdout, and one-line errors with exit status 2 that
leave nothing half-written."""

from __future__ import annotations

import json
import os
import textwrap

import numpy as np
from click.testing import CliRunner

from scenarios import load_scenario
from scenarios.export import export_pytorch
from tui.cli import main


def invoke(*args):
    return CliRunner().invoke(main, ["export", *args], prog_name="backprop-lab")


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_export_writes_name_pytorch_py_here_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("xor")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote xor_pytorch.py; run it with: python xor_pytorch.py\n"
    expected = export_pytorch(load_scenario("xor"), script="xor_pytorch.py").script
    assert (tmp_path / "xor_pytorch.py").read_text(encoding="utf-8") == expected
    assert leftovers(tmp_path) == ["xor_pytorch.py"]


def test_export_with_o_writes_the_script_and_its_npz_together(tmp_path):
    target = tmp_path / "spiral.py"
    result = invoke("spiral", "--seed", "3", "--set", "training.epochs=5", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path) == ["spiral.npz", "spiral.py"]
    assert f"wrote {target} and {tmp_path / 'spiral.npz'}" in result.stdout
    text = target.read_text(encoding="utf-8")
    assert "EPOCHS = 5" in text and "SEED = 3" in text
    assert "--seed 3 --set training.epochs=5" in text
    with np.load(tmp_path / "spiral.npz") as arrays:
        assert arrays["x_train"].shape == (300, 2)
        assert f'!= "{arrays["export_id"]}"' in text


def test_export_to_stdout_when_no_npz_is_needed(tmp_path):
    result = invoke("worked-example", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('"""Backprop Lab\'s `worked-example` scenario')
    assert (
        result.stdout
        == export_pytorch(
            load_scenario("worked-example"), script="worked_example_pytorch.py"
        ).script
    )
    refused = invoke("spiral", "-o", "-")
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1 and "needs its .npz" in refused.stderr


def test_a_scenario_using_what_the_export_lacks_is_one_line_and_exit_2(tmp_path, swish):
    path = tmp_path / "swishy.toml"
    path.write_text(
        textwrap.dedent(
            """\
            name = "swishy"
            title = "Swish"
            summary = "A hidden layer the export cannot write."
            [data]
            kind = "xor"
            [network]
            loss = "bce"
            [[network.layers]]
            size = 4
            activation = "swish"
            [[network.layers]]
            size = 1
            """
        ),
        encoding="utf-8",
    )
    result = invoke(str(path), "-o", str(tmp_path / "out.py"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"backprop-lab: {path}: cannot export to PyTorch: network.layers[1].activation = "
        "'swish' has no PyTorch export (the exporter writes linear, sigmoid, tanh, relu, "
        "leaky_relu, prelu, elu, softmax)\n"
    )
    assert leftovers(tmp_path) == ["swishy.toml"]


def test_an_unwritable_path_is_one_line_and_exit_2_with_nothing_written(tmp_path):
    cases = {
        str(tmp_path / "missing" / "x.py"): "there is no folder",
        str(tmp_path): "it is a folder",
    }
    (tmp_path / "plain").write_text("a file", encoding="utf-8")
    cases[str(tmp_path / "plain" / "x.py")] = "there is no folder"
    for output, reason in cases.items():
        result = invoke("spiral", "-o", output)
        assert result.exit_code == 2, output
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"backprop-lab: cannot write {output}: {reason}")
    assert leftovers(tmp_path) == ["plain"]


def test_a_name_longer_than_the_file_system_allows_is_one_line(tmp_path, monkeypatch):
    """`-o` with a name of 300 characters was a traceback (OSError: File name too long, from
    checking whether it is a folder)."""
    monkeypatch.chdir(tmp_path)
    long = "a" * 300
    for output in (f"{long}.py", f"{long}/x.py", f"{long}/"):
        result = invoke("xor", "-o", output)
        assert result.exit_code == 2, (output, result.output)
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"backprop-lab: cannot write {output}: File name too long")
    assert leftovers(tmp_path) == []


def test_a_folder_with_no_name_or_a_trailing_slash_is_named_as_a_folder(tmp_path, monkeypatch):
    """`-o .`, `-o ./` and `-o /` said "PosixPath('.') has an empty name" for a script with an
    .npz (its name was derived before the path was checked), and `-o new/` wrote a file `new`
    (and `new.npz`) where a folder was meant."""
    monkeypatch.chdir(tmp_path)
    cases = {
        ".": "it is a folder",
        "./": "it is a folder",
        os.sep: "it is a folder",
        "new/": "there is no folder new/",
        str(tmp_path / "new") + os.sep: f"there is no folder {tmp_path / 'new'}/",
    }
    for scenario in ("spiral", "xor"):  # with an .npz, and without
        for output, reason in cases.items():
            result = invoke(scenario, "-o", output)
            assert result.exit_code == 2, (scenario, output, result.output)
            assert result.stderr.count("\n") == 1, result.stderr
            assert result.stderr.startswith(f"backprop-lab: cannot write {output}: {reason}")
    assert leftovers(tmp_path) == []


def test_a_script_named_after_a_module_it_imports_is_refused(tmp_path, monkeypatch):
    """`-o torch.py` (or numpy.py, json.py) was written, and running it failed: Python found the
    script itself for `import torch` — and so did every Python program started in that folder
    afterwards (`-o numpy.py` made the other exported scripts there crash). A name of a module
    of Python's own is refused too: PyTorch imports many of them."""
    monkeypatch.chdir(tmp_path)
    for output, module in (
        ("torch.py", "PyTorch"),
        ("numpy.py", "NumPy"),
        ("json.py", "Python's json module"),
        (str(tmp_path / "random.py"), "Python's random module"),
    ):
        result = invoke("xor", "-o", output)
        assert result.exit_code == 2, (output, result.output)
        name = os.path.basename(output)
        assert result.stderr == (
            f"backprop-lab: {output}: a script named {name} would be imported in place of "
            f"{module}, by itself and by any Python program started in its folder; choose "
            f"another name, e.g. {os.path.join(os.path.dirname(output), 'xor_pytorch.py')}\n"
        )
    assert leftovers(tmp_path) == []
    for output in ("train.py", "torch_xor.py", "torch.txt"):  # names that hide nothing
        assert invoke("xor", "-o", output).exit_code == 0, output


def test_a_failed_write_leaves_neither_file(tmp_path):
    """The .npz cannot be put in place (a folder has its name): the script is not written
    either, and no temporary file stays behind."""
    (tmp_path / "spiral.npz").mkdir()
    result = invoke("spiral", "-o", str(tmp_path / "spiral.py"), "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backprop-lab: cannot write {tmp_path / 'spiral.npz'}: ")
    assert result.stderr.count("\n") == 1
    assert leftovers(tmp_path) == ["spiral.npz"] and not os.listdir(tmp_path / "spiral.npz")


def test_an_npz_name_for_the_script_is_refused(tmp_path):
    result = invoke("xor", "-o", str(tmp_path / "x.npz"))
    assert result.exit_code == 2 and "must not end in .npz" in result.stderr
    assert leftovers(tmp_path) == []


def test_a_bad_scenario_is_one_line_and_exit_2(tmp_path):
    result = invoke("xor", "--set", "training.lr=-1", "-o", str(tmp_path / "x.py"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "training.lr" in result.stderr
    assert leftovers(tmp_path) == []


def test_train_json_lists_every_epochs_figures():
    result = CliRunner().invoke(main, ["train", "xor", "--epochs", "7", "--json"])
    summary = json.loads(result.stdout)
    epochs = summary["epochs"]
    assert [e["epoch"] for e in epochs] == list(range(1, 8))
    assert set(epochs[0]) == {
        "epoch",
        "step",
        "lr",
        "train_loss",
        "val_loss",
        "accuracy",
        "val_accuracy",
        "mean_step_loss",
    }
    assert epochs[-1]["train_loss"] == summary["final"]["train_loss"]
    assert epochs[0]["val_loss"] is None and epochs[0]["lr"] == 1.0


def test_an_existing_script_or_npz_is_not_replaced_without_force(tmp_path, monkeypatch):
    """`backprop-lab export xor` run twice replaced xor_pytorch.py without a word."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "xor_pytorch.py").write_text("# mine\n", encoding="utf-8")
    result = invoke("xor")
    assert result.exit_code == 2
    assert result.stderr == (
        "backprop-lab: xor_pytorch.py already exists; nothing written (--force replaces it)\n"
    )
    assert (tmp_path / "xor_pytorch.py").read_text(encoding="utf-8") == "# mine\n"
    # the .npz alone is enough to refuse: the script beside it would not be written either
    (tmp_path / "s.npz").write_bytes(b"old")
    result = invoke("spiral", "-o", "s.py")
    assert result.exit_code == 2
    assert "s.npz already exists; nothing written (--force replaces it)" in result.stderr
    assert leftovers(tmp_path) == ["s.npz", "xor_pytorch.py"]
    assert (tmp_path / "s.npz").read_bytes() == b"old"
    (tmp_path / "s.py").write_text("# mine\n", encoding="utf-8")
    result = invoke("spiral", "-o", "s.py")
    assert "s.py and s.npz already exist; nothing written (--force replaces them)" in result.stderr
    for args in (["xor", "--force"], ["spiral", "-o", "s.py", "--force"]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    expected = export_pytorch(load_scenario("xor"), script="xor_pytorch.py").script
    assert (tmp_path / "xor_pytorch.py").read_text(encoding="utf-8") == expected
    assert (tmp_path / "s.npz").read_bytes() != b"old"
    assert leftovers(tmp_path) == ["s.npz", "s.py", "xor_pytorch.py"]  # no temporaries left
