"""One step number for one run: headless ``train`` (which does not measure the training set at
every epoch's end) stops a diverging run where the lab (which does) stops it, with the same
report and the same final figures."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from scenarios import build_run, load_scenario
from tui.cli import main

DIVERGING = [
    ("learning-rate-too-high", ()),  # the loss over the whole set overflows before any step does
    ("learning-rate-too-high", ("training.lr=1e3",)),
    ("slow-convergence", ("training.lr=1e3",)),
    ("exploding-gradients", ()),  # a step's own values overflow
    ("dying-relu-fixed-leaky", ("training.lr=1e3",)),  # a finite blow-up (engine.blowup)
    ("gradient-descent-modes", ("training.lr=1e3",)),
]


def ended(name: str, overrides, headless: bool) -> tuple:
    run = build_run(load_scenario(name, overrides))
    if headless:
        run.headless()
    with np.errstate(all="ignore"):
        summary = run.fit()
    assert run.stop_reason == "diverged"
    last = run.history.epochs.last  # (headless, its train_loss is measured at the end only)
    return (
        run.steps_done,
        run.epoch,
        run.divergence.describe(),
        summary["final"],
        None if last is None else (last.epoch, last.step),
    )


@pytest.mark.parametrize(("name", "overrides"), DIVERGING)
def test_train_stops_a_diverging_run_where_the_lab_does(name, overrides):
    assert ended(name, overrides, headless=True) == ended(name, overrides, headless=False)


def test_the_divergence_line_names_the_value_found():
    """A loss over the whole set that is NaN is not said to have overflowed to infinity."""
    result = CliRunner().invoke(main, ["train", "xor", "--set", "training.lr=1e308"])
    assert result.exit_code == 3
    line = result.stderr.strip().splitlines()[-1]
    assert "became non-finite (nan)" in line and "infinity" not in line
