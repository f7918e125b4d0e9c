"""Scenario files: TOML descriptions of a run (data, network, training) with a lesson and claims.

The presets are package data (``scenarios/presets/*.toml``), found the same way in a checkout and
in an installed wheel. The file format is described in ``scenarios/README.md``.
"""

from .errors import ScenarioError
from .loader import (
    DEFAULT_SCENARIO,
    Scenario,
    build_run,
    load_scenario,
    parse_scenario,
    preset_names,
    preset_path,
)

__all__ = [
    "ClaimResult",
    "DEFAULT_SCENARIO",
    "Scenario",
    "ScenarioError",
    "build_run",
    "check_scenario",
    "load_scenario",
    "parse_scenario",
    "preset_names",
    "preset_path",
]


def __getattr__(name: str):
    """The claim checker (``check_scenario``, ``ClaimResult``) is loaded on first use: opening
    a scenario does not need it, and the lab's start-up is shorter without (~13 ms)."""
    if name in ("ClaimResult", "check_scenario"):
        from . import check

        return getattr(check, name)
    raise AttributeError(f"module 'scenarios' has no attribute {name!r}")
