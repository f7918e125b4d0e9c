"""After a divergence the Debugger panel's equation explains the value the message names: the
unit, weight and example of the first non-finite value (``tui.non_finite_pick``)."""

from __future__ import annotations

import numpy as np
from textual.widgets import Static

from engine.events import Forward, Gradient, Loss, Update
from tui.non_finite_pick import non_finite_pick
from tui.session import LabSession
from tui.view import Selection

WIDE = (120, 40)


async def test_the_equation_explains_the_entry_the_divergence_message_names(lab_app, settle):
    """exploding-gradients at 120x40 stopped with 'Diverged at step 4: z of layer 2 (Forward),
    entry [0, 7] = -inf' while the equation explained unit 0 of example 0: 'z²₀ = … =
    -1.299e198', a finite value; the learner had to find unit 7."""
    app = lab_app("exploding-gradients")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("space")
        await settle(pilot)
        view = app.session.view
        assert view.status == "diverged"
        assert "z of layer 2 (Forward), entry [0, 7] = -inf" in view.message
        await pilot.pause(0.2)
        title = app.query_one("#debugger-equation-title", Static).content.plain
        equation = app.query_one("#debugger-equation", Static).content.plain
        assert title == "Forward, layer 2, unit 7, example 0"
        assert equation.startswith("z²₇ = Σₖ W²₇ₖ a¹ₖ + b²₇")
        assert "-inf" in equation


def test_a_step_into_the_divergence_points_at_it_too():
    """The keys (s, n, f …) reach the non-finite value through ``command``, not the worker."""
    session = LabSession.open("exploding-gradients")
    session.command("step", 10_000)  # stops at the first non-finite value
    assert session.view.status == "diverged"
    assert session.view.selection == Selection(2, 7)
    assert session.view.example == 0


def _forward(z):
    return Forward(l=2, a_prev=np.zeros((3, 2)), z=z, a=np.zeros_like(z))


def test_an_entry_is_read_by_the_event_it_is_in():
    """Batch arrays (example, unit); weight matrices (to, from); biases a unit; no unit for the
    data, the loss C or an event without a non-finite value."""
    z = np.zeros((3, 4))
    z[2, 1] = np.inf
    assert non_finite_pick(_forward(z), 3) == (Selection(2, 1), 2)
    assert non_finite_pick(_forward(np.zeros((3, 4))), 3) is None
    data = Forward(l=1, a_prev=np.array([[np.nan]]), z=np.zeros((1, 1)), a=np.zeros((1, 1)))
    assert non_finite_pick(data, 3) is None
    grad_a = np.zeros((3, 2))
    grad_a[1, 0] = np.nan
    y = np.zeros((3, 2))
    loss = Loss(value=1.0, grad_a=grad_a, data_loss=1.0, penalty=0.0, y=y, fused=False)
    assert non_finite_pick(loss, 3) == (Selection(3, 0), 1)
    not_a_unit = loss._replace(value=np.nan, grad_a=np.zeros((3, 2)))
    assert non_finite_pick(not_a_unit, 3) is None
    W = np.zeros((4, 2))
    W[3, 1] = -np.inf
    gradient = Gradient(l=2, grad_W=W, grad_b=np.zeros(4))
    assert non_finite_pick(gradient, 3) == (Selection(2, 3, (3, 1)), None)
    b = np.zeros(4)
    b[2] = np.nan
    update = Update(
        l=2,
        W_old=np.zeros((4, 2)),
        W_new=np.zeros((4, 2)),
        step_W=np.zeros((4, 2)),
        b_old=np.zeros(4),
        b_new=b,
        step_b=np.zeros(4),
        grad_W=np.zeros((4, 2)),
        grad_b=np.zeros(4),
        lr=0.1,
        optimizer="sgd",
        t=1,
        state={},
    )
    assert non_finite_pick(update, 3) == (Selection(2, 2), None)
