"""A finite blow-up is a divergence: ``train dying-relu --set
training.lr=1e300`` ended with exit 0, 'train loss 4.05e+298 … the epoch limit was reached'."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest
from click.testing import CliRunner

from engine.blowup import BlowUp
from scenarios import build_run, load_scenario


def train(*args):
    from tui.cli import main

    return CliRunner().invoke(main, ["train", *args])


@pytest.mark.parametrize("lr", ["1e300", "1e50", "1e10"])
def test_a_loss_that_blows_up_and_stays_is_a_divergence(lr):
    result = train("dying-relu", "--set", f"training.lr={lr}")
    assert result.exit_code == 3, result.output
    assert "stopped after 40 epochs (400 steps): training diverged" in result.stdout
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith("backprop-lab: training diverged by step 2: the training loss blew up")
    assert "past 10⁶ × its start (0.693) and stayed above without overflowing, ending at" in line
    assert "the largest parameter is b of layer 4" in line


def test_the_step_it_blew_up_at_is_not_given_the_loss_it_ended_at():
    """slow-convergence at η = 0.4 passes 10⁶ × its start at step 38 and ends at step 300 with
    a loss of 7.03e+91: the message said "diverged by step 38: the training loss blew up to
    7.03e+91", which reads as step 38's loss."""
    result = train("slow-convergence", "--set", "training.lr=0.4")
    assert result.exit_code == 3, result.output
    line = result.stderr.strip()
    assert "by step 38: the training loss blew up past 10⁶ × its start (0.449)" in line
    assert "ending at 7.03e+91;" in line and "blew up to" not in line


def test_the_json_summary_says_diverged():
    result = train("dying-relu", "--set", "training.lr=1e300", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["stop_reason"] == "diverged"


def test_a_large_but_plausible_loss_is_not_a_divergence():
    result = train("dying-relu", "--set", "training.lr=1e3")  # ends at 28.75, 40× its start
    assert result.exit_code == 0, result.output
    assert "all 40 epochs done" in result.stdout


@pytest.mark.parametrize(
    ("name", "step", "kind"),
    [("exploding-gradients", 4, "forward"), ("learning-rate-too-high", 507, "evaluation")],
)
def test_the_overflow_presets_still_stop_at_their_first_non_finite_value(name, step, kind):
    run = build_run(load_scenario(name))
    with np.errstate(all="ignore"):
        run.fit()
    assert run.stop_reason == "diverged" and not isinstance(run.divergence, BlowUp)
    assert (run.divergence.step, run.divergence.kind) == (step, kind)


def test_early_stopping_that_restores_the_best_weights_is_not_judged():
    run = build_run(load_scenario("overfitting-fixed-early-stopping"))
    with np.errstate(all="ignore"):
        run.fit()
    assert run.stop_reason == "patience"


def test_the_lab_reports_the_blow_up_and_a_session_keeps_it(tmp_path):
    from tui.session import LabSession

    # at full speed: at the preset's 10 steps a second its 400 steps took 40 s of sleeping
    session = LabSession.open("dying-relu", ["training.lr=1e300", "lab.speed=max"])
    status, message = session.train("continue", cancelled=lambda: False)
    assert status == "diverged"
    assert message.startswith("Diverged at step 2: the training loss blew up past 10⁶ × its")
    assert "ending at 4.05e+298;" in message
    session.save(tmp_path / "s.lab.npz")
    loaded = LabSession.load(tmp_path / "s.lab.npz")
    assert isinstance(loaded.run.divergence, BlowUp) and loaded.run.divergence.step == 2


def test_a_killed_saves_leftovers_are_removed_by_the_next_load(tmp_path):
    from tui.session import LabSession

    path = LabSession.open("xor").save(tmp_path / "s.lab.npz")
    leftover = tmp_path / ".s.lab.npz.k1ll3d.tmp"
    leftover.write_bytes(b"half a session")
    past = time.time() - 120
    os.utime(leftover, (past, past))
    LabSession.load(path)
    assert not leftover.exists()
