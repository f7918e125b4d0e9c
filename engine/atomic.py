"""One atomic write for every file the lab writes (sessions, traces, exported scripts).

The content goes to a temporary file ``.NAME.XXXX.tmp`` in the target's folder, is flushed and
fsynced, gets the mode a new file would get (0o666 less the umask) or the existing file's mode,
is renamed over the target (``os.replace``), and the folder is fsynced so that the rename itself
survives a crash. A crash or kill mid-write leaves the target as it was; the temporary files such
a kill leaves behind are removed by the next write to the same target (and by a session's load).

``atomic_write_files`` writes several files as one (an exported script and the arrays beside it):
all of them are replaced, or none.

A symbolic link is followed: the file it names is replaced and the link stays. A target that is
a stream — a FIFO, a device such as /dev/null or the terminal behind /dev/stdout — is written
into: there is nothing to make atomic, and a rename put a regular file in its place (as root,
``-o /dev/null`` replaced the device node).
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

STALE_SECONDS = 60  # a temporary file this old is a killed write's leftover, not a write under way


def atomic_write(path: str | os.PathLike, write: Callable, *, binary: bool) -> Path:
    """Call ``write(f)`` on a temporary file, then put it at ``path`` atomically; return it.

    OSError from the file system propagates; the temporary file is removed on any error."""
    given = Path(path)
    path, stream = _destination(given)
    if stream:
        _write_into(path, write, binary)
        return given
    tmp = _temporary(path, write, binary)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(_folder(path))
    return given


def _destination(path: Path) -> tuple[Path, bool]:
    """(the file a write to ``path`` replaces: the one a symbolic link names, whether it is a
    stream to write into instead: a FIFO, a device)."""
    try:
        mode = os.stat(path).st_mode  # of what a link names
    except OSError:
        mode = None  # a new file (or an error the write itself reports)
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return path, True  # opened through the link: /dev/stdout names /proc/self/fd/1
    return (Path(os.path.realpath(path)) if path.is_symlink() else path), False


def _write_into(path: Path, write: Callable, binary: bool) -> None:
    with open(path, "wb" if binary else "w", encoding=None if binary else "utf-8") as f:
        write(f)


def atomic_write_files(files) -> list[Path]:
    """Write several files so that all of them are replaced or none: ``files`` is a sequence of
    ``(path, write, binary)`` as ``atomic_write`` takes them. Every temporary file is written
    and fsynced first; only then are they renamed over their targets, in order. If a rename
    fails, the targets already replaced get their old content back (kept as a hard link beside
    them while the renames run) or, where there was none, are removed again. On a file system
    without hard links an old file replaced before the failure keeps its new content. Targets
    that are streams (``_destination``) are written into after the renames.

    OSError from the file system propagates."""
    files = list(files)
    temporaries: list[tuple[Path, str]] = []
    streams = []  # (path, write, binary) of the targets written into (``_destination``)
    try:
        for given, write, binary in files:
            path, stream = _destination(Path(given))
            if stream:
                streams.append((path, write, binary))
            else:
                temporaries.append((path, _temporary(path, write, binary)))
    except BaseException:
        for _, tmp in temporaries:
            Path(tmp).unlink(missing_ok=True)
        raise
    replaced: list[tuple[Path, Path | None, bool]] = []  # (target, backup, existed)
    try:
        for path, tmp in temporaries:
            existed = path.is_file()
            backup = _hard_link_beside(path) if existed else None
            try:
                os.replace(tmp, path)
            except BaseException:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise
            replaced.append((path, backup, existed))
    except BaseException:
        for _, tmp in temporaries:
            Path(tmp).unlink(missing_ok=True)
        for path, backup, existed in reversed(replaced):
            if backup is not None:
                os.replace(backup, path)
            elif not existed:
                path.unlink(missing_ok=True)
        raise
    for _, backup, _ in replaced:
        if backup is not None:
            backup.unlink(missing_ok=True)
    for folder in {_folder(path) for path, _ in temporaries}:
        _fsync_folder(folder)
    for path, write, binary in streams:
        _write_into(path, write, binary)
    return [Path(given) for given, _, _ in files]


def _temporary(path: Path, write: Callable, binary: bool) -> str:
    """``write(f)`` into a new ``.NAME.XXXX.tmp`` beside ``path``, flushed, fsynced and given the
    mode the target will have; its name. Removed again on any error."""
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=_folder(path))
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode(path))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _hard_link_beside(path: Path) -> Path | None:
    """A second name ``.NAME.XXXX.tmp`` for the existing file ``path`` (None where the file
    system has no hard links); a leftover is removed as a stale temporary."""
    backup = _folder(path) / f".{path.name}.{secrets.token_hex(6)}.old.tmp"
    try:
        os.link(path, backup)
    except OSError:
        return None
    return backup


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def remove_stale_temporaries(path: Path) -> None:
    """Remove ``.NAME.*.tmp`` files older than ``STALE_SECONDS`` beside ``path``."""
    folder = _folder(path)
    now = time.time()
    try:
        candidates = list(folder.glob(f".{path.name}.*.tmp"))
    except OSError:
        return
    for tmp in candidates:
        try:
            if now - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()
        except OSError:
            pass


def file_mode(path: Path) -> int:
    """The mode a new file gets (0o666 less the umask), or the existing file's mode."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
