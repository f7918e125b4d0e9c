"""Examples read from files: CSV (a header row, one example per line) and NumPy ``.npz``.

CSV: the ``target`` column holds the targets; ``features`` (default: every other column) the
inputs, which must be finite numbers. Targets that are not all numbers are class names (classes
are their sorted distinct values); numeric targets are class labels when the run classifies
(``classify``), real-valued targets otherwise.

NPZ: the inputs are the array ``x`` (or the array named by ``features``, or one 1-D array per name
when ``features`` is a list) and the targets the array ``y`` (or the one named by ``target``).
Integer or string targets are class labels; real-valued 1-D targets are labels when the run
classifies; 2-D real targets are used as they are.

Every problem is a ValueError naming the file, the column or array, the line or row, and what is
allowed.
"""

from __future__ import annotations

import csv
import math
import os
import pickle
import struct
import tokenize
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .. import limits
from ..paths import unreadable
from .raw import RawData, classes, targets

CSV_BYTES_PER_BYTE = 12  # a field read as a Python string in a list takes about 12× its text
CSV_BYTES_PER_ROW = 150  # and each row its list, its (number, row) pair and the number
"""Reading a CSV file keeps every row as a list of strings: about 12 B a byte of text plus
150 B a row (a file of short rows, '1' on each line, took 90× its size, where 12× was counted)."""


def resolve(path, base_dir) -> Path:
    """``path`` as given when absolute, else relative to ``base_dir`` (the scenario's folder)."""
    if not isinstance(path, str | Path) or not str(path):
        raise ValueError(f"data.path must be a file name, got {path!r}")
    expanded = os.path.expanduser(path)  # Path.expanduser raises for ~NAME of no user
    if str(expanded).startswith("~"):
        user = str(path)[1:].split("/", 1)[0]
        if not user:
            raise ValueError(f"data.path = {path}: your home folder is not known (HOME is unset)")
        raise ValueError(
            f"data.path = {path}: there is no user {user!r} on this machine (~NAME is the home "
            "folder of user NAME; ~/ is yours)"
        )
    p = Path(expanded)
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p
    return p


def load_csv(path: Path, target, features, classify: bool) -> RawData:
    """The examples of a CSV file (see the module docstring)."""
    if not isinstance(target, str) or not target:
        raise ValueError(f"data.target must name the target column of {path}, got {target!r}")
    header, lines = _read_csv(path)
    names = _columns(path, header, target, features)
    column = {name: c for c, name in enumerate(header)}  # not header.index: quadratic
    t = column[target]
    idx = [column[name] for name in names]
    x = np.empty((len(lines), len(idx)))
    raw_targets = []
    for i, (line_no, row) in enumerate(lines):
        if len(row) != len(header):
            raise ValueError(
                f"{path}: line {line_no} has {len(row)} fields; the header has {len(header)}"
            )
        for j, c in enumerate(idx):
            x[i, j] = _number(path, row[c], header[c], line_no)
        value = row[t].strip()
        if not value or value.lower() in ("nan", "na", "null"):
            raise ValueError(
                f"{path}: column {target!r}, line {line_no}: the target is missing "
                "(every example needs one)"
            )
        raw_targets.append(value)
    return _targets(path, x, names, raw_targets, classify, f"column {target!r}")


def _regular_file(path: Path, kind: str) -> None:
    """Only regular files are read (``engine.paths``)."""
    why = unreadable(path, kind)
    if why == "does not exist":
        raise ValueError(f"data.path: no such file {path}")
    if why is not None:
        raise ValueError(f"data.path: {path} {why}")


# What reading a damaged .npz archive can raise, from zipfile, zlib and NumPy's header parser
# (which falls back to the tokenize module and ast.literal_eval for headers it cannot read).
ARCHIVE_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    SyntaxError,
    tokenize.TokenError,
    RecursionError,
    OverflowError,
    NotImplementedError,  # an unsupported compression method
    RuntimeError,  # an encrypted member
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    pickle.UnpicklingError,
)


def check_npz_members(archive, where: str) -> None:
    """Each member's declared shape fits the bytes the archive holds for it, and all of them the
    memory limit (``engine.limits``), checked from the members' headers before anything is
    allocated (a 450-byte file can declare (10⁹, 10)). A member that is not an array, which
    NumPy reads whole as bytes, counts with its size (a 64 KB member can inflate to 64 MB).
    ``where`` begins the messages."""
    total = 0
    for info in archive.zip.infolist():
        with archive.zip.open(info) as f:
            try:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            except ARCHIVE_ERRORS:  # not an array: np.load's own message says so, once read
                total += info.file_size  # the zip's size for it, which reading never passes
                continue
        needed = math.prod(shape) * dtype.itemsize
        if needed > info.file_size or any(n < 0 for n in shape):
            name = info.filename.removesuffix(".npy")
            raise ValueError(
                f"{where}: array {name!r} declares shape {shape} ({needed:,} bytes) "
                f"but the file holds {info.file_size:,} bytes for it: the file is damaged"
            )
        total += max(needed, 8 * (shape[0] if shape else 1))  # rows count, even of width 0
    limits.check([("the arrays of the file", 2 * total, where)])


