"""Keys typed in one go with an exercise's action land in its answer box (``tui/key_hold.py``).

The exercise is posed in a worker (training stopped, the Debugger moved to just before its
event) before the answer box takes the focus. "5" and "0.0321" typed together — through tmux
send-keys, or by a fast typist while training runs — lost the answer: ``0`` and ``.`` went
nowhere, and the digits went to the app's number keys, which ran the lesson's actions 3, 2
and 1 (the Debugger to the Delta event of layer 6, training started, a run to step 1) or
showed another tab at 80×24; the box stayed empty. Once the box had the focus, every key
reached it (bursts, while training, after a wrong answer): only these keys were lost.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, OptionList

import tui.speed

WIDE, NARROW = (120, 40), (80, 24)
REAL_CLOCK = tui.speed.MonotonicClock  # before the tests' instant clock replaces it
KEY_NAMES = {".": "full_stop", "-": "minus", "\r": "enter"}


def typed(app, text: str) -> None:
    """``text`` as a terminal reads keys typed in one go: all queued before the first is
    handled (``\\r`` is enter)."""
    for ch in text:
        app.post_message(events.Key(KEY_NAMES.get(ch, ch), ch))


async def settled(app, pilot) -> None:
    """The exercise's worker done, training stopped, and the keys it held handed out (or, at
    most 6 s later, the lab as it stands: a question left open keeps the worker waiting)."""
    for _ in range(300):
        await pilot.pause(0.02)
        if not app.training and not len(app.workers):
            break
    await pilot.pause(0.2)


def answer_box(app) -> Input:
    return app.panels["lesson"].query_one("#exercise-answer", Input)


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_the_answer_typed_with_the_exercises_number_lands_in_its_box(lab_app, size):
    app = lab_app("vanishing-gradients")  # action 5: exercise 1, δ⁷₀ of step 1
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        panel = app.panels["lesson"]
        assert panel.actions[4].name == "exercise" and panel.actions[1].name == "run"
        typed(app, "50.0321")
        await settled(app, pilot)
        assert panel.attempt is not None and panel.attempt.open
        assert answer_box(app).value == "0.0321" and answer_box(app).has_focus
        # no other action ran: the Debugger just before the exercise's event, nothing trained
        position = app.session.controller.position
        assert (position.step, position.event_name()) == (1, "Loss")
        assert app.session.steps_done == 0 and app.current_tab == "lesson"


async def test_enter_typed_with_the_answer_checks_it(lab_app):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        typed(app, "50.0321\r")
        await settled(app, pilot)
        verdict = str(app.panels["lesson"].query_one("#exercise-verdict").render())
        assert verdict.startswith("Not quite: 0.0321")


async def test_the_answer_typed_with_enter_on_the_exercise_in_the_list_lands_in_its_box(lab_app):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        options = app.panels["lesson"].query_one("#lesson-actions", OptionList)
        assert options.has_focus
        options.highlighted = 4  # action 5, the exercise
        await pilot.pause()
        typed(app, "\r0.0321")
        await settled(app, pilot)
        assert answer_box(app).value == "0.0321"
        assert app.session.steps_done == 0


async def test_the_answer_typed_with_the_exercises_number_while_training_lands_in_its_box(
    lab_app, monkeypatch
):
    """Training at the preset's speed (10 steps a second): the exercise first stops it, the
    longer moment (100–200 ms in a terminal) in which the keys went elsewhere."""
    monkeypatch.setattr("tui.speed.MonotonicClock", REAL_CLOCK)
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        await pilot.press("space")
        await pilot.pause(0.3)
        assert app.training
        typed(app, "50.0321")
        await settled(app, pilot)
        assert answer_box(app).value == "0.0321"
        position = app.session.controller.position
        assert (position.step, position.event_name()) == (1, "Loss")


async def test_keys_typed_with_an_exercise_that_asks_first_go_to_its_question(lab_app):
    """Past the steps the lab keeps, the exercise asks before going back: a y typed with its
    number answers the question (it was lost: the question waited)."""
    app = lab_app("worked-example")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        app.session.controller.run(400)  # past the 200 steps the lab keeps
        app.session.sync_view()
        exercise = next(a for a in app.session.scenario.actions if a.text == "Compute δ²₁")
        typed(app, f"{exercise.number}y")
        await settled(app, pilot)
        assert app.screen is app.screen_stack[0]  # the question answered
        assert app.session.controller.position.step == 1
        assert app.panels["lesson"].attempt is not None and answer_box(app).has_focus


async def test_a_hold_whose_exercise_never_opens_lets_the_keys_go(lab_app, monkeypatch):
    """Should an exercise's message be lost (its lesson replaced in that moment), the keys held
    for it go their way after ``HOLD_LIMIT``: the lab never stops listening to the keyboard."""
    monkeypatch.setattr("tui.key_hold.HOLD_LIMIT", 0.2)
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        app.hold_keys()  # as an exercise's action does, and no exercise follows
        typed(app, "l")  # the loss plot's log scale
        await pilot.pause(0.05)
        assert not app.session.view.log_scale  # held
        await pilot.pause(0.4)
        assert app.session.view.log_scale  # let go: the key did what it does
        typed(app, "l")
        await pilot.pause(0.1)
        assert not app.session.view.log_scale  # and keys go their way again
