"""Which paths the lab reads: regular files only. A FIFO would block ``open()`` until something
writes to it (for ever, as a rule) and a device such as /dev/zero never ends, so a scenario, a
session or a data file that is either is refused before it is opened, as is a folder."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def unreadable(path: str | os.PathLike, kind: str) -> str | None:
    """Why ``path`` cannot be read as ``kind`` (e.g. "a scenario file"), in words to follow the
    path in a message ("does not exist", "is a folder, not a scenario file", …), or None for a
    regular file."""
    try:
        mode = os.stat(Path(path)).st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as e:
        return f"cannot be read: {e.strerror or e}"
    except ValueError:  # os.stat refuses a path holding NUL before asking the system
        return "cannot be read: a file name cannot hold NUL (\\0)"
    if stat.S_ISDIR(mode):
        return f"is a folder, not {kind}"
    if not stat.S_ISREG(mode):
        return f"is not a regular file but a pipe or a device; {kind} must be a regular file"
    return None


def is_file(path) -> bool:
    """Whether ``path`` (a string, a path or a package resource) is a regular file; False, not
    OSError, for a name the file system refuses (longer than it allows: ENAMETOOLONG)."""
    try:
        return path.is_file() if hasattr(path, "is_file") else Path(path).is_file()
    except OSError:
        return False
