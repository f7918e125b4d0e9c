"""Command lines: every subcommand that trains, records or writes (``train``, ``trace``,
``gradcheck``, ``export``, ``scenarios show``, ``debug``) with options of the wrong type or size
— seeds of 30 digits, ``--steps 10**20``, ``--eps 1e-300``, ``-o`` a folder, ``--set`` from
the scenario strategies — and scenario paths that are folders, binary files or sessions; run
through Click's test runner as ``backprop-lab`` would be."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from . import bounded
from .scenario_files import override_keys, override_values

odd_integers = st.sampled_from(
    ["0", "1", "3", "-1", "x", "1e3", str(10**11), str(10**20), "9" * 40]
)
few = st.sampled_from(["0", "1", "3", "-1", "x", "1e3", ""])  # --epochs: a huge one trains
odd_floats = st.sampled_from(["1e-6", "0", "-1", "nan", "inf", "1e-300", "1e-320", "1e308", "x"])
COMMAND_OPTIONS = {
    "train": {"--epochs": few, "--json": None},
    "trace": {"--steps": odd_integers, "-o": st.just("OUT")},
    "gradcheck": {
        "--steps": odd_integers,
        "--eps": odd_floats,
        "--batch": odd_integers,
        "--max-entries": odd_integers,
    },
    "export": {"-o": st.just("OUT"), "--force": None},
    "scenarios show": {"--toml": None},
    "debug": {"--history": odd_integers, "--ascii": None},
}
SCENARIOS = ["xor", "xor", "worked-example", "spiral"]
SCENARIOS += ["FOLDER", "BINARY", "SESSION", "EMPTY", "no-such"]
OUTPUTS = ["out.json", "FOLDER", "no/such/folder/x", "-", "out.npz", "a" * 300 + ".py", "b" * 300]


@st.composite
def command_lines(draw) -> list[str]:
    """``[COMMAND…, SCENARIO, options…]`` with placeholders (FOLDER, BINARY, SESSION, EMPTY,
    OUT) that ``command_line_target`` turns into paths."""
    command = draw(st.sampled_from(sorted(COMMAND_OPTIONS)))
    args = [*command.split(), draw(st.sampled_from(SCENARIOS))]
    options = COMMAND_OPTIONS[command]
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=3, unique=True)):
        value = options[name]
        args += [name] if value is None else [name, draw(value)]
    if command != "scenarios show":
        if draw(st.booleans()):
            args += ["--seed", draw(odd_integers)]
        for _ in range(draw(st.integers(0, 2))):
            args += ["--set", f"{draw(override_keys)}={draw(override_values)}"]
        # last, so that it wins: a run of 10¹² epochs (with a tiny lr, never reaching its loss
        # target) is a long run asked for, not a hang; --steps past 3 epochs is refused
        args += ["--set", "training.epochs=3"]
    return [draw(st.sampled_from(OUTPUTS)) if a == "OUT" else a for a in args]


def _places(folder: Path) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    (folder / "a-folder").mkdir(exist_ok=True)
    binary = folder / "image.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    empty = folder / "empty.toml"
    empty.write_bytes(b"")
    session = folder / "saved.lab.npz"
    with open(session, "wb") as f:
        np.savez(f, header=np.zeros(4, np.uint8))
    return {
        "FOLDER": str(folder / "a-folder"),
        "BINARY": str(binary),
        "EMPTY": str(empty),
        "SESSION": str(session),
    }


def command_line_target(args: list[str], folder: Path) -> None:
    """Run ``backprop-lab ARGS`` in ``folder`` (debug reads 'q' from stdin): exit 0, 1 (a check
    failed) or 3 (training diverged), or 2 with the reason on stderr — one line, or Click's
    usage error — never an exception or a traceback, never past the time bound."""
    import os

    from click.testing import CliRunner

    from tui.cli import main

    places = _places(folder)
    args = [places.get(a, a) for a in args]
    here = os.getcwd()
    os.chdir(folder)
    try:
        with bounded("command line"), np.errstate(all="ignore"):
            result = CliRunner().invoke(main, args, input="q\n", prog_name="backprop-lab")
    finally:
        os.chdir(here)
    shown = f"backprop-lab {' '.join(args)}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{shown}: {type(result.exception).__name__}") from result.exception
    assert "Traceback" not in result.output and "Traceback" not in result.stderr, shown
    assert result.exit_code in (0, 1, 2, 3), (shown, result.exit_code, result.stderr)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert lines, f"{shown}: exit 2 without a reason"
        usage = lines[0].startswith("Usage: ") and lines[-1].startswith("Error: ")
        assert usage or (len(lines) == 1 and lines[0].startswith("backprop-lab: ")), (
            shown,
            result.stderr,
        )