def _count_lines(path: Path) -> int:
    """The lines of ``path`` (its line breaks, and a last line without one); 0 when it cannot be
    read (reading it says why)."""
    lines, last = 0, b"\n"
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0
    return lines + (last != b"\n")


def _read_csv(path: Path):
    _regular_file(path, "a CSV file")
    text_bytes = path.stat().st_size
    field = f"data.path = {path}"
    limits.check([("reading the CSV file", CSV_BYTES_PER_BYTE * text_bytes, field)])
    lines = _count_lines(path)  # a pass over a file that fits the first check: fast
    reading = CSV_BYTES_PER_BYTE * text_bytes + CSV_BYTES_PER_ROW * lines
    limits.check([("reading the CSV file", reading, f"{field} ({lines:,} lines)")])
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [(n, row) for n, row in enumerate(csv.reader(f), start=1)]
    except FileNotFoundError:
        raise ValueError(f"data.path: no such file {path}") from None
    except IsADirectoryError:
        raise ValueError(f"data.path: {path} is a folder, not a CSV file") from None
    except OSError as e:
        raise ValueError(f"data.path: cannot read {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text CSV file (it is not UTF-8 text)") from None
    except csv.Error as e:
        raise ValueError(f"{path}: malformed CSV: {e}") from None
    rows = [(n, row) for n, row in rows if any(field.strip() for field in row)]
    if not rows:
        raise ValueError(f"{path}: the file is empty; a CSV file needs a header row of names")
    header = [name.strip() for name in rows[0][1]]
    if len(rows) == 1:
        raise ValueError(f"{path}: the file has a header row but no examples")
    seen = set()
    for name in header:
        if not name:
            raise ValueError(f"{path}: the header row has an empty column name")
        if name in seen:
            raise ValueError(f"{path}: the header row names column {name!r} twice")
        seen.add(name)
    return header, rows[1:]


def _columns(path, header, target, features) -> list[str]:
    available = _names(header)
    if target not in header:
        raise ValueError(f"data.target: {path} has no column {target!r}; columns: {available}")
    if features is None:
        names = [name for name in header if name != target]
    else:
        if isinstance(features, str):
            features = [features]
        if not isinstance(features, list | tuple) or not all(isinstance(f, str) for f in features):
            raise ValueError(f"data.features must be a list of column names, got {features!r}")
        names = list(features)
        columns = set(header)
        for name in names:
            if name not in columns:
                raise ValueError(
                    f"data.features: {path} has no column {name!r}; columns: {available}"
                )
        if target in names:
            raise ValueError(f"data.features: the target column {target!r} cannot be a feature")
    if not names:
        raise ValueError(f"{path}: no feature columns besides the target {target!r}")
    return names


MAX_LISTED = 30  # names a message lists; a file of 200,000 columns made a line of 1.7 MB


def _names(names: list[str]) -> str:
    """``names`` for a message: the first ``MAX_LISTED``, then how many more there are."""
    shown = ", ".join(map(_listed, names[:MAX_LISTED]))
    more = len(names) - MAX_LISTED
    return f"{shown}, … ({more:,} more)" if more > 0 else shown


def _listed(name: str) -> str:
    """A column or array name in a list of them: as it is, or quoted with escapes when it holds
    a line break or another character that is not printable (messages stay on one line)."""
    return name if name.isprintable() else repr(name)


