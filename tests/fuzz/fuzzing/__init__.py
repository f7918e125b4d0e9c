"""Fuzz targets shared by the bounded fuzz tests that CI runs and the campaign in ``tests/fuzz/``.

Everything the lab parses is a target: scenario files (with ``--set`` overrides, built into a run
that takes a step), CSV and ``.npz`` data files (read and prepared for a loss), session files
(loaded, then stepped and trained), debugger expressions (parsed, evaluated at several
positions, printed, and used as breakpoints), the line-mode debugger's command scripts, changes
while it trains (the lab's dialogs' values), trace files (read back by ``read_trace``) and the
command lines that run them (``train``, ``trace``, ``gradcheck``, ``export``, …). Each target
asserts the one promise of issue 16: every input is accepted, or refused with the project's own
error in one line — never another exception, never longer than ``TIME_BOUND`` seconds (a hang is
cut by an alarm and fails).

``TRIED`` counts the inputs each target was given (the campaign reports them). The targets and
their input strategies are in this package's modules, one per parser; all are exported here.
"""

from __future__ import annotations

import contextlib
import signal
from collections import Counter

from hypothesis import HealthCheck, settings

TIME_BOUND = 10.0  # seconds for one input, on a busy two-core machine
TRIED: Counter = Counter()


class TooSlow(BaseException):
    """An input took longer than ``TIME_BOUND`` (not an Exception, so that the lab's own
    ``except Exception`` recovery cannot swallow it)."""


@contextlib.contextmanager
def bounded(target: str, seconds: float = TIME_BOUND):
    """Count an input of ``target`` and fail it when it takes longer than ``seconds``."""
    TRIED[target] += 1

    def expire(signum, frame):
        raise TooSlow(f"{target}: one input took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def ci_budget(examples: int) -> settings:
    """The settings of a fuzz test that CI runs: ``examples`` inputs, the same ones every run
    (derandomized, no example database), no deadline (the time bound is ``bounded``'s)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def one_line(error: BaseException, *, starts: str = "") -> None:
    """The project's refusal: a non-empty message on one line (starting with ``starts``)."""
    text = str(error)
    assert text.strip(), f"{type(error).__name__} with an empty message"
    assert "\n" not in text, f"a message of several lines: {text!r}"
    assert "Traceback" not in text
    assert text.startswith(starts), f"{text!r} does not start with {starts!r}"


from .command_lines import command_line_target, command_lines  # noqa: E402
from .data_files import csv_files, data_file_target, data_sections, npz_files  # noqa: E402
from .debug_scripts import debug_script_target, debug_scripts  # noqa: E402
from .expressions import condition_target, conditions, expressions  # noqa: E402
from .live_changes import live_change_target, live_changes  # noqa: E402
from .scenario_files import (  # noqa: E402
    DOCUMENTS,
    PRESET_SOURCES,
    SMALL_PRESETS,
    mutated_documents,
    mutated_texts,
    override_keys,
    override_values,
    scenario_target,
)
from .session_files import (  # noqa: E402
    session_bases,
    session_files,
    session_in_lab_target,
    session_target,
)
from .trace_files import trace_target, trace_texts  # noqa: E402

__all__ = [
    "DOCUMENTS",
    "PRESET_SOURCES",
    "SMALL_PRESETS",
    "TIME_BOUND",
    "TRIED",
    "TooSlow",
    "bounded",
    "ci_budget",
    "command_line_target",
    "command_lines",
    "condition_target",
    "conditions",
    "csv_files",
    "data_file_target",
    "data_sections",
    "debug_script_target",
    "debug_scripts",
    "expressions",
    "live_change_target",
    "live_changes",
    "mutated_documents",
    "mutated_texts",
    "npz_files",
    "one_line",
    "override_keys",
    "override_values",
    "scenario_target",
    "session_bases",
    "session_files",
    "session_in_lab_target",
    "session_target",
    "trace_target",
    "trace_texts",
]
