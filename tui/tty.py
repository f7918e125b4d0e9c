"""Small helpers about the terminal the program runs in."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

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


@contextmanager
def keys_as_typed() -> Iterator[None]:
    """ctrl+s, ctrl+q and enter typed before the lab has the terminal reach it as typed.

    Until Textual's driver takes the terminal (~0.4 s after the command, as numpy and textual
    load), the terminal's own line discipline reads the keys: with flow control on (``stty
    ixon``, the default) it takes ctrl+s as "stop output" and keeps it; ctrl+s sent with enter
    in one go right after the launch saved nothing and said nothing (a new-user audit). And it
    turns enter into ctrl+j (``icrnl``). Here both are off from the launch on, as Textual turns
    them off (its ``_patch_iflag``): the keys wait in the terminal and the lab reads them as
    typed. The terminal's settings are as before afterwards (Textual restores those it found,
    these). Nothing is done when stdin is not a terminal, or on a system without termios."""
    found = _terminal_settings()
    if found is None:
        yield
        return
    import termios

    fd, before = found
    during = list(before)
    during[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL)  # iflag
    termios.tcsetattr(fd, termios.TCSANOW, during)
    try:
        yield
    finally:
        with suppress(OSError, termios.error):  # the terminal has gone (its window closed)
            termios.tcsetattr(fd, termios.TCSANOW, before)


def _terminal_settings() -> tuple[int, list] | None:
    """stdin's file descriptor and its terminal's settings (``termios.tcgetattr``); None when
    stdin is not a terminal, or on a system without termios (Windows)."""
    try:
        import termios
    except ImportError:
        return None
    try:
        fd = sys.stdin.fileno()
        return fd, termios.tcgetattr(fd)
    except (AttributeError, OSError, ValueError, termios.error):
        return None
