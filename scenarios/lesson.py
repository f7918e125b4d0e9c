"""Lesson actions: links in a scenario's lesson that drive the lab.

A lesson is Markdown. A link whose address starts with ``lab:`` is an action the learner triggers
from the lab's Lesson pane (a click, or enter on it)::

    [show the dead fraction](lab:stat/dead_fraction)
    [explain δ²₀](lab:explain/delta@2/0)

The actions are a closed set with typed arguments (``ACTIONS``), checked when the scenario loads:
an unknown action or a bad argument is a ``ScenarioError`` naming the file and the line. Parsing
only reads the text; nothing in a lesson is ever evaluated or called.

=========================  ==========================================================
``stat/NAME``              the Gradients panel shows statistic NAME
``log/on``, ``log/off``    the Loss panel's log scale on or off
``panel/NAME``             show panel NAME (network, loss, gradients, debugger, data)
``select/L/J``             select unit j of layer l for the Debugger's equation
``select/L/J,K``           select the weight Wˡⱼₖ (from input k to unit j)
``goto/WHERE``             the Debugger to the next event WHERE (``delta@2``, ``loss``)
``explain/WHERE/J[,K]``    ``goto`` and ``select``: the equation of unit j (weight j,k) there
``break/SPEC``             add a breakpoint (the debugger's syntax; ``%20`` for a space)
``run``                    train until a breakpoint or the end (as space)
``run/epoch``              to the end of the epoch (as e)
``run/step/N``             train until step N is complete
``run/until/CONDITION``    train until CONDITION holds at the end of a step
``compare``                open the comparison with the scenario's ``compare`` preset
``compare/NAME``           … with preset NAME
``exercise/N``             start exercise N of the scenario's ``[[exercises]]``
``open/NAME[/SET…]``       open preset NAME, each further part a ``--set`` override
=========================  ==========================================================

Layers count from 1, units and weights from 0, exercises from 1 — as everywhere in the lab.
Each action notes the panel its sentence names (``LessonAction.panel``): where a ``run``'s effect
is to be watched ("**Watch** the Gradients panel: after [one step](lab:run/step/1) …").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from engine.debugger.explain.select import units

from . import overrides
from .errors import did_you_mean, one_of
from .open_words import describe_open
from .panel_names import panels_named

STATS: dict[str, str] = {
    "grad_norm": "‖∂C/∂W‖",
    "delta_mean_abs": "mean |δ|",
    "update_ratio": "‖ΔW‖/‖W‖",
    "dead_fraction": "dead fraction",
    "saturated_fraction": "saturated fraction",
}
"""The per-layer statistics the lab's Gradients panel shows (``engine.stats.LayerStats``
field → its label there): the lab's ``tui.view.STATS`` is this table."""

PANELS = ("network", "loss", "gradients", "debugger", "data")
"""The lab's panels (``tui.app.PANELS``; a test keeps the two equal)."""

EXPLAINED_KINDS = ("forward", "loss", "delta", "gradient", "update")
"""Events whose equation is about one unit (forward, loss, delta) or one weight or bias."""


@dataclass(frozen=True)
class LessonAction:
    """One action of a lesson: ``number`` counts the lesson's actions from 1 in reading order,
    ``text`` is the link's text, ``name`` a key of ``ACTIONS``, ``args`` its typed arguments,
    ``line`` the line of the lesson (from 1) where the link is, ``panel`` the panel its sentence
    names (``panel_named``), if any, ``here`` the scenario whose lesson it is, when known."""

    number: int
    text: str
    name: str
    args: tuple
    href: str
    line: int
    panel: str | None = None

    here: str | None = None

    def describe(self) -> str:
        """What triggering it does, in a few words."""
        return ACTIONS[self.name].describe(self.args, self.here)


@dataclass(frozen=True)
class Context:
    """What an action's arguments are checked against: the network's layer sizes n¹…nᴸ
    (None: not checked), n⁰ when known, the number of exercises, the ``compare`` default,
    the preset names and the name of the scenario whose lesson it is."""

    sizes: tuple[int, ...] | None = None
    inputs: int | None = None
    exercises: int | None = None
    compare: str | None = None
    presets: tuple[str, ...] = ()
    name: str | None = None

    @property
    def L(self) -> int | None:
        return None if self.sizes is None else len(self.sizes)


class ActionError(ValueError):
    """A bad action; the message says what is allowed."""


@dataclass(frozen=True)
class Action:
    """One action: its forms (for messages and the documentation), what it does, the parser of
    its arguments (the parts of the address after the name), and its description in the Lesson
    panel's list: of its arguments, and the name of the scenario whose lesson it is (or None)."""

    forms: tuple[str, ...]
    doc: str
    parse: Callable[[list[str], Context], tuple]
    describe: Callable[[tuple, str | None], str]


