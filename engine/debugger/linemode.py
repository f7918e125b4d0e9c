"""The line-mode debugger: a pdb-style text REPL over a ``Controller``.

Plain text only (no colours, no cursor movement), so it works over ssh, in a pipe and with a
screen reader: every stop prints the position as a full sentence. It reads commands from any
input stream and writes to any output stream; at the end of the input it exits with status 0, so
a script can drive it::

    printf 'b update@2\\nc\\nexplain 0,1\\nq\\n' | backprop-lab debug xor

When the input is not a terminal, each command is echoed after the prompt so a transcript reads
like an interactive session. An empty line repeats the last motion command, as in pdb.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable

import numpy as np

from ..number_text import count, counted
from .errors import ConditionError, DebuggerError
from .formatting import array, num, to_ascii
from .formatting import value as format_value
from .linemode_commands import (  # noqa: F401 (importable from here, as before)
    COMMANDS,
    EXPRESSION_HELP,
    MAX_DIGITS,
    Command,
    _count,
    _ids,
    _lookup,
    _no_argument,
    _selection,
    _whole,
)
from .linemode_exercises import ExerciseCommands
from .position import KIND_NAMES

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
        except DebuggerError as e:
            self.write(f"*** {e}")
        return False

    # --- showing where we are -----------------------------------------------------------------

    def show_position(self) -> None:
        self.write(f"> {self.ctl.position.sentence()}")
        for line in self.event_summary():
            self.write(f"  {line}")
        for wv in self.ctl.watch_values():
            self.write(f"display {wv.text()}")

    def event_summary(self) -> list[str]:
        """One to three lines with the current event's main numbers."""
        ev = self.ctl.event
        kind = ev.kind
        l = getattr(ev, "l", None)
        sup = _sup(l)
        if kind == "step_start":
            return [f"batch of {counted(ev.batch_size, 'example')}, η = {num(ev.lr)}"]
        if kind == "forward":
            return [f"z{sup} = {_short(ev.z)}", f"a{sup} = {_short(ev.a)}"]
        if kind == "loss":
            text = f"C = {num(ev.value)}"
            if ev.penalty:
                text += f" (data {num(ev.data_loss)} + penalty {num(ev.penalty)})"
            return [text, f"∂C/∂a = {_short(ev.grad_a)}"]
        if kind == "delta":
            return [f"δ{sup} = {_short(ev.delta)}"]
        if kind == "gradient":
            return [f"∂C/∂W{sup} = {_short(ev.grad_W)}", f"∂C/∂b{sup} = {_short(ev.grad_b)}"]
        if kind == "clip":
            changed = ", ".join(map(str, ev.changed)) or "none"
            return [
                f"‖g‖ {num(ev.norm_before)} → {num(ev.norm_after)} (by {ev.mode}, threshold "
                f"{num(ev.threshold)}; layers changed: {changed})"
            ]
        if kind == "update":
            return [
                f"W{sup} ← W{sup} − ΔW{sup}, ΔW{sup} = {_short(ev.step_W)}",
                f"b{sup} ← b{sup} − Δb{sup}, Δb{sup} = {_short(ev.step_b)}",
            ]
        next_lr = self.ctl.view.next_lr  # as the lab's Network panel and explanation show it
        return [
            f"C = {num(ev.loss)}; ‖∂C/∂W‖ by layer: "
            + ", ".join(f"{s.l}: {num(s.grad_norm)}" for s in ev.stats),
            f"the next step's η = {num(next_lr)}",
        ]

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
            else f"stops before {_where(bp)}"
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
        bp_id, count = _ids(parts[0])[0], _whole(parts[1], "COUNT")
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
        for watch_id in _ids(arg):
            watch = self.ctl.unwatch(watch_id)
            self.write(f"Removed display {watch.id}: {watch.text}")

    def do_explain(self, arg):
        select, example = _selection(arg)
        explanation = self.ctl.explain(select, example)
        self.write(explanation.text(ascii=self.ascii, width=self.width or None))

    def do_where(self, arg):
        ctl = self.ctl
        pos = ctl.position
        self.write(f"> {pos.sentence()}")
        self.write(f"Event {pos.index + 1} of {pos.n_events} in step {count(pos.step)}:")
        events = ctl.view.events
        for i, ev in enumerate(events):
            mark = ">" if i == pos.index else " "
            name = KIND_NAMES[ev.kind]
            l = getattr(ev, "l", None)
            n = i + 1  # counted from 1, as "Event k of N" above
            self.write(
                f" {mark} {n:2d} {name}(l={l})" if l is not None else f" {mark} {n:2d} {name}"
            )
        if pos.index + 1 < pos.n_events:
            rest = pos.n_events - pos.index - 1
            self.write(f"      … {rest} more event{'s' if rest != 1 else ''} to come in this step")
        oldest = ctl.timeline.oldest
        self.write(
            f"back can reach step {count(oldest)} (the history keeps "
            f"{counted(ctl.timeline.history, 'step')})"
        )

    def do_list(self, arg):
        ctl = self.ctl
        net = ctl.net
        pos = ctl.position
        mark_layer = pos.layer
        self.write(f"  network: {net.describe()}")
        head = ">" if pos.kind in ("step_start", "step_end") else " "
        state = {"step_start": "start", "step_end": "end"}.get(pos.kind, "in progress")
        self.write(
            f"{head} step {count(pos.step)} (epoch {count(pos.epoch)}, batch {count(pos.batch)}): "
            f"{state}"
        )
        self.write(f"  layer 0  input    {net.n_in:3d} unit{'s' if net.n_in != 1 else ''}")
        bps = [bp for bp in ctl.breakpoints if bp.enabled and bp.layer is not None]
        for layer in net.layers:
            mark = ">" if mark_layer == layer.l else " "
            options = (" batch_norm" if layer.batch_norm else "") + (
                f" dropout={layer.dropout:g}" if layer.dropout else ""
            )
            text = (
                f"{mark} layer {layer.l}  {layer.activation.name:<8} {layer.n_out:3d} "
                f"unit{'s' if layer.n_out != 1 else ' '}  W {layer.n_out}×{layer.n_in}{options}"
            )
            if mark == ">":
                text += f"   <- {pos.event_name()} ({pos.phase} phase)"
            here = [f"b{bp.id} {bp.location()}" for bp in bps if bp.layer == layer.l]
            if here:
                text += "   [" + ", ".join(here) + "]"
            self.write(text)
        mark = ">" if pos.kind == "loss" else " "
        text = f"{mark} loss     {net.loss.name}"
        if mark == ">":
            text += "   <- Loss (end of the forward pass)"
        self.write(text)

    def do_ascii(self, arg):
        if arg not in ("", "on", "off"):
            raise DebuggerError("usage: ascii [on|off]")
        self.ascii = arg != "off"
        self.write(f"ASCII symbols {'on' if self.ascii else 'off'}.")

    def do_help(self, arg):
        if arg in ("expressions", "expr", "conditions"):
            self.write(EXPRESSION_HELP)
            return
        if arg:
            cmd = self.commands.get(arg.lower())
            if cmd is None:
                raise DebuggerError(f"no command {arg!r}; type 'help' for the list")
            names = ", ".join((cmd.name, *cmd.aliases))
            self.write(f"{cmd.usage}    ({names})")
            self.write(f"  {cmd.summary}.")
            if cmd.details:
                for line in cmd.details.splitlines():
                    self.write(f"  {line}")
            return
        self.write("Commands (short names in brackets):")
        for cmd in COMMANDS:
            short = f" [{', '.join(cmd.aliases)}]" if cmd.aliases else ""
            head = cmd.usage + short
            if len(head) > 34:
                self.write(f"  {head}")
                head = ""
            self.write(f"  {head:<34} {cmd.summary}")
        self.write("b is break, as in pdb; back (bk) steps back (the lab's b key steps back).")
        self.write("'help COMMAND' for details, 'help expressions' for conditions and print.")


# --- argument helpers ----------------------------------------------------------------------------


def _width(stdout) -> int:
    """The width of the terminal ``stdout`` is (``$COLUMNS`` first, as the shell sets it);
    0 for a pipe or a file without ``$COLUMNS``: lines are then not wrapped."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
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


def _where(bp) -> str:
    kind = KIND_NAMES[bp.kind] if bp.kind else "any event"
    if bp.layer is None:
        return f"every {kind}" if bp.kind else kind
    return f"{kind} of layer {bp.layer}" if bp.kind else f"any event of layer {bp.layer}"


def _sup(l) -> str:
    from .formatting import sup

    return "" if l is None else sup(l)


def _short(a) -> str:
    """An array on one line when small, else its first row and shape."""
    a = np.asarray(a)
    if a.size <= 8:
        return array(a).replace("\n", "")
    if a.ndim == 2:
        row = array(a[0], max_items=8).replace("\n", "")
        return f"{row} … (first of {a.shape[0]} rows, shape {a.shape})"
    return f"{array(a, max_items=8)} (shape {a.shape})".replace("\n", "")
