"""Shared test configuration. Keep it small; fixtures belong next to the tests that use them."""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

HAS_TORCH = importlib.util.find_spec("torch") is not None

# Hypothesis's time limits measure the machine, not the lab: a 200 ms deadline an example (its
# default) failed a property test when a loaded machine stalled for one example ("Unreliable test
# timings"), as did the health check of slow input generation. Tests that want a time bound set
# one (the fuzz targets' ``bounded``).
settings.register_profile(
    "any-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("any-machine")


def console_script(name: str = "backprop-lab") -> str | None:
    """Path of an installed console script: next to this interpreter first, then on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


HOST_TERMINAL = ("COLUMNS", "NO_COLOR")
"""Settings of the terminal the tests are run from that the lab follows: the line debugger wraps
its lines at ``$COLUMNS``; Textual draws without colours under ``$NO_COLOR``."""


@pytest.fixture(autouse=True)
def no_host_terminal_settings(monkeypatch):
    """Every test starts without ``HOST_TERMINAL``'s variables (a test that needs one sets it):
    exported by the shell or the CI machine, they wrapped the line debugger's expected lines and
    turned every snapshot colourless."""
    for name in HOST_TERMINAL:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def launched(monkeypatch):
    """The command line's launches of the lab, recorded instead of run (in a pretend terminal):
    ``backprop-lab open …`` tests read the app that would have run."""
    import tui.app

    apps = []
    monkeypatch.setattr("tui.cli.is_interactive", lambda: True)
    monkeypatch.setattr("tui.launch.is_interactive", lambda: True)
    monkeypatch.setattr(tui.app.LabApp, "run", lambda app, **kwargs: apps.append(app))
    return apps


def _web_missing() -> str | None:
    for module in ("textual_serve", "pyte"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install '.[test]')"
    return None if console_script() else "needs the installed backprop-lab script"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, not fail, tests whose tools are missing: torch for `crosscheck`, tmux for `e2e`,
    textual-serve for `web`, Chromium for `browser`. Deselect the fuzz campaign (`fuzz`,
    thousands of inputs) unless `-m` names it."""
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
        "web": _web_missing(),
        "browser": None
        if any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))
        else "needs Chromium (Debian: apt-get install chromium)",
    }
    for item in items:
        for marker, reason in missing.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))
