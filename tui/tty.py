"""Small helpers about the terminal the program runs in."""

import os
import sys

NOT_A_TERMINAL = (
    "backprop-lab: the lab needs an interactive terminal; run it in a terminal, "
    "or use the headless commands (backprop-lab --help)"
)

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""Textual's driver for an app served to a browser: ``textual-serve`` (and ``backprop-lab serve``)
start each app with ``TEXTUAL_DRIVER`` set to it, and talk to it over pipes."""


def is_interactive() -> bool:
    """True when the lab can draw: both stdin and stdout are terminals, or the lab is served to a
    browser through Textual's web driver (whose pipes carry the terminal's bytes)."""
    if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:
        return True
    return _isatty(sys.stdout) and _isatty(sys.stdin)


def _isatty(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False
