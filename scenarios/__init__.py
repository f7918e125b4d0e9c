"""Scenario files: the preset TOML files shipped with Backprop Lab.

The presets are package data (``scenarios/presets/*.toml``), so they are found the same way in a
checkout and in an installed wheel. The file format is described in ``scenarios/README.md``.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable

DEFAULT_SCENARIO = "xor"


def presets() -> Traversable:
    """The folder of preset scenario files."""
    return files(__name__) / "presets"


def preset_names() -> list[str]:
    """Names of the preset scenarios (file names without ``.toml``), sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in presets().iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    )


def preset_path(name: str) -> Traversable:
    """The preset file called ``name``; raises ``KeyError`` if there is none."""
    path = presets() / f"{name}.toml"
    if not path.is_file():
        raise KeyError(f"no preset scenario {name!r}; presets: {', '.join(preset_names())}")
    return path
