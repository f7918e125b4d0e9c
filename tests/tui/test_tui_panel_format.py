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
    flow,
    fmt,
    fmt_fraction,
    fmt_ticks,
    nice_ticks,
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
        (12345.6, "12,346"),  # thousands grouped, as counts are
        (1234.5, "1,234"),
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
    number = float(text.replace(",", ""))  # thousands grouped: "1,000"
    assert number == pytest.approx(x, rel=5e-4, abs=0.0) or (x == 0 and text == "0")
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


def test_flow_breaks_lines_only_between_items():
    items = ["epoch 150", "step 1,500", "loss 0.01129", "acc 99.7%"]
    assert flow(items, 80).plain == "epoch 150  step 1,500  loss 0.01129  acc 99.7%"
    assert flow(items, 36).plain == "epoch 150  step 1,500  loss 0.01129\nacc 99.7%"
    assert flow(items, 0).plain.count("\n") == 0  # not laid out yet: one line
    assert flow(["a very long item"], 5).plain == "a very long item"


@pytest.mark.parametrize(
    "lo, hi, expected",
    [
        (0.03472, 1.043, [0.2, 0.4, 0.6, 0.8, 1.0]),
        (0.69, 0.7084, [0.69, 0.695, 0.7, 0.705]),
        (-3.2, 0.1, [-3.0, -2.0, -1.0, 0.0]),
        (2.0, 2.0, [2.0]),
    ],
)
def test_nice_ticks_are_round_and_inside_the_range(lo, hi, expected):
    np.testing.assert_allclose(nice_ticks(lo, hi), expected)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
)
def test_nice_ticks_at_least_two_evenly_spaced_within_range(lo, span):
    hi = lo + span
    ticks = nice_ticks(lo, hi)
    if hi <= lo:  # the span vanished in floating point
        return
    assert len(ticks) >= 2
    slack = 1e-8 * span + 1e-12 * max(abs(lo), abs(hi))  # rounding, not a tick outside
    assert all(lo - slack <= t <= hi + slack for t in ticks)
    gaps = np.diff(ticks)
    np.testing.assert_allclose(gaps, gaps[0], rtol=1e-6, atol=1e-12 * max(abs(lo), abs(hi)))


def test_tick_labels_share_one_format():
    assert fmt_ticks([0.69, 0.695, 0.7]) == ["0.690", "0.695", "0.700"]
    assert fmt_ticks([0.5, 1.0]) == ["0.5", "1.0"]
    assert fmt_ticks([-2.0, 0.0, 2.0]) == ["-2", "0", "2"]
    assert fmt_ticks([1e-4, 2e-4]) == ["1e-4", "2e-4"]
    assert fmt_ticks([0.0, 5e5]) == ["0", "5e5"]
