"""The `backprop-lab` command line: version, help, usage errors and the launch of the lab."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from importlib import metadata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import tui
from tui.cli import COMMANDS, main, summary


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m tui ARGS` in a child process, stdin and stdout not terminals."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"backprop-lab, version {tui.__version__}\n"


def test_version_is_the_installed_distribution_version():
    try:
        installed = metadata.version("backprop-lab")
    except metadata.PackageNotFoundError:
        pytest.skip("backprop-lab is not installed")
    assert installed == tui.__version__


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_an_example(flag):
    result = invoke(flag)
    assert result.exit_code == 0
    assert "Usage: backprop-lab" in result.stdout
    assert "Examples:" in result.stdout
    assert "  backprop-lab --version" in result.stdout


def test_every_command_loads_and_its_help_has_an_example():
    for name in COMMANDS:
        result = invoke(name, "--help")
        assert result.exit_code == 0, (name, result.output)
        assert f"Usage: backprop-lab {name}" in result.stdout
        assert "Example" in result.stdout, f"`backprop-lab {name} --help` shows no example"
        command = main.get_command(click.Context(main), name)
        assert isinstance(command, click.Command)
        short_help = command.get_short_help_str(limit=1000)
        assert summary(name) == short_help, f"the summary read for {name!r} != its help"


def test_unknown_command_is_a_usage_error():
    result = invoke("no-such-command")
    assert result.exit_code == 2
    assert "Usage: backprop-lab" in result.stderr
    assert "No such command 'no-such-command'" in result.stderr


@pytest.mark.parametrize(
    "typed, meant",
    [("list", "scenarios"), ("ls", "scenarios"), ("trian", "train"), ("debgu", "debug")],
)
def test_a_command_that_does_not_exist_suggests_the_one_meant(typed, meant):
    result = invoke(typed)
    assert result.exit_code == 2
    assert f"No such command '{typed}'. Did you mean '{meant}'?" in result.output


def test_unknown_option_is_a_usage_error():
    result = invoke("--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_launch_without_a_terminal_prints_one_line_and_exits_2():
    result = invoke()  # CliRunner's stdin and stdout are not terminals
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "terminal" in lines[0] and "backprop-lab --help" in lines[0]
    assert isinstance(result.exception, SystemExit)  # no other exception escaped


def test_launch_in_a_terminal_runs_the_lab(monkeypatch):
    import tui.app

    launched = []
    monkeypatch.setattr("tui.cli.is_interactive", lambda: True)
    monkeypatch.setattr(tui.app.LabApp, "run", lambda app, **kwargs: launched.append(app))
    result = invoke()
    assert result.exit_code == 0, result.output
    assert len(launched) == 1
    assert launched[0].scenario is None


def test_python_m_tui_without_a_terminal(tmp_path):
    proc = run_module(cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "interactive terminal" in proc.stderr


def test_python_m_tui_version(tmp_path):
    proc = run_module("--version", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"backprop-lab, version {tui.__version__}\n"


def test_python_m_tui_usage_error(tmp_path):
    proc = run_module("no-such-command", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "No such command" in proc.stderr


def test_version_and_help_do_not_import_the_app(tmp_path):
    """Sub-commands and the TUI load lazily, so the command line answers at once."""
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "for args in (['--version'], ['--help']):\n"
        "    try:\n"
        "        main(args, prog_name='backprop-lab')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('textual', 'tui.app', 'torch', 'tui.commands.')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"


async def test_lab_app_starts_and_quits_on_q():
    from tui.app import LabApp

    app = LabApp(scenario=None)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.title == "Backprop Lab"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.e2e
def test_console_script_draws_the_lab_in_tmux_and_quits_on_q():
    script = Path(sys.executable).with_name("backprop-lab")
    script = str(script) if script.exists() else shutil.which("backprop-lab")
    socket = f"backprop-lab-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket]
    env = {**os.environ, "TERM": os.environ.get("TERM", "xterm-256color")}
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "lab", "-x", "100", "-y", "30", script],
        check=True,
        env=env,
        timeout=30,
    )
    try:

        def screen() -> str:
            return subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "lab"], capture_output=True, text=True
            ).stdout

        deadline = time.monotonic() + 30
        while "Backprop Lab" not in screen() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Backprop Lab" in screen()

        subprocess.run([*tmux, "send-keys", "-t", "lab", "q"], check=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            alive = subprocess.run([*tmux, "has-session", "-t", "lab"], capture_output=True)
            if alive.returncode != 0:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the lab did not quit on q")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def test_the_help_names_the_defaults_it_falls_back_to():
    """``backprop-lab --help`` and ``open --help`` spoke of "the default scenario" without naming
    it, and ``train --epochs`` showed no default (new-user audit)."""
    from scenarios import DEFAULT_SCENARIO

    def shown(*args: str) -> str:
        return " ".join(CliRunner().invoke(main, [*args, "--help"]).output.split())

    assert f"on the default scenario, {DEFAULT_SCENARIO}." in shown()
    assert f"a scenario file (none: {DEFAULT_SCENARIO})" in shown("open")
    assert "Train at most N epochs (default: the scenario's training.epochs)" in shown("train")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"on the default scenario, `{DEFAULT_SCENARIO}` |" in readme
