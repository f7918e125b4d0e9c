"""The debugger: step through training one event at a time, break on conditions, step back.

``Controller`` (controller.py) is the session both front ends drive: the TUI's Debugger panel and
the line mode (linemode.py, ``backprop-lab debug``). See controller.py for the commands.
"""

from .breakpoints import Breakpoint, Breakpoints, breakpoints_from_scenario, parse_breakpoint
from .conditions import Expression, parse_condition, parse_expression
from .controller import STOP_REASONS, Controller, Stop
from .errors import ConditionError, DebuggerError, EvalError
from .nonfinite import NonFinite, first_non_finite
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
