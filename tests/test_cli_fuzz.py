"""Fuzzing the command lines: ``train``, ``trace``, ``gradcheck``, ``export``, ``scenarios
show`` and ``debug`` with options of the wrong type or size (``--steps 10**20``, ``--eps
1e-300``, seeds of 40 digits, ``-o`` a folder), ``--set`` overrides and scenario paths that are
folders, binary files or saved sessions: each exits 0, 1, 2 (one line on stderr, or Click's
usage error) or 3 — never an exception, never past the time bound. A bounded, deterministic
budget; the campaign in tests/fuzz/ runs thousands (``pytest -m fuzz``)."""

from __future__ import annotations

from fuzzing import ci_budget, command_line_target, command_lines
from hypothesis import given


@ci_budget(120)
@given(args=command_lines())
def test_generated_command_lines_run_or_exit_2_in_one_line(tmp_path, args):
    command_line_target(args, tmp_path)
