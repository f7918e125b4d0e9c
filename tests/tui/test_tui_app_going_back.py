"""After going back in the debugger, the panels show the position, as on the first pass there.

Going back inside a step the trainer has taken leaves the trainer, its network and the run's
history after that step (only going back across a StepEnd forgets later steps). The panels
must still draw what is in force and completed at the debugger's position
(``tui.view.completed_step``): the Network picture and the Data panel the parameters in force
there, the Gradients panel the statistics of the last step completed, the Loss panel that step,
its epoch and the curve up to it.

Each test reaches the end of a few steps as a user does (``e``; ``s``), records what a panel
shows at every position on the way back (``b``), and compares it with a lab of the same seed
that reached each of those positions for the first time, event by event.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tui import messages
from tui.panels.base import Panel
from tui.panels.data_panel import DataPanel
from tui.panels.gradients_panel import GradientsPanel
from tui.panels.loss_panel import LossPanel
from tui.panels.network_picture import NetworkPicture
from tui.view import counters

WIDE = (120, 40)

CASES = [  # scenario, the keys to the furthest position (then ``b`` back to step 1's start)
    ("worked-example", ("e",)),  # StepEnd of step 1, back through its events
    ("xor", ("e", "e")),  # StepEnd of step 2, back across step 1's StepEnd
    ("overfitting-fixed-dropout", ("e", "s")),  # StepStart of step 2, back into step 1
]


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    """Every panel draws at once (no ``too_soon``): what is compared is what is drawn."""
    monkeypatch.setattr(Panel, "THROTTLE", 0.0)


def text(panel, selector: str) -> str:
    return str(panel.query_one(selector).render())


def where(app) -> tuple[int, int]:
    position = app.session.controller.position
    return position.step, position.index


def data_state(app):
    """What the Data panel predicts with the parameters it draws, and its text."""
    panel = app.query_one(DataPanel)
    run = app.session.run
    predicted = np.asarray(run.predict(run.data.x_train, panel.params))
    canvas = text(panel, "#data-canvas") if panel.mode == "samples" else None  # (a plane: a
    return predicted, canvas, text(panel, "#data-note")  # picture of the predictions)


def picture_state(app):
    """The picture's nodes and edges, and the selected weight W²₀₁ as its caption says it."""
    picture = app.query_one(NetworkPicture)
    shown = picture.shown
    # up to "(to j, from k)", or the end of its line where that has no room (9f0199c)
    weight = re.search(r"W²\[0,1\][^(\n]*", str(picture.caption))
    assert weight is not None, str(picture.caption)  # selected, described
    return (
        shown.node_name,
        [None if a is None else a.tolist() for a in shown.nodes],
        shown.edge_name,
        [None if a is None else a.tolist() for a in shown.edges],
        weight.group(0).strip(),
    )


def data_and_picture_state(app):
    return data_state(app), picture_state(app)


def gradients_state(app):
    panel = app.query_one(GradientsPanel)
    values = ["nan" if math.isnan(v) else v for v in panel.values]
    texts = [
        text(panel, s)
        for s in ("#gradients-bars", "#gradients-steps", "#gradients-axis", "#gradients-history")
    ]
    return values, texts


def loss_state(app):
    panel = app.query_one(LossPanel)
    return (
        counters(app.session.view),
        text(panel, "#loss-stats"),
        text(panel, "#loss-scale-label"),
        panel.points,
        panel.plotted.tolist(),
        panel.hint,
    )


async def _start(app, pilot):
    await pilot.press("escape")  # out of the lesson
    app.post_message(messages.SelectWeight(2, 0, 1))  # W²₀₁, from unit 1 to unit 0
    await pilot.pause()


async def gone_back(lab_app, settle, scenario, keys, state) -> dict:
    """``state`` at each position from the end of ``keys`` back to step 1's StepStart."""
    app = lab_app(scenario, seed=0)
    seen = {}
    async with app.run_test(size=WIDE) as pilot:
        await _start(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        while True:
            seen[where(app)] = state(app)
            if where(app) == (1, 0):
                return seen
            await pilot.press("b")
            await pilot.pause()


async def first_pass(lab_app, scenario, positions, state) -> dict:
    """``state`` at each of ``positions``, reached going forward event by event (``s``)."""
    app = lab_app(scenario, seed=0)
    seen = {}
    async with app.run_test(size=WIDE) as pilot:
        await _start(app, pilot)
        await pilot.press("s", "b")  # at step 1's StepStart, paused: as after going back
        await pilot.pause()
        last = max(positions)
        while True:
            if where(app) in positions:
                seen[where(app)] = state(app)
            if where(app) == last:
                return seen
            await pilot.press("s")
            await pilot.pause()


async def compare(lab_app, settle, scenario, keys, state) -> None:
    back = await gone_back(lab_app, settle, scenario, keys, state)
    forward = await first_pass(lab_app, scenario, set(back), state)
    assert set(forward) == set(back)
    differ = [p for p in sorted(back) if not _same(back[p], forward[p])]
    assert differ == [], "differs at these (step, event index)"


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize(("scenario", "keys"), CASES)
async def test_the_data_panel_and_the_picture_draw_the_parameters_in_force(
    lab_app, settle, scenario, keys
):
    """worked-example, back at Update(l=1): predicted [0.7514, 0.7729] as on the first pass
    (not [0.7284, 0.7784], the updated network's); the picture's weights before the update."""
    await compare(lab_app, settle, scenario, keys, data_and_picture_state)


@pytest.mark.parametrize(("scenario", "keys"), CASES)
async def test_the_gradients_panel_shows_the_last_step_completed(lab_app, settle, scenario, keys):
    """worked-example, back at StepStart: 'no steps yet', not step 1's statistics."""
    await compare(lab_app, settle, scenario, keys, gradients_state)


@pytest.mark.parametrize(("scenario", "keys"), CASES)
async def test_the_loss_panel_shows_the_step_epoch_and_curve_of_the_position(
    lab_app, settle, scenario, keys
):
    """worked-example, back inside step 1: 'epoch 0 step 0 train-set loss 0.2984' and the
    initial network's point, not 'epoch 1 step 0' and step 1's loss on the plot."""
    await compare(lab_app, settle, scenario, keys, loss_state)
