"""What the lesson's actions do in the lab (``scenarios/lesson.py`` parses them; this carries
them out), and the lab's side of exercises.

Each action changes the lab's state through the same paths as its keys and panels do (the
view's statistic and log scale, the selection, the debugger's commands, the training worker)
and, in the tab layout, shows the panel where its effect is seen (a run: the panel its sentence
names, else the Loss panel). An ``open`` opens a preset with its settings in place of the
scenario, asking first when work would be lost. A line in the status bar says what it did. A
run until a step already done asks before going back to the start to train up to it again.
Exercises:
``start_exercise`` stops training, moves the Debugger to just before the exercise's event
(``engine.debugger.exercises.start``) and opens the question in the Lesson panel;
``exercise_answered`` moves onto the event once the answer is in.
"""

from __future__ import annotations

from engine.debugger import DebuggerError
from engine.debugger import exercises as ex
from engine.debugger.conditions import parse_condition
from engine.number_text import count
from scenarios.exercises import exercises_of
from tui.app import TAB_ORDER
from tui.lesson_goal import LessonGoal
from tui.session_errors import SessionError
from tui.session_kept import reset_target
from tui.view import STATS, Selection


def _say(app, text: str) -> None:
    app.session.view.message = text
    app.mark_dirty()


def _show(app, panel: str) -> None:
    """In the tab layout, the tab where the action's effect is seen."""
    if app.current_tab != panel:
        app.action_show_tab(panel)


async def run(app, action) -> None:
    """Carry out ``action`` (a ``scenarios.lesson.LessonAction``) in ``app``."""
    name, args = action.name, action.args
    session = app.session
    view = session.view
    if name == "stat":
        view.stat = args[0]
        app.mark_dirty(["gradients"])
        _show(app, "gradients")
        _say(app, f"The Gradients panel shows {STATS[args[0]]} ({args[0]}).")
    elif name == "log":
        view.log_scale = args[0]
        app.mark_dirty(["loss"])
        _show(app, "loss")
        _say(app, f"The loss plot is on a {'log' if args[0] else 'linear'} scale.")
    elif name == "panel":
        _show(app, args[0])
    elif name == "select":
        _select(app, *args)
        _show(app, "debugger")
    elif name in ("goto", "explain"):
        await _goto(app, args[0], args[1])
        if name == "explain":
            layer = args[1] if args[1] is not None else session.run.net.L
            _select(app, layer, args[2])
        _show(app, "debugger")
    elif name == "break":
        await app.stop_training()
        try:
            session.command("break", args[0])
        except SessionError as e:
            _say(app, str(e))
        app.mark_dirty(["debugger"])
        _show(app, "debugger")
    elif name == "run":
        await _run(app, action)
        _show(app, action.panel or "loss")  # the panel its sentence says to watch
    elif name == "compare":
        from tui.compare_actions import open_comparison

        await open_comparison(app, args[0])
    elif name == "exercise":
        await start_exercise(app, args[0])
    elif name == "open":
        await app.open_preset(*args)


def _select(app, l: int, indices: tuple[int, ...]) -> None:
    net = app.session.run.net
    if l > net.L:
        _say(app, f"Layer {l} does not exist in this network (layers 1…{net.L}).")
        return
    j = indices[0]
    weight = (indices[0], indices[1]) if len(indices) == 2 else None
    app.session.view.selection = Selection(l, j, weight)
    app.mark_dirty(["network", "debugger"])


async def _goto(app, kind: str, layer: int | None) -> None:
    """The Debugger forward to the next event ``kind`` (of ``layer``)."""
    await app.stop_training()
    session = app.session
    if layer is not None and layer > session.run.net.L:
        _say(app, f"Layer {layer} does not exist in this network (layers 1…{session.run.net.L}).")
        return
    try:
        session.command("goto", (kind, layer))
    except SessionError as e:
        _say(app, str(e))
    app.mark_dirty()


