"""After a divergence the Debugger panel's equation explains the value the message names: the
unit, weight and example of the first non-finite value (``engine.debugger.non_finite_target``),
and so does line mode's bare ``explain``."""

from __future__ import annotations

import numpy as np
from textual.widgets import Static

from engine.debugger.non_finite_target import Target, non_finite_target
from engine.events import Forward, Gradient, Loss, Update
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
    assert non_finite_target(_forward(z), 3) == Target(2, 1, None, 2)
    assert non_finite_target(_forward(np.zeros((3, 4))), 3) is None
    data = Forward(l=1, a_prev=np.array([[np.nan]]), z=np.zeros((1, 1)), a=np.zeros((1, 1)))
    assert non_finite_target(data, 3) is None
    grad_a = np.zeros((3, 2))
    grad_a[1, 0] = np.nan
    y = np.zeros((3, 2))
    loss = Loss(value=1.0, grad_a=grad_a, data_loss=1.0, penalty=0.0, y=y, fused=False)
    assert non_finite_target(loss, 3) == Target(3, 0, None, 1)
    not_a_unit = loss._replace(value=np.nan, grad_a=np.zeros((3, 2)))
    assert non_finite_target(not_a_unit, 3) is None
    W = np.zeros((4, 2))
    W[3, 1] = -np.inf
    gradient = Gradient(l=2, grad_W=W, grad_b=np.zeros(4))
    assert non_finite_target(gradient, 3) == Target(2, 3, (3, 1), None)
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
    assert non_finite_target(update, 3) == Target(2, 2, None, None)


def test_line_modes_bare_explain_explains_the_value_the_message_names():
    """``backprop-lab debug exploding-gradients``, c, explain: 'Forward, layer 2, unit 0' and
    z²₀ = … = -1.299e198 while the stop named entry [0, 7] = -inf — the lab's panel picked unit
    7 (eef1eb7), line mode did not. An explicit unit is still obeyed."""
    import io

    from engine.debugger.linemode import LineMode

    session = LabSession.open("exploding-gradients")
    session.command("step", 10_000)  # stops at the first non-finite value
    out = io.StringIO()
    LineMode(session.controller, io.StringIO("explain\nexplain 0\n"), out, echo=True).run()
    text = out.getvalue()
    first, second = text.split("(bpl) explain 0")
    assert "Forward, layer 2, unit 7, example 0" in first and "= -inf" in first
    assert "Forward, layer 2, unit 0, example 0" in second
