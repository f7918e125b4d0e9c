"""Data files that are not what they claim: pipes, devices and .npz headers declaring huge
arrays are refused in one line before anything blocks or is allocated."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from engine.data.files import load_csv, load_npz


def test_a_fifo_is_refused_instead_of_blocking_forever(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="is not a regular file"):
        load_csv(fifo, "y", None, False)
    with pytest.raises(ValueError, match="is not a regular file"):
        load_npz(fifo, None, None, False)


def test_dev_zero_is_refused():
    with pytest.raises(
        ValueError, match="/dev/zero is not a regular file.*must be a regular file$"
    ):
        load_csv(Path("/dev/zero"), "y", None, False)


def test_an_npz_declaring_a_huge_shape_is_refused_before_allocating(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 10)}
    )
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", header.getvalue() + b"\0" * 100)
        z.writestr("y.npy", header.getvalue())
    assert path.stat().st_size < 1000
    with pytest.raises(ValueError) as error:
        load_npz(path, None, None, False)
    message = str(error.value)
    assert "declares shape (1000000000, 10)" in message and "damaged" in message
    assert "\n" not in message


def test_an_npz_member_that_is_not_an_array_counts_against_the_memory_limit(tmp_path, monkeypatch):
    """Such a member was read whole before it was refused: 64 KB inflating to 64 MB."""
    path = tmp_path / "bomb.npz"
    np.savez(path, x=np.zeros((4, 2)), y=np.zeros(4))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", b"\0" * (64 << 20))
    monkeypatch.setenv("BACKPROP_LAB_MAX_MEMORY", "32M")
    with pytest.raises(ValueError, match=f"^data.path = {path}: .* more than the limit of 32"):
        load_npz(path, None, None, False)


def test_an_npz_member_that_is_not_an_array_is_named(tmp_path):
    """NumPy hands back such a member's bytes, and .dtype raised AttributeError."""
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", b"hello, this is not an array")
        z.writestr("y.npy", b"nor this")
    with pytest.raises(ValueError) as error:
        load_npz(path, None, None, False)
    assert str(error.value) == (
        f"data.path: {path}: member 'x' is not a NumPy array (.npy) but 27 bytes of something "
        "else; numpy.savez writes arrays only"
    )


def npy_member(header_text: bytes, body: bytes = b"") -> bytes:
    """A .npy member whose header dictionary is ``header_text``, as written."""
    header = header_text + b" " * (-(len(header_text) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + body


def test_an_npz_header_numpy_cannot_tokenize_is_one_line(tmp_path):
    """NumPy's fallback header parser raised tokenize.TokenError (found by the fuzz campaign)."""
    path = tmp_path / "flipped.npz"
    bad = npy_member(b"{'descr': '<f8', 'fortran_order': False, 'shape': \xa84950,), }")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", bad)
        z.writestr("y.npy", bad)
    with pytest.raises(ValueError) as error:
        load_npz(path, None, None, False)
    assert str(error.value).startswith(f"data.path: cannot read {path} as a NumPy .npz archive")
    assert "\n" not in str(error.value)


def test_a_billion_rows_of_width_zero_are_refused_at_once(tmp_path):
    """(10⁹, 0) arrays need no bytes, so the archive's size did not refuse them, and reading
    them as examples took minutes (found by the fuzz campaign)."""
    path = tmp_path / "wide0.npz"
    member = npy_member(b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 0), }")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", member)
        z.writestr("y.npy", member)
    with pytest.raises(ValueError, match="more than the limit of 2 GiB"):
        load_npz(path, None, None, False)
    np.savez(path, x=np.zeros((3, 0)), y=np.zeros(3))
    with pytest.raises(ValueError, match="array 'x' has no columns"):
        load_npz(path, None, None, False)


def test_a_column_name_with_a_line_break_is_listed_on_one_line(tmp_path):
    """A quoted CSV header field holding \\r\\n made the list of columns two lines (the
    fuzz campaign)."""
    path = tmp_path / "names.csv"
    path.write_text('a,"b\r\nc"\n1,2\n', newline="")
    with pytest.raises(ValueError) as error:
        load_csv(path, "y", None, False)
    assert str(error.value) == f"data.target: {path} has no column 'y'; columns: a, 'b\\r\\nc'"


def test_a_csv_of_many_columns_is_read_in_one_pass(tmp_path):
    """Each feature column was looked up by name along the header (``list.index``, ``in``):
    quadratic, a 1 MB file of 200,000 columns took minutes to read (40,000: 6 s). A name to
    column table makes it linear; bounded as a fuzz input is."""
    from fuzzing import bounded

    n = 100_000
    names = [f"x{j}" for j in range(n)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["y", *names]) + "\n" + "0," + ",".join(["1"] * n) + "\n")
    with bounded("a CSV file of 100,000 columns"):
        every = load_csv(path, "y", None, False)
        listed = load_csv(path, "y", names[::-1], False)
    assert every.x.shape == listed.x.shape == (1, n)
    assert every.feature_names[-1] == listed.feature_names[0] == f"x{n - 1}"


def test_the_home_folder_of_a_user_that_does_not_exist_is_one_line(tmp_path):
    """``data.path = "~nobody-here/x.csv"`` was a traceback: Path.expanduser raises
    RuntimeError ("Could not determine home directory") for ~NAME of no user."""
    from engine.data import load_data

    section = {"kind": "csv", "path": "~no-such-user-of-backprop-lab/x.csv", "target": "y"}
    with pytest.raises(ValueError) as error:
        load_data(section, rng=np.random.default_rng(0), loss="mse")
    assert str(error.value) == (
        "data.path = ~no-such-user-of-backprop-lab/x.csv: there is no user "
        "'no-such-user-of-backprop-lab' on this machine (~NAME is the home folder of user NAME; "
        "~/ is yours)"
    )


def test_targets_of_width_zero_are_refused(tmp_path):
    """y of shape (6, 0) was read, and the run said 'layer 2 (output) has 1 unit but the data
    needs 0 … set its size to 0', a size that is not allowed."""
    path = tmp_path / "y0.npz"
    np.savez(path, x=np.ones((6, 2)), y=np.zeros((6, 0)))
    with pytest.raises(ValueError, match=r"array 'y' has no columns \(no targets\): \(6, 0\)$"):
        load_npz(path, None, None, False)


def test_a_message_lists_at_most_thirty_names(tmp_path):
    """A file of 200,000 columns and a target it does not have made a message of 1.7 MB: every
    column's name on one line."""
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"x{j}" for j in range(1000)) + "\n" + ",".join(["1"] * 1000))
    with pytest.raises(ValueError) as error:
        load_csv(path, "y", None, False)
    assert str(error.value).endswith(
        "columns: " + "".join(f"x{j}, " for j in range(30)) + "… (970 more)"
    )
