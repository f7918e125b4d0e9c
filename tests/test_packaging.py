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
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
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
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def _tracked_copy(destination: Path) -> list[str]:
    """Copy the files git tracks (as they are now) to ``destination``; their names."""
    try:
        names = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not running from a git checkout")
    names = [n for n in names if (ROOT / n).is_file()]
    for name in names:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return names


def test_the_sdist_builds_without_warnings_and_carries_the_tests(tmp_path):
    """A source distribution of the tracked files: no setuptools warning, and everything the
    tests read (tests with their snapshots and data, docs, benchmarks, LICENSE), no caches."""
    pytest.importorskip("build")
    source = tmp_path / "src"
    tracked = _tracked_copy(source)
    (source / "tests" / "__pycache__").mkdir(exist_ok=True)
    (source / "tests" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"")
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    log = (result.stdout + result.stderr).splitlines()
    warnings = [line for line in log if "warn" in line.lower() and "byte-compiling" not in line]
    assert not warnings, "\n".join(warnings)
    (sdist,) = out.glob("backprop_lab-*.tar.gz")
    import tarfile

    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    wanted = {n for n in tracked if n.startswith(("tests/", "docs/", "benchmarks/", "engine/"))}
    assert wanted | {"LICENSE", "pyproject.toml", "README.md"} <= names, sorted(wanted - names)
    assert not any(n.endswith((".pyc", ".pyo")) or "__pycache__" in n for n in names)
