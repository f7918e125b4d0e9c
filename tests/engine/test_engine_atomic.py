"""The one atomic write (engine.atomic) that sessions and traces share."""

from __future__ import annotations

import os
import stat
import time

import pytest

from engine import atomic
from engine.atomic import atomic_write


def test_the_file_and_then_its_folder_are_fsynced(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(
        os, "fsync", lambda fd: synced.append(stat.S_ISDIR(os.fstat(fd).st_mode)) or real(fd)
    )
    atomic_write(tmp_path / "a.txt", lambda f: f.write("x"), binary=False)
    assert synced == [False, True]
    assert (tmp_path / "a.txt").read_text() == "x"


def test_a_killed_writes_leftovers_are_removed_by_the_next_write(tmp_path):
    old = tmp_path / ".a.lab.npz.abc123.tmp"
    fresh = tmp_path / ".a.lab.npz.def456.tmp"  # perhaps a write under way in another process
    other = tmp_path / ".b.lab.npz.abc123.tmp"
    for p in (old, fresh, other):
        p.write_bytes(b"half")
    past = time.time() - atomic.STALE_SECONDS - 5
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    atomic_write(tmp_path / "a.lab.npz", lambda f: f.write(b"whole"), binary=True)
    assert not old.exists() and fresh.exists() and other.exists()


def test_sessions_and_traces_get_the_same_permissions(tmp_path):
    from engine.trace import write_trace_file
    from tui.session import LabSession

    session = LabSession.open("xor")
    saved = session.save(tmp_path / "s.lab.npz")
    write_trace_file(session.run, 1, tmp_path / "t.json", scenario="xor")
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(saved) == mode(tmp_path / "t.json") == atomic.file_mode(tmp_path / "new")


def test_several_files_are_all_replaced_together(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "a.py"
    a.write_bytes(b"old data")
    written = atomic.atomic_write_files(
        [(a, lambda f: f.write(b"new data"), True), (b, lambda f: f.write("new script"), False)]
    )
    assert written == [a, b]
    assert (a.read_bytes(), b.read_text()) == (b"new data", "new script")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz", "a.py"]  # no temporaries


def test_when_one_file_cannot_be_replaced_none_is(tmp_path):
    """The second rename fails (a folder has the script's name): the first file, already
    replaced, gets its old content back; a first file that did not exist is removed again."""
    a, b = tmp_path / "a.npz", tmp_path / "a.py"
    b.mkdir()
    for existed in (True, False):
        if existed:
            a.write_bytes(b"old data")
        with pytest.raises(OSError):
            atomic.atomic_write_files(
                [(a, lambda f: f.write(b"new"), True), (b, lambda f: f.write("x"), False)]
            )
        assert (a.read_bytes() if existed else a.exists()) == (b"old data" if existed else False)
        assert sorted(p.name for p in tmp_path.iterdir()) == (
            ["a.npz", "a.py"] if existed else ["a.py"]
        )
        a.unlink(missing_ok=True)


def test_a_write_that_fails_before_any_rename_leaves_nothing(tmp_path):
    def broken(f):
        f.write(b"half")
        raise OSError("disk full")

    a = tmp_path / "a.npz"
    with pytest.raises(OSError, match="disk full"):
        atomic.atomic_write_files(
            [(a, lambda f: f.write(b"whole"), True), (tmp_path / "a.py", broken, True)]
        )
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_keeps_naming_the_file_it_names(tmp_path):
    """The rename replaced the link itself with a regular file: the file it named kept its old
    content, and the link was gone (``trace -o link.json``)."""
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    assert atomic_write(link, lambda f: f.write("new"), binary=False) == link
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("made.json")
    atomic_write(dangling, lambda f: f.write("made"), binary=False)
    assert dangling.is_symlink() and (tmp_path / "made.json").read_text() == "made"


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    """The rename put a regular file where the FIFO was: its reader never got anything, and
    the FIFO was gone (``trace -o pipe``; as root, ``export -o /dev/null`` replaced the
    device node the same way)."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    atomic_write(fifo, lambda f: f.write("through the pipe"), binary=False)
    reader.join(10)
    assert got == ["through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    link = tmp_path / "stdout"  # as /dev/stdout names /proc/self/fd/1
    link.symlink_to(fifo)
    got.clear()
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    atomic_write(link, lambda f: f.write("through the link"), binary=False)
    reader.join(10)
    assert got == ["through the link"] and link.is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_written_into_not_replaced(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null
    atomic_write(null, lambda f: f.write(b"gone"), binary=True)
    atomic.atomic_write_files([(null, lambda f: f.write("gone"), False)])
    assert stat.S_ISCHR(os.stat(null).st_mode)