async def _run(app, action) -> None:
    """Training from the lesson: as space; as e, or until a step or a condition, towards a
    ``LessonGoal`` (``tui/lesson_goal.py``: no breakpoint; the status line says in the lesson's
    words that it got there, or why it stopped before)."""
    args = action.args
    if not args:
        if not app.training:
            app._start_training("continue")
        return
    if args == ("epoch",):
        await app.stop_training(draw=False)  # drawn with the run: "running" first
        app._start_training(LessonGoal(action.number, action.text), status_first=True)
        return
    await app.stop_training()
    step = args[1] if args[0] == "step" else None
    if step is not None and app.session.steps_done >= step and not await _train_again(app, step):
        return
    condition = f"step >= {step}" if step is not None else args[1]
    try:
        expression = parse_condition(condition, app.session.run.net.L)
    except DebuggerError as e:  # a network edited since the lesson was checked
        _say(app, f"Cannot run until {condition}: {e}")
        return
    app._start_training(LessonGoal(action.number, action.text, expression, step))


async def _train_again(app, step: int) -> bool:
    """Step ``step`` is done already (the lesson's "after the first step", pressed after
    training on): ask before going back to the start to train up to it again, as an exercise
    past the kept steps does. True when the lab went back."""
    session = app.session
    at = count(session.controller.position.step)  # the header's step
    done = f"Step {step} is done already (the lab is at step {at})"
    lost = f" The training up to {session.progress} will be lost." if session.progress else ""
    question = f"{done}. Go back to {reset_target(session)} and train until step {step} is done?"
    if not await app._confirm(question + lost):
        _say(app, f"{done}; r goes back to the start.")
        return False
    app._install(session.reset())
    return True


# --- exercises --------------------------------------------------------------------------------


def _exercise(app, number: int):
    exercises = exercises_of(app.session.scenario)
    if number > len(exercises):
        _say(
            app,
            f"Exercise {number} belongs to the scenario as written; the network was edited "
            "(open the scenario again to do it).",
        )
        return None
    return exercises[number - 1]


async def start_exercise(app, number: int) -> None:
    """Pose exercise ``number``: the Debugger just before its event, the question in the
    Lesson panel. Past the history ``back`` can reach, asks before going back to the start."""
    exercise = _exercise(app, number)
    if exercise is None:
        return
    await app.stop_training()
    c = app.session.controller
    oldest = c.timeline.oldest
    if ex.is_behind(c, exercise) and (oldest is None or exercise.step < oldest):
        if not await app._confirm(
            f"Exercise {number} is at step {exercise.step}; the lab is at step "
            f"{c.position.step}, past the steps it keeps. Go back to {reset_target(app.session)}? "
            f"The training up to {app.session.progress} will be lost."
        ):
            return
        app._install(app.session.reset())
        c = app.session.controller
    try:
        attempt = ex.start(c, exercise)
    except DebuggerError as e:
        _say(app, f"Cannot pose exercise {number}: {e}")
        return
    session = app.session
    session.sync_view()
    session.view.status, session.view.message = "paused", ""
    app.mark_dirty()
    where = (
        f"The Debugger stands at {c.position.event_name()}, just before "
        f"{exercise.quantity.event_name()} of step {exercise.step}, with what you need "
        f"({TAB_ORDER.index('debugger') + 1} shows it on a small screen). "
        "esc leaves the answer box for the lab's keys: b steps back, s on; L returns here."
    )
    panel = app.panels["lesson"]
    app.show_lesson()
    await panel.open_exercise(attempt, where)


def exercise_answered(app, number: int) -> None:
    """The exercise was answered right or revealed: the Debugger onto its event."""
    exercise = _exercise(app, number)
    if exercise is None:
        return
    session = app.session
    try:
        ex.show(session.controller, exercise)
    except DebuggerError as e:
        _say(app, str(e))
    q = exercise.quantity  # the Debugger's equation is the exercise's
    layer = q.l if q.l is not None else session.run.net.L
    select: tuple[int, ...] = q.select or (0,)
    weight = (select[0], select[1]) if len(select) == 2 else None
    session.view.selection = Selection(layer, select[0], weight)
    session.view.example = q.example or 0
    session.sync_view()
    app.mark_dirty()
