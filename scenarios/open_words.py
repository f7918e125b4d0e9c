"""The words of a lesson's ``lab:open/NAME/SETTING=VALUE/…`` action in the Lesson panel's
actions list: short, for a column of 24 cells at 120×40 (``scenarios.lesson``)."""

from __future__ import annotations

import re


def describe_open(args: tuple, here: str | None) -> str:
    """``reopen with batch_size=1, speed=50`` (the lesson's own preset), ``open spiral with
    size=8 in layer 1``; ``reopen the preset`` with no settings."""
    name, settings = args
    opened = "reopen" if name == here else f"open {name}"
    if not settings:
        return f"{opened} the preset" if name == here else opened
    return f"{opened} with {short_settings(settings)}"


_LAYER_KEY = re.compile(r"layers\[(\d+)\]\.(.+)")


def short_settings(settings: tuple[str, ...]) -> str:
    """``--set`` overrides for a narrow column: the key without its section, a layer's settings
    of one value gathered (``network.layers[1].bias_value=0``, ``…[2]…`` → ``bias_value=0 in
    layers 1, 2``)."""
    said: dict[str, list[str]] = {}
    for setting in settings:
        path, _, value = setting.partition("=")
        key = path.strip().split(".", 1)[-1]
        layer = _LAYER_KEY.fullmatch(key)
        text = f"{layer[2] if layer else key}={value.strip()}"
        said.setdefault(text, []).extend([layer[1]] if layer else [])
    return ", ".join(
        text + (f" in layer{'s' * (len(ls) > 1)} {', '.join(ls)}" if ls else "")
        for text, ls in said.items()
    )
