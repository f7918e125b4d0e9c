"""A reopened session at its oldest step: ``b`` said "before the start of the run" where the run
began long before (the file does not keep the step-back history); a session saved at a step's
end reopens at the next step's start and says so (audit finding 5)."""

from __future__ import annotations

from tui.session import LabSession


def test_back_past_a_reopened_session_names_its_oldest_step(tmp_path):
    session = LabSession.open("xor")
    session.controller.run(47)
    session.command("step", 3)  # inside step 48
    session.save(tmp_path / "mid.lab.npz")
    reopened = LabSession.load(tmp_path / "mid.lab.npz")
    reopened.command("back", 5)
    assert reopened.view.message == (
        "Cannot go back 5 events: that is before the start of step 48, the oldest step this "
        "session kept (only 2 events back); a saved session does not keep the step-back history."
    )
    assert "the start of the run" not in reopened.view.message


def test_back_past_the_start_of_a_new_run_is_still_the_start_of_the_run():
    session = LabSession.open("xor")
    session.command("back")
    assert "before the start of the run" in session.view.message


def test_a_session_saved_at_a_step_end_says_where_it_reopens(tmp_path):
    session = LabSession.open("xor")
    session.controller.run(36)
    assert session.controller.position.event_name() == "StepEnd"
    session.save(tmp_path / "end.lab.npz")
    reopened = LabSession.load(tmp_path / "end.lab.npz")
    assert reopened.controller.position.step == 37
    assert reopened.view.message.startswith(
        "Reopened at the start of step 37: saved at the end of step 36"
    )
    reopened.command("back")
    assert "before the start of step 37, the oldest step this session kept" in (
        reopened.view.message
    )
