"""A rebuild before the first step asks when it loses weights that r cannot draw again.

Before the first step the lab asked nothing (``live_changes.loses``: "the weights are then the
initial draw, nothing trained"). A new-user audit checked that rule: the network at step 1 is
the seed's draw only until a rebuild carries trained weights into it. After ``)`` at step 37
(asked: the history is lost), the run starts at step 1 with the trained weights, and ``(`` then
dropped a trained unit without a word before. It now asks, as docs/live-changes.md says.
"""

from __future__ import annotations

from kept_weights_harness import rebuilt_after_an_epoch

from tui import live_changes
from tui.screens.dialogs import ConfirmDialog
from tui.session import LabSession

WIDE = (120, 40)


def test_the_seeds_draw_is_told_from_trained_weights():
    session = LabSession.open("xor")
    assert live_changes.seed_drawn(session)
    session.controller.run(1)
    assert not live_changes.seed_drawn(session)
    assert live_changes.seed_drawn(session.reset())


async def test_at_step_1_with_the_seeds_draw_an_edit_applies_at_once(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("left_parenthesis")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmDialog)
        assert app.session.run.net.sizes == [2, 3, 1]
        said = "Removed unit 3 from layer 1 (4 → 3 units); lost: unit 3 of layer 1."
        assert app.session.view.message == said


async def test_at_step_1_with_trained_weights_removing_a_unit_asks(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        session = await rebuilt_after_an_epoch(app, pilot, settle)
        await pilot.press("left_parenthesis")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.endswith(
            "Lost: unit 4 of layer 1 (not the seed's draw of weights: r does not bring them back)."
        )
        await pilot.press("n")
        await pilot.pause(0.2)
        assert app.session is session and session.run.net.sizes == [2, 5, 1]
