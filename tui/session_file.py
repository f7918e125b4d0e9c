"""The session file: one ``.npz`` holding a JSON header and the run's state, written atomically.

Layout (format ``backprop-lab-session/2``; files of format 1 are read too, and their state is
brought to the current layout by ``upgrade``):

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
import re
from pathlib import Path
from typing import Any

import numpy as np

from engine import limits
from engine.atomic import atomic_write, remove_stale_temporaries
from engine.blowup import BlowUp
from engine.data.files import ARCHIVE_ERRORS, check_npz_members
from engine.metrics import EpochMetrics
from engine.nonfinite import NonFinite
from engine.paths import unreadable
from engine.stats import LayerStats
from tui.session_schema import check_record

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
        # numpy's stub reads **arrays as if it could set allow_pickle: its keys are a0, a1, …
        return atomic_write(
            path,
            lambda f: np.savez(f, header=header_bytes, **arrays),  # type: ignore[arg-type]
            binary=True,
        )
    except OSError as e:
        raise SessionFileError(f"{path}: cannot write the session: {e.strerror or e}") from None


def read(path: str | os.PathLike) -> tuple[dict, object]:
    """(header, state) of the session file ``path``; SessionFileError for anything wrong.

    The header keeps its ``"format"``: one of ``READABLE`` (the state of an older format is
    returned as it was written)."""
    path = Path(path)
    remove_stale_temporaries(path)  # what a killed save to this file left behind
    why = unreadable(path, "a session file")
    if why is not None:
        raise SessionFileError(f"{path}: {why}")
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
            try:
                check_npz_members(npz, str(path))  # before any array is allocated
            except ValueError as e:  # its message begins with the path: whole, not cut
                raise SessionFileError(str(e)) from None
            header = npz["header"]
            if not isinstance(header, np.ndarray):  # NumPy hands back a non-array's bytes
                raise SessionFileError(f"{path}: not a Backprop Lab session (no header array)")
            text = header.tobytes()
            try:
                check_header_objects(text, str(path))  # before the JSON is parsed
            except ValueError as e:  # its message begins with the path
                raise SessionFileError(str(e)) from None
            document = json.loads(text.decode("utf-8"), parse_int=_whole_number)
            found = document.get("format") if isinstance(document, dict) else None
            if found not in READABLE:
                raise SessionFileError(f"{path}: {_unreadable(found)}")
            if "state" not in document:
                raise SessionFileError(f"{path}: not a Backprop Lab session (no state)")
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


JSON_CONTAINER_BYTES = 56  # a list or dict json.loads makes (an empty list: 56 B, a dict: 64)
JSON_VALUE_BYTES = 48  # a number or string, and its slot in the list or dict that holds it


def check_header_objects(text: bytes, where: str) -> None:
    """The Python objects the JSON ``text`` becomes fit the memory limit (``engine.limits``):
    counted from its brackets, commas and colons before it is parsed, twice (``decode`` builds
    the state again beside it). Arrays are checked by their declared sizes; this is the header's
    share: a deflated member of 77 KB can hold 75 MB of ``[],[],…``, 2 GB as lists (a saved
    header makes about 12 B a byte of its text)."""
    containers = text.count(b"[") + text.count(b"{")
    values = text.count(b",") + text.count(b":") + 1
    need = 2 * (JSON_CONTAINER_BYTES * containers + JSON_VALUE_BYTES * values + len(text))
    limits.check([("its header, read as Python objects", need, where)])


def _whole_number(text: str) -> int:
    """A JSON whole number; ValueError in words for one of more digits than ``int`` reads."""
    if len(text) > 4000:
        raise ValueError(
            f"its header holds a number of {len(text.lstrip('-')):,} digits; a session holds "
            "none so large"
        )
    return int(text)


def _unreadable(found) -> str:
    """Why a document of format ``found`` cannot be read, and what to do."""
    family, _, version = str(found).partition("/")
    current_family, _, current = FORMAT.partition("/")
    newer = re.fullmatch(r"[0-9]{1,9}", version) and int(version) > int(current)  # not '²'
    if family == current_family and newer:
        return (
            f"session format {found!r} was written by a newer version of Backprop Lab; "
            f"this version reads {' and '.join(map(repr, READABLE))} (update backprop-lab)"
        )
    return f"not a Backprop Lab session file (format: {found!r}; expected {FORMAT!r})"


# --- the engine's records and older formats ---------------------------------------------------

_NAMED = "$named"

# The only classes a session file can name: the engine's records held in a run's state, by the
# names earlier versions wrote. A file names one of these keys, never code: each is rebuilt by its
# own constructor from exactly its fields, and any other name is refused.
# (Any: mypy cannot match a NamedTuple class to a protocol of its _fields and _make)
_RECORDS: dict[str, Any] = {
    f"{cls.__module__}:{cls.__qualname__}": cls
    for cls in (LayerStats, EpochMetrics, NonFinite, BlowUp)
}


class _NonFiniteOfFormat2:
    """A divergence as session files wrote it before the engine had one ``NonFinite`` type:
    ``engine.stopping:NonFinite`` with the fields step, kind, l, field."""

    _fields = ("step", "kind", "l", "field")

    @staticmethod
    def _make(values):
        return NonFinite(*values)


_RECORDS["engine.stopping:NonFinite"] = _NonFiniteOfFormat2


def _map_containers(tree, leaf):
    """``tree`` with its tuples, lists and dicts rebuilt around ``leaf(node)`` of every other
    node (``leaf`` gives a node back unchanged when it is not one it handles)."""
    kind = type(tree)
    if kind is tuple:
        return tuple(_map_containers(x, leaf) for x in tree)
    if kind is list:
        return [_map_containers(x, leaf) for x in tree]
    if kind is dict and _NAMED not in tree:
        return {k: _map_containers(v, leaf) for k, v in tree.items()}
    return leaf(tree)


def encode_records(tree):
    """``tree`` with the engine's records (LayerStats, EpochMetrics, NonFinite, BlowUp) tagged by
    name."""
    return _map_containers(tree, _encode_record)


def _encode_record(node):
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        name = f"{type(node).__module__}:{type(node).__qualname__}"
        if name not in _RECORDS:
            raise TypeError(f"cannot store a {name} in a session file")
        return {_NAMED: name, "fields": list(map(encode_records, node))}
    return node


def decode_records(tree):
    """The inverse of ``encode_records``: a tagged record is rebuilt only if its name is one of
    ``_RECORDS`` and it has exactly that record's fields, each of its annotated type
    (``check_record``); ValueError otherwise."""
    return _map_containers(tree, _decode_record)


def _decode_record(node):
    if type(node) is dict and _NAMED in node:
        name, fields = node[_NAMED], node.get("fields")
        cls = _RECORDS.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"unknown record {str(name)[:60]!r}")
        if type(fields) is not list or len(fields) != len(cls._fields):
            raise ValueError(f"{cls.__name__} needs the {len(cls._fields)} fields {cls._fields}")
        record = cls._make(map(decode_records, fields))
        check_record(record)
        return record
    return node


def upgrade(format: str, state: dict) -> dict:
    """The state of an older session file in the current layout (``state`` decoded).

    Format 1 stored the histories as their attribute dictionaries: ``steps`` the whole
    preallocated arrays of ``StatsHistory`` (``_rows`` of which ``_n_recent`` were in use,
    ``_sums``/``_count``/``_loss_min``/``_loss_max``/``_last`` of which ``_n_coarse``,
    ``_width``, …), ``epochs`` the ``EpochLog``'s ``capacity`` and ``_items``.
    """
    if format != FORMAT_1:
        raise ValueError(f"no upgrade from format {format!r}")
    old, nr, nc = state["steps"], state["steps"]["_n_recent"], state["steps"]["_n_coarse"]
    steps = {
        "n_layers": old["n_layers"],
        "recent": old["recent"],
        "coarse": old["coarse"],
        "width": old["_width"],
        "n_recorded": old["n_recorded"],
        "rows": old["_rows"][:nr],
        **{k: old[f"_{k}"][:nc] for k in ("sums", "count", "loss_min", "loss_max", "last")},
    }
    epochs = {"capacity": state["epochs"]["capacity"], "items": state["epochs"]["_items"]}
    return {**state, "steps": steps, "epochs": epochs}
