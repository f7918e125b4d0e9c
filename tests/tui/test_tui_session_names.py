"""Where a session stands, in words and in file names: the same in the lab, the comparison and
the save dialog's suggestion."""

from __future__ import annotations

from tui.session import LabSession


def test_a_file_name_says_the_step_whose_state_it_holds():
    session = LabSession.open("xor")
    controller = session.controller
    assert session.default_filename() == "xor-step0.lab.npz"  # before training
    controller.step()  # Forward(l=1) of step 1: part of step 1 computed
    assert session.position_tag() == "step1-forward1"
    assert session.default_filename() == "xor-step1-forward1.lab.npz"
    controller.to_event("loss")
    assert session.position_tag() == "step1-loss"
    controller.to_event("delta", 2)
    assert session.position_tag() == "step1-delta2"
    controller.to_event("step_end")
    assert session.position_tag() == "step1"
    controller.step()  # StepStart of step 2: nothing of it computed, the state after step 1
    assert controller.position.kind == "step_start"
    assert session.position_tag() == "step1"
    controller.run(3)
    assert session.position_tag() == "step4" and session.steps_done == 4


def test_a_pause_says_where_it_stands_within_a_step():
    session = LabSession.open("xor")
    controller = session.controller
    controller.run(2)
    assert session.paused_message() == "Paused at step 2."
    controller.step()
    controller.step()
    assert session.paused_message() == "Paused at step 3, Forward(l=1)."
