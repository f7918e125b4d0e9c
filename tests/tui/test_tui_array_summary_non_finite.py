"""An array's summary in the Debugger panel says how many entries are non-finite before the
figures of the others (``array_summary``): at exploding-gradients' divergence (120x40) the lines
under ``z²  32×32  z@2`` read ``min -1.63e207  mean -3.579e205`` / ``max 7.703e196  ‖·‖
4.684e207`` at the panel's bottom — z² looked finite — and ``288 non-finite`` came below it."""

from __future__ import annotations

import numpy as np

from tui.panels.event_arrays import event_arrays
from tui.panels.format import array_summary
from tui.session import LabSession

COLUMN = 38  # the Debugger panel's arrays column at 120x40 with the lesson hidden


def test_the_count_of_non_finite_entries_comes_before_the_figures_of_the_others():
    a = np.ones((32, 32))
    a[0, 7] = -np.inf
    a[3, :] = np.nan
    others = "others: min 1  mean 1  max 1  ‖·‖ 31.48"  # ‖·‖ = √991
    assert array_summary(a) == f"32×32  33 non-finite  {others}"
    a[:] = np.nan
    assert array_summary(a) == "32×32  1,024 non-finite"
    assert array_summary(np.arange(4.0)) == "4  min 0  mean 1.5  max 3  ‖·‖ 3.742"


def test_at_the_divergence_the_line_under_the_array_says_it_is_not_finite():
    session = LabSession.open("exploding-gradients")
    session.command("step", 10_000)  # stops at the first non-finite value: z of layer 2
    lines = event_arrays(session.view.event, COLUMN).plain.splitlines()
    z = lines.index("z²  32×32  z@2")
    assert lines[z + 1].startswith("288 non-finite")
