"""A small client of the Chrome DevTools Protocol: headless Chromium driven over one websocket.

Enough for the browser test of ``backprop-lab serve``: open a page, run JavaScript in it, type
keys, take screenshots and let downloads land in a folder. Commands are JSON messages
``{"id", "method", "params", "sessionId"}``; a page is reached through a flat session
(``Target.attachToTarget`` with ``flatten``). The websocket is aiohttp's (it comes with the
'web' extra, as textual-serve's server).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import aiohttp

FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
)

# Keys as Input.dispatchKeyEvent wants them: key, code, Windows virtual key code, text.
KEYS = {
    "space": (" ", "Space", 32, " "),
    "enter": ("Enter", "Enter", 13, "\r"),
    "escape": ("Escape", "Escape", 27, ""),
    **{c: (c, f"Key{c.upper()}", ord(c.upper()), c) for c in "abcdefghijklmnopqrstuvwxyz"},
}
CTRL = 2  # Input.dispatchKeyEvent's modifiers bit for ctrl


def chromium_command() -> str | None:
    """The Chromium executable: Debian's ``chromium`` (or another name it goes by)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


class CDPError(Exception):
    pass


class Browser:
    """A headless Chromium process and a DevTools connection to it."""

    def __init__(self, profile: Path, size: tuple[int, int] = (1400, 1000)) -> None:
        self.profile = profile
        self.size = size
        self.process: subprocess.Popen | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 0
        self._replies: dict[int, asyncio.Future] = {}
        self.events: list[dict] = []
        self._event_arrived = asyncio.Event()
        self._reader: asyncio.Task | None = None

    async def start(self, timeout: float = 60.0) -> None:
        executable = chromium_command()
        assert executable, "no chromium"
        width, height = self.size
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}"]
            + [f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        port_file = self.profile / "DevToolsActivePort"  # Chromium writes: port, then path
        deadline = time.monotonic() + timeout
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None:
                raise CDPError(f"chromium exited with status {self.process.returncode}")
            if time.monotonic() > deadline:
                raise CDPError("chromium did not open its DevTools port")
            await asyncio.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.send("Browser.close")
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # its whole process group: renderers and all
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data:
                future = self._replies.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
            else:
                self.events.append(data)
                self._event_arrived.set()

    async def send(self, method: str, session: str | None = None, **params) -> dict:
        """Run a DevTools command (in a page's ``session``) and return its result."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self._replies[self._next_id] = future
        await self._ws.send_str(json.dumps(message))
        reply = await asyncio.wait_for(future, 60)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def wait_event(self, method: str, test=lambda params: True, timeout: float = 30.0):
        """The params of the first event ``method`` (since start) for which ``test`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method and test(event.get("params", {})):
                    return event["params"]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} event within {timeout} s")
            self._event_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event_arrived.wait(), remaining)

    async def new_page(self) -> Page:
        target = await self.send("Target.createTarget", url="about:blank")
        attached = await self.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        page = Page(self, attached["sessionId"], target["targetId"])
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        width, height = self.size  # the viewport itself, whatever the headless window adds
        await page.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        return page


class Page:
    """One tab, reached through its flat DevTools session."""

    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser = browser
        self.session = session
        self.target = target

    async def send(self, method: str, **params) -> dict:
        return await self.browser.send(method, self.session, **params)

    async def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (awaited if it is a promise)."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise CDPError(f"{expression[:60]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def navigate(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def key(self, name: str, *, ctrl: bool = False) -> None:
        """Press and release a key, as a person typing on the focused element."""
        key, code, vk, text = KEYS[name]
        down = {"key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": CTRL * ctrl}
        if text and not ctrl:
            down["text"] = text
        await self.send("Input.dispatchKeyEvent", type="keyDown", **down)
        await self.send(
            "Input.dispatchKeyEvent",
            type="keyUp",
            key=key,
            code=code,
            windowsVirtualKeyCode=vk,
            modifiers=CTRL * ctrl,
        )

    async def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"])
        path.write_bytes(data)
        return data

    async def close(self) -> None:
        with contextlib.suppress(CDPError):
            await self.browser.send("Target.closeTarget", targetId=self.target)
