"""Shared test configuration. Keep it small; fixtures belong next to the tests that use them."""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

HAS_TORCH = importlib.util.find_spec("torch") is not None


def console_script(name: str = "backprop-lab") -> str | None:
    """Path of an installed console script: next to this interpreter first, then on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, not fail, tests whose tools are missing: torch for `crosscheck`, tmux for `e2e`.
    Deselect the fuzz campaign (`fuzz`, thousands of inputs) unless `-m` names it."""
    if "fuzz" not in (config.option.markexpr or ""):
        campaign = [item for item in items if item.get_closest_marker("fuzz")]
        if campaign:
            config.hook.pytest_deselected(items=campaign)
            items[:] = [item for item in items if not item.get_closest_marker("fuzz")]
    missing = {
        "crosscheck": None if HAS_TORCH else "torch is not installed",
        "e2e": None
        if shutil.which("tmux") and console_script()
        else "needs tmux and the installed backprop-lab script",
    }
    for item in items:
        for marker, reason in missing.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))
