"""Packaging: the presets are package data, and a built wheel carries everything the app reads."""

import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import scenarios

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "tui", "scenarios")


def test_presets_are_found_as_package_data():
    names = scenarios.preset_names()
    assert scenarios.DEFAULT_SCENARIO in names
    for name in names:
        with scenarios.preset_path(name).open("rb") as f:
            scenario = tomllib.load(f)
        assert scenario["name"] == name, "a preset's name is its file name"
        assert scenario["title"] and scenario["summary"]


def test_unknown_preset_is_a_key_error():
    with pytest.raises(KeyError, match="no preset scenario 'no-such-preset'"):
        scenarios.preset_path("no-such-preset")


def test_console_script_is_declared():
    try:
        entry_points = metadata.distribution("backprop-lab").entry_points
    except metadata.PackageNotFoundError:
        pytest.skip("backprop-lab is not installed")
    scripts = {ep.name: ep.value for ep in entry_points if ep.group == "console_scripts"}
    assert scripts == {"backprop-lab": "tui.cli:main"}


def _files(root: Path, pattern_by_package: dict[str, list[str]]) -> set[str]:
    found = set()
    for package, patterns in pattern_by_package.items():
        for pattern in patterns:
            found |= {p.relative_to(root).as_posix() for p in (root / package).glob(pattern)}
    return found


def test_wheel_contains_the_packages_and_their_data(tmp_path):
    """Build a wheel from a copy of the checkout and compare it with the copy."""
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a checkout")
    source = tmp_path / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for package in PACKAGES:
        if (ROOT / package).is_dir():
            shutil.copytree(ROOT / package, source / package, ignore=ignore)

    out = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("backprop_lab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    # Compare with the copy, not the checkout, which others may be changing meanwhile.
    data = _files(
        source,
        {"scenarios": ["presets/*.toml", "README.md"], "tui": ["**/*.tcss", "web/templates/*"]},
    )
    assert "scenarios/presets/xor.toml" in data
    assert "tui/web/templates/lab.html" in data  # the page `backprop-lab serve` serves
    assert any(name.endswith(".tcss") for name in data)
    assert data <= names, f"missing from the wheel: {sorted(data - names)}"

    modules = {
        p.relative_to(source).as_posix()
        for package in PACKAGES
        for p in (source / package).rglob("*.py")
        if (p.parent / "__init__.py").exists() and "__pycache__" not in p.parts
    }
    assert {"tui/__init__.py", "tui/cli.py", "scenarios/__init__.py"} <= modules
    assert modules <= names, f"missing from the wheel: {sorted(modules - names)}"
    assert not any(name.startswith("tests/") for name in names)

    (entry_points,) = (n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "backprop-lab = tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
