"""``arrays.Constant``: a number as a 0-d array of the operand's dtype gives the ufuncs the same
bits as the Python float (which NumPy casts to that dtype), in float32 as in float64; any other
dtype gets the Python float."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.arrays import ONE, Constant

NUMBERS = st.floats(allow_nan=True, allow_infinity=True)
UFUNCS = [np.subtract, np.add, np.multiply, np.divide, np.maximum, np.greater]


@given(
    st.sampled_from([np.float64, np.float32, np.float16]),
    st.sampled_from(UFUNCS),
    NUMBERS,
    arrays(np.float64, st.integers(1, 40), elements=NUMBERS),
)
def test_a_constant_gives_the_bits_its_python_float_gives(dtype, ufunc, value, x):
    with np.errstate(all="ignore"):  # a value beyond float16 or float32 becomes ±∞, either way
        x = x.astype(dtype)
        c = Constant(value)[x.dtype]
        assert c.shape == () and c.dtype == dtype and not c.flags.writeable
        for args in ((x, c), (c, x)):
            plain = ufunc(*(value if a is c else a for a in args))
            np.testing.assert_array_equal(ufunc(*args), plain, strict=True)


def test_a_constant_is_made_once_per_dtype():
    assert ONE[np.dtype(np.float32)] is ONE[np.dtype(np.float32)]
    assert ONE[np.dtype(np.float32)] is not ONE[np.dtype(np.float64)]


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.complex128])
def test_other_dtypes_get_the_python_float(dtype):
    assert Constant(0.25)[np.dtype(dtype)] == 0.25
    assert type(Constant(0.25)[np.dtype(dtype)]) is float
