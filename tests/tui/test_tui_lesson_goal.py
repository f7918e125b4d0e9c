"""A lesson's run to a goal (lab:run/step/N, lab:run/until/CONDITION, lab:run/epoch): the status
line says in the lesson's words that it got there — not the debugger's "Breakpoint 1 (step >= 1)
… Deleted temporary breakpoint 1." of the breakpoint it used to add — and, stopped before, why;
the Breakpoints list and the user's breakpoint numbers never see it."""

from __future__ import annotations

import pytest

from tui.messages import RunLessonAction

NARROW = (80, 24)

SCENARIO = '''
name = "lesson-goals"
title = "Runs to a goal"
summary = "A small network whose lesson runs to steps, conditions and epochs."
lesson = """
[three steps](lab:run/step/3) [until](lab:run/until/step%20>=%205) [epoch](lab:run/epoch)
[to the end](lab:run/step/40) [past the end](lab:run/step/100)
"""
seed = 1

[data]
kind = "inline"
x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
y = [[1.0], [1.0], [0.0], [0.0]]

[network]
loss = "mse"

[[network.layers]]
size = 3
activation = "tanh"

[[network.layers]]
size = 1
activation = "linear"

[training]
optimizer = "sgd"
lr = 0.2
batch_size = 2
epochs = 20
'''  # 2 batches an epoch: training ends after step 40


@pytest.fixture
def scenario_path(tmp_path):
    path = tmp_path / "lesson-goals.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return str(path)


async def trigger(app, pilot, settle, name: str) -> None:
    number = next(a.number for a in app.session.scenario.actions if a.text == name)
    app.panels["lesson"].post_message(RunLessonAction(number))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await settle(pilot)


def ids(app) -> list[int]:
    """The breakpoints' numbers in the controller and in what the panels draw."""
    session = app.session
    drawn = [bp.id for bp in session.view.breakpoints]
    assert drawn == [bp.id for bp in session.controller.breakpoints]
    return drawn


async def test_each_goal_reached_is_said_in_the_lessons_words(lab_app, settle, scenario_path):
    app = lab_app(scenario_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        view = app.session.view
        await trigger(app, pilot, settle, "three steps")
        assert (view.status, view.message) == (
            "paused",
            "Lesson action 1 (three steps): stopped after step 3.",
        )
        assert ids(app) == [0]
        await trigger(app, pilot, settle, "until")
        assert (
            view.message
            == "Lesson action 2 (until): stopped after step 5, where step >= 5 (step = 5)."
        )
        await trigger(app, pilot, settle, "epoch")
        assert view.message == "Lesson action 3 (epoch): stopped at the end of epoch 3."
        assert app.session.steps_done == 6 and ids(app) == [0]


async def test_the_users_first_breakpoint_is_number_1(lab_app, settle, scenario_path):
    """After a lesson's run: it took number 1 (the user's first became 2) and was listed."""
    app = lab_app(scenario_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await trigger(app, pilot, settle, "three steps")
        await pilot.press("B")
        await pilot.pause()
        await pilot.press(*"update@2", "enter")
        await pilot.pause()
        assert ids(app) == [0, 1]


async def test_a_run_stopped_before_its_goal_says_why(lab_app, settle, scenario_path):
    """A user's breakpoint stops it: its own message, and nothing of the lesson's run is left
    in the list (a breakpoint left there stopped a later run with "Deleted temporary …")."""
    app = lab_app(scenario_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        session = app.session
        session.command("break", "update@2")
        assert session.view.message == "breakpoint 1: update@2"
        await trigger(app, pilot, settle, "three steps")
        assert session.view.message == "Breakpoint 1 (update@2) at step 1, Update(l=2)."
        assert ids(app) == [0, 1]
        session.command("delete", 1)
        await trigger(app, pilot, settle, "until")  # from step 1's Update(l=2) on to step 5
        assert session.view.message.startswith("Lesson action 2 (until): stopped after step 5")


async def test_the_end_of_training_on_the_way_or_at_the_goal(lab_app, settle, scenario_path):
    app = lab_app(scenario_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        view = app.session.view
        await trigger(app, pilot, settle, "past the end")  # step 100: training ends at 40
        assert view.status == "stopped" and app.session.steps_done == 40
        assert view.message == "Training stopped: all 20 epochs done. x trains 20 more epochs."
        assert ids(app) == [0]

    app = lab_app(scenario_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        view = app.session.view
        await trigger(app, pilot, settle, "to the end")  # step 40, where training ends
        assert view.status == "stopped"
        assert view.message == (
            "Lesson action 4 (to the end): stopped after step 40. Training stopped: "
            "all 20 epochs done. x trains 20 more epochs."
        )

    app = lab_app(scenario_path, overrides=["training.epochs=1"])
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await trigger(app, pilot, settle, "past the end")  # one epoch: "1 more epoch", singular
        assert app.session.view.message.endswith("x trains 1 more epoch.")


async def test_a_divergence_on_the_way_is_said(lab_app, settle, scenario_path):
    app = lab_app(scenario_path, overrides=["training.lr=1e30"])
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        view = app.session.view
        await trigger(app, pilot, settle, "past the end")
        assert view.status == "diverged" and view.message.startswith("Diverged at step")
        assert app.session.steps_done < 40 and ids(app) == [0]
