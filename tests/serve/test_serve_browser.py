"""End to end in a real browser: ``backprop-lab serve`` and headless Chromium (Debian's
``chromium``), driven over the DevTools protocol (``cdp.py``) as a person would use the page.

The page's terminal is xterm.js drawing on a canvas, so its text is not in the DOM: a script
added before the page loads notes textual-serve's terminal object when the page creates it, and
the test reads the rows of its xterm buffer (what the page shows). Screenshots of each stage are
written to ``$BACKPROP_LAB_SCREENSHOTS`` when set (to look at), otherwise to the test's folder.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import struct
import time
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
pytest.importorskip("pyte")

from cdp import Browser, CDPError, Page  # noqa: E402
from serve_harness import STATUS, TRAINS_UNTIL_PAUSED, Served, alive, wait_until  # noqa: E402

from tui.session import LabSession  # noqa: E402

pytestmark = [pytest.mark.web, pytest.mark.browser, pytest.mark.slow]

# textual.js makes one object per terminal and sets its ``websocket_url`` first: note it.
FIND_TERMINAL = """
Object.defineProperty(Object.prototype, "websocket_url", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "websocket_url",
      {value, writable: true, configurable: true, enumerable: true});
    window.labTerminal = this;
  },
});
"""
SCREEN = """(() => {
  const t = window.labTerminal && window.labTerminal.terminal;
  if (!t) return "";
  const buffer = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()"""


async def wait_screen(page: Page, pattern: str, timeout: float = 60.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while True:
        try:
            screen = await page.evaluate(SCREEN)
        except CDPError as e:  # "Start a new lab" reloads the page: evaluated as it navigated
            if "navigated or closed" not in str(e) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
            continue
        if found := re.search(pattern, screen):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} not on the page's terminal:\n{screen}")
        await asyncio.sleep(0.2)


async def wait_page(page: Page, expression: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"{expression} stayed false")
        await asyncio.sleep(0.2)


async def reload_asked(browser: Browser, page: Page, *, leave: bool) -> None:
    """Reload ``page``; the browser asks first (the page's beforeunload), and the answer is
    to leave (the reload goes on) or to stay."""

    def questions() -> list[dict]:
        return [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]

    before = len(questions())
    await page.send("Page.reload")
    deadline = time.monotonic() + 10
    while len(questions()) == before:
        if time.monotonic() > deadline:
            raise AssertionError("reloaded without a question: the lab would be gone")
        await asyncio.sleep(0.1)
    assert questions()[before]["params"]["type"] == "beforeunload"
    await page.send("Page.handleJavaScriptDialog", accept=leave)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def shots(tmp_path):
    """``await shot(page, name)``: a PNG of the page, kept where a person can look at it."""
    folder = Path(os.environ.get("BACKPROP_LAB_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)

    async def shot(page: Page, name: str) -> bytes:
        data = await page.screenshot(folder / f"serve-{name}.png")
        assert png_size(data) == (1400, 900)
        return data

    shot.folder = folder
    return shot


async def open_lab(browser: Browser, served: Served, downloads: Path) -> Page:
    """Start ``browser`` with downloads landing in ``downloads`` and open the served lab in a
    page whose terminal ``SCREEN`` can read."""
    await browser.start()
    await browser.send(
        "Browser.setDownloadBehavior",
        behavior="allow",
        downloadPath=str(downloads),
        eventsEnabled=True,
    )
    page = await browser.new_page()
    await page.send("Page.addScriptToEvaluateOnNewDocument", source=FIND_TERMINAL)
    await page.navigate(served.url)
    return page


async def test_the_lab_in_chromium_draws_trains_steps_saves_and_quits(tmp_path, shots):
    downloads = tmp_path / "downloads"
    served = Served("xor", *TRAINS_UNTIL_PAUSED, "--max-sessions", "1", cwd=tmp_path)
    browser = Browser(tmp_path / "profile", size=(1400, 900))
    try:
        page = await open_lab(browser, served, downloads)

        # drawn: the status line and the five panels of the wide layout
        status = await wait_screen(page, STATUS)
        assert status.group(1) == "idle"
        for part in ("Network", "Loss", "Data", "Debugger", "Gradients", "q Quit"):
            await wait_screen(page, part)
        assert await page.evaluate("document.title") == "Backprop Lab"
        drawn = await shots(page, "1-drawn")

        # trained and stepped, with keys typed into the page
        await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await page.key("space")
        await wait_screen(page, r"│ running │ batch loss \d")
        await page.key("space")
        paused = await wait_screen(page, STATUS.replace(r"(\w+)", "(paused)", 1))
        assert int(paused.group(3).replace(",", "")) > 1
        await page.key("s")
        await page.key("s")
        await wait_screen(page, r"· Forward\(l=1\)")
        stepped = await shots(page, "2-trained-and-stepped")
        assert stepped != drawn

        # leaving the page would end this lab (a stray ctrl+r, F5 or ctrl+w): the browser asks
        # first, and staying keeps the lab as it was
        await reload_asked(browser, page, leave=False)
        await wait_screen(page, r"· Forward\(l=1\)")
        assert len(served.lab_pids()) == 1

        # ctrl+s: the session arrives as a download in the browser's folder
        await page.key("s", ctrl=True)
        done = await browser.wait_event(
            "Browser.downloadProgress", lambda e: e.get("state") == "completed", timeout=30
        )
        saved = Path(done["filePath"])
        assert saved.parent == downloads
        # named for where it stands: Forward(l=1) within the step after the pause, which the
        # file holds the steps before of (docs/session-files.md)
        named = re.fullmatch(r"xor-step(\d+)-forward1\.lab\.npz", saved.name)
        assert named and LabSession.load(saved).steps_done == int(named.group(1)) - 1 > 1
        assert not list(tmp_path.glob("*.lab.npz"))  # nothing left on the server's disk
        await wait_screen(page, "Session saved")  # the toast's title (its text wraps the name)
        await shots(page, "3-session-downloaded")

        # ctrl+p reaches the lab too: its palette's "Save screenshot" downloads an SVG
        await page.key("p", ctrl=True)
        await wait_screen(page, "Search for commands")
        for letter in "screenshot":
            await page.key(letter)
        await wait_screen(page, "Save screenshot")
        await page.key("enter")
        done = await browser.wait_event(
            "Browser.downloadProgress",
            lambda e: e.get("state") == "completed" and e["filePath"].endswith(".svg"),
            timeout=30,
        )
        picture = Path(done["filePath"])
        shutil.copy(picture, shots.folder / "serve-3b-screenshot.svg")
        assert re.fullmatch(r"backprop-lab-xor-step\d+-forward1\.svg", picture.name)
        svg = picture.read_text(encoding="utf-8")
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>"), "cut short"
        assert "Backprop" in svg and "Gradients" in svg

        # the server is full (--max-sessions 1): another tab of this browser is told so in its
        # terminal (another browser gets a page saying so: test_serve_protocol)
        other = await browser.new_page()
        await other.send("Page.addScriptToEvaluateOnNewDocument", source=FIND_TERMINAL)
        await other.navigate(served.url)
        await wait_screen(other, "Every lab of this server is in use")
        await shots(other, "4-every-lab-in-use")
        await other.close()

        # q: saved, so the lab quits at once; the page says so; the server stays up
        await page.key("q")
        await wait_page(page, "document.body.classList.contains('-closed')")
        await shots(page, "5-lab-ended")
        served.wait_log(r"lab 1 ended \(quit in its tab\)")
        (first_pid,) = served.lab_pids()
        wait_until(lambda: not alive(first_pid), 10, "the lab to end")

        # "Start a new lab" on that page: a new lab process, drawn afresh
        await page.evaluate("document.querySelector('.closed-dialog button').click()")
        await wait_screen(page, STATUS.replace(r"(\w+)", "(idle)", 1))
        await wait_screen(page, "q Quit")
        await shots(page, "6-new-lab")
        assert len(served.lab_pids()) == 2

        # reloaded with the server full: the lab page again and a new lab, not "every lab is
        # in use" (Chromium asks for the page while the old one and its lab still run); a key
        # first, as the browser asks before leaving only a page the user has typed in
        await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await page.key("s")
        await wait_screen(page, r"· Forward\(l=1\)")
        await reload_asked(browser, page, leave=True)
        served.wait_log(r"lab 3 \(process \d+\) started")
        await wait_screen(page, "q Quit")  # drawn in the new page (the old one had no lab 3)
        assert await page.evaluate("document.title") == "Backprop Lab"
        served.wait_log(r"lab 2 ended \(its tab was closed\)")
        assert "turned away (busy page)" not in served.log
    finally:
        await browser.close()
        try:
            exit_status = served.stop()  # ctrl+c: ends the second lab too, checks for orphans
        finally:
            (shots.folder / "serve.log").write_text(served.log + "\n", encoding="utf-8")
    assert exit_status == 0


async def test_export_in_chromium_downloads_the_script_and_then_its_npz(tmp_path, shots):
    """Chromium lets a page start one download per key press or click: the .npz sent right
    after the script was blocked as a pop-up, and the script alone cannot run. The lab asks
    for the .npz; the answer (a key press) starts its download."""
    import numpy as np

    downloads = tmp_path / "downloads"
    served = Served("spiral", "--max-sessions", "1", cwd=tmp_path)
    browser = Browser(tmp_path / "profile", size=(1400, 900))
    try:
        page = await open_lab(browser, served, downloads)
        await wait_screen(page, "q Quit")
        await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await page.key("p", ctrl=True)
        await wait_screen(page, "Search for commands")
        for letter in "export":
            await page.key(letter)
        await wait_screen(page, "Export as PyTorch script")
        await page.key("enter")

        def completed(name):
            return lambda e: e.get("state") == "completed" and e["filePath"].endswith(name)

        await browser.wait_event("Browser.downloadProgress", completed("spiral_pytorch.py"))
        await wait_screen(page, r"Download \(y\) +Skip \(n\)")
        await shots(page, "7-export-asks-for-the-npz")
        await page.key("y")
        await browser.wait_event("Browser.downloadProgress", completed("spiral_pytorch.npz"))
        await wait_screen(page, "Script's arrays saved")
        await shots(page, "8-export-downloaded")
    finally:
        await browser.close()
        served.stop()
    script = (downloads / "spiral_pytorch.py").read_text(encoding="utf-8")
    with np.load(downloads / "spiral_pytorch.npz") as arrays:
        assert f'!= "{arrays["export_id"]}"' in script  # the script's own arrays
    assert not list(tmp_path.glob("spiral_pytorch*"))  # nothing on the server's disk
