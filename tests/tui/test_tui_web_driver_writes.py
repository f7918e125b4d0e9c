"""The guard that makes Textual's web driver write whole packets, one at a time (a download's
chunks from its input thread interleaved with the screen's updates and corrupted the stream)."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from textual.app import App
from textual.drivers.web_driver import WebDriver

from tui import textual_guards

PACKETS = 12  # per thread
SIZE = 100_000  # bytes: more than a pipe holds, as a download's 64 KiB chunk with its frame


def read_packets(fd: int, count: int) -> list[tuple[bytes, bytes]]:
    """The web driver's framing: a type byte, a 4-byte big-endian length, the payload."""
    stream = b""
    with os.fdopen(fd, "rb") as pipe:
        while chunk := pipe.read(1 << 16):
            stream += chunk
    packets = []
    while stream and len(packets) < count:
        kind, size = stream[:1], int.from_bytes(stream[1:5], "big")
        packets.append((kind, stream[5 : 5 + size]))
        stream = stream[5 + size :]
    return packets


class Pipe:
    """A file-like end of an OS pipe, enough for the web driver (it asks for ``fileno()``)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


def driver_on_a_pipe(monkeypatch) -> tuple[WebDriver, int, int]:
    """A web driver whose stdout is a new pipe (and stdin another): (driver, read end, write
    end) of its output."""
    read_fd, write_fd = os.pipe()
    stdin_read, stdin_write = os.pipe()
    monkeypatch.setattr(sys, "__stdout__", Pipe(write_fd))
    monkeypatch.setattr(sys, "__stdin__", Pipe(stdin_read))
    driver = WebDriver(App())
    os.close(stdin_write)
    return driver, read_fd, write_fd


def write_from_two_threads(monkeypatch, guarded: bool) -> list[tuple[bytes, bytes]]:
    """A web driver on a pipe; one thread writes screen data, another download chunks."""
    driver, read_fd, write_fd = driver_on_a_pipe(monkeypatch)
    if guarded:
        driver._write = textual_guards.whole_writes(write_fd)

    def screen() -> None:
        for i in range(PACKETS):
            driver.write(chr(ord("a") + i) * SIZE)

    def download() -> None:
        for i in range(PACKETS):
            driver._write(b"P" + SIZE.to_bytes(4, "big") + bytes([i]) * SIZE)

    threads = [threading.Thread(target=screen), threading.Thread(target=download)]
    reader_result: list = []
    reader = threading.Thread(target=lambda: reader_result.extend(read_packets(read_fd, 99)))
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.close(write_fd)
    reader.join()
    return reader_result


def intact(packets) -> bool:
    screen = [p for kind, p in packets if kind == b"D"]
    chunks = [p for kind, p in packets if kind == b"P"]
    return (
        len(packets) == 2 * PACKETS
        and screen == [(chr(ord("a") + i) * SIZE).encode() for i in range(PACKETS)]
        and chunks == [bytes([i]) * SIZE for i in range(PACKETS)]
    )


async def test_guarded_writes_from_two_threads_arrive_whole(monkeypatch):
    assert intact(write_from_two_threads(monkeypatch, guarded=True))


async def test_without_the_guard_textual_interleaves_them(monkeypatch):
    """If this starts failing, Textual writes whole packets itself and the guard can go."""
    for _ in range(5):
        if not intact(write_from_two_threads(monkeypatch, guarded=False)):
            return
    pytest.fail("five rounds of unguarded writes arrived whole")


async def test_the_lab_installs_the_guard_when_served(monkeypatch):
    monkeypatch.setattr(WebDriver, "__init__", WebDriver.__init__)  # restored afterwards
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    textual_guards.install()
    driver, read_fd, write_fd = driver_on_a_pipe(monkeypatch)
    assert driver._write.__qualname__.startswith("whole_writes.")  # not Textual's os.write
    assert driver._write(b"abc") == 3
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        assert pipe.read() == b"abc"
