"""The lab gives the user its files: written where asked in a terminal, downloaded in a browser.

The browser half fakes only Textual's side (``is_web`` and ``deliver_binary``, then the
``DeliveryComplete`` / ``DeliveryFailed`` events the web driver posts); the real download through
``backprop-lab serve`` and Chromium is tested in ``tests/serve/test_serve_browser.py``.
"""

from __future__ import annotations

import errno
import os

import pytest
from textual import events
from textual.app import App
from textual.widgets import Input, Static

from tui import lab_files
from tui.give_file import unused_name
from tui.screens.dialogs import ConfirmDialog, ErrorDialog, PathDialog
from tui.session import LabSession

WIDE = (120, 40)


@pytest.fixture
def browser(monkeypatch):
    """Make the lab believe it runs in a browser; ``browser.files`` are the deliveries."""

    class Browser:
        files: list[dict] = []

    def deliver_binary(app, file, *, save_filename, mime_type, **kwargs):
        key = f"key{len(Browser.files)}"
        Browser.files.append(
            {"key": key, "name": save_filename, "mime": mime_type, "data": file.read()}
        )
        return key

    monkeypatch.setattr(App, "is_web", property(lambda app: True))
    monkeypatch.setattr(App, "deliver_binary", deliver_binary)
    return Browser


async def test_screenshot_in_a_terminal_is_written_in_the_working_folder(
    lab_app, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        app.action_screenshot_svg()
        await app.workers.wait_for_complete()
        await pilot.pause()
    (svg,) = tmp_path.iterdir()
    assert svg.name == "backprop-lab-xor-step1.svg"
    assert svg.read_text(encoding="utf-8").startswith("<svg")


async def test_a_screenshot_that_cannot_be_written_is_an_error_dialog(
    lab_app, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)

    def full_disk(path, write, binary):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(lab_files, "atomic_write", full_disk)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        app.action_screenshot_svg()
        await pilot.pause(0.2)
        assert isinstance(app.screen, ErrorDialog)
        assert "backprop-lab-xor-step0.svg" in app.screen.message
        assert app.screen.title_text == "Cannot save the screenshot"


def test_a_name_in_use_gets_the_first_free_number(tmp_path):
    assert unused_name(str(tmp_path), "xor-step5.lab.npz") == "xor-step5.lab.npz"
    for name in ("xor-step5.lab.npz", "xor-step5-2.lab.npz", "shot.svg"):
        (tmp_path / name).touch()
    assert unused_name(str(tmp_path), "xor-step5.lab.npz") == "xor-step5-3.lab.npz"
    assert unused_name(str(tmp_path), "shot.svg") == "shot-2.svg"
    (tmp_path / "noext").touch()
    assert unused_name(str(tmp_path), "noext") == "noext-2"


async def test_ctrl_s_in_a_terminal_asks_where(lab_app, tmp_path):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("Input").value = str(tmp_path / "a.lab.npz")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert app.session.progress == ""  # saved: q quits without asking
    assert LabSession.load(tmp_path / "a.lab.npz").controller.position.index == 1


async def test_a_path_holding_nul_is_a_clear_error_dialog(lab_app, tmp_path, monkeypatch):
    """NUL in the typed (or pasted) path: the dialog said "save session: ValueError: embedded
    null byte"; it names the path and what is wrong, as the scenario loader does."""
    from textual.widgets import Input

    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "ctrl+s")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, PathDialog):
                break
        app.screen.query_one(Input).value = "a\0b.lab.npz"
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, ErrorDialog):
                break
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.title_text == "Cannot save the session"
        assert app.screen.message == "a\\0b.lab.npz: a file name cannot hold NUL (\\0)"
    assert list(tmp_path.iterdir()) == []


async def typed_in_path_dialog(app, pilot, text: str) -> PathDialog:
    """Type ``text`` in the path dialog on screen and press enter; the dialog."""
    dialog = app.screen
    assert isinstance(dialog, PathDialog)
    dialog.query_one("#path", Input).value = text
    await pilot.press("enter")
    await pilot.pause()
    return dialog


def refused(dialog: PathDialog) -> tuple[str, str]:
    """(what the dialog says under its field, the field's text)."""
    why = dialog.query_one("#path-refused", Static).content
    return str(why), dialog.query_one("#path", Input).value


