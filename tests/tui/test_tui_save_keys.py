"""ctrl+s either saves or says why not, however it is typed (a new-user audit: the first ctrl+s
in dying-relu, sent with enter in one tmux send-keys, wrote no file and said nothing).

The save dialog opens a moment after the key (in a worker, once training has stopped): enter
typed with ctrl+s went to the lab (the Lesson panel ran its action 1), and the dialog stayed
open, waiting. Keys typed with ctrl+s now wait for its dialog (``tui/key_hold.py``). Over a
dialog or a screen of the lab ctrl+s did nothing at all; it now says where it saves.
"""

from __future__ import annotations

import pytest
from pilot_waits import until
from textual import events
from textual.widgets import Input

from tui.screens.dialogs import PathDialog
from tui.session import LabSession

WIDE = (120, 40)


def typed(app, *keys: str) -> None:
    """``keys`` as a terminal reads keys typed in one go: all queued before the first is
    handled."""
    for key in keys:
        app.post_message(events.Key(key, "\r" if key == "enter" else None))


@pytest.mark.parametrize("train_first", [False, True])
async def test_ctrl_s_and_enter_typed_in_one_go_save(lab_app, tmp_path, monkeypatch, train_first):
    monkeypatch.chdir(tmp_path)
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        if train_first:
            await pilot.press("space")
            await until(pilot, lambda: app.session.steps_done > 0)
        typed(app, "ctrl+s", "enter")
        await until(pilot, lambda: app._notifications and not len(app.workers))
        assert not isinstance(app.screen, PathDialog)
        assert [n.title for n in app._notifications][-1:] == ["Session saved"]
        steps = app.session.steps_done
    (saved,) = tmp_path.iterdir()
    assert LabSession.load(saved).run.trainer.steps_done == steps


async def test_ctrl_s_twice_saves_at_the_name_offered(lab_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        typed(app, "ctrl+s", "ctrl+s")
        await until(pilot, lambda: list(tmp_path.iterdir()) and not len(app.workers))
    assert [p.name for p in tmp_path.iterdir()] == ["xor-step0.lab.npz"]


@pytest.mark.parametrize("key", ["question_mark", "B", "o"])
async def test_ctrl_s_over_a_screen_of_the_lab_says_it_did_not_save(lab_app, tmp_path, key):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(key)
        await pilot.pause(0.1)
        over = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert app.screen is over  # the screen stays; the save is the lab's, under it
        (note,) = app._notifications
        assert note.title == "Session not saved"
        assert (
            note.message == "Not saved: escape closes this window; then ctrl+s saves the session."
        )


async def test_save_with_an_empty_name_keeps_the_dialog_and_says_why(lab_app, tmp_path):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PathDialog))
        dialog = app.screen
        dialog.query_one(Input).value = "  "
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.screen is dialog  # it closed, as escape does, and said nothing
        shown = str(dialog.query_one("#path-refused").render())
        assert shown == "no file name: type one, or escape cancels"