# --- argument parsers ---------------------------------------------------------------------------

_WHOLE = re.compile(r"\d{1,9}")


def _whole(text: str, what: str, lo: int = 0) -> int:
    if not _WHOLE.fullmatch(text):
        raise ActionError(f"{what} must be a whole number, got {text[:30]!r}")
    n = int(text)
    if n < lo:
        raise ActionError(f"{what} must be ≥ {lo}, got {n}")
    return n


def _count(parts: list[str], n: int, usage: str) -> None:
    if len(parts) != n:
        raise ActionError(f"expected {usage}")


def _layer(text: str, ctx: Context) -> int:
    l = _whole(text, "the layer", 1)
    if ctx.L is not None and l > ctx.L:
        raise ActionError(f"layer {l} does not exist; the network has layers 1…{ctx.L}")
    return l


def _indices(text: str, l: int, ctx: Context, kinds: tuple[int, ...] = (1, 2)) -> tuple[int, ...]:
    """``J`` (a unit of layer l) or ``J,K`` (the weight from input k to unit j)."""
    parts = text.split(",")
    if len(parts) not in kinds:
        want = " or ".join(("J (a unit)", "J,K (a weight)")[n - 1] for n in kinds)
        raise ActionError(f"expected {want}, got {text[:30]!r}")
    j = _whole(parts[0].strip(), "the unit J")
    if ctx.sizes is not None and j >= ctx.sizes[l - 1]:
        n = ctx.sizes[l - 1]
        raise ActionError(f"unit {j} does not exist; layer {l} has {units(n)}")
    if len(parts) == 1:
        return (j,)
    k = _whole(parts[1].strip(), "the input K")
    n_in = ctx.inputs if l == 1 else (None if ctx.sizes is None else ctx.sizes[l - 2])
    if n_in is not None and k >= n_in:
        raise ActionError(f"input {k} does not exist; layer {l} has {n_in} inputs (0…{n_in - 1})")
    return (j, k)


def _event(text: str, ctx: Context, kinds=None) -> tuple[str, int | None]:
    """``delta@2``, ``loss``: an event kind (the debugger's names) and its layer."""
    from engine.debugger.breakpoints import PER_STEP_KINDS, parse_location
    from engine.debugger.errors import ConditionError

    try:
        kind, layer, end = parse_location(text, ctx.L)
    except ConditionError as e:
        raise ActionError(f"{text!r}: {e.message}") from None
    if kind is None or end != len(text):
        allowed = kinds or ("step_start", "forward", "loss", "delta", "gradient", "clip")
        raise ActionError(
            f"{text[:30]!r} is not an event; write KIND@L or KIND with KIND one of: "
            f"{one_of(allowed)} (e.g. delta@2)"
        )
    if kinds is not None and kind not in kinds:
        raise ActionError(f"{kind} has no equation of a unit or weight; allowed: {one_of(kinds)}")
    if layer is None and kind not in PER_STEP_KINDS:
        raise ActionError(f"{kind} happens in every layer: give one, e.g. {kind}@1")
    return kind, layer


def _condition_text(parts: list[str]) -> str:
    return "/".join(parts).strip()


def _parse_stat(parts, ctx):
    _count(parts, 1, "stat/NAME")
    if parts[0] not in STATS:
        raise ActionError(
            f"{parts[0]!r} is not a statistic of the Gradients panel; allowed: {one_of(STATS)}"
            + did_you_mean(parts[0], STATS)
        )
    return (parts[0],)


def _parse_log(parts, ctx):
    _count(parts, 1, "log/on or log/off")
    if parts[0] not in ("on", "off"):
        raise ActionError(f"expected log/on or log/off, got log/{parts[0][:20]}")
    return (parts[0] == "on",)


def _parse_panel(parts, ctx):
    _count(parts, 1, "panel/NAME")
    if parts[0] not in PANELS:
        raise ActionError(
            f"no panel {parts[0]!r}; allowed: {one_of(PANELS)}" + did_you_mean(parts[0], PANELS)
        )
    return (parts[0],)


def _parse_select(parts, ctx):
    _count(parts, 2, "select/L/J (a unit) or select/L/J,K (a weight)")
    l = _layer(parts[0], ctx)
    return (l, _indices(parts[1], l, ctx))


def _parse_goto(parts, ctx):
    _count(parts, 1, "goto/KIND@L, e.g. goto/delta@2")
    return _event(parts[0], ctx)


def _parse_explain(parts, ctx):
    _count(parts, 2, "explain/KIND@L/J or explain/KIND@L/J,K, e.g. explain/delta@2/0")
    kind, layer = _event(parts[0], ctx, EXPLAINED_KINDS)
    l = ctx.L if kind == "loss" else layer  # the loss: a unit of the output layer
    arity = (1,) if kind in ("forward", "loss", "delta") else (1, 2)
    return (kind, layer, _indices(parts[1], l or 1, ctx, arity))


