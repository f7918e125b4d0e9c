"""Small helpers about the terminal the program runs in."""

import sys

NOT_A_TERMINAL = (
    "backprop-lab: the lab needs an interactive terminal; run it in a terminal, "
    "or use the headless commands (backprop-lab --help)"
)


def is_interactive() -> bool:
    """True when both stdin and stdout are terminals, so a full-screen app can run."""
    return _isatty(sys.stdout) and _isatty(sys.stdin)


def _isatty(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False
