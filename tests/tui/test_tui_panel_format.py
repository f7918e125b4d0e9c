"""Number formatting for the panels: significant digits, scientific notation, words for NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.panels.format import (
    WARNING,
    array_lines,
    array_summary,
    fmt,
    fmt_fraction,
    styled_number,
)


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.0, "0"),
        (1.0, "1"),
        (0.5, "0.5"),
        (1 / 3, "0.3333"),
        (-2 / 3, "-0.6667"),
        (123.456, "123.5"),
        (12345.6, "12346"),
        (123456.0, "1.235e5"),
        (0.001234, "0.001234"),
        (0.0001234, "1.234e-4"),
        (1e-9, "1e-9"),
        (-3.2e-12, "-3.2e-12"),
        (9.99996, "10"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (np.float32(0.25), "0.25"),
        (7, "7"),
        (np.int64(12), "12"),
        (None, "—"),
    ],
)
def test_fmt(x, text):
    assert fmt(x) == text


@settings(deadline=None, max_examples=200)
@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False))
def test_fmt_keeps_four_significant_digits(x):
    text = fmt(x)
    assert float(text) == pytest.approx(x, rel=5e-4, abs=0.0) or (x == 0 and text == "0")
    assert len(text) <= 11


def test_non_finite_numbers_are_words_in_the_warning_colour():
    for x in (float("nan"), float("inf"), np.float64("-inf")):
        content = styled_number(x)
        assert content.plain in ("nan", "inf", "-inf")
        assert [span.style for span in content.spans] == [WARNING]
    assert styled_number(0.5).spans == []


def test_fractions_and_arrays():
    assert fmt_fraction(0.257) == "25.7%" and fmt_fraction(1.0) == "100%"
    assert fmt_fraction(math.nan) == "nan"
    a = np.arange(100.0).reshape(10, 10)
    a[0, 0] = np.nan
    lines = array_lines(a, max_rows=4, max_cols=4)
    assert len(lines) == 5 and lines[2].plain.strip() == "⋮"
    assert "…" in lines[0].plain and "nan" in lines[0].plain
    assert any(span.style == WARNING for span in lines[0].spans)
    summary = array_summary(a)
    assert summary.startswith("10×10") and "1 non-finite" in summary and "max 99" in summary
