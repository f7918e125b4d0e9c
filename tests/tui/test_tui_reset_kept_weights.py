"""``r`` asks before it loses trained weights a rebuild kept at step 1.

A rebuild after training (``e``, then ``)``, asked: the history is lost) starts the run again at
step 1 with the trained weights. ``r`` then said nothing (the training had not moved since the
rebuild) and drew the seed's weights in their place: the trained ones were gone unasked. It now
asks, naming them; at step 1 with the seed's own weights it still resets at once.
"""

from __future__ import annotations

import numpy as np
from kept_weights_harness import rebuilt_after_an_epoch

from tui.screens.dialogs import ConfirmDialog

WIDE = (120, 40)


def _weights(session) -> list[np.ndarray]:
    return [layer.params["W"].copy() for layer in session.run.net.layers]


async def test_reset_after_a_rebuild_that_kept_trained_weights_asks(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        session = await rebuilt_after_an_epoch(app, pilot, settle)
        trained = _weights(session)
        await pilot.press("r")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == (
            "Reset to step 1 with the network's initial weights (keeping the edited network)? "
            "The trained weights the rebuild kept (the seed's draw replaces them) will be lost."
        )
        await pilot.press("n")
        await pilot.pause(0.2)
        assert app.session is session
        assert all(np.array_equal(a, b) for a, b in zip(_weights(session), trained))
        await pilot.press("r")
        await pilot.pause(0.2)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert app.session is not session and app.session.steps_done == 0


async def test_reset_at_step_1_with_the_seeds_draw_asks_nothing(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        session = app.session
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmDialog)
        assert app.session is not session
