"""Helpers of the serve tests: the real ``backprop-lab serve`` as a child process, and a client
of the websocket the page uses, with a VT100 screen model (pyte) to read what the lab drew."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp
import pyte

TRAINS_UNTIL_PAUSED = (
    "--set",
    "training.epochs=100000000",
    "--set",
    "stop.loss_below=1e-300",
    "--set",
    "lab.speed=max",
)
"""Options that keep xor training, unthrottled, until space pauses it (it stops at a loss of 0.01
otherwise). Out of reach of any machine: at ~15,000 steps a second, 100,000 epochs (as it was)
ended in ~7 s, and then space did not pause but said "Training is finished"."""

STATUS = (
    r"(?:Backprop Lab │ )?xor │ (\w+) │ batch loss (\S+)(?: \(step [\d,]+\))? │ step ([\d,]+) · "
    r"epoch [\d,]+ · (\S+)"
)
"""The status line of a xor lab: groups status, batch loss, step and event. The batch loss names
its step when it is the one before the step shown. The title gives way first when the line is too
long for the width (at step 13,387 paused inside a step, 120 columns are not enough), so it is
optional here."""


def console_script() -> str:
    beside = Path(sys.executable).with_name("backprop-lab")
    return str(beside) if beside.exists() else str(shutil.which("backprop-lab"))


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return False


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Served:
    """``backprop-lab serve ARGS --port 0`` (a free port); ``url`` is the one it printed."""

    def __init__(self, *args: str, cwd: Path, timeout: float = 60.0) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [console_script(), "serve", *args, "--port", "0"],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_log(r"is served at (http://\S+)", timeout)
        self.url = found.group(1) + "/"
        self.ws_url = self.url.replace("http://", "ws://") + "ws"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_log(self, pattern: str, timeout: float = 30.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            if found := re.search(pattern, self.log):
                return found
            if self.process.poll() is not None and not re.search(pattern, self.log):
                time.sleep(0.2)  # the last lines
                if found := re.search(pattern, self.log):
                    return found
                raise AssertionError(f"the server ended ({self.process.returncode}):\n{self.log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not in the server's output:\n{self.log}")
            time.sleep(0.05)

    def lab_pids(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"\(process (\d+)\) started", self.log)]

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> int:
        """Stop the server as ctrl+c does; its exit status. Every lab it started must be gone."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise AssertionError(
                    f"the server did not stop within {timeout} s:\n{self.log}"
                ) from None
        orphans = [pid for pid in self.lab_pids() if alive(pid)]
        for pid in orphans:  # clean up, then fail
            os.kill(pid, signal.SIGKILL)
        assert not orphans, f"labs left running after the server stopped: {orphans}\n{self.log}"
        return self.process.returncode


class LabSocket:
    """One tab's websocket, as the page's textual.js uses it; ``screen()`` is what the lab
    shows, rebuilt from the terminal bytes by pyte."""

    def __init__(self, size: tuple[int, int] = (120, 40), cookies: dict | None = None) -> None:
        self.size = size
        self.cookies = cookies  # the page's, as a browser sends them with the websocket
        self.screen_model = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen_model)
        self.texts: list = []  # JSON messages (downloads)
        self.closed = asyncio.Event()
        self.bytes_received = 0

    async def connect(self, served: Served) -> LabSocket:
        self.http = aiohttp.ClientSession(cookies=self.cookies)
        width, height = self.size
        self.ws = await self.http.ws_connect(f"{served.ws_url}?width={width}&height={height}")
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.bytes_received += len(message.data)
                self.stream.feed(message.data)
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.texts.append(json.loads(message.data))
        self.closed.set()

    def screen(self) -> str:
        return "\n".join(self.screen_model.display)

    async def keys(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            await self.ws.send_str(json.dumps(["stdin", key]))
            await asyncio.sleep(pause)

    async def wait_for(self, pattern: str, timeout: float = 60.0) -> re.Match:
        """The first match of ``pattern`` on the screen, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            if found := re.search(pattern, self.screen()):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on the screen:\n{self.screen()}")
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()