def _parse_break(parts, ctx):
    from engine.debugger.breakpoints import parse_breakpoint
    from engine.debugger.errors import ConditionError

    spec = _condition_text(parts)
    if not spec:
        raise ActionError("expected break/SPEC, e.g. break/delta@1")
    try:
        parse_breakpoint(spec, ctx.L)
    except ConditionError as e:
        raise ActionError(f"breakpoint {spec!r}: {e.message}") from None
    return (spec,)


def _parse_run(parts, ctx):
    from engine.debugger.conditions import parse_condition
    from engine.debugger.errors import ConditionError

    if not parts:
        return ()
    if parts == ["epoch"]:
        return ("epoch",)
    if parts[0] == "step" and len(parts) == 2:
        return ("step", _whole(parts[1], "the step", 1))
    if parts[0] == "until" and len(parts) >= 2:
        condition = _condition_text(parts[1:])
        try:
            parse_condition(condition, ctx.L)
        except ConditionError as e:
            raise ActionError(f"condition {condition!r}: {e.message}") from None
        return ("until", condition)
    raise ActionError("expected run, run/epoch, run/step/N or run/until/CONDITION")


def _parse_compare(parts, ctx):
    if not parts:
        if ctx.compare is None:
            raise ActionError(
                "compare without a name needs the scenario's compare key "
                '(compare = "PRESET"); or write compare/NAME'
            )
        return (ctx.compare,)
    _count(parts, 1, "compare or compare/NAME")
    if ctx.presets and parts[0] not in ctx.presets:
        raise ActionError(
            f"no preset {parts[0]!r}" + did_you_mean(parts[0], ctx.presets) + " to compare with"
        )
    return (parts[0],)


def _parse_exercise(parts, ctx):
    _count(parts, 1, "exercise/N")
    n = _whole(parts[0], "the exercise number", 1)
    if ctx.exercises is not None and n > ctx.exercises:
        have = f"1…{ctx.exercises}" if ctx.exercises else "none"
        raise ActionError(f"no exercise {n}; the scenario's [[exercises]] are {have}")
    return (n,)


def _parse_open(parts, ctx):
    """``open/NAME/SETTING=VALUE/…``: a preset and its ``--set`` overrides. Here each
    override's form is checked; its key and value are checked when the preset opens with it
    (the lab shows the error), as the command line's are."""
    if not parts or not parts[0]:
        raise ActionError("expected open/NAME or open/NAME/SETTING=VALUE/…")
    name, settings = parts[0], tuple(parts[1:])
    if ctx.presets and name not in ctx.presets:
        raise ActionError(f"no preset {name!r}" + did_you_mean(name, ctx.presets) + " to open")
    for setting in settings:
        try:
            overrides.parse(setting)
        except ValueError as e:
            raise ActionError(str(e)) from None
    return (name, settings)


def _describe_run(args: tuple, _here=None) -> str:
    if not args:
        return "train"
    if args[0] == "epoch":
        return "train to the end of the epoch"
    if args[0] == "step":
        return f"train until step {args[1]} is complete"
    return f"train until {args[1]}"


def _describe_explain(args: tuple, _here=None) -> str:
    from engine.debugger.position import KIND_NAMES

    kind, layer, select = args
    what = "unit" if kind in ("forward", "loss", "delta") else "bias"
    what = "weight" if len(select) == 2 else what
    event = KIND_NAMES[kind] + (f"(l={layer})" if layer else "")
    return f"Debugger: {event}, the equation of {what} {_sel(select)}"


def _sel(select) -> str:
    return ",".join(map(str, select))


