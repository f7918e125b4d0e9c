"""Keys that stop training show their effect before the panels are redrawn
(``FrameScheduler.status_first``): a debugger command the status line and the Debugger panel,
training stopping by itself (``e``'s end of the epoch, a stopping rule) the status line, a
dialog opened over training (``r``'s question) the dialog."""

from __future__ import annotations

import re

from status_first_harness import (
    NEVER_STOP,
    WIDE,
    frame_due_on_stop,
    mark_stop,
    record,
    until,
)
from textual import events


def _panels(seen) -> list[str]:
    return [text.split()[0] for kind, text in seen if kind == "panel"]


async def _training(app, pilot) -> None:
    await pilot.pause()
    if app.lesson_open:
        app.show_lesson(False)
    await pilot.press("space")
    await until(lambda: app.training and app.session.steps_done > 50)


async def test_a_step_while_training_draws_the_line_and_the_debugger_before_the_panels(lab_app):
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(app, pilot)
        visible = [name for name in app.panels if app.frames.visible(name)]
        everything = record(app, with_screen=True)
        mark_stop(app, everything)  # what follows the stop request is the key's
        app.post_message(events.Key("s", "s"))
        await until(lambda: not app.training)
        start = everything.index(("interrupt", ""))
        position = app.session.controller.position
        where = f"step {position.step:,} · epoch {position.epoch:,}"

        def shown(kind: str, text: str) -> bool:
            return kind == "line" and "paused" in text and where in text

        others = set(visible) - {"debugger"}
        await until(lambda: others <= set(_panels(everything[start:])))
        await until(lambda: any(shown(*item) for item in everything[start:]))
        seen = everything[start:]
        line = next(i for i, item in enumerate(seen) if shown(*item))
        assert f"· {position.event_name()}" in seen[line][1]
        first_other = next(
            i
            for i, (kind, text) in enumerate(seen)
            if kind == "panel" and not text.startswith("debugger")
        )
        assert line < first_other, seen[: first_other + 1]
        assert _panels(seen[:first_other]) == ["debugger"], seen[: first_other + 1]
        await pilot.pause()
        assert f"· {position.event_name()}" in app.status_bar.line.render().plain


async def test_a_frame_due_while_a_step_stops_training_waits_for_the_debugger(lab_app):
    """``s`` stops training and steps, then draws the Debugger panel and the line first: a
    progress frame due while the training thread stopped drew the network panel before them
    (once in four runs of these files on a loaded machine)."""
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(app, pilot)
        seen = record(app)
        frame_due_on_stop(app)
        mark_stop(app, seen)
        app.post_message(events.Key("s", "s"))
        await until(lambda: not app.training)
        start = seen.index(("interrupt", ""))
        await until(lambda: {"network", "loss"} <= set(_panels(seen[start:])))
        after = seen[start:]
        name = app.session.controller.position.event_name()
        line = next(i for i, (k, text) in enumerate(after) if k == "line" and name in text)
        first_other = next(
            i for i, (kind, text) in enumerate(after) if kind == "panel" and text != "debugger"
        )
        assert _panels(after[:first_other]) == ["debugger"], after[: first_other + 1]
        assert line < first_other, after[: first_other + 1]


async def test_a_step_while_paused_draws_the_debugger_with_the_line_then_the_rest(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        if app.lesson_open:
            app.show_lesson(False)
        await pilot.pause(0.1)
        visible = [name for name in app.panels if app.frames.visible(name)]
        seen = record(app, with_screen=True)
        await pilot.press("s")
        await until(lambda: set(visible) <= set(_panels(seen)))
        assert _panels(seen)[0] == "debugger"
        name = app.session.controller.position.event_name()
        line = next(i for i, (k, text) in enumerate(seen) if k == "line" and name in text)
        first_other = next(
            i
            for i, (kind, text) in enumerate(seen)
            if kind == "panel" and not text.startswith("debugger")
        )
        assert line < first_other, seen[: first_other + 1]


async def test_training_that_stops_by_itself_paints_the_line_before_the_panels(
    lab_app, monkeypatch
):
    """``e`` trains to the end of the epoch: where it stopped is on the status line before the
    panels are redrawn for it (as after a pause)."""
    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(app, pilot)
        seen = record(app, with_screen=True)
        stopped = type(app).on_training_stopped

        def marked(self, message) -> None:
            if message.token == self._train_token:  # not the paused run's, which e ended
                seen.append(("stopped", message.status))
            stopped(self, message)

        monkeypatch.setattr(type(app), "on_training_stopped", marked)
        app.post_message(events.Key("e", "e"))
        await until(lambda: any(kind == "stopped" for kind, _ in seen))
        await until(lambda: not app.training)
        end = next(i for i, (kind, _) in enumerate(seen) if kind == "stopped")
        visible = {name for name in app.panels if app.frames.visible(name)}
        await until(lambda: visible <= set(_panels(seen[end:])))
        position = app.session.controller.position
        step = f"step {position.step:,} · epoch {position.epoch:,}"

        def shown(kind: str, text: str) -> bool:
            return kind == "line" and "paused" in text and step in text

        await until(lambda: any(shown(*item) for item in seen[end:]))
        after = seen[end:]
        line = next(i for i, item in enumerate(after) if shown(*item))
        first_panel = next(i for i, (kind, _) in enumerate(after) if kind == "panel")
        assert line < first_panel, after[: first_panel + 1]
        assert app.session.controller.position.at_step_end


async def test_reset_while_training_paints_its_question_before_the_panels_are_redrawn(
    lab_app, monkeypatch
):
    from tui.screens.dialogs import ConfirmDialog

    app = lab_app("spiral", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await _training(app, pilot)
        seen = record(app, with_screen=True)
        mount = ConfirmDialog.on_mount

        def mounted(dialog) -> None:
            mount(dialog)
            question = dialog.query_one(".dialog-text")
            paint = question.render_lines

            def painted(crop):
                seen.append(("dialog", "painted"))
                return paint(crop)

            question.render_lines = painted

        monkeypatch.setattr(ConfirmDialog, "on_mount", mounted)
        mark_stop(app, seen)  # what follows the stop request is the key's
        app.post_message(events.Key("r", "r"))
        await until(lambda: ("dialog", "painted") in seen)
        start = seen.index(("interrupt", ""))
        await until(lambda: bool(_panels(seen[start:])) and not app.frames.dirty)
        after = seen[start:]
        dialog = after.index(("dialog", "painted"))
        first_panel = next(i for i, (kind, _) in enumerate(after) if kind == "panel")
        assert dialog < first_panel, after[: first_panel + 1]
        assert "paused" in app.status_bar.line.render().plain
        step = app.session.steps_done
        await pilot.press("n")  # no reset: the lab as it was, paused
        await until(lambda: type(app.screen).__name__ == "LabScreen")
        assert app.session.steps_done == step and not app.training
        match = re.search(r"step ([\d,]+)", app.status_bar.line.render().plain)
        assert (
            match and int(match.group(1).replace(",", "")) == app.session.controller.position.step
        )
