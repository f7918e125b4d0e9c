"""The type checker is wired: mypy, with the configuration in ``pyproject.toml`` (``[tool.mypy]``:
``engine/``, ``scenarios/`` and ``tui/``), finds nothing to report, and does report a type error.

mypy is in the ``test`` extra; without it these tests are skipped. Both run mypy as a user would,
``python -m mypy`` from the repository's root, sharing mypy's cache (``.mypy_cache``) with CI's
own run of it.
"""

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="mypy is not installed (the 'test' extra)"
)


def _mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_engine_scenarios_and_tui_are_clean():
    done = _mypy()  # the files and settings of [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_every_package_is_checked():
    """``mypy`` with no arguments covers the three packages, none of their modules left out."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert sorted(config["files"]) == ["engine", "scenarios", "tui"]
    assert not [o["module"] for o in config.get("overrides", []) if o.get("ignore_errors")]


def test_a_type_error_is_reported(tmp_path):
    """The same settings find a wrong call into the engine: the check can fail."""
    bad = tmp_path / "wrong_call.py"
    bad.write_text(
        "from engine.events import StepStart\n"
        "\n"
        "def first() -> StepStart:\n"
        '    return StepStart(1, 1, 1, "four", 0.1)\n'
    )
    done = _mypy("--config-file", str(ROOT / "pyproject.toml"), str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Argument 4 to "StepStart" has incompatible type "str"; expected "int"' in done.stdout
