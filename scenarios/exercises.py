"""``[[exercises]]``: numbers the learner computes by hand, checked against the engine.

Each table asks for one quantity of one event (the debugger's expression for it, e.g.
``delta@2[0,0]``: δ²₀ of example 0, at the Delta event of layer 2) at a step (from 1), and
accepts answers within a relative ``tolerance``. The lab's Lesson pane (``lab:exercise/N``) and
the line-mode debugger (``exercise N``) both pose them; the checking is the engine's
(``engine.debugger.exercises``). The lesson's checks (``lesson.py``) and these run when the
scenario loads; the indices that need the data (an input k of layer 1, the example) are checked
again when the run is built (``check_against_run``).
"""

from __future__ import annotations

from .errors import ScenarioError
from .schema import Key
from .validate import Checker

EXERCISE = {
    "prompt": Key(
        "text", "the question, in Markdown: what to compute, from which numbers", required=True
    ),
    "quantity": Key(
        "str",
        "the number asked for, in the debugger's syntax: z@l[i,j], a@l[i,j], delta@l[i,j] "
        "(example i, unit j), grad_W@l[j,k], step_W@l[j,k], W_new@l[j,k], grad_b@l[j], "
        "step_b@l[j], b_new@l[j], or loss; its event is where the exercise is asked",
        required=True,
    ),
    "step": Key("int", "the training step (from 1) whose event the quantity belongs to", 1, lo=1),
    "tolerance": Key(
        "float",
        "relative tolerance of a right answer (|answer − value| ≤ tolerance·|value|); the "
        "default accepts four significant digits",
        1e-3,
        lo=0.0,
        lo_open=True,
        hi=1.0,
    ),
    "hint": Key("text", "shown after a wrong answer"),
}


def check_exercises(ch: Checker, value, sizes: tuple[int, ...]) -> list[dict]:
    """The ``[[exercises]]`` array: every table well-formed, its quantity one the debugger can
    explain, its layer and unit within the network (``sizes``: n¹…nᴸ)."""
    from engine.debugger.errors import DebuggerError
    from engine.debugger.exercises import parse_quantity

    entries = ch.array(value, "exercises")
    out = []
    for i, entry in enumerate(entries, start=1):
        path, suffix = f"exercises[{i}]", f" (exercise {i})"
        table = ch.table(entry, EXERCISE, path, suffix=suffix)
        try:
            q = parse_quantity(table["quantity"], len(sizes))
            q.check_sizes((None, *sizes))
        except DebuggerError as e:
            ch.fail(f"{path}.quantity{suffix}", str(e))
        out.append(table)
    return out


def exercises_of(scenario) -> list:
    """The scenario's exercises as the engine's ``Exercise`` objects, numbered from 1."""
    from engine.debugger.exercises import exercise_from_table

    L = len(scenario.network["layers"])
    return [exercise_from_table(i, t, L) for i, t in enumerate(scenario.exercises, start=1)]


def check_against_run(scenario, run) -> None:
    """The exercises' and the lesson actions' indices against the built network and its data
    (n⁰ and the examples of a step), and the steps against the length of training;
    ScenarioError naming the file and the exercise or the lesson's line."""
    from engine.debugger.errors import DebuggerError

    label = scenario.label or str(scenario.path)
    sizes = tuple(run.net.sizes)
    trainer = run.trainer
    total = trainer.batches_per_epoch * scenario.training["epochs"]
    for ex in exercises_of(scenario):
        where = f"{label}: exercises[{ex.number}] (exercise {ex.number})"
        start = (ex.step - 1) % trainer.batches_per_epoch * trainer.batch_size
        batch = min(trainer.batch_size, trainer.n - start)  # the last batch may be smaller
        try:
            ex.quantity.check_sizes(sizes, batch)
        except DebuggerError as e:
            raise ScenarioError(f"{where}.quantity: {e}") from None
        if ex.step > total:
            raise ScenarioError(
                f"{where}.step: step {ex.step} is never reached; training takes {total} steps"
            )
    if not scenario.whole:
        return  # edited in the lab, or a claim's variant: the lesson is not checked against it
    from .lesson import Context, find_actions

    ctx = Context(
        sizes=sizes[1:],
        inputs=sizes[0],
        exercises=len(scenario.exercises),
        compare=scenario.compare,
    )
    _, problems = find_actions(scenario.lesson, ctx)
    if problems:
        from .loader import file_line

        line, message = problems[0]
        where = file_line(scenario.source, scenario.lesson, line)
        raise ScenarioError(f"{label}, line {where}: lesson: {message}")
