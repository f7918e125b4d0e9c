"""One atomic write for every file the lab writes (sessions, traces).

The content goes to a temporary file ``.NAME.XXXX.tmp`` in the target's folder, is flushed and
fsynced, gets the mode a new file would get (0o666 less the umask) or the existing file's mode,
is renamed over the target (``os.replace``), and the folder is fsynced so that the rename itself
survives a crash. A crash or kill mid-write leaves the target as it was; the temporary files such
a kill leaves behind are removed by the next write to the same target (and by a session's load).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

STALE_SECONDS = 60  # a temporary file this old is a killed write's leftover, not a write under way


def atomic_write(path: str | os.PathLike, write: Callable, *, binary: bool) -> Path:
    """Call ``write(f)`` on a temporary file, then put it at ``path`` atomically; return it.

    OSError from the file system propagates; the temporary file is removed on any error."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(
            fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})
        ) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return path


def remove_stale_temporaries(path: Path) -> None:
    """Remove ``.NAME.*.tmp`` files older than ``STALE_SECONDS`` beside ``path``."""
    folder = path.parent if str(path.parent) else Path(".")
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
