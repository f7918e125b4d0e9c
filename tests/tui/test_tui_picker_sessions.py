"""The Open picker (``o``) takes a session saved with ctrl+s: its path typed in the picker's field
loads it, as ``backprop-lab open FILE.lab.npz`` does (it was refused as a scenario that does not
load, and the learner had to know of the palette's "Load session"). It asks first when work
would be lost, as opening a scenario does; a session path that is not there keeps the picker."""

from __future__ import annotations

from pilot_waits import until
from textual.widgets import Static

from tui.screens.dialogs import ConfirmDialog
from tui.screens.picker import ScenarioPicker

WIDE = (120, 40)


async def test_a_session_typed_in_the_picker_loads_after_asking(lab_app, settle, tmp_path):
    saved = tmp_path / "xor-e1.lab.npz"
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")  # one epoch: step 1 done
        await settle(pilot)
        app.lab_session.save(saved)
        await pilot.press("e")  # one more: work the load would lose
        await settle(pilot)
        assert app.session.steps_done == 2 and app.session.progress
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ScenarioPicker))
        await pilot.press(*str(saved), "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert isinstance(app.screen, ConfirmDialog)
        assert f"Load {saved}?" in app.screen.question
        await pilot.press("y")
        await until(pilot, lambda: [n.title for n in app._notifications][-1:] == ["Session loaded"])
        assert [n.message for n in app._notifications][-1:] == [f"loaded {saved}"]
        assert app.session.steps_done == 1 and not app.session.progress


async def test_a_missing_session_keeps_the_picker_and_says_why(lab_app, tmp_path):
    missing = tmp_path / "gone.lab.npz"
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ScenarioPicker))
        picker = app.screen
        await pilot.press(*str(missing), "enter")
        await pilot.pause(0.1)
        assert app.screen is picker
        error = picker.query_one("#picker-error", Static)
        assert error.display and str(error.render()).startswith(f"{missing}: ")
        assert "does not exist" in str(error.render())


async def test_a_damaged_session_keeps_the_picker_and_says_why(lab_app, settle, tmp_path):
    """A session file that is there but damaged (random bytes; a truncated archive) is refused
    under the field as a missing one is: it closed the picker for an error dialog, the path
    typed lost. The lab's session is untouched."""
    noise = tmp_path / "noise.lab.npz"
    noise.write_bytes(bytes(range(256)) * 8)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s")
        await settle(pilot)
        session = app.lab_session
        truncated = tmp_path / "cut.lab.npz"
        whole = session.save(tmp_path / "whole.lab.npz").read_bytes()
        truncated.write_bytes(whole[: len(whole) // 2])
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ScenarioPicker))
        picker = app.screen
        field = picker.query_one("#picker-path")
        for damaged, why in [(noise, "not an .npz archive"), (truncated, "not a readable")]:
            field.value = ""
            await pilot.press(*str(damaged), "enter")
            await pilot.pause(0.1)
            assert app.screen is picker and field.value == str(damaged)
            error = picker.query_one("#picker-error", Static)
            assert error.display and str(error.render()).startswith(f"{damaged}: ")
            assert why in str(error.render())
        assert app.lab_session is session
