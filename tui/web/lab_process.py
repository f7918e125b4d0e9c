"""One lab for one browser tab: ``backprop-lab open …`` under Textual's web driver.

textual-serve's ``AppService`` speaks the web driver's protocol over the process's pipes (screen
bytes out, keys and resize in, downloads in chunks). ``LabProcess`` changes how the process is
started and ended: it is run without a shell, in a process group of its own (ctrl+c at the
server's terminal reaches only the server, which then ends every lab in order), and on Linux the
kernel ends it if the server dies without cleaning up; ending it asks it to quit and, if it has
not within ``QUIT_GRACE`` seconds, terminates and then kills its group. A lab that ends by itself
(``q``, or a crash) closes its tab's connection, so the page says the lab has ended. ``LabProcess``
also relays the lab's output itself (``_relay``) and prints what the lab wrote to its standard
error once, when it has ended: textual-serve's ``AppService.run`` printed it twice for a lab that
did not start (once on seeing no start, again at its end).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import shlex
import signal
import sys

from textual_serve.app_service import AppService

QUIT_GRACE = 3.0  # seconds a lab gets to quit when asked, then SIGTERM
TERM_GRACE = 2.0  # seconds after SIGTERM, then SIGKILL
RELAY_GRACE = 5.0  # seconds for the last output of an ended lab to be relayed

_PR_SET_PDEATHSIG = 1
log = logging.getLogger("textual-serve")


def _die_with_the_server() -> None:
    """In the child, before exec: SIGTERM when the parent (the server) dies (Linux only).

    Runs between fork and exec, so it only calls prctl, through a libc loaded beforehand."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


async def _all_of(output: asyncio.Future) -> bytes:
    """What an ended lab wrote to a pipe (``RELAY_GRACE`` for the rest of it: a process the lab
    started may hold the pipe open)."""
    try:
        return await asyncio.wait_for(output, RELAY_GRACE)
    except Exception:  # TimeoutError, or a pipe that broke
        return b""


def _print_output(output: bytes) -> None:
    """A lab's error output, in the server's log (none when the server's output has gone)."""
    if output:
        with contextlib.suppress(OSError):
            sys.stdout.write(output.decode("utf-8", "replace"))
            sys.stdout.flush()


class LabProcess(AppService):
    """A lab process tied to one websocket; ``number`` names it in the server's log."""

    def __init__(self, argv: list[str], number: int, **kwargs) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.number = number
        self.returncode: int | None = None
        self.said_exit = False  # the lab announced its exit (q, or asked to quit)
        self.asked_to_stop = False  # ended by its tab or the server, not by itself
        self.browser: str | None = None  # the browser of its tab (the server's cookie)
        self._stopping: asyncio.Task | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def _lab(self) -> asyncio.subprocess.Process:
        """The lab's process, which ``start`` opens before ``run`` or ``stop`` can be called."""
        assert self._process is not None
        return self._process

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
            preexec_fn=_die_with_the_server if _LIBC is not None else None,
        )
        self._stdin = process.stdin
        return process

    async def on_meta(self, data: bytes) -> None:
        with contextlib.suppress(ValueError, AttributeError):
            self.said_exit = self.said_exit or json.loads(data).get("type") == "exit"
        await super().on_meta(data)

    async def run(self) -> None:
        """Relay the lab's output until it ends; then reap it and close the tab's connection
        (after ``q`` the lab has said so itself; after a crash only this tells the page, and
        the tab is told what happened, its output being in the server's log)."""
        assert self._lab.stderr is not None  # opened with a pipe
        errors = asyncio.ensure_future(self._lab.stderr.read())  # the lab's error output
        try:
            started = await self._relay()
        except Exception:  # the relay broke (a closed socket, a bad packet): end the lab too
            log.exception("lab %d: its screen could not be relayed; ending it", self.number)
            started = True
            await self._end_process()
        if not started:
            log.error("lab %d did not start", self.number)
            await self._end_process()  # it may still run (it wrote something else)
        self.returncode = await self._lab.wait()
        _print_output(await _all_of(errors))
        if self.failed:
            message = (
                "\x1b[?1049l\x1b[0m"  # out of the lab's screen: the terminal's own, reset
                f"\r\n  This lab stopped with an error ({self.how_it_ended}).\r\n"
                "  The server's log shows its output; other tabs are not affected.\r\n"
            )
            with contextlib.suppress(Exception):
                await self.remote_write_bytes(message.encode())
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def _relay(self) -> bool:
        """Relay the lab's screen and messages to its tab until its output ends; whether it
        started. The web driver's protocol: the line ``__GANGLION__`` (within the first 10
        lines), then packets: a type byte (``D`` screen bytes, ``M`` a JSON message, ``P`` a
        packed one: a file's chunk), the payload's length (4 bytes, big-endian), the payload."""
        stdout = self._lab.stdout
        assert stdout is not None  # opened with a pipe
        for _ in range(10):
            line = await stdout.readline()
            if line == b"__GANGLION__\n":
                break
            if not line:
                return False
        else:
            return False
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        # the output's end, a reset pipe, or stop()'s cancel after RELAY_GRACE (as textual-serve)
        with contextlib.suppress(
            asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError
        ):
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if handler := handlers.get(kind):
                    await handler(payload)
        return True

    @property
    def failed(self) -> bool:
        """It ended by itself without saying so, or with a failure status."""
        return not self.asked_to_stop and self.returncode not in (None, 0)

    @property
    def how_it_ended(self) -> str:
        if self.returncode is None or self.returncode >= 0:
            return f"exit status {self.returncode}"
        try:
            return f"killed by {signal.Signals(-self.returncode).name}"
        except ValueError:
            return f"killed by signal {-self.returncode}"

    async def stop(self) -> None:
        """End the lab (once, whoever asks: the closed tab or the stopping server)."""
        if self._task is None or (self._task.done() and self._stopping is None):
            return  # it ended by itself (q, or a crash)
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        task = self._task
        assert task is not None  # stop() returns early without one
        self.asked_to_stop = not self.said_exit and not task.done()
        with contextlib.suppress(Exception):
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self._end_process()
        try:  # the relay ends with the lab's output
            await asyncio.wait_for(asyncio.shield(task), RELAY_GRACE)
        except Exception:  # TimeoutError (a grandchild holds the pipe) or a broken relay
            task.cancel()
        self._task = None

    async def _end_process(self) -> None:
        """Ask the lab to quit (the web driver's "quit"); SIGTERM to its process group if it has
        not ended within QUIT_GRACE seconds, SIGKILL after TERM_GRACE more."""
        with contextlib.suppress(Exception):
            await self.send_meta({"type": "quit"})
        for sig, grace in (
            (None, QUIT_GRACE),
            (signal.SIGTERM, TERM_GRACE),
            (signal.SIGKILL, None),
        ):
            if sig is not None:
                self._signal_group(sig)
            try:
                await asyncio.wait_for(self._lab.wait(), grace)
                return
            except TimeoutError:
                continue

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._lab.pid, sig)
