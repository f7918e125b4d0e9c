"""How a tab's lab process is ended when it will not quit, and reported when it fails: with a
stand-in lab (a Python one-liner speaking the start of the web driver's protocol)."""

from __future__ import annotations

import asyncio
import signal
import sys
import time

import pytest

pytest.importorskip("textual_serve")

from serve_harness import alive  # noqa: E402
from textual_serve.download_manager import DownloadManager  # noqa: E402

from tui.web import lab_process  # noqa: E402
from tui.web.lab_process import LabProcess  # noqa: E402

pytestmark = pytest.mark.web

STUBBORN = """
import signal, sys, time
time.sleep(1.6)   # slow to start (as on a loaded machine): past the 1 s the test waited
signal.signal(signal.SIGTERM, signal.SIG_IGN)   # ignores the quit request and SIGTERM
sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()
time.sleep(120)
"""
FAILING = """
import sys
sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()
sys.stderr.write("Traceback: something broke\\n")
sys.exit(3)
"""

NEVER_STARTS = """
import sys, time
sys.stderr.write("backprop-lab: mine.toml: does not exist\\n"); sys.stderr.flush()
time.sleep(0.3)   # its error is read before its end: textual-serve printed it then, and again
sys.exit(2)
"""


class Tab:
    """What a lab writes to its tab, and whether the tab was closed."""

    def __init__(self) -> None:
        self.bytes = b""
        self.closed = False

    async def write_bytes(self, data: bytes) -> None:
        self.bytes += data

    async def write_str(self, text: str) -> None:
        pass

    async def close(self) -> None:
        self.closed = True


def ignores_sigterm(pid: int) -> bool:
    """The process's mask of ignored signals (Linux's /proc) has SIGTERM in it."""
    try:
        with open(f"/proc/{pid}/status") as f:
            mask = next(line.split()[1] for line in f if line.startswith("SigIgn:"))
    except (OSError, StopIteration):
        return False
    return bool(int(mask, 16) >> (signal.SIGTERM - 1) & 1)


def lab(program: str, tab: Tab) -> LabProcess:
    return LabProcess(
        [sys.executable, "-c", program],
        1,
        write_bytes=tab.write_bytes,
        write_str=tab.write_str,
        close=tab.close,
        download_manager=DownloadManager(),
    )


async def closed(tab: Tab, timeout: float = 10.0) -> None:
    """Wait until the lab has closed ``tab`` (at most ``timeout`` seconds)."""
    for _ in range(int(timeout / 0.05)):
        if tab.closed:
            return
        await asyncio.sleep(0.05)
    assert tab.closed, "the lab did not close its tab"


async def test_a_lab_that_ignores_quit_and_sigterm_is_killed(monkeypatch):
    monkeypatch.setattr(lab_process, "QUIT_GRACE", 0.5)
    monkeypatch.setattr(lab_process, "TERM_GRACE", 0.5)
    tab = Tab()
    stubborn = lab(STUBBORN, tab)
    await stubborn.start(80, 24)
    deadline = time.monotonic() + 30
    while not ignores_sigterm(stubborn.pid):  # it has started and ignores SIGTERM (a fixed 1 s
        assert time.monotonic() < deadline  # was not always enough to start)
        await asyncio.sleep(0.05)
    started = time.monotonic()
    await stubborn.stop()
    assert time.monotonic() - started < 10
    assert not alive(stubborn.pid)
    assert stubborn.asked_to_stop and stubborn.returncode == -9
    assert not stubborn.failed  # it was ended on purpose: not reported as an error
    assert tab.closed


async def test_a_lab_that_fails_tells_its_tab_and_closes_it(capsys):
    tab = Tab()
    failing = lab(FAILING, tab)
    await failing.start(80, 24)
    await closed(tab)
    assert failing.failed and failing.how_it_ended == "exit status 3"
    assert b"This lab stopped with an error (exit status 3)" in tab.bytes
    assert "something broke" in capsys.readouterr().out  # its output, in the server's log
    await failing.stop()  # nothing left to do


async def test_a_lab_that_does_not_start_has_its_error_printed_once(capsys, caplog):
    """A lab that fails before its screen starts (its scenario file deleted after ``serve``
    checked it): the server's log had its error twice, textual-serve printing what the lab had
    written when it saw no start, then all of it again at the end."""
    tab = Tab()
    failing = lab(NEVER_STARTS, tab)
    await failing.start(80, 24)
    await closed(tab)
    assert failing.failed and failing.how_it_ended == "exit status 2"
    assert b"This lab stopped with an error (exit status 2)" in tab.bytes
    assert capsys.readouterr().out.count("mine.toml: does not exist") == 1
    assert "lab 1 did not start" in caplog.text
    await failing.stop()