def _number(path, text, column, line_no) -> float:
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        shown = repr(text) if text else "an empty field"
        raise ValueError(
            f"{path}: column {column!r}, line {line_no}: {shown} is not a number "
            "(feature columns must be numeric)"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{path}: column {column!r}, line {line_no}: {text!r} (features must be finite "
            "numbers, not NaN or infinity)"
        )
    return value


def _targets(path, x, names, values, classify: bool, where: str) -> RawData:
    """Class labels (names or numbers) or real-valued targets from a list of target values."""
    try:
        numbers: list[float] | None = [float(value) for value in values]
    except (TypeError, ValueError):
        numbers = None
    source = str(path)
    if numbers is None:  # class names
        names_sorted = sorted({str(v) for v in values})
        index = {name: i for i, name in enumerate(names_sorted)}
        labels = np.array([index[str(v)] for v in values], dtype=np.int64)
        return classes(x, labels, names, source, tuple(names_sorted))
    y = np.array(numbers, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ValueError(f"{path}: {where}, example {bad[0] + 1}: the target is not finite")
    if not classify:
        return targets(x, y, names, source)
    distinct = np.unique(y)
    labels = np.searchsorted(distinct, y).astype(np.int64)
    return classes(x, labels, names, source, tuple(_label_name(v) for v in distinct))


def _label_name(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def load_npz(path: Path, target, features, classify: bool) -> RawData:
    """The examples of a ``.npz`` file (see the module docstring)."""
    _regular_file(path, "an .npz file")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError(f"data.path: {path} holds a single array; an .npz archive is needed")
        with archive:
            check_npz_members(archive, f"data.path = {path}")
            arrays = {name: archive[name] for name in archive.files}
        for name, value in arrays.items():
            if not isinstance(value, np.ndarray):  # NumPy hands back the bytes of such a member
                raise ValueError(
                    f"data.path: {path}: member {name!r} is not a NumPy array (.npy) but "
                    f"{len(value):,} bytes of something else; numpy.savez writes arrays only"
                )
    except FileNotFoundError:
        raise ValueError(f"data.path: no such file {path}") from None
    except IsADirectoryError:
        raise ValueError(f"data.path: {path} is a folder, not an .npz file") from None
    except ValueError as e:
        if str(e).startswith("data.path"):
            raise
        raise ValueError(
            f"data.path: cannot read {path} as a NumPy .npz archive: {_npz_reason(e)}"
        ) from None
    except ARCHIVE_ERRORS as e:
        reason = " ".join(str(e).split())[:120] or type(e).__name__
        raise ValueError(
            f"data.path: cannot read {path} as a NumPy .npz archive: {reason}"
        ) from None
    target = "y" if target is None else target
    features = "x" if features is None else features
    available = _names(list(arrays)) or "none"
    if target not in arrays:
        raise ValueError(f"data.target: {path} has no array {target!r}; arrays: {available}")
    if isinstance(features, str):
        if features not in arrays:
            raise ValueError(
                f"data.features: {path} has no array {features!r}; arrays: {available}"
            )
        x = _numeric(path, arrays[features], features)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2:
            raise ValueError(f"{path}: array {features!r} must be 1-D or 2-D, not {x.ndim}-D")
        if x.shape[1] == 0:
            raise ValueError(f"{path}: array {features!r} has no columns (no features)")
        names = (
            (features,) if x.shape[1] == 1 else tuple(f"{features}{j}" for j in range(x.shape[1]))
        )
    else:
        columns = []
        for name in features:
            if name not in arrays:
                raise ValueError(
                    f"data.features: {path} has no array {name!r}; arrays: {available}"
                )
            column = _numeric(path, arrays[name], name)
            if column.ndim != 1:
                raise ValueError(f"{path}: feature array {name!r} must be 1-D (one value each)")
            columns.append(column)
        if len({c.shape[0] for c in columns}) > 1:
            raise ValueError(f"{path}: the feature arrays have different lengths")
        x, names = np.column_stack(columns), tuple(features)
    y = arrays[target]
    if y.shape[:1] != x.shape[:1]:
        raise ValueError(
            f"{path}: {x.shape[0]} examples in the features but {y.shape[0] if y.ndim else 0} "
            f"targets in array {target!r}"
        )
    if x.shape[0] == 0:
        raise ValueError(f"{path}: the archive holds no examples")
    where = f"array {target!r}"
    if y.dtype.kind in "USO":
        return _targets(path, x, names, [str(v) for v in y.reshape(-1)], True, where)
    y = _numeric(path, y, target)
    if y.ndim == 1 and (y.dtype.kind in "iub" or classify):
        return _targets(path, x, names, list(y), True, where)
    if y.ndim > 2:
        raise ValueError(f"{path}: array {target!r} must be 1-D or 2-D, not {y.ndim}-D")
    if y.ndim == 2 and y.shape[1] == 0:  # the output layer would need 0 units
        raise ValueError(f"{path}: array {target!r} has no columns (no targets): {y.shape}")
    return targets(x, y, names, str(path))


def _npz_reason(error: ValueError) -> str:
    """NumPy's reason, except where it speaks of pickles: a file that is neither .npz nor .npy
    falls through to NumPy's pickle reader, whose message advises loading it unsafely."""
    text = str(error)
    if "Object arrays" in text:
        return "it holds arrays of Python objects, which are not read; save numeric or text arrays"
    if "pickle" in text:
        return "it is not an .npz file (numpy.savez writes one)"
    return text


def _numeric(path, array, name) -> np.ndarray:
    if array.dtype.kind not in "iufb":
        raise ValueError(
            f"{path}: array {name!r} holds {array.dtype} values; features must be numeric"
        )
    array = array.astype(np.float64)
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        where = ", ".join(f"{i}" for i in bad[0])
        raise ValueError(
            f"{path}: array {name!r} has a NaN or infinite value at index [{where}]; "
            "the data must be finite numbers"
        )
    return array
