"""The line-mode debugger's commands (``Command``: name, short names, usage, help text) and
the parsing of their arguments (counts, breakpoint numbers, explain's selection)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .breakpoints import kinds_to_events
from .errors import DebuggerError


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    usage: str
    summary: str
    details: str = ""
    motion: bool = False


COMMANDS: list[Command] = [
    Command("step", ("s",), "step [N]", "the next event (N events on)", motion=True),
    Command(
        "next",
        ("n",),
        "next",
        "the next layer: the same kind of event, one layer on",
        "Delta(l=3) → Delta(l=2), Forward(l=1) → Forward(l=2), Update(l=1) → Update(l=2);\n"
        "where no layer follows (Forward(l=L), Delta(l=1), …) and for StepStart, Loss, Clip\n"
        "and StepEnd, the next event, as step does.",
        motion=True,
    ),
    Command(
        "finish",
        ("f",),
        "finish",
        "to the end of the current phase",
        "forward → Loss; backward → Gradient(l=1); update → the last Update; at the end of a\n"
        "phase, to the end of the next one (after the update phase: StepEnd).",
        motion=True,
    ),
    Command(
        "nextbatch",
        ("nb", "batch"),
        "nextbatch",
        "to the end of this step (its batch's updates applied)",
        "At a StepEnd: to the end of the next step.",
        motion=True,
    ),
    Command(
        "epoch",
        ("e", "nextepoch"),
        "epoch",
        "to the end of this epoch",
        "To the StepEnd of the epoch's last batch; there: to the end of the next epoch.",
        motion=True,
    ),
    Command(
        "continue",
        ("c", "cont"),
        "continue",
        "run until a breakpoint, a NaN/inf or the end of training",
        "Runs at full speed when no breakpoint needs the event stream. Ctrl-C interrupts.",
        motion=True,
    ),
    Command(
        "run",
        ("r",),
        "run N",
        "complete N steps",
        "From a StepEnd, the next N steps; mid-step, the current step counts as the first.",
        motion=True,
    ),
    Command(
        "until",
        ("u",),
        "until CONDITION",
        "run until CONDITION is true at the end of a step",
        "e.g. until loss < 0.1   ·   until grad_norm@1 < 1e-6   (see help expressions)",
        motion=True,
    ),
    Command(
        "back",
        ("bk",),
        "back [N]",
        "N events back (default 1), also into earlier steps",
        "Moving forward again reproduces exactly the same numbers. Only the recent steps are\n"
        "kept (debug --history N).",
        motion=True,
    ),
    Command("restart", (), "restart", "back to step 1: the same run again (same seed)"),
    Command(
        "extend",
        (),
        "extend N",
        "train N more epochs after training has finished",
        "Training ends at training.epochs, stop.loss_below or stop.patience, and no motion goes\n"
        "past that end. extend N moves the end N epochs on; a stop rule that ended training\n"
        "no longer stops it. Not after a divergence: go back before it instead.",
    ),
    Command(
        "break",
        ("b",),
        "break [WHERE] [if CONDITION] | break CONDITION",
        "set a breakpoint; with no argument list them",
        "WHERE is an event kind, optionally with a layer: update@{last} (before the Update of\n"
        "layer {last}, shown as Update(l={last})), delta, @1 (any event of layer 1). The kinds\n"
        "and the events they stop before:\n"
        + "".join(f"  {line}\n" for line in kinds_to_events(per_line=4))
        + "A condition alone (grad_norm@1 < 1e-6) is checked at the end of each step; after\n"
        "'if' it is checked when the event comes. Breakpoint 0 stops at the first NaN/inf\n"
        "(disable 0 to turn it off).",
    ),
    Command("tbreak", (), "tbreak WHERE|CONDITION", "a breakpoint deleted after its first stop"),
    Command("clear", ("cl",), "clear [N ...]", "delete breakpoints N (no argument: all)"),
    Command("disable", (), "disable N [N ...]", "disable breakpoints"),
    Command("enable", (), "enable N [N ...]", "enable breakpoints"),
    Command("ignore", (), "ignore N COUNT", "pass over the next COUNT hits of breakpoint N"),
    Command(
        "print",
        ("p",),
        "print EXPR",
        "the value of an expression here",
        "e.g. p W@{last}[0,0]   p delta@{last}   p grad_norm   p a@1[0]   (see help expressions)",
    ),
    Command("display", ("disp",), "display [EXPR]", "show EXPR at every stop; no argument: list"),
    Command("undisplay", (), "undisplay [N ...]", "remove displays N (no argument: all)"),
    Command(
        "explain",
        ("x",),
        "explain [J | J,K] [example I]",
        "the current event's equation with its numbers",
        "J selects a unit (Forward, Loss, Delta; for Gradient and Update: the bias b[J]); J,K\n"
        "the weight W[J,K]. Units, weights and examples count from 0, layers from 1. Without\n"
        "J: unit 0, or where the event holds a NaN or ±inf, the first such value's.",
    ),
    Command(
        "exercise",
        ("ex",),
        "exercise [N]",
        "the scenario's exercises; exercise N poses one and reads your answers",
        "The debugger moves to just before the exercise's event; type a number (within the\n"
        "exercise's tolerance it is right), 'reveal' for the answer, or 'skip' to look around\n"
        "first. Then the debugger steps onto the event and prints the worked equation.",
    ),
    Command("answer", (), "answer NUMBER", "answer the open exercise"),
    Command("reveal", (), "reveal", "the open exercise's answer and its worked equation"),
    Command("where", ("w",), "where", "the position and the events of this step so far"),
    Command("list", ("l",), "list", "the network, with the current position marked"),
    Command("ascii", (), "ascii [on|off]", "plain ASCII symbols (delta[2][1]) instead of δ²₁"),
    Command("help", ("h", "?"), "help [COMMAND | expressions]", "this list, or one command"),
    Command("quit", ("q", "exit"), "quit", "leave the debugger"),
]

EXPRESSION_HELP = """Expressions (conditions, until, print, display):
  numbers: loss, loss_change, step, epoch, batch, lr
    loss is this step's from its Loss event on, before it the last step's; before step 1's
    Loss event it is not known yet (nor loss_change before step 2's): print says so, and a
    condition that reads it is false there (it does not stop)
  numbers of this step's events, as the lab's Debugger panel names them: batch_size,
    data_loss, penalty (loss = data_loss + penalty), threshold, norm_before, norm_after
    (Clip), t (the optimizer's step count, from the first Update)
  per layer, statistics of the last completed step: grad_norm, delta_mean_abs,
    weight_norm (|W| after the update), update_ratio (|step_W| / |W| before the update),
    saturated_fraction, dead_fraction, act_mean, act_std
  per layer, arrays of this step: W, b (in force), z, a, a_prev, mask, delta, from_above,
    local_slope, grad_W, grad_b, grad_W_penalty, W_new, b_new, step_W, step_b; a@0 = x is
    the input batch; y (targets), grad_a (∇ₐC: dC/da of the output)
    grad_W, grad_b are the Gradient event's: before clipping (an Update's explain uses the
    clipped gradient, which has no name here)
  batch norm, layers with batch_norm only: gamma, beta (in force), z_hat, batch_mean,
    batch_var (Forward), grad_z_hat (Delta), grad_gamma, grad_beta (Gradient), step_gamma,
    step_beta, gamma_new, beta_new (Update)
  prelu layers only: alpha (in force), grad_alpha (Gradient), step_alpha, alpha_new (Update)
  name@l selects layer l; without @ a comparison is true if it holds for ANY layer
  index arrays from 0, or from the end with -1: W@{last}[0,0], a@1[0], W@1[-1,0]
  compare: < <= > >= == !=   combine: and or not ( )   arithmetic: + - * /
  nan, inf: loss == nan, nan(loss), inf(grad_norm@1), finite(W@{last})
  functions: abs, max, min, mean, sum, norm (of an array)
Conditions alone are checked at the end of each step."""


def _lookup() -> dict[str, Command]:
    table = {}
    for cmd in COMMANDS:
        table[cmd.name] = cmd
        for alias in cmd.aliases:
            table[alias] = cmd
    return table


MAX_DIGITS = 12  # counts, breakpoint numbers and indices: far past any run, and below Python's
# int-string limit (4300 digits), which would otherwise raise from int()


def _whole(text: str, what: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise DebuggerError(f"{what} must be a whole number, got {text[:30]!r}")
    if len(text) > MAX_DIGITS:
        raise DebuggerError(f"{what} has {len(text)} digits; at most {MAX_DIGITS} are allowed")
    return int(text)


def _count(arg: str, command: str, least: int = 1) -> int:
    """``command``'s count ``arg``: a whole number ≥ ``least``, 1 when there is none. A count
    too small, 0 or a negative one (``run -3``), is told so in the same words by every command."""
    if not arg:
        return 1
    negative = re.fullmatch(r"-\d+", arg) is not None
    n = _whole(arg.removeprefix("-") if negative else arg, f"{command}'s count")
    if negative:
        n = -n
    if n < least:
        raise DebuggerError(f"{command} takes a count ≥ {least}, got {arg[:30]}")
    return n


def _no_argument(arg: str, command: str) -> None:
    if arg:
        raise DebuggerError(f"{command} takes no argument (got {arg!r}); see 'help {command}'")


def _ids(arg: str, required: str | None = None, what: str = "breakpoint") -> list[int]:
    parts = arg.replace(",", " ").split()
    if not parts and required:
        raise DebuggerError(f"{required} needs {what} numbers, e.g. {required} 1")
    return [_whole(p, f"a {what} number") for p in parts]


def _selection(arg: str) -> tuple[tuple[int, ...] | None, int]:
    """``"0,1 example 2"`` → ((0, 1), 2)."""
    example = 0
    m = re.search(r"\b(?:example|ex)\s+(\S+)\s*$", arg)
    if m:
        example = _whole(m.group(1), "the example")
        arg = arg[: m.start()].strip()
    if not arg:
        return None, example
    if not re.fullmatch(r"\d+(\s*,\s*\d+)?", arg):
        raise DebuggerError(
            f"explain takes a unit J or a weight J,K (and 'example I'), got {arg!r}"
        )
    return tuple(_whole(p.strip(), "a unit or weight index") for p in arg.split(",")), example
