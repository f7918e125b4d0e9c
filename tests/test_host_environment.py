"""The tests pass whatever terminal they are run from (``HOST_TERMINAL`` in tests/conftest.py):
a line-debugger test and a snapshot test, run by pytest with ``$COLUMNS`` and ``$NO_COLOR`` set
as a narrow terminal or a colourless shell exports them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_host_terminals_width_and_no_color_do_not_reach_the_tests():
    tests = [
        "tests/debugger/test_debugger_linemode.py::test_a_script_prints_the_expected_positions",
        "tests/tui/test_tui_app_snapshots.py::test_fresh[80x24]",
    ]
    env = {**os.environ, "COLUMNS": "79", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
