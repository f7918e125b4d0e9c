"""The line-mode debugger's command language (``backprop-lab debug``): scripts of commands from
``help``, with arguments of the wrong type or size (counts of 13 digits, breakpoint numbers that
do not exist, expressions nested or long), typos and random text; read from stdin as a pipe
gives them."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from . import bounded
from .expressions import conditions

COMMANDS = ["s", "step", "n", "f", "nb", "e", "c", "r", "run", "u", "until", "back", "restart"]
COMMANDS += ["extend", "b", "break", "tbreak", "cl", "clear", "disable", "enable", "ignore"]
COMMANDS += ["p", "print", "display", "undisplay", "x", "explain", "ex", "exercise", "answer"]
COMMANDS += ["reveal", "skip", "w", "l", "ascii", "help", "h", "?", "zzz", ""]
ARGUMENTS = ["", "0", "1", "3", "-1", "999999999999", "9" * 13, "x", "1,2", "0,0", "99,99"]
ARGUMENTS += ["0 example 3", "0,1 example 999999", "on", "off", "expressions", "1 2", "@1"]
ARGUMENTS += ["update@2 if loss > 0.5", "delta@9", "update@-1", "forward@0 if W@1[0,0] > 0"]
ARGUMENTS += ["1e400", "\0", "é", "if", "if if", "@", "update@1 if", "1" * 5000]
lines = st.one_of(
    st.builds(
        lambda c, a: f"{c} {a}".strip(), st.sampled_from(COMMANDS), st.sampled_from(ARGUMENTS)
    ),
    st.builds(lambda c, a: f"{c} {a}", st.sampled_from(["p", "b", "u", "display"]), conditions),
    st.text(max_size=20),
)
debug_scripts = st.lists(lines, min_size=1, max_size=8).map(lambda s: "\n".join(s) + "\n")


def debug_script_target(script: str, scenario: str) -> None:
    """``backprop-lab debug SCENARIO`` (3 epochs) reading ``script``: it ends with status 0,
    each bad command answered in words — never an exception or a traceback, never past the
    time bound."""
    from click.testing import CliRunner

    from tui.cli import main

    args = ["debug", scenario, "--set", "training.epochs=3"]
    with bounded("debugger script"), np.errstate(all="ignore"):
        result = CliRunner().invoke(main, args, input=script, prog_name="backprop-lab")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{script!r}: {type(result.exception).__name__}") from (
            result.exception
        )
    assert "Traceback" not in result.output and "Traceback" not in result.stderr, script
    assert result.exit_code == 0, (script, result.exit_code, result.stderr)
