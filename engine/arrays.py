"""Two small array helpers every part of the engine uses: read-only arrays and vectors of ones.

- ``frozen(array)`` marks an array read-only, without copying. The engine hands arrays out
  (events, snapshots, parameters) as values: nothing may write to them afterwards.
- ``ones(size, dtype)`` is a cached read-only vector of ones: a sum over the batch Σᵢ δᵢ is
  computed as 1ᵀδ, a BLAS product, 1.5–3× faster than ``δ.sum(axis=0)`` on small arrays.
- ``buffer(size, dtype)`` is a vector for a buffer reused from step to step; a large one lies in
  memory the kernel backs with 2 MiB pages.
- ``dot`` and ``vdot`` are ``np.dot`` and ``np.vdot`` without their ``__array_function__``
  dispatch (a Python-level call that costs ~0.15 µs, a tenth of a product of the lab's small
  arrays); the engine only ever passes them NumPy arrays. Where NumPy does not expose the
  implementation, they are ``np.dot`` and ``np.vdot`` themselves.
- ``product_for(size)`` is the function for a layer's matrix products of ``size`` multiply-adds:
  ``dot`` for small ones, ``matmul`` for large ones.
"""

from __future__ import annotations

import numpy as np

dot = getattr(np.dot, "_implementation", np.dot)
vdot = getattr(np.vdot, "_implementation", np.vdot)

# From this many multiply-adds a matrix product is computed by ``matmul`` (measured: 1 M).
MATMUL_FROM = 1 << 20


def matmul(a, b, out=None):
    """a b by ``np.matmul``: the same BLAS call as ``np.dot`` (the same bits), without its first
    pass over the result — ``np.dot`` zero-fills its output before the BLAS product writes it,
    3–4% of a 256 × 1024 × 1024 product — but with ~0.7 µs more to call."""
    return np.matmul(a, b, out=out)


def product_for(size: int):
    """The matrix product for ``size`` multiply-adds (m·k·n): ``dot`` below ``MATMUL_FROM``,
    where its cheaper call counts, ``matmul`` from there. A dense layer's three products at
    batch size B — zˡ, ∂C/∂Wˡ, δˡWˡ — all take B·nˡ⁻¹·nˡ."""
    return dot if size < MATMUL_FROM else matmul


def frozen(array):
    """Mark ``array`` read-only (no copy) and return it; None passes through."""
    if array is not None:
        array.setflags(False)  # write=False; ~8× faster than `array.flags.writeable = False`
    return array


_ONES: dict[tuple[int, np.dtype], np.ndarray] = {}
# Above this many elements ``np.add.reduce`` is faster than a dot product with ones (reading the
# ones costs), so larger vectors are not cached.
DOT_SUM_MAX = 1 << 16


def ones(size: int, dtype) -> np.ndarray:
    """A read-only vector of ``size`` ones (cached up to ``DOT_SUM_MAX`` elements)."""
    key = (size, dtype)
    vector = _ONES.get(key)
    if vector is None:
        vector = frozen(np.ones(size, dtype=dtype))
        if size <= DOT_SUM_MAX:
            if len(_ONES) >= 64:  # shapes change only when the network or batch size does
                _ONES.clear()
            _ONES[key] = vector
    return vector


class Constant(dict):
    """A number as a read-only 0-d array of each float dtype, ``c[x.dtype]``: a ufunc takes a
    0-d array of its operand's dtype 0.1–0.2 µs faster than a Python float, which it converts
    at every call (to that dtype: the values are the same bit for bit). Other dtypes get the
    Python float itself."""

    def __init__(self, value: float):
        super().__init__()
        self.value = value

    def __missing__(self, dtype):
        if np.dtype(dtype).kind != "f":
            return self.value
        self[dtype] = constant = frozen(np.array(self.value, dtype))
        return constant


ZERO, ONE = Constant(0.0), Constant(1.0)


def row_sums(x) -> np.ndarray:
    """Σⱼ x_ij for each row i, shape (rows, 1): the product x·1 (BLAS), 5–8× faster than
    ``x.sum(axis=1)``, which NumPy reduces row by row (the same sums, added in another order)."""
    return dot(x, ones(x.shape[1], x.dtype))[:, None]


NARROW = 32  # rows of at most this many entries are reduced as the columns of their transpose


def row_max(x) -> np.ndarray:
    """maxⱼ x_ij for each row i, shape (rows, 1) (NaN where a row has one). Narrow rows (a
    softmax over a few classes) are taken as the columns of a C-ordered copy of xᵀ: NumPy reduces
    those a whole row of xᵀ at a time (2–4× faster) instead of one short row of x at a time."""
    if x.shape[1] > NARROW:
        return x.max(axis=1, keepdims=True)
    return np.maximum.reduce(np.ascontiguousarray(x.T), axis=0)[:, None]


HUGE_PAGE = 1 << 21  # 2 MiB, a transparent huge page on x86-64 (and aarch64 with 4 KiB pages)
HUGE_PAGE_FROM = 1 << 18  # buffers of this many bytes or more get huge pages
_NUMPY_ADVISES = 1 << 22  # NumPy asks for huge pages (madvise) on allocations from 4 MiB


def buffer(size: int, dtype) -> np.ndarray:
    """An uninitialized vector of ``size`` elements, for a buffer reused from step to step.

    One of ``HUGE_PAGE_FROM`` bytes or more starts on a 2 MiB boundary inside an allocation of at
    least 4 MiB, which NumPy asks the kernel to back with transparent huge pages: the lab's larger
    networks then run with a few TLB entries instead of hundreds (measured: 5% faster steps on a
    64-256-256-10 network). Only the pages touched take memory. Its ``base`` is the allocation:
    count references there to know whether anything still holds the buffer or a view of it."""
    dtype = np.dtype(dtype)
    nbytes = size * dtype.itemsize
    if nbytes < HUGE_PAGE_FROM:
        return np.empty(size, dtype)
    owner = np.empty(max(nbytes, _NUMPY_ADVISES) + HUGE_PAGE, np.uint8)
    start = -owner.ctypes.data % HUGE_PAGE
    return owner[start : start + nbytes].view(dtype)
