"""CSV and ``.npz`` data files: generated, malformed, damaged, declaring huge arrays."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from . import bounded, one_line

csv_fields = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", " ", "nan", "NA", "inf", "-inf", "1e999", "0x10", "a", "b", "1,5"]),
    st.text(max_size=6),
)


@st.composite
def csv_files(draw) -> bytes:
    """CSV-like bytes: a header and rows of random fields, well or badly formed, or raw bytes."""
    kind = draw(st.sampled_from(["table", "table", "table", "raw", "bom", "wide"]))
    if kind == "raw":
        return draw(st.binary(max_size=300))
    if kind == "wide":  # many columns: a, x1 … xN, y; a row or two of numbers
        n = draw(st.integers(1, 20_000))
        rows = ["a," + ",".join(f"x{j}" for j in range(n)) + ",y"]
        rows += [",".join(["1"] * (n + 1) + [str(r)]) for r in range(draw(st.integers(1, 2)))]
        return "\n".join(rows).encode()
    n_columns = draw(st.integers(1, 5))
    names = draw(
        st.lists(
            st.one_of(st.sampled_from(["a", "b", "y", "x1", "x2"]), st.text(max_size=4)),
            min_size=n_columns,
            max_size=n_columns,
        )
    )
    rows = draw(
        st.lists(st.lists(csv_fields, min_size=0, max_size=n_columns + 1), min_size=0, max_size=12)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # a damaged file: a quote opened, a NUL, a cut
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(['"', "\0", "\r", ",,,", ""])) + text[cut:]
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if kind == "bom" else data


array_dtypes = st.sampled_from(
    ["<f8", "<f4", "<i8", "|i1", "|b1", "<c16", "<U3", "|S2", "<M8[s]", ">f8", "<f2"]
)


@st.composite
def arrays(draw) -> np.ndarray:
    dtype = np.dtype(draw(array_dtypes))
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=3)))
    size = math.prod(shape)
    if dtype.kind in "fc":
        values = draw(
            st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=size, max_size=size)
        )
        with np.errstate(all="ignore"):
            return np.array(values, dtype=np.float64).astype(dtype).reshape(shape)
    if dtype.kind in "US":
        chars = st.characters(max_codepoint=127 if dtype.kind == "S" else 0x10FFFF)
        values = draw(st.lists(st.text(chars, max_size=2), min_size=size, max_size=size))
        return np.array(values or [""], dtype="<U2")[:size].astype(dtype).reshape(shape)
    values = draw(st.lists(st.integers(-128, 127), min_size=size, max_size=size))
    return np.array(values, dtype=np.int64).astype(dtype).reshape(shape)


@st.composite
def npz_files(draw) -> bytes:
    """``.npz`` bytes: random arrays under x, y and other names, pickled object arrays, members
    declaring huge shapes, members that are not arrays, and damaged archives."""
    names = draw(st.lists(st.sampled_from(["x", "y", "f", "t", "x1", "z"]), min_size=0, max_size=4))
    members = {name: draw(arrays()) for name in names}
    buffer = io.BytesIO()
    kind = draw(st.sampled_from(["plain", "plain", "objects", "declared", "not-array", "flip"]))
    if kind == "objects":
        members["y"] = np.array([{"a": 1}, None], dtype=object)
    np.savez(buffer, **members)
    data = buffer.getvalue()
    if kind == "declared":
        header = io.BytesIO()
        shape = (draw(st.sampled_from([10**9, 2**40, 3])), draw(st.integers(0, 10)))
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": shape}
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("x.npy", header.getvalue() + b"\0" * draw(st.integers(0, 64)))
            z.writestr("y.npy", header.getvalue())
        data = buffer.getvalue()
    elif kind == "not-array":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("x.npy", draw(st.binary(max_size=40)))
            z.writestr("y.npy", b"\x93NUMPY" + draw(st.binary(max_size=40)))
        data = buffer.getvalue()
    elif kind == "flip":
        data = flip_bits(data, draw(st.integers(0, 2**32)), draw(st.integers(1, 8)))
    return data


def flip_bits(data: bytes, seed: int, flips: int) -> bytes:
    """``data`` with ``flips`` bits flipped at places ``seed`` chooses (and perhaps cut short)."""
    rng = np.random.default_rng(seed)
    out = bytearray(data)
    for _ in range(flips):
        if out:
            i = int(rng.integers(len(out)))
            out[i] ^= 1 << int(rng.integers(8))
    if out and rng.random() < 0.2:
        out = out[: int(rng.integers(len(out)))]
    return bytes(out)


data_sections = st.fixed_dictionaries(
    {
        "target": st.one_of(st.none(), st.sampled_from(["y", "a", "t", "x"]), st.text(max_size=3)),
        "features": st.one_of(
            st.none(),
            st.sampled_from(["x", "a", "f"]),
            st.lists(st.sampled_from(["a", "b", "x1", "x", "z"]), max_size=3),
        ),
        "labels": st.one_of(st.none(), st.sampled_from(["binary", "onehot", "index"])),
        "validation": st.sampled_from([0.0, 0.25, 0.5]),
        "standardize": st.booleans(),
    }
)


def data_file_target(kind: str, content: bytes, section: dict, loss: str, folder: Path) -> None:
    """Read ``content`` as a ``kind`` ("csv" or "npz") data file into a run's ``Dataset``."""
    from engine.data import load_data

    path = folder / f"fuzz.{kind}"
    path.write_bytes(content)
    section = {"kind": kind, "path": str(path), **section}
    with bounded(f"{kind} file"):
        try:
            with np.errstate(all="ignore"):
                dataset = load_data(section, rng=np.random.default_rng(0), loss=loss)
        except ValueError as e:
            one_line(e)
            return
    assert dataset.x_train.ndim == 2 and np.isfinite(dataset.x_train).all()
