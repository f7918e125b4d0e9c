"""Lessons that watch an Update event step after step, followed key by key: the Update event,
then ``e`` and the Update event again, shows the next step's update. The lessons said ``e``
alone did it; ``e`` stops at the end of the step (StepEnd), which shows no W¹ or b¹, and
pressing it again only reaches the next StepEnd. In learning-rate-too-high the next step's b¹
is on the other side of 0 and its step Δb¹ twice as large."""

from __future__ import annotations

import pytest

from tui.messages import RunLessonAction

WIDE = (120, 40)


def numbered(app, text: str) -> list[int]:
    """The numbers of the lesson's actions whose link text is ``text``, in reading order."""
    return [a.number for a in app.session.scenario.actions if a.text == text]


async def run_action(app, pilot, settle, number: int) -> None:
    app.panels["lesson"].post_message(RunLessonAction(number))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await settle(pilot)


async def test_e_and_the_update_event_again_show_the_next_steps_bias(lab_app, settle):
    app = lab_app("learning-rate-too-high")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        c = app.session.controller
        (first,) = numbered(app, "the Update event of layer 1")
        (again,) = numbered(app, "the Update event")  # the lesson's sentence after `e`
        assert again == first + 1
        biases, steps = [], []
        for step in (1, 2, 3):
            if step > 1:
                await pilot.press("e")
                await settle(pilot)
                assert c.position.event_name() == "StepEnd"
            await run_action(app, pilot, settle, first if step == 1 else again)
            assert (c.position.step, c.position.event_name()) == (step, "Update(l=1)")
            biases.append(float(c.event.b_new[0]))
            steps.append(abs(float(c.event.step_b[0])))
        # "b¹ after the update flips sign at every step, and its step Δb¹ doubles"
        assert biases[0] * biases[1] < 0 and biases[1] * biases[2] < 0
        assert 1.8 < steps[1] / steps[0] < 2.2 and 1.8 < steps[2] / steps[1] < 2.2


@pytest.mark.parametrize(
    "preset, first, again, entry",
    [
        ("learning-rate-too-low", "the Update event of layer 1", "the Update event again", 0),
        ("linear-regression", "the Update event", "the Update event again", 0),
        ("slow-convergence", "the Update event", "the Update event again", 1),
    ],
)
async def test_e_then_the_update_event_again_shows_the_next_steps_weights(
    lab_app, settle, preset, first, again, entry
):
    """The same sentence in three lessons ("W¹ … creeping towards …, `e` moves an epoch on"):
    each is full-batch, so ``e`` ends the step at StepEnd, and the Update event again is the
    next step's, with the weight the lesson watches moved on."""
    app = lab_app(preset)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        c = app.session.controller
        (number_first,) = numbered(app, first)
        (number_again,) = numbered(app, again)
        weights = []
        for step in (1, 2):
            if step > 1:
                await pilot.press("e")
                await settle(pilot)
                assert c.position.event_name() == "StepEnd"
            await run_action(app, pilot, settle, number_first if step == 1 else number_again)
            assert (c.position.step, c.position.event_name()) == (step, "Update(l=1)")
            weights.append(float(c.event.W_new[0, entry]))
        assert weights[1] != weights[0]
