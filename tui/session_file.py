"""The session file: one ``.npz`` holding a JSON header and the run's state, written atomically.

Layout (format ``backprop-lab-session/2``; files of format 1 are read too, and their state is
upgraded by the session, see ``tui.session``):

- ``header``: UTF-8 JSON bytes (a uint8 array): ``{"format": …, "state": <tree>, …}``;
- ``a0``, ``a1``, …: the arrays the tree refers to, stored exactly (same dtype, same bits).

The tree is the run's state as nested tuples, lists, dicts, numbers, strings and arrays; it is
encoded losslessly: floats as JSON numbers (Python writes the shortest repr that reads back to the
same bits) or the strings "nan"/"inf"/"-inf", integers of any size, NumPy scalars and arrays into
the array entries, tuples and dicts tagged so that they come back as tuples and dicts (with keys of
any of these types). Anything else is refused with a TypeError naming it.

Writes are atomic (``engine.atomic``: a temporary file in the same folder, fsynced, renamed over
the target, the folder fsynced), so a crash never leaves a half-written session; the temporary
files a killed save leaves behind are removed by the next save or load of the same file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

from engine.atomic import atomic_write, remove_stale_temporaries
from engine.data.files import ARCHIVE_ERRORS, check_npz_members

FORMAT = "backprop-lab-session/2"
FORMAT_1 = "backprop-lab-session/1"  # histories stored as attribute dictionaries
READABLE = (FORMAT, FORMAT_1)
SUFFIX = ".lab.npz"


class SessionFileError(Exception):
    """A session file that cannot be read or written; the message names the file."""


# --- the tree codec -------------------------------------------------------------------------------


def encode(tree, arrays: dict[str, np.ndarray]):
    """The JSON-able form of ``tree``; arrays (and NumPy scalars) are added to ``arrays``."""
    if tree is None or isinstance(tree, bool | str):
        return tree
    if isinstance(tree, int) and not isinstance(tree, np.integer):
        return tree
    if isinstance(tree, float) and not isinstance(tree, np.floating):
        return tree if math.isfinite(tree) else {"$float": repr(tree)}
    if isinstance(tree, np.ndarray | np.generic):
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(tree)
        return {"$array": key, "scalar": isinstance(tree, np.generic)}
    if type(tree) is tuple:
        return {"$tuple": [encode(x, arrays) for x in tree]}
    if type(tree) is list:
        return [encode(x, arrays) for x in tree]
    if type(tree) is dict:
        return {"$dict": [[encode(k, arrays), encode(v, arrays)] for k, v in tree.items()]}
    raise TypeError(f"cannot store a {type(tree).__name__} in a session file")


def decode(node, arrays) -> object:
    """The inverse of ``encode``: arrays come back read-only, as the engine keeps them."""
    if isinstance(node, list):
        return [decode(x, arrays) for x in node]
    if not isinstance(node, dict):
        return node
    if "$float" in node:
        return float(node["$float"])
    if "$array" in node:
        array = np.array(arrays[node["$array"]])  # a copy owned by us
        if node.get("scalar"):
            return array[()]
        array.flags.writeable = False
        return array
    if "$tuple" in node:
        return tuple(decode(x, arrays) for x in node["$tuple"])
    if "$dict" in node:
        return {_hashable(decode(k, arrays)): decode(v, arrays) for k, v in node["$dict"]}
    raise ValueError(f"unknown node {sorted(node)!r}")


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


# --- the file -------------------------------------------------------------------------------------


def write(path: str | os.PathLike, header: dict, state) -> Path:
    """Write ``header`` (JSON-able) and ``state`` (a tree) to ``path`` atomically; return it."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    document = {"format": FORMAT, **header, "state": encode(state, arrays)}
    text = json.dumps(document, allow_nan=False)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SessionFileError(f"{path}: the folder {folder} does not exist")
    header_bytes = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    try:
        return atomic_write(path, lambda f: np.savez(f, header=header_bytes, **arrays), binary=True)
    except OSError as e:
        raise SessionFileError(f"{path}: cannot write the session: {e.strerror or e}") from None


def read(path: str | os.PathLike) -> tuple[dict, object]:
    """(header, state) of the session file ``path``; SessionFileError for anything wrong.

    The header keeps its ``"format"``: one of ``READABLE`` (the state of an older format is
    returned as it was written)."""
    path = Path(path)
    remove_stale_temporaries(path)  # what a killed save to this file left behind
    if not path.is_file():
        what = "is a folder, not a session file" if path.is_dir() else "does not exist"
        raise SessionFileError(f"{path}: {what}")
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise SessionFileError(f"{path}: cannot read the file: {e.strerror or e}") from None
    if magic != b"PK\x03\x04":
        raise SessionFileError(f"{path}: not a Backprop Lab session file (not an .npz archive)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "header" not in npz.files:
                raise SessionFileError(f"{path}: not a Backprop Lab session (no header)")
            check_npz_members(npz, str(path))  # before any array is allocated
            header = npz["header"]
            if not isinstance(header, np.ndarray):  # NumPy hands back a non-array's bytes
                raise SessionFileError(f"{path}: not a Backprop Lab session (no header array)")
            document = json.loads(header.tobytes().decode("utf-8"))
            found = document.get("format") if isinstance(document, dict) else None
            if found not in READABLE:
                raise SessionFileError(f"{path}: {_unreadable(found)}")
            arrays = {name: npz[name] for name in npz.files if name != "header"}
        state = decode(document.pop("state"), arrays)
    except SessionFileError:
        raise
    except ARCHIVE_ERRORS as e:
        reason = " ".join(str(e).split())[:120] or type(e).__name__
        raise SessionFileError(
            f"{path}: not a readable Backprop Lab session file ({reason})"
        ) from None
    return document, state


def _unreadable(found) -> str:
    """Why a document of format ``found`` cannot be read, and what to do."""
    family, _, version = str(found).partition("/")
    current_family, _, current = FORMAT.partition("/")
    if family == current_family and version.isdigit() and int(version) > int(current):
        return (
            f"session format {found!r} was written by a newer version of Backprop Lab; "
            f"this version reads {' and '.join(map(repr, READABLE))} (update backprop-lab)"
        )
    return f"not a Backprop Lab session file (format: {found!r}; expected {FORMAT!r})"
