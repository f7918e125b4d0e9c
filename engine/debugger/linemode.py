"""The line-mode debugger: a pdb-style text REPL over a ``Controller``.

Plain text only (no colours, no cursor movement), so it works over ssh, in a pipe and with a
screen reader: every stop prints the position as a full sentence. It reads commands from any
input stream and writes to any output stream; at the end of the input it exits with status 0, so
a script can drive it::

    printf 'b update@2\\nc\\nexplain 0,1\\nq\\n' | backprop-lab debug xor

When the input is not a terminal, each command is echoed after the prompt so a transcript reads
like an interactive session. An empty line repeats the last motion command, as in pdb.

This module is the loop and the commands' actions on the controller; the commands' table and
the parsing of their arguments are in ``linemode_commands.py``, the text it prints about the
position (the event's numbers, ``where``, ``list``) in ``linemode_text.py``, and ``exercise``
in ``linemode_exercises.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import textwrap
import threading
from collections.abc import Callable

from .errors import ConditionError, DebuggerError
from .formatting import cells, to_ascii
from .formatting import value as format_value
from .linemode_commands import (
    COMMANDS,
    EXPRESSION_HELP,
    _count,
    _ids,
    _lookup,
    _no_argument,
    _selection,
)
from .linemode_exercises import ExerciseCommands
from .linemode_text import breakpoint_place, event_summary, network_listing, step_events
from .non_finite_target import non_finite_target

PROMPT = "(bpl) "


class LineMode(ExerciseCommands):
    """The REPL. ``run()`` reads commands until ``quit`` or the end of input; returns 0.
    ``exercises``: the scenario's (``engine.debugger.exercises.Exercise``), for ``exercise``."""

    def __init__(
        self,
        controller,
        stdin,
        stdout,
        *,
        ascii: bool = False,
        title: str | None = None,
        echo: bool | None = None,
        extend: Callable[[int], str] | None = None,
        width: int | None = None,
        exercises=(),
    ):
        """``extend(n)``: lets finished training go on for n more epochs, returning a sentence
        (``engine.debugger.follow.extend``); None when the session cannot be extended."""
        self.ctl = controller
        self.extend = extend
        self.stdin = stdin
        self.stdout = stdout
        self.ascii = ascii
        self.title = title
        self.echo = (not _isatty(stdin)) if echo is None else echo
        self.width = _width(stdout) if width is None else width
        """Columns equations are wrapped to (0: not wrapped): the terminal's, or $COLUMNS."""
        self.commands = _lookup()
        self.last_motion: str | None = None
        self.exercises = tuple(exercises)

    # --- output -------------------------------------------------------------------------------

    def write(self, text: str = "") -> None:
        if self.ascii:
            text = to_ascii(text)
        self.stdout.write(text + "\n")

    def write_wrapped(self, text: str, hang: int | None = None) -> None:
        """``text`` with each line wider than the terminal broken at spaces, never inside a
        word; a continuation is indented ``hang`` cells (default: as its line is)."""
        for line in text.splitlines() or [""]:
            if not self.width or cells(line) <= self.width:
                self.write(line)
                continue
            indent = " " * (len(line) - len(line.lstrip(" ")) if hang is None else hang)
            wrapped = textwrap.wrap(
                line,
                self.width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            self.write("\n".join(wrapped))

    def flush(self) -> None:
        with contextlib.suppress(AttributeError, ValueError):
            self.stdout.flush()

    # --- the loop -----------------------------------------------------------------------------

    def run(self) -> int:
        if self.title:
            self.write(self.title)
        self.write("Type 'help' for the commands, 'q' to quit.")
        self.show_position()
        while True:
            try:
                line = self.read_line()
            except KeyboardInterrupt:
                self.write("\n--KeyboardInterrupt-- (type q to quit)")
                continue
            if not line:
                if not self.echo:
                    self.stdout.write("\n")
                self.flush()
                return 0
            if self.echo:
                self.stdout.write(line if line.endswith("\n") else line + "\n")
            if self.onecmd(line.rstrip("\n")):
                self.flush()
                return 0
            self.flush()

    def read_line(self, prompt: str = PROMPT) -> str:
        """The next command line ("" at the end of input). At a terminal (the process's own
        stdin and stdout) through ``input()``, so readline gives line editing and history
        (arrow keys) as in pdb; otherwise straight from the stream."""
        if self.stdin is sys.stdin and self.stdout is sys.stdout and _isatty(sys.stdin):
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (input() uses it once imported)
            try:
                return input(prompt) + "\n"
            except EOFError:
                return ""
        self.stdout.write(prompt)
        self.flush()
        return self.stdin.readline()

    def onecmd(self, line: str) -> bool:
        """Run one command line; True when it asks to quit."""
        line = line.strip()
        if not line:
            if self.last_motion is None:
                return False
            line = self.last_motion
        if line.startswith("#"):
            return False
        word, _, arg = line.partition(" ")
        cmd = self.commands.get(word.lower())
        if cmd is None:
            self.write(f"*** Unknown command {word!r}. Type 'help' to see the commands.")
            return False
        if cmd.name == "quit":
            return True
        if cmd.motion:
            self.last_motion = line
        try:
            getattr(self, "do_" + cmd.name)(arg.strip())
        except ConditionError as e:
            self.write(e.caret("    "))
            if e.message.startswith("unknown name"):
                self.write("    'help expressions' lists the names and functions.")
        except DebuggerError as e:
            self.write_wrapped(f"*** {e}", hang=4)  # a long reason, not cut mid-word
        return False

    # --- showing where we are -----------------------------------------------------------------

    def show_position(self) -> None:
        self.write_wrapped(f"> {self.ctl.position.sentence()}", hang=2)
        for line in event_summary(self.ctl):
            self.write(f"  {line}")
        for wv in self.ctl.watch_values():
            self.write(f"display {wv.text()}")

    def report(self, stop) -> None:
        if stop.message:
            self.write(stop.message + self._end_hint(stop))
        if stop.reason in ("history", "finished"):
            return
        self.show_position()

    def _end_hint(self, stop) -> str:
        """What can be done at the end of training: extend it, or go back before a divergence."""
        if stop.reason not in ("end", "finished"):
            return ""
        if "diverged" in stop.message:
            return " 'back N' or 'restart' goes back before it."
        if self.extend is None:
            return ""
        return " 'extend N' trains N more epochs."

    # --- motion commands ----------------------------------------------------------------------

    def _motion(self, fn: Callable, *args) -> None:
        self.report(self._interruptible(fn, *args))

    def _interruptible(self, fn, *args):
        """Run ``fn``; Ctrl-C (in the main thread) stops it cleanly at the next event or step."""
        if threading.current_thread() is not threading.main_thread():
            return fn(*args)
        self.ctl.clear_interrupt()  # a Ctrl-C that came after the last motion ended
        previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, lambda signum, frame: self.ctl.interrupt())
        try:
            return fn(*args)
        finally:
            signal.signal(signal.SIGINT, previous)

    def do_step(self, arg):
        self._motion(self.ctl.step, _count(arg, "step"))

    def do_next(self, arg):
        _no_argument(arg, "next")
        self._motion(self.ctl.next)

    def do_finish(self, arg):
        _no_argument(arg, "finish")
        self._motion(self.ctl.finish)

    def do_nextbatch(self, arg):
        _no_argument(arg, "nextbatch")
        self._motion(self.ctl.next_batch)

    def do_epoch(self, arg):
        _no_argument(arg, "epoch")
        self._motion(self.ctl.next_epoch)

    def do_continue(self, arg):
        _no_argument(arg, "continue")
        self._motion(self.ctl.cont)

    def do_run(self, arg):
        if not arg:
            raise DebuggerError("run needs a number of steps, e.g. run 10")
        self._motion(self.ctl.run, _count(arg, "run"))

    def do_until(self, arg):
        if not arg:
            raise DebuggerError("until needs a condition, e.g. until loss < 0.1")
        self._motion(self.ctl.until, arg)

    def do_back(self, arg):
        self._motion(self.ctl.back, _count(arg, "back"))

    def do_restart(self, arg):
        _no_argument(arg, "restart")
        self.report(self.ctl.restart())

    def do_extend(self, arg):
        if self.extend is None:
            raise DebuggerError("this debugger session cannot extend training")
        if not arg:
            raise DebuggerError("extend needs a number of epochs, e.g. extend 100")
        self.write(self.extend(_count(arg, "extend")))

    # --- breakpoints --------------------------------------------------------------------------

    def do_break(self, arg, temporary=False):
        if not arg:
            self.write("Num Type   Enabled  Where / condition")
            for bp in self.ctl.breakpoints:
                self.write(bp.describe())
            return
        bp = self.ctl.add_breakpoint(arg, temporary=temporary)
        kind = "Temporary breakpoint" if temporary else "Breakpoint"
        when = (
            "checked at the end of each step"
            if not bp.has_location
            else f"stops before {breakpoint_place(bp)}"
        )
        self.write(f"{kind} {bp.id}: {bp.spec()} ({when})")

    def do_tbreak(self, arg):
        if not arg:
            raise DebuggerError("tbreak needs a location or a condition, e.g. tbreak update@2")
        self.do_break(arg, temporary=True)

    def do_clear(self, arg):
        if not arg:
            self.ctl.breakpoints.clear_all()
            self.write("Deleted all breakpoints (breakpoint 0 stays; disable 0 turns it off).")
            return
        for bp_id in _ids(arg):
            bp = self.ctl.clear_breakpoint(bp_id)
            self.write(f"Deleted breakpoint {bp.id}: {bp.spec()}")

    def do_disable(self, arg):
        for bp_id in _ids(arg, required="disable"):
            bp = self.ctl.disable_breakpoint(bp_id)
            self.write(f"Disabled breakpoint {bp.id}: {bp.spec()}")

    def do_enable(self, arg):
        for bp_id in _ids(arg, required="enable"):
            bp = self.ctl.enable_breakpoint(bp_id)
            self.write(f"Enabled breakpoint {bp.id}: {bp.spec()}")

    def do_ignore(self, arg):
        parts = arg.split()
        if len(parts) != 2:
            raise DebuggerError("usage: ignore N COUNT")
        bp_id, count = _ids(parts[0])[0], _count(parts[1], "ignore", least=0)
        bp = self.ctl.ignore_breakpoint(bp_id, count)
        self.write(
            f"Breakpoint {bp.id} will pass over its next {count} hit{'s' if count != 1 else ''}."
        )

    # --- values -------------------------------------------------------------------------------

    def do_print(self, arg):
        if not arg:
            raise DebuggerError("print needs an expression, e.g. p W@2[0,1] (see help expressions)")
        shown = format_value(self.ctl.evaluate(arg))
        self.write(f"{arg} =\n{shown}" if "\n" in shown else f"{arg} = {shown}")

    def do_display(self, arg):
        if not arg:
            if not len(self.ctl.watches):
                self.write("No displays.")
            for wv in self.ctl.watch_values():
                self.write(f"display {wv.text()}")
            return
        watch = self.ctl.watch(arg)
        for wv in self.ctl.watch_values():
            if wv.watch.id == watch.id:
                self.write(f"display {wv.text()}")

    def do_undisplay(self, arg):
        if not arg:
            self.ctl.watches.clear()
            self.write("Removed all displays.")
            return
        for watch_id in _ids(arg, what="display"):
            watch = self.ctl.unwatch(watch_id)
            self.write(f"Removed display {watch.id}: {watch.text}")

    def do_explain(self, arg):
        select, example = _selection(arg)
        if not arg.strip():  # at a non-finite value: its unit or weight, as the lab selects it
            target = non_finite_target(self.ctl.event, self.ctl.L)
            if target is not None:
                select = target.weight or (target.unit,)
                example = target.example or 0
        explanation = self.ctl.explain(select, example)
        self.write(explanation.text(ascii=self.ascii, width=self.width or None))

    def do_where(self, arg):
        for line in step_events(self.ctl):
            self.write(line)

    def do_list(self, arg):
        for line in network_listing(self.ctl):
            self.write(line)

    def do_ascii(self, arg):
        if arg not in ("", "on", "off"):
            raise DebuggerError("usage: ascii [on|off]")
        self.ascii = arg != "off"
        self.write(f"ASCII symbols {'on' if self.ascii else 'off'}.")

    def do_help(self, arg):
        # the examples name layers this network has: the last one and 1
        layers = {"last": self.ctl.L}
        if arg in ("expressions", "expr", "conditions"):
            self.write_wrapped(EXPRESSION_HELP.format(**layers))
            return
        if arg:
            cmd = self.commands.get(arg.lower())
            if cmd is None:
                raise DebuggerError(f"no command {arg!r}; type 'help' for the list")
            names = ", ".join((cmd.name, *cmd.aliases))
            self.write_wrapped(f"{cmd.usage}    ({names})", hang=2)
            self.write_wrapped(f"  {cmd.summary}.")
            if cmd.details:
                for line in cmd.details.format(**layers).splitlines():
                    self.write_wrapped(f"  {line}")
            return
        self.write("Commands (short names in brackets):")
        for cmd in COMMANDS:
            short = f" [{', '.join(cmd.aliases)}]" if cmd.aliases else ""
            head = cmd.usage + short
            if len(head) > 34:
                self.write(f"  {head}")
                head = ""
            self.write_wrapped(f"  {head:<34} {cmd.summary}", hang=37)
        self.write_wrapped(
            "b is break, as in pdb; back (bk) steps back (the lab's b key steps back)."
        )
        self.write_wrapped(
            "'help COMMAND' for details, 'help expressions' for conditions and print."
        )


# --- the terminal --------------------------------------------------------------------------------


def _width(stdout) -> int:
    """The width of the terminal ``stdout`` is (``$COLUMNS`` first, as the shell sets it);
    0 for a pipe or a file without ``$COLUMNS``: lines are then not wrapped."""
    columns = os.environ.get("COLUMNS", "")
    if re.fullmatch(r"[0-9]{1,5}", columns) and int(columns) > 0:  # not str.isdigit: '²'
        return int(columns)
    try:
        return os.get_terminal_size(stdout.fileno()).columns if _isatty(stdout) else 0
    except (AttributeError, ValueError, OSError):
        return 0


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
