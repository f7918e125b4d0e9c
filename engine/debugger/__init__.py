"""The debugger: step through training one event at a time, break on conditions, step back.

``Controller`` (controller.py) is the session both front ends drive: the TUI's Debugger panel and
the line mode (linemode.py, ``backprop-lab debug``). Its API:

- where: ``position`` (``Position``: step, epoch, batch, index, n_events, event, kind, phase,
  layer, ``sentence()``), ``event``, ``view`` (the values at the position), ``record``,
  ``history()``;
- motions, each returning a ``Stop`` (reason, position, message, breakpoints, details):
  ``step(n)``, ``next()``, ``finish()``, ``next_batch()``, ``next_epoch()``, ``cont()``,
  ``run(n)``, ``until(condition)``, ``back(n)``, ``restart()``; ``interrupt()`` from another
  thread; ``release()`` before snapshotting the trainer;
- breakpoints: ``add_breakpoint(text, temporary=, ignore=, enabled=)``,
  ``load_breakpoints(scenario_entries)``, ``clear_breakpoint(id)``, ``enable_breakpoint(id)``,
  ``disable_breakpoint(id)``, ``ignore_breakpoint(id, n)``, ``breakpoints`` (iterable);
- values: ``evaluate(text)``, ``watch(text)``, ``unwatch(id)``, ``watch_values()``,
  ``explain(select, example)`` (``explain.Explanation``: ``lines``, ``terms``, ``text()``);
- listeners: ``on_step(fn(record))``, ``on_rewind(fn(step))``.

Languages: breakpoints.py (``update@2 if loss > 1``), conditions.py (expressions). Errors:
``ConditionError`` (with a column for a caret), ``DebuggerError``, ``EvalError`` and its case
``NotKnownYet`` (a value the run has not reached: a condition on it is false).
"""

from ..nonfinite import NonFinite, first_non_finite
from .breakpoints import Breakpoint, Breakpoints, breakpoints_from_scenario, parse_breakpoint
from .conditions import Expression, parse_condition, parse_expression
from .controller import STOP_REASONS, Controller, Stop
from .errors import ConditionError, DebuggerError, EvalError, NotKnownYet
from .position import Position
from .timeline import StepRecord
from .view import View
from .watches import Watch, WatchValue

__all__ = [
    "STOP_REASONS",
    "Breakpoint",
    "Breakpoints",
    "ConditionError",
    "Controller",
    "DebuggerError",
    "EvalError",
    "Expression",
    "NonFinite",
    "NotKnownYet",
    "Position",
    "StepRecord",
    "Stop",
    "View",
    "Watch",
    "WatchValue",
    "breakpoints_from_scenario",
    "first_non_finite",
    "parse_breakpoint",
    "parse_condition",
    "parse_expression",
]
