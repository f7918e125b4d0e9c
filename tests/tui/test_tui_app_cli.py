"""``backprop-lab open`` and the options of the bare ``backprop-lab`` launch."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tui.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


def test_open_passes_scenario_theme_seed_and_overrides(launched):
    result = invoke(
        "open", "spiral", "--theme", "textual-light", "--seed", "3", "--set", "training.lr=0.5"
    )
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert app.scenario == "spiral"
    assert app.seed == 3
    assert app.overrides == ("training.lr=0.5",)
    assert app.theme == "textual-light"


def test_the_bare_launch_takes_the_same_options(launched):
    result = invoke("--theme", "nord", "--seed", "2", "--set", "training.lr=0.3")
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert app.scenario is None  # the default scenario
    assert (app.theme, app.seed, app.overrides) == ("nord", 2, ("training.lr=0.3",))


@pytest.mark.parametrize(
    "args,words",
    [
        (["open", "no-such-scenario"], ["no preset scenario", "xor"]),
        (["open", "xor", "--set", "training.lr=-1"], ["training.lr"]),
        (["open", "xor", "--set", "nonsense"], ["--set"]),
        (["open", "missing/file.toml"], ["missing/file.toml", "does not exist"]),
        (["open", "--session", "missing.lab.npz"], ["missing.lab.npz", "does not exist"]),
        (["--set", "training.batch_size=0"], ["training.batch_size"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(launched, args, words):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert launched == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_an_unknown_theme_lists_the_themes(launched):
    result = invoke("open", "xor", "--theme", "no-such-theme")
    assert result.exit_code == 2
    assert "textual-dark" in result.stderr and "textual-light" in result.stderr
    assert launched == []


def test_open_without_a_terminal_exits_2():
    result = invoke("open", "xor")
    assert result.exit_code == 2
    assert "terminal" in result.stderr


def test_open_help_has_examples():
    result = invoke("open", "--help")
    assert result.exit_code == 0
    assert "backprop-lab open xor" in result.output
    assert "--theme" in result.output and "--seed" in result.output and "--set" in result.output


async def test_the_app_applies_seed_and_overrides():
    from tui.app import LabApp
    from tui.session import LabSession

    app = LabApp("xor", seed=5, overrides=["training.lr=0.25"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        run = app.session.run
        assert run.seed == 5
        assert run.schedule(1, 1) == 0.25
        W5 = run.net.layer(1).params["W"]
        W0 = LabSession.open("xor").run.net.layer(1).params["W"]  # the scenario's seed, 0
        assert W5.shape == W0.shape and (W5 != W0).any()
