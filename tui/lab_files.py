"""The lab's actions on files: save and load a session, save a screenshot, export the scenario
as a PyTorch script. ``LabFiles`` is a part of ``LabApp`` (tui/app.py); every file goes to the
user through ``GivesFiles.give_file`` (written here in a terminal, downloaded in a browser)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from textual import work

from engine import live
from engine.atomic import atomic_write
from engine.paths import unreadable
from tui.give_file import GivesFiles
from tui.lab_host import LabHost
from tui.screens.dialogs import ConfirmDialog, ErrorDialog, PathDialog, Refusal
from tui.session import LabSession


class LabFiles(GivesFiles, LabHost):
    """The file actions of ``LabApp`` (which provides ``session``, ``stop_training`` and
    ``_install``; ``SessionQuestions`` the ``_may_drop_training`` question)."""

    def action_save_session(self) -> None:
        """ctrl+s: the session to a file, where the user says (``give_file``). The keys typed
        with it wait for its dialog (``KeyHold``): ``ctrl+s enter`` in one go saved nothing,
        as the dialog opens a moment after the key (after training stops) and enter went to the
        lab (the Lesson panel ran its action 1) while the dialog stayed open, waiting."""
        self.hold_keys()
        self._save_session()

    @work(group="dialog", exit_on_error=False, name="save_session")
    async def _save_session(self) -> None:
        try:
            await self._save_session_asked()
        finally:
            self.release_keys()  # no dialog came (an error, a browser's download): keys go on

    async def _save_session_asked(self) -> None:
        await self.stop_training(status_first=True)  # the dialog before the panels
        session = self.lab_session
        before = session.saved
        written_at = before

        def write(path: Path) -> Path:
            nonlocal written_at
            written = session.save(path)
            # saved once the user has the file (in a browser: once it is downloaded)
            written_at, session.saved = session.saved, before
            return written

        def delivered() -> None:
            session.saved = written_at

        await self.give_file(session.default_filename(), write, what="session", delivered=delivered)

    @work(group="dialog", exit_on_error=False)
    async def action_load_session(self) -> None:
        asked = PathDialog("Load a session from", "", "Load", check=load_refusal)
        path = await self.push_screen_wait(asked)
        if path is None:
            return
        self.load_session(path)

    @work(group="dialog", exit_on_error=False)
    async def load_session(self, path: str) -> None:
        loaded = await self._replace_session(
            lambda: LabSession.load(path), "Cannot load the session", lambda _: f"Load {path}?"
        )
        if loaded:
            self.notify(f"loaded {path}", title="Session loaded")

    @work(group="dialog", exit_on_error=False)
    async def action_screenshot_svg(self) -> None:
        svg = self.export_screenshot()
        session = self.lab_session
        name = f"backprop-lab-{session.scenario.name}-{session.position_tag()}.svg"
        await self.give_file(
            name,
            lambda path: atomic_write(path, lambda f: f.write(svg), binary=False),
            what="screenshot",
            ask=False,
            mime_type="image/svg+xml",
        )

    @work(group="dialog", exit_on_error=False)
    async def action_export_pytorch(self) -> None:
        """The scenario (as edited here, with the session's seed) as a PyTorch training script
        in the current folder, under a name no file has yet."""
        from scenarios import ScenarioError
        from scenarios.export import default_name
        from tui.commands.export import export_into

        s = self.lab_session
        left_out = "; ".join(live.describe(c) for c in list(s.run.trainer.changes))
        if left_out:  # the script trains with the scenario's values from start to end
            self.notify(
                f"{left_out}: made while training, not in the script, which trains with the "
                "scenario's values",
                title="Changes not exported",
                severity="warning",
            )
        try:
            if self.is_web:  # the files go to the browser, not to the server's folder
                await self._export_to_browser(default_name(s.scenario.name))
                return
            written = await asyncio.to_thread(
                export_into, Path.cwd(), s.scenario, s.seed, s.edits is not None
            )
        except (ScenarioError, ValueError, OSError) as e:
            await self.push_screen_wait(ErrorDialog("Cannot export as a PyTorch script", str(e)))
            return
        self.notify(f"wrote {written}", title="Exported as PyTorch script")

    async def _export_to_browser(self, script: str) -> None:
        """The export as downloads: the script, then its .npz when it has one, once the user
        says so. A browser lets a page start one download per key press or click: the .npz
        sent right after the script was blocked as a pop-up, and the script alone cannot run."""
        from scenarios.export import export_pytorch

        s = self.lab_session
        export = await asyncio.to_thread(
            export_pytorch, s.scenario, seed=s.seed, script=script, edited=s.edits is not None
        )
        files = [(script, export.script.encode(), "text/x-python")]
        if export.arrays is not None and export.arrays_name is not None:
            files.append((export.arrays_name, export.arrays_bytes(), "application/octet-stream"))
        for name, data, mime_type in files:
            if name != script:
                question = (
                    f"{script} reads its data and initial weights from {name}, "
                    f"which must be beside it. Download {name} too?"
                )
                asked = ConfirmDialog(question, "Download", "Skip", default=True)
                if not await self.push_screen_wait(asked):
                    return
            await self.give_file(
                name,
                _writer(data),
                what="PyTorch script" if name == script else "script's arrays",
                ask=False,
                mime_type=mime_type,
            )


def load_refusal(path: str) -> Refusal | None:
    """Why ``path`` is not a session file to load, and the field's text instead
    (``PathDialog``, the ``o`` picker): a folder's path ending in a separator, for a file's name
    to follow; a path that does not exist, a pipe or a device as typed
    (``engine.paths.unreadable``); a file that does not load — damaged (random bytes, a
    truncated archive) or of another version —, read whole as the lab then reads it again (a
    few milliseconds), so that the dialog says why under the field and stays open rather than
    closing on an error box. None for a session file that loads."""
    from tui.session_errors import SessionError

    if os.path.isdir(path):
        return f"{path} is a folder: give the name of a session file in it", os.path.join(path, "")
    why = unreadable(path, "a session file")
    if why is not None:
        return f"{path}: {why}", path
    try:
        LabSession.load(path)
    except SessionError as e:
        return str(e), path
    return None


def _writer(data: bytes) -> Callable[[Path], Path]:
    """Writes ``data`` to a path (atomically)."""
    return lambda path: atomic_write(path, lambda f: f.write(data), binary=True)
