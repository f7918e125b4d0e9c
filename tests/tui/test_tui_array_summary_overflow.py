"""The Debugger's one-line array summary (``array_summary``) of a finite array whose entries are
huge — a diverging run's activations, exploding-gradients at step 4: a¹ up to 5.5e196 — gives
finite mean and norm. The sum of squares overflowed, and the summary read ``‖·‖ inf`` for an
array without a single non-finite entry."""

from __future__ import annotations

import math

import numpy as np

from tui.panels.format import array_summary, fmt


def summary_figures(a) -> dict[str, str]:
    """The summary's ``name value`` pairs after the shape: min, mean, max, ‖·‖."""
    words = array_summary(a).split()[1:]
    return dict(zip(words[::2], words[1::2]))


def test_the_norm_of_huge_finite_entries_is_finite():
    a = np.zeros((32, 32))
    a[0, :4] = [5.507e196, 1e196, 2e195, 0.0]
    figures = summary_figures(a)
    assert figures["‖·‖"] == fmt(math.hypot(5.507e196, 1e196, 2e195))  # 5.601e196
    assert figures["max"] == "5.507e196" and "non-finite" not in array_summary(a)


def test_the_mean_of_entries_near_the_largest_float_is_finite():
    a = np.full(4, 1.5e308)
    figures = summary_figures(a)
    assert figures["mean"] == "1.5e308"
    assert figures["‖·‖"] == "inf"  # 3e308 is past the largest float: the norm itself is inf


def test_ordinary_and_zero_arrays_read_as_before():
    figures = summary_figures(np.array([[3.0, -4.0], [0.0, 0.0]]))
    assert (figures["min"], figures["mean"], figures["max"], figures["‖·‖"]) == (
        "-4",
        "-0.25",
        "3",
        "5",
    )
    zeros = summary_figures(np.zeros(3))
    assert zeros["mean"] == "0" and zeros["‖·‖"] == "0"
