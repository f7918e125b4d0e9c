"""``row_max`` and ``row_sums`` (softmax, cross-entropy): the values ``x.max(axis=1)`` and
``x.sum(axis=1)`` give, for narrow rows (reduced through xᵀ) and wide ones, NaN and ±∞ included."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.arrays import NARROW, row_max, row_sums

SHAPES = st.tuples(st.integers(1, 70), st.integers(1, 2 * NARROW + 3))
ENTRIES = st.floats(allow_nan=True, allow_infinity=True, width=32)  # exact in either dtype


@given(
    st.sampled_from([np.float64, np.float32]),
    SHAPES.flatmap(lambda s: arrays(np.float64, s, elements=ENTRIES)),
)
def test_row_max_is_the_maximum_of_each_row(dtype, x):
    x = x.astype(dtype)
    m = row_max(x)
    assert m.shape == (x.shape[0], 1) and m.dtype == dtype
    np.testing.assert_array_equal(m, x.max(axis=1, keepdims=True))  # NaN where a row has one


@given(
    st.sampled_from([np.float64, np.float32]),
    SHAPES.flatmap(lambda s: arrays(np.float64, s, elements=st.floats(-1e6, 1e6))),
)
def test_row_sums_are_the_sum_of_each_row(dtype, x):
    x = x.astype(dtype)
    s = row_sums(x)
    assert s.shape == (x.shape[0], 1) and s.dtype == dtype
    scale = np.abs(x).sum(axis=1, keepdims=True) + 1.0
    assert np.all(np.abs(s - x.sum(axis=1, keepdims=True, dtype=np.float64)) <= 1e-5 * scale)


def test_row_sums_carry_nan_and_infinity():
    x = np.array([[1.0, np.inf, 2.0], [np.nan, 0.0, 1.0], [np.inf, -np.inf, 0.0], [1.0, 2.0, 3.0]])
    with np.errstate(invalid="ignore"):  # ∞ − ∞, as x.sum warns
        s = row_sums(x)[:, 0]
    assert s[0] == np.inf and np.isnan(s[1]) and np.isnan(s[2]) and s[3] == 6.0
