"""A lesson's ``open`` action opens a preset with ``--set`` settings from the lab: the learner
of gradient-descent-modes reopens it with stochastic or mini-batch descent with a key, where
the lesson only gave the shell commands to type."""

from __future__ import annotations

import pytest

from scenarios import load_scenario, preset_names
from tui.messages import RunLessonAction


def test_every_presets_open_actions_open():
    """Each ``open`` action of a preset's lesson loads: its preset and settings are valid."""
    opened = 0
    for name in preset_names():
        for action in load_scenario(name).actions:
            if action.name == "open":
                load_scenario(action.args[0], action.args[1])
                opened += 1
    assert opened >= 3  # gradient-descent-modes' batch, stochastic and mini-batch


@pytest.mark.parametrize(
    "link, batch_size, speed",
    [("stochastic", 1, 50), ("mini-batch", 8, 10), ("batch", "full", 1)],
)
async def test_the_lessons_links_reopen_the_preset_with_their_settings(
    lab_app, settle, link, batch_size, speed
):
    app = lab_app("gradient-descent-modes", overrides=["training.batch_size=4"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = app.session
        told, notify = [], app.notify
        app.notify = lambda message, **kw: (
            told.append((message, kw.get("title"))),
            notify(message, **kw),
        )
        (action,) = [a for a in before.scenario.actions if a.text == link]
        app.panels["lesson"].post_message(RunLessonAction(action.number))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await settle(pilot)
        session = app.session
        assert session is not before  # nothing trained yet: opened without a question
        assert session.scenario.name == "gradient-descent-modes"
        assert session.scenario.training["batch_size"] == batch_size
        assert session.pacer.speed == speed
        assert app.lesson_open
        if link != "batch":  # the title names the preset only: the settings are said
            (said,) = [m for m, title in told if title == "Opened gradient-descent-modes with"]
            assert f"lab.speed={speed}" in said
