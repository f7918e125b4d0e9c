"""Giving the user a file the lab made (a saved session, a screenshot, an exported script).

In a terminal the file is written on this machine, atomically, where the user says. In a browser
(``backprop-lab serve``) the lab runs on the server, so the file is sent to the browser as a
download instead (Textual's ``deliver_binary`` over the web driver) and nothing is left on the
server's disk. ``GivesFiles.give_file`` is the one way the lab does either.
"""

from __future__ import annotations

import functools
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import events, on
from textual.app import App

from tui.screens.dialogs import ConfirmDialog, ErrorDialog, PathDialog, Refusal
from tui.session_errors import SessionError


def unused_name(folder: str, filename: str) -> str:
    """``filename``, or, when ``folder`` has a file of that name, the first of ``NAME-2.EXT``,
    ``NAME-3.EXT``, … that it has not (EXT: all after the name's first dot, e.g. ``lab.npz``)."""
    name, dot, ext = filename.partition(".")
    k = 1
    while os.path.exists(os.path.join(folder, filename)):
        k += 1
        filename = f"{name}-{k}{dot}{ext}"
    return filename


def save_refusal(path: str, filename: str, what: str) -> Refusal | None:
    """Why the ``what`` ("session") is not saved to ``path`` as typed, and the path offered
    instead (``PathDialog``): in a folder, under ``filename`` (made unused there); a folder that
    does not exist is named. None: the path is a file's, in a folder that exists."""
    if os.path.isdir(path):
        offered = os.path.join(path, unused_name(path, filename))
        name = os.path.basename(offered)
        return f"{path} is a folder: enter saves the {what} in it as {name}", offered
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        return f"there is no folder {folder}", path
    return None


def _first_upper(words: str) -> str:
    """``words`` with its first letter upper-case and the rest as written ("PyTorch script"
    stays so; ``str.capitalize`` made it "Pytorch script")."""
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class _Pending:
    what: str
    filename: str
    delivered: Callable[[], None] | None


class GivesFiles(App):
    """The lab's ``give_file`` and the bookkeeping of downloads under way (a mix-in of LabApp)."""

    @property
    def _under_way(self) -> dict[str, _Pending]:
        """Downloads started and not yet fetched by the browser, by delivery key."""
        return self.__dict__.setdefault("_pending_deliveries", {})

    async def give_file(
        self,
        filename: str,
        write: Callable[[Path], Path],
        *,
        what: str,
        ask: bool = True,
        mime_type: str = "application/octet-stream",
        delivered: Callable[[], None] | None = None,
    ) -> None:
        """Give the user the file ``filename``, whose content ``write(path)`` writes (and returns
        the path written). ``what`` names it in messages ("session", "screenshot").

        In a terminal: written in the folder the lab was started from, or, when ``ask``, where
        the user says in a dialog that offers ``filename`` (made unused there: ``unused_name``);
        a folder typed there gets ``filename`` in it (``save_refusal``), and a file already
        there is replaced only when the user says so. In a browser: sent as a
        download named ``filename``. ``delivered()`` runs once the user has the file (written,
        or fetched by the browser). A write that fails (OSError, SessionError) is an error
        dialog.
        Call it from a worker: it may wait on a dialog."""
        if self.is_web:
            await self._send_to_browser(filename, write, what, mime_type, delivered)
            return
        check = functools.partial(save_refusal, filename=filename, what=what)
        filename = unused_name(os.getcwd(), filename)
        path = os.path.join(os.getcwd(), filename)
        while ask:
            answer = await self.push_screen_wait(
                PathDialog(f"Save the {what} to", filename, "Save", check=check)
            )
            if answer is None:
                return
            path = answer
            if not os.path.exists(path):
                break
            question = f"{path} exists. Replace it with this {what}?"
            if await self.push_screen_wait(ConfirmDialog(question, "Replace", "Keep it")):
                break
            filename = path  # asked again, with the name typed
        written = await self._write(write, Path(path), what)
        if written is None:
            return
        if delivered is not None:
            delivered()
        self.notify(f"saved to {written}", title=f"{_first_upper(what)} saved")

    async def _write(self, write: Callable[[Path], Path], path: Path, what: str) -> Path | None:
        try:
            return write(path)
        except (OSError, SessionError) as e:
            message = str(e) if isinstance(e, SessionError) else f"{path}: {e.strerror or e}"
        except ValueError:  # the file system refuses a path holding NUL before asking
            if "\0" not in str(path):
                raise
            shown = str(path).replace("\0", "\\0")
            message = f"{shown}: a file name cannot hold NUL (\\0)"
        await self.push_screen_wait(ErrorDialog(f"Cannot save the {what}", message))
        return None

    async def _send_to_browser(self, filename, write, what, mime_type, delivered) -> None:
        with tempfile.TemporaryDirectory(prefix="backprop-lab-") as folder:
            written = await self._write(write, Path(folder) / filename, what)
            if written is None:
                return
            content = written.read_bytes()
        key = self.deliver_binary(io.BytesIO(content), save_filename=filename, mime_type=mime_type)
        if key is None:  # no driver: the app is not running
            return
        self._under_way[key] = _Pending(what, filename, delivered)
        self.notify(f"sending {filename} to your browser", title=f"Saving the {what}")

    @on(events.DeliveryComplete)
    def _delivered(self, event: events.DeliveryComplete) -> None:
        pending = self._under_way.pop(event.key, None)
        if pending is None:
            return
        if pending.delivered is not None:
            pending.delivered()
        self.notify(
            f"{pending.filename} is in your browser's downloads",
            title=f"{_first_upper(pending.what)} saved",
        )

    @on(events.DeliveryFailed)
    def _not_delivered(self, event: events.DeliveryFailed) -> None:
        pending = self._under_way.pop(event.key, None)
        if pending is None:
            return
        self.notify(
            f"{pending.filename} could not be sent to your browser ({event.exception}); "
            "it is not saved",
            title=f"Cannot save the {pending.what}",
            severity="error",
            timeout=10,
        )

    def get_system_commands(self, screen):
        """Textual's own "Screenshot" entry is left out: the lab's "Save screenshot" names the
        file after the scenario and step and gives it like every other file."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command
