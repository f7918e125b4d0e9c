"""Pausing while training runs at full speed: "paused" is on the screen before the panels are
redrawn (``FrameScheduler.status_first``), and what it shows is where training really stopped."""

from __future__ import annotations

import re

from status_first_harness import NEVER_STOP, WIDE, frame_due_on_stop, mark_stop, record, until
from textual import events


async def test_space_paints_paused_on_the_status_line_before_any_panel_is_redrawn(lab_app):
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await until(lambda: app.training and app.session.steps_done > 50)
        seen = record(app)  # in order: what the line painted, which panel drew
        visible = [name for name in app.panels if app.frames.visible(name)]
        assert len(visible) == 6  # 120×40: every panel is on the screen
        seen.clear()
        app.post_message(events.Key("space", " "))
        await until(lambda: not app.training)
        await until(lambda: {n for kind, n in seen if kind == "panel"} >= set(visible))
        await until(lambda: any(kind == "line" and "paused" in text for kind, text in seen))
        first_panel = next(i for i, (kind, _) in enumerate(seen) if kind == "panel")
        paused = [i for i, (kind, text) in enumerate(seen) if kind == "line" and "paused" in text]
        assert paused and paused[0] < first_panel, seen[: first_panel + 1]
        # the line painted first shows where training stopped: a step's end, the real step
        position = app.session.controller.position
        assert position.at_step_end
        step = int(re.search(r"step ([\d,]+)", seen[paused[0]][1]).group(1).replace(",", ""))
        assert step == position.step == app.session.steps_done
        await pilot.pause()
        assert f"Paused at step {position.step:,}." in str(app.status_bar.message.render())
        assert app.panels["debugger"].is_mounted


async def test_the_training_thread_stops_within_a_step_of_the_request(lab_app):
    """The fast path looks at the stop request before every step: the pause does not wait for
    a chunk of steps or a publication (``PUBLISH_HZ``) to end."""
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await until(lambda: app.training and app.session.steps_done > 50)
        session = app.session
        asked = []
        interrupt = session.interrupt

        def timed_interrupt() -> None:
            asked.append(session.run.trainer.steps_done)
            interrupt()

        session.interrupt = timed_interrupt
        await app.stop_training()
        assert len(asked) == 1
        # the step under way when it was asked, at most, is finished
        assert session.controller.position.step - asked[0] in (0, 1)
        assert session.controller.position.at_step_end


async def test_a_frame_due_while_training_stops_waits_for_the_line(lab_app):
    """Between the stop request and the end of the training thread's step, the app waits (the
    event loop runs on): a progress frame due then drew the panels training moved before
    "paused" reached the screen — once on a loaded CI machine, the network panel before ``r``'s
    question. No frame comes from the stop request until the line is painted."""
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await until(lambda: app.training and app.session.steps_done > 50)
        seen = record(app)
        frame_due_on_stop(app)
        mark_stop(app, seen)  # frames before the stop request are training's, as usual
        app.post_message(events.Key("space", " "))
        await until(lambda: not app.training)
        await until(lambda: any(kind == "panel" for kind, _ in after_stop(seen)))
        after = after_stop(seen)
        line = next(i for i, (k, text) in enumerate(after) if k == "line" and "paused" in text)
        first_panel = next(i for i, (kind, _) in enumerate(after) if kind == "panel")
        assert line < first_panel, after[: first_panel + 1]


def after_stop(seen: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What ``seen`` recorded from the stop request on (``mark_stop``)."""
    return seen[seen.index(("interrupt", "")) :] if ("interrupt", "") in seen else []
