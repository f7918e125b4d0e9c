"""A lesson's "run until step N" (lab:run/step/N) pressed after step N is done: as an exercise
past the kept steps does, the lab asks before going back to the start, then trains up to step N;
refused, it says so in the header's words and names r."""

from __future__ import annotations

from tui.messages import RunLessonAction

NARROW = (80, 24)


def dialog_text(app) -> str:
    return str(app.screen.query_one(".dialog-text").render())


async def press_action(app, pilot, href: str) -> None:
    action = next(a for a in app.session.scenario.actions if a.href == href)
    app.panels["lesson"].post_message(RunLessonAction(action.number))
    await pilot.pause(0.2)


async def test_the_first_step_after_training_on_asks_and_trains_it_again(lab_app, settle):
    """saturation: trained on, then the lesson's "after the first step" (lab:run/step/1). It
    answered "Step 1 is done already (the run is at step 1499)" beside the header's "step 1,500"
    (the steps done, not the step the lab is in), and the Gradients panel the lesson points at
    kept the last step's figures."""
    app = lab_app("saturation")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        session = app.session
        session.controller.run(40)
        session.controller.step(2)  # into step 41: the header reads "step 41", 40 are done
        session.sync_view()
        assert (session.controller.position.step, session.steps_done) == (41, 40)
        await press_action(app, pilot, "lab:run/step/1")
        assert "Step 1 is done already (the lab is at step 41). Go back to step 1" in dialog_text(
            app
        )
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session is session and session.steps_done == 40
        assert session.view.message == (
            "Step 1 is done already (the lab is at step 41); r goes back to the start."
        )

        await press_action(app, pilot, "lab:run/step/1")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session.steps_done == 1 and app.session.controller.position.at_step_end
        assert app.current_tab == "gradients"  # the panel its sentence names