ACTIONS: dict[str, Action] = {
    "stat": Action(
        ("stat/NAME",),
        "the Gradients panel shows statistic NAME",
        _parse_stat,
        lambda a, _: f"Gradients panel: {STATS[a[0]]}",
    ),
    "log": Action(
        ("log/on", "log/off"),
        "the Loss panel's log scale on or off",
        _parse_log,
        lambda a, _: f"Loss panel: {'log' if a[0] else 'linear'} scale",
    ),
    "panel": Action(
        ("panel/NAME",),
        "show a panel (in the tab layout: its tab)",
        _parse_panel,
        lambda a, _: f"show the {a[0].capitalize()} panel",
    ),
    "select": Action(
        ("select/L/J", "select/L/J,K"),
        "select unit j (or weight Wˡⱼₖ) of layer l for the Debugger's equation",
        _parse_select,
        lambda a, _: (
            f"select {'unit' if len(a[1]) == 1 else 'weight'} {_sel(a[1])} of layer {a[0]}"
        ),
    ),
    "goto": Action(
        ("goto/KIND@L", "goto/KIND"),
        "the Debugger to the next event KIND of layer L",
        _parse_goto,
        lambda a, _: f"Debugger: to the next {a[0]}" + (f"@{a[1]}" if a[1] else "") + " event",
    ),
    "explain": Action(
        ("explain/KIND@L/J", "explain/KIND@L/J,K"),
        "goto and select: the equation of unit j (or weight j,k) at that event",
        _parse_explain,
        _describe_explain,
    ),
    "break": Action(
        ("break/SPEC",),
        "add a breakpoint (the debugger's syntax; %20 for a space)",
        _parse_break,
        lambda a, _: f"breakpoint {a[0]}",
    ),
    "run": Action(
        ("run", "run/epoch", "run/step/N", "run/until/CONDITION"),
        "train: until a breakpoint or the end; to the end of the epoch; until step N is "
        "complete; until CONDITION holds at the end of a step",
        _parse_run,
        _describe_run,
    ),
    "compare": Action(
        ("compare", "compare/NAME"),
        "open the comparison with the scenario's compare preset (or NAME)",
        _parse_compare,
        lambda a, _: f"compare with {a[0]}",
    ),
    "exercise": Action(
        ("exercise/N",),
        "start exercise N of the scenario's [[exercises]]",
        _parse_exercise,
        lambda a, _: f"exercise {a[0]}",
    ),
    "open": Action(
        ("open/NAME", "open/NAME/SETTING=VALUE/…"),
        "open preset NAME in the lab, with the settings that follow "
        "(as backprop-lab open NAME --set SETTING=VALUE …)",
        _parse_open,
        describe_open,
    ),
}
"""Every lesson action, by name: the closed set a lesson may use."""

# [text](lab:…) — the text may span lines; the address has no spaces or parentheses.
LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\(\s*(?P<href>lab:[^()\s]*)\s*\)", re.S)
_ANY_LAB = re.compile(r"\blab:", re.I)


def parse_action(href: str, ctx: Context) -> tuple[str, tuple]:
    """``"lab:stat/dead_fraction"`` → ("stat", ("dead_fraction",)); ActionError if bad."""
    path = unquote(href[len("lab:") :]).strip()
    name, *parts = path.split("/") if path else [""]
    if name not in ACTIONS:
        raise ActionError(
            f"unknown lab action {name!r}; allowed: {one_of(ACTIONS)}" + did_you_mean(name, ACTIONS)
        )
    try:
        return name, ACTIONS[name].parse(parts, ctx)
    except ActionError as e:
        raise ActionError(f"lab:{path}: {e}") from None


def find_actions(text: str, ctx: Context) -> tuple[list[LessonAction], list[tuple[int, str]]]:
    """The actions of lesson ``text`` in reading order, and the problems: (line, message) for
    every bad action and every ``lab:`` that is not in a ``[text](lab:…)`` link. Linear in the
    text: a line, a link's panel and whether a ``lab:`` is in a link are found by bisection."""
    actions: list[LessonAction] = []
    problems: list[tuple[int, str]] = []
    newlines = [m.start() for m in re.finditer("\n", text)]
    panel_of = panels_named(text)
    covered_starts, covered_ends = [], []
    for m in LINK.finditer(text):
        line = bisect_left(newlines, m.start("href")) + 1
        covered_starts.append(m.start())
        covered_ends.append(m.end())
        try:
            name, args = parse_action(m.group("href"), ctx)
        except ActionError as e:
            problems.append((line, str(e)))
            continue
        label = " ".join(m.group("text").split())
        panel = panel_of(m.start(), m.end())
        actions.append(
            LessonAction(
                len(actions) + 1, label, name, args, m.group("href"), line, panel, ctx.name
            )
        )
    for m in _ANY_LAB.finditer(text):
        link = bisect_right(covered_starts, m.start()) - 1  # the last link starting before it
        if link < 0 or m.start() >= covered_ends[link]:
            line = bisect_left(newlines, m.start()) + 1
            problems.append(
                (line, "a lab action is written as a link: [what it does](lab:ACTION/ARGS)")
            )
    problems.sort()
    return actions, problems


def numbered(text: str) -> str:
    """The lesson with each action's link text numbered (``[1 ▸ show the dead fraction]``), as
    the Lesson pane shows it."""
    count = 0

    def number(m: re.Match) -> str:
        nonlocal count
        count += 1
        return f"[{count} ▸ {m.group('text')}]({m.group('href')})"

    return LINK.sub(number, text)


def plain(text: str) -> str:
    """The lesson for a plain terminal or a list: each action link as its text in brackets."""
    return LINK.sub(lambda m: f"[{m.group('text')}]", text)


def actions_table() -> list[tuple[str, str]]:
    """(forms, what it does) of every action, for the documentation and the help screen."""
    return [(", ".join(f"lab:{f}" for f in a.forms), a.doc) for a in ACTIONS.values()]
