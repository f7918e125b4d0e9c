"""``--seed``, ``--set`` and ``--theme`` before or after the command, and SCENARIO completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab", **kwargs)


# --- options before the command apply to it -----------------------------------------------------


@pytest.mark.parametrize(
    "args,attribute,value",
    [
        (["--set", "training.lr=0.123", "open", "xor"], "overrides", ("training.lr=0.123",)),
        (["--theme", "textual-light", "open", "spiral"], "theme", "textual-light"),
        (["--seed", "7", "open", "xor"], "seed", 7),
    ],
)
def test_an_option_before_open_applies_to_the_lab(launched, args, attribute, value):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert getattr(app, attribute) == value
    assert app.scenario == args[-1]


def test_the_lab_runs_with_the_values_given_before_open(launched):
    result = invoke("--seed", "7", "--set", "training.lr=0.123", "open", "xor")
    assert result.exit_code == 0, result.output
    run = launched[0]._given_session.run  # the session the command line built and checked
    assert run.seed == 7
    assert run.schedule(1, 1) == 0.123


def test_set_before_and_after_the_command_add_up_the_later_last(launched):
    result = invoke("--set", "training.lr=0.1", "open", "xor", "--set", "training.lr=0.2")
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert app.overrides == ("training.lr=0.1", "training.lr=0.2")
    assert app._given_session.run.schedule(1, 1) == 0.2


def test_the_same_value_on_both_sides_is_accepted(launched):
    result = invoke("--seed", "4", "open", "xor", "--seed", "4")
    assert result.exit_code == 0, result.output
    assert launched[0].seed == 4


@pytest.mark.parametrize(
    "args,option",
    [
        (["--seed", "3", "open", "xor", "--seed", "4"], "--seed"),
        (["--theme", "nord", "open", "xor", "--theme", "textual-light"], "--theme"),
    ],
)
def test_two_different_values_are_a_usage_error(launched, args, option):
    result = invoke(*args)
    assert result.exit_code == 2
    assert launched == []
    assert option in result.stderr and "given twice" in result.stderr


def test_a_bad_value_before_the_command_is_checked_like_one_after(launched):
    result = invoke("--set", "training.lr=-1", "open", "xor")
    assert result.exit_code == 2
    assert "training.lr" in result.stderr
    assert launched == []


def test_seed_and_set_before_train_apply():
    result = invoke("--seed", "3", "--set", "training.epochs=2", "train", "xor", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["seed"] == 3
    assert summary["epochs_run"] == 2


def test_seed_and_set_before_trace_apply():
    result = invoke("--seed", "4", "--set", "training.lr=0.5", "trace", "xor", "--steps", "1")
    assert result.exit_code == 0, result.output
    trace = json.loads(result.stdout)
    assert trace["seed"] == 4
    assert trace["steps"][0]["lr"] == 0.5


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--seed", "4", "debug", "xor"], "(seed 4)"),
        (["--seed", "4", "gradcheck", "xor"], "(seed 4,"),
        (["--seed", "4", "check", "xor"], "xor (seed 4)"),
    ],
)
def test_seed_before_the_other_commands_applies(args, expected):
    result = invoke(*args, input="q\n")
    assert expected in result.stdout, result.output


def test_set_before_scenarios_show_applies():
    result = invoke("--set", "training.lr=0.375", "scenarios", "show", "xor")
    assert result.exit_code == 0, result.output
    assert "0.375" in result.stdout


@pytest.mark.parametrize(
    "args,option,command",
    [
        (["--theme", "nord", "train", "xor"], "--theme", "train"),
        (["--theme", "nord", "debug", "xor"], "--theme", "debug"),
        (["--seed", "3", "scenarios"], "--seed", "scenarios"),
        (["--seed", "3", "scenarios", "show", "xor"], "--seed", "scenarios show"),
    ],
)
def test_an_option_the_command_does_not_take_is_refused(args, option, command):
    result = invoke(*args)
    assert result.exit_code == 2
    assert f"{option} does not apply to '{command}'" in result.stderr
    assert "Traceback" not in result.stderr


# --- SCENARIO completion ------------------------------------------------------------------------


def complete(shell: str, words: str, *, cwd: Path | None = None) -> list[str]:
    """What click's completion answers to ``shell`` for the command line ``words`` (the last
    word is the one being completed), as the shell's completion script asks for it, in the
    folder ``cwd`` — by default an empty one: the completion offers the ``.toml`` files of the
    folder it is asked in, and the tests' own (a scenario file a developer keeps in the
    repository, ``spiral-mine.toml``) joined the presets' names."""
    current = words.split()[-1] if not words.endswith(" ") else ""
    env = {
        "_BACKPROP_LAB_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": current if shell == "fish" else str(len(words.split()) - (current != "")),
    }
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as empty:
        try:
            os.chdir(cwd if cwd is not None else empty)
            result = invoke(env=env)
        finally:
            os.chdir(old)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_completion_is_asked_in_an_empty_folder_unless_a_test_names_one(tmp_path, monkeypatch):
    """The tests of preset names do not depend on the folder pytest runs in."""
    (tmp_path / "spiral-mine.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert complete("bash", "backprop-lab open spi") == ["plain,spiral"]
    assert complete("bash", "backprop-lab open spi", cwd=tmp_path) == [
        "plain,spiral",
        "plain,spiral-mine.toml",
    ]


@pytest.mark.parametrize("command", ["open", "train", "trace", "debug", "check", "gradcheck"])
def test_bash_completes_preset_names(command):
    assert complete("bash", f"backprop-lab {command} vanishing-") == [
        "plain,vanishing-fixed-batchnorm",
        "plain,vanishing-fixed-relu-he",
        "plain,vanishing-gradients",
    ]


def test_completion_after_options_given_before_the_command():
    assert complete("bash", "backprop-lab --seed 3 open xo") == ["plain,xor"]


def test_scenarios_show_completes_preset_names():
    assert complete("bash", "backprop-lab scenarios show spi") == ["plain,spiral"]


def test_zsh_completion_gives_each_preset_its_title():
    lines = complete("zsh", "backprop-lab open spi")
    assert lines[:2] == ["plain", "spiral"]
    assert lines[2].startswith("Spiral")


def test_fish_completion_gives_each_preset_its_title():
    (line,) = complete("fish", "backprop-lab open spi")
    name, title = line.removeprefix("plain,").split("\t")
    assert name == "spiral" and title.startswith("Spiral")


def test_scenario_files_in_this_folder_complete_beside_the_presets(tmp_path):
    (tmp_path / "xnet.toml").write_text("")
    (tmp_path / "xnotes.txt").write_text("")
    assert complete("bash", "backprop-lab open x", cwd=tmp_path) == [
        "plain,xor",
        "plain,xnet.toml",
    ]


@pytest.mark.parametrize("command", ["open", "serve"])
def test_saved_sessions_in_this_folder_complete_for_the_commands_that_open_them(tmp_path, command):
    """``open`` and ``serve`` resume a session saved with ctrl+s (``open FILE.lab.npz``): its
    file completes beside the scenario files (only the ``.toml`` files did)."""
    (tmp_path / "xor-step120.lab.npz").write_bytes(b"PK\x03\x04")
    (tmp_path / "xnet.toml").write_text("")
    assert complete("bash", f"backprop-lab {command} x", cwd=tmp_path) == [
        "plain,xor",
        "plain,xnet.toml",
        "plain,xor-step120.lab.npz",
    ]


def test_saved_sessions_do_not_complete_for_commands_that_refuse_them(tmp_path):
    (tmp_path / "xor-step120.lab.npz").write_bytes(b"PK\x03\x04")
    assert complete("bash", "backprop-lab train x", cwd=tmp_path) == ["plain,xor"]


@pytest.mark.parametrize("word", ["./my", "../nets/a", "nets/", "~/n", "zzz"])
def test_paths_and_unknown_words_complete_as_files_in_the_shell(tmp_path, word):
    assert complete("bash", f"backprop-lab open {word}", cwd=tmp_path) == [f"file,{word}"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_script_completes_presets():
    """The script bash users install (README): sourced in bash, asked for ``open x<TAB>``."""
    bin_dir = str(Path(sys.executable).parent)  # where pip put the backprop-lab script
    program = (
        'eval "$(_BACKPROP_LAB_COMPLETE=bash_source backprop-lab)"\n'
        "COMP_WORDS=(backprop-lab open x); COMP_CWORD=2\n"
        "_backprop_lab_completion backprop-lab\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = subprocess.run(
        ["bash", "--norc", "-c", program], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["xor"]
