"""The repository documents itself: docs/ describes every format field the code writes, and
nothing in the repository points to a file that is not in it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import engine
from engine import events, trace
from engine.build import build_run
from tui import session_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def repository_files() -> list[Path]:
    """The repository's text files: git's list in a checkout, else every file (an sdist)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = []
    if listed:
        files = [ROOT / name for name in listed]
    else:
        files = [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [
        p for p in files if p.suffix in (".py", ".md", ".toml") and "__snapshots__" not in p.parts
    ]


MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
MENTIONED_DOC = re.compile(r"(?<![\w/.-])([\w./-]*[A-Za-z0-9_-]+\.md)\b")


def test_every_link_in_the_markdown_files_points_into_the_repository():
    for path in [p for p in repository_files() if p.suffix == ".md"]:
        for target in MARKDOWN_LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            assert (path.parent / target).exists(), f"{path.relative_to(ROOT)} links {target}"


def test_every_mentioned_markdown_file_exists():
    """The project's conventions and measurements once lived in files outside the repository."""
    files = repository_files()
    names = {p.name for p in files if p.suffix == ".md"}
    for path in files:
        for name in MENTIONED_DOC.findall(path.read_text(encoding="utf-8")):
            found = (ROOT / name).exists() or (path.parent / name).exists()
            assert found or ("/" not in name and name in names), (
                f"{path.relative_to(ROOT)} names {name}, which is not in the repository"
            )


def test_the_index_lists_every_document():
    index = doc("README.md")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"({page.name})" in index, page.name


def test_the_trace_format_describes_every_event_and_field():
    text = doc("trace-format.md")
    assert trace.FORMAT in text
    for cls in trace.EVENT_CLASSES.values():
        if cls.kind in ("step_start", "step_end"):  # their fields are the step's own
            for f in cls._fields:
                assert f"`{f}`" in text, (cls.kind, f)
            continue
        assert f"| `{cls.kind}` |" in text, cls.kind
        row = next(line for line in text.splitlines() if line.startswith(f"| `{cls.kind}` |"))
        for f in cls._fields:
            assert f"`{f}`" in row, (cls.kind, f)
    run = build_run(
        data={"kind": "xor", "n": 8},
        network={"loss": "bce", "layers": [{"size": 3, "activation": "tanh"}, {"size": 1}]},
    )
    for key in trace.header(run):
        assert f"`{key}`" in text, key
    for key in engine.LayerStats._fields:
        assert f"`{key}`" in text, key


def test_the_trace_example_is_what_the_command_writes():
    """docs/trace-format.md's example said loss 0.7125 and indices [2, 0, 3, 1]; the real xor
    trace has 0.70835 and no shuffle. Every value the example shows (numbers to its five
    significant digits), every event in its order, must be the command's."""
    from click.testing import CliRunner

    from tui.cli import main

    text = doc("trace-format.md")
    command = re.findall(r"`backprop-lab (trace [^`]+)` writes", text.split("```json")[0])[-1]
    result = CliRunner().invoke(main, command.split(), prog_name="backprop-lab")
    assert result.exit_code == 0, result.output
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    for cut, put in (("[[…]]", '"…"'), ("[…]", '"…"'), (", …}", "}"), (", …]", "]")):
        block = block.replace(cut, put)
    _same_as_shown(json.loads(block), json.loads(result.stdout), "trace")


def _same_as_shown(shown, real, where: str) -> None:
    """``real`` has every value ``shown`` has: "…" stands for an array; a float is shown to
    five significant digits; a dict may show fewer keys, a list fewer entries only where it
    ends in "…" (then cut off above)."""
    if shown == "…":
        assert isinstance(real, list), where
    elif isinstance(shown, dict):
        assert isinstance(real, dict), where
        for key, value in shown.items():
            assert key in real, f"{where}.{key}"
            _same_as_shown(value, real[key], f"{where}.{key}")
    elif isinstance(shown, list):
        assert isinstance(real, list) and len(shown) <= len(real), where
        if where.endswith(("steps", "events")):  # written out in full
            assert len(shown) == len(real), where
        for i, (a, b) in enumerate(zip(shown, real)):
            _same_as_shown(a, b, f"{where}[{i}]")
    elif isinstance(shown, float):
        assert isinstance(real, float) and float(f"{real:.5g}") == shown, (where, real)
    else:
        assert shown == real and type(shown) is type(real), (where, shown, real)


def test_the_train_json_summary_is_described_field_by_field():
    text = doc("train-json.md")
    run = build_run(
        data={"kind": "xor", "n": 8},
        network={"loss": "bce", "layers": [{"size": 3, "activation": "tanh"}, {"size": 1}]},
        training={"epochs": 2},
    )
    summary = run.fit()
    for key, value in summary.items():
        if isinstance(value, dict):
            for inner in value:
                assert f"`{key}.{inner}`" in text, inner
        else:
            assert f"`{key}`" in text, key
    for key in summary["layers"][0]:
        assert f"`{key}`" in text, key
    from engine.stopping import STOP_REASONS

    for reason in STOP_REASONS:
        assert f"`{reason}`" in text, reason
    json.dumps(summary, allow_nan=False)


def test_the_check_json_report_is_described_field_by_field():
    """``check --help`` said ``--json`` prints "one JSON object"; it prints an array, one object
    per scenario, whose fields docs/ did not describe (new-user audit)."""
    from click.testing import CliRunner

    from tui.cli import main

    text = doc("check-json.md")
    result = CliRunner().invoke(main, ["check", "xor", "--set", "training.epochs=5", "--json"])
    assert result.exit_code == 1, result.output  # 5 epochs: xor's first two claims fail
    report = json.loads(result.stdout)
    assert isinstance(report, list) and "JSON **array**" in " ".join(text.split())
    scenario = report[0]
    assert scenario["held"] is False and {c["held"] for c in scenario["claims"]} == {True, False}
    for key in scenario:
        assert f"| `{key}` |" in text, key
    for key in scenario["claims"][0]:
        assert f"| `claims[].{key}` |" in text, key
    shown = CliRunner().invoke(main, ["check", "--help"], terminal_width=200).output
    assert "JSON array" in shown and "JSON object" not in shown


def test_the_session_file_format_is_described(tmp_path):
    from tui.session import LabSession

    text = doc("session-files.md")
    assert session_file.FORMAT in text and session_file.FORMAT_1 in text
    path = LabSession.open("xor").save(tmp_path / "s.lab.npz")
    header, state = session_file.read(path)
    for key in header:
        assert f"`{key}`" in text, key
    for key in header["scenario"]:
        assert f"`{key}`" in text, key
    for key in state:
        assert f"`{key}`" in text, key
    for tag in ("$float", "$array", "$tuple", "$dict", "$named"):
        assert tag in text


@pytest.mark.parametrize("registry", ["LOSSES", "OPTIMIZERS"])
def test_the_notation_names_every_loss_and_optimizer(registry):
    text = doc("notation.md")
    for name in getattr(engine, registry):
        assert f"| `{name}` |" in text, name
    assert events.EVENT_KINDS  # the events section lists them by class name
    for name in ("StepStart", "Forward", "Loss", "Delta", "Gradient", "Clip", "Update", "StepEnd"):
        assert name in text


def test_the_readme_command_table_names_every_option_of_every_command():
    """README's command table gave gradcheck as ``[--seed S] [--batch B] [--steps N]``, while its
    ``--help`` has ``--set``, ``--eps`` and ``--max-entries`` (and uses the last in its own
    example); debug's row lacked ``--no-nan-break``, ``scenarios show``'s ``--set`` and
    ``--toml`` (new-user audit). Every option (its long or short name) is in its command's row."""
    import click

    from tui.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        rows = [x for x in readme.splitlines() if x.startswith(f"| `backprop-lab {name}")]
        assert rows, f"README's command table has no row for {name}"
        shown = " ".join(re.split(r"(?<!\\)\|", row)[1] for row in rows)  # the first cell
        command = main.get_command(ctx, name)
        assert command is not None
        commands = [command]
        if isinstance(command, click.Group):
            commands += [command.get_command(ctx, sub) for sub in command.list_commands(ctx)]
        for option in (p for c in commands if c for p in c.params if isinstance(p, click.Option)):
            if option.name != "help":
                named = (
                    re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", shown) for o in option.opts
                )
                assert any(named), f"{name}: {option.opts[-1]} is not in {shown}"


def test_the_export_is_named_as_it_is_written():
    """The README's command-line table and ``export --help`` name the script ``export`` writes:
    they said ``NAME_pytorch.py``, and learning-rate-too-high wrote
    learning_rate_too_high_pytorch.py (dashes made underscores: a name Python can import)."""
    from click.testing import CliRunner

    from scenarios.export import default_name
    from tui.commands.export import export_command

    script = default_name("learning-rate-too-high")
    assert script == "learning_rate_too_high_pytorch.py"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `backprop-lab export"))
    assert f"`{script}`" in row and f"`{script.removesuffix('.py')}.npz`" in row
    assert "dashes made underscores" in row
    shown = CliRunner().invoke(export_command, ["--help"], terminal_width=200).output
    assert "dashes made underscores: learning_rate_too_high_pytorch.py" in " ".join(shown.split())