async def test_ctrl_s_to_a_folder_offers_the_file_in_it(lab_app, tmp_path, monkeypatch):
    """A folder typed in the save dialog was offered to be replaced ("/tmp/x exists. Replace
    it with this session?"), then the save failed: "Is a directory" (new-user audit). The
    dialog now stays, fills in the session's name in the folder and says so; enter saves."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "xor-step1.lab.npz").touch()  # a name in use there: the next one is offered
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "ctrl+s")
        await pilot.pause()
        dialog = await typed_in_path_dialog(app, pilot, str(folder))
        assert app.screen is dialog  # no question of replacing, no error
        offered = folder / "xor-step1-2.lab.npz"
        assert refused(dialog) == (
            f"{folder} is a folder: enter saves the session in it as {offered.name}",
            str(offered),
        )
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, (PathDialog, ConfirmDialog, ErrorDialog))
    assert LabSession.load(offered).run.trainer.steps_done == 1
    assert (folder / "xor-step1.lab.npz").read_bytes() == b""  # the other file untouched


async def test_ctrl_s_into_a_folder_that_does_not_exist_says_so_at_once(lab_app, tmp_path):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        typed = str(tmp_path / "nowhere" / "a.lab.npz")
        dialog = await typed_in_path_dialog(app, pilot, typed)
        assert app.screen is dialog
        assert refused(dialog) == (f"there is no folder {tmp_path / 'nowhere'}", typed)
    assert list(tmp_path.iterdir()) == []


async def test_loading_a_folder_keeps_the_dialog_for_the_file_name(lab_app, tmp_path):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "ctrl+s")
        await pilot.pause()
        await typed_in_path_dialog(app, pilot, str(tmp_path / "s.lab.npz"))
        await app.workers.wait_for_complete()
        await pilot.press("r")  # back to step 0 (saved: not asked)
        await pilot.pause()
        assert app.session.run.trainer.steps_done == 0
        app.action_load_session()
        await pilot.pause()
        dialog = await typed_in_path_dialog(app, pilot, str(tmp_path))
        assert app.screen is dialog
        assert refused(dialog) == (
            f"{tmp_path} is a folder: give the name of a session file in it",
            os.path.join(str(tmp_path), ""),
        )
        await typed_in_path_dialog(app, pilot, str(tmp_path / "missing.lab.npz"))
        assert refused(dialog)[0] == f"{tmp_path / 'missing.lab.npz'}: does not exist"
        await typed_in_path_dialog(app, pilot, str(tmp_path / "s.lab.npz"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.run.trainer.steps_done == 1


async def test_ctrl_s_in_a_browser_downloads_the_session(lab_app, browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, PathDialog)  # the browser asks where, not the lab
        (file,) = browser.files
        assert file["name"] == "xor-step1.lab.npz" and file["mime"] == "application/octet-stream"
        assert app.session.progress  # not saved until the browser has it: q still asks
        app.post_message(events.DeliveryComplete(key=file["key"], path=None, name=None))
        await pilot.pause()
        assert app.session.progress == ""
    assert list(tmp_path.iterdir()) == []  # nothing on the server's disk
    saved = tmp_path / file["name"]
    saved.write_bytes(file["data"])
    assert LabSession.load(saved).steps_done == 1


async def test_a_download_that_fails_leaves_the_session_unsaved(lab_app, browser):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "ctrl+s")
        await app.workers.wait_for_complete()
        (file,) = browser.files
        failure = events.DeliveryFailed(key=file["key"], exception=OSError("gone"), name=None)
        app.post_message(failure)
        await pilot.pause()
        assert app.session.progress
        (note,) = [n for n in app._notifications if n.severity == "error"]
        assert "xor-step1.lab.npz" in note.message and "not saved" in note.message


async def test_screenshot_in_a_browser_is_a_download(lab_app, browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE):
        app.action_screenshot_svg()
        await app.workers.wait_for_complete()
    (file,) = browser.files
    assert file["name"] == "backprop-lab-xor-step0.svg" and file["mime"] == "image/svg+xml"
    assert file["data"].startswith(b"<svg")
    assert list(tmp_path.iterdir()) == []


async def test_the_palette_has_one_screenshot_entry(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert "Screenshot" not in titles and "Change theme" in titles


async def until_asked(app, pilot) -> None:
    """Wait until the lab shows a question (``ConfirmDialog``), for at most 4 s."""
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(app.screen, ConfirmDialog):
            return


async def test_export_in_a_browser_downloads_the_script_then_its_arrays_when_asked(
    lab_app, browser, tmp_path, monkeypatch
):
    """A browser blocks a page's second download that no key press or click started (as a
    pop-up): the .npz sent right after the script never arrived. The lab asks first; the
    answer is that key press."""
    from scenarios import load_scenario
    from scenarios.export import export_pytorch

    monkeypatch.chdir(tmp_path)
    app = lab_app("spiral", seed=5)
    async with app.run_test(size=WIDE) as pilot:
        app.action_export_pytorch()
        await until_asked(app, pilot)
        assert [f["name"] for f in browser.files] == ["spiral_pytorch.py"]
        assert isinstance(app.screen, ConfirmDialog)
        assert "Download spiral_pytorch.npz too?" in app.screen.question
        await pilot.pause()
        assert app.screen.focused.id == "yes"  # enter downloads it: the script needs it
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    expected = export_pytorch(load_scenario("spiral"), seed=5, script="spiral_pytorch.py")
    assert [(f["name"], f["data"]) for f in browser.files] == [
        ("spiral_pytorch.py", expected.script.encode()),
        ("spiral_pytorch.npz", expected.arrays_bytes()),
    ]
    assert list(tmp_path.iterdir()) == []  # nothing on the server's disk


async def test_export_in_a_browser_skips_the_arrays_when_told(lab_app, browser):
    app = lab_app("spiral")
    async with app.run_test(size=WIDE) as pilot:
        app.action_export_pytorch()
        await until_asked(app, pilot)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        (script,) = browser.files
        app.post_message(events.DeliveryComplete(key=script["key"], path=None, name=None))
        await pilot.pause()
        titles = [n.title for n in app._notifications]
        assert titles[-1] == "PyTorch script saved"  # not "Pytorch" (str.capitalize)
    assert [f["name"] for f in browser.files] == ["spiral_pytorch.py"]


async def test_export_in_a_browser_with_no_arrays_asks_nothing(lab_app, browser):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        app.action_export_pytorch()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert [f["name"] for f in browser.files] == ["xor_pytorch.py"]
