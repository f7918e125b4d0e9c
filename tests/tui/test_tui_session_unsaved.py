"""What the lab asks before it quits, opens or loads: everything a session file keeps that changed
since the last open or save (``tui.session_kept``) — not only the training. The audit found the
edited network, η changes and breakpoints made after a save thrown away without a question."""

from __future__ import annotations

from tui.live_changes import change, sections_in_force
from tui.screens.dialogs import ConfirmDialog
from tui.session import LabSession

WIDE = (120, 40)


def edited(session: LabSession, size: int) -> LabSession:
    """``session`` rebuilt with layer 1 of ``size`` units, as the editor's Apply does."""
    network, training, schedule = sections_in_force(session.scenario, session.run)
    layers = [dict(layer) for layer in network["layers"]]
    layers[0]["size"] = size
    return session.rebuild({**network, "layers": layers}, training, schedule)


def test_nothing_changed_since_open_or_save_is_nothing_unsaved(tmp_path):
    session = LabSession.open("xor")
    assert session.unsaved() == []
    session.controller.run(36)
    assert session.unsaved() == ["the training on xor up to step 36"]
    session.save(tmp_path / "a.lab.npz")
    assert session.unsaved() == []
    assert LabSession.load(tmp_path / "a.lab.npz").unsaved() == []


def test_changes_after_a_save_are_named_with_their_values(tmp_path):
    """Audit (b): train to step 36, save, then < < and two breakpoints: q quit at once."""
    session = LabSession.open("xor")
    session.controller.run(36)
    session.save(tmp_path / "after-save.lab.npz")
    change(session, {"training.lr": 0.5}, running=False)
    change(session, {"training.lr": 0.25}, running=False)
    session.command("break", "delta@1")
    session.command("break", "update@2")
    assert session.unsaved() == ["η 0.25", "2 new breakpoints"]
    session.command("delete", "1")
    assert session.unsaved() == ["η 0.25", "1 new breakpoint"]


def test_an_edited_network_is_unsaved_until_saved(tmp_path):
    """Audit (a): an edit before any training was lost by q and by opening another scenario."""
    session = edited(LabSession.open("xor"), 8)
    assert session.unsaved() == ["the edited network"]
    session.save(tmp_path / "edited.lab.npz")
    assert session.unsaved() == []
    again = edited(session, 5)
    assert again.unsaved() == ["the edited network"]


def test_a_field_the_file_gains_is_compared_without_a_change_here(monkeypatch):
    """The rule is the file's header: a field ``save`` writes is compared as soon as it is
    written (here one added to ``kept``), so the question cannot drift from the format."""
    extra = {"value": 1}
    kept = LabSession.kept
    monkeypatch.setattr(LabSession, "kept", lambda self: {**kept(self), "colour": extra["value"]})
    session = LabSession.open("xor")
    assert session.unsaved() == []
    extra["value"] = 2
    assert session.unsaved() == ["the colour"]


def test_the_speed_and_the_status_line_are_not_asked_about():
    session = LabSession.open("xor")
    session.pacer.set(1000)
    session.view.message = "something else"
    assert session.unsaved() == []


async def test_q_asks_when_only_an_edit_and_a_change_are_unsaved(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        app._install(edited(app.session, 8))
        await pilot.press("less_than_sign", "less_than_sign")
        app.session.command("break", "delta@1")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == (
            "Quit? The edited network, η 0.25 and 1 new breakpoint are not saved "
            "(ctrl+s saves them)."
        )
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert app.is_running


async def test_opening_another_scenario_asks_when_only_an_edit_is_unsaved(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        app._install(edited(app.session, 8))
        app.open_scenario("spiral")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == (
            "Open spiral? The edited network will be lost (ctrl+s saves it first)."
        )
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert app.session.scenario.name == "xor"
        assert app.session.run.net.sizes[1] == 8


async def test_a_question_that_begins_with_a_symbol_keeps_it(lab_app):
    """η is not capitalized into Η ("Quit? Η 0.25 is not saved" in the first try)."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("less_than_sign", "q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Quit? η 0.5 is not saved (ctrl+s saves it)."
        await pilot.press("n")
