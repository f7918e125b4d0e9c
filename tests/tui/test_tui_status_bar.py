"""The status line: status, loss and position survive a narrow terminal; title and name give way."""

from __future__ import annotations

import pytest
from textual.content import Content

from tui.status_bar import SEPARATOR, status_line

WHERE = "step 24 · epoch 3 · batch 4/10 · Gradient(l=3)"


def line(width: int, name: str = "vanishing-fixed-batchnorm") -> str:
    parts = status_line("Backprop Lab", name, "paused", "batch loss 0.6931", WHERE, width)
    return Content(SEPARATOR).join(parts).plain


@pytest.mark.parametrize(
    "width,expected",
    [
        (206, f"Backprop Lab │ vanishing-fixed-batchnorm │ paused │ batch loss 0.6931 │ {WHERE}"),
        (106, f"vanishing-fixed-batchnorm │ paused │ batch loss 0.6931 │ {WHERE}"),
        (100, f"vanishing-fixed-… │ paused │ batch loss 0.6931 │ {WHERE}"),  # after a hyphen
        (93, f"vanishing-… │ paused │ batch loss 0.6931 │ {WHERE}"),
        (88, f"vanishing… │ paused │ batch loss 0.6931 │ {WHERE}"),  # "vanishing-…" is too wide
        (87, f"vanishin… │ paused │ batch loss 0.6931 │ {WHERE}"),
        (86, f"paused │ batch loss 0.6931 │ {WHERE}"),  # no room for 8 characters of the name
    ],
)
def test_title_then_name_give_way(width, expected):
    assert line(width) == expected
    assert len(line(width)) <= width


@pytest.mark.parametrize(
    "width,expected",
    [
        (120, f"Backprop Lab │ spiral │ running │ loss 0.6931 │ {WHERE} │ speed 50/s"),
        (96, f"spiral │ running │ loss 0.6931 │ {WHERE} │ speed 50/s"),
        (90, f"spiral │ running │ loss 0.6931 │ {WHERE} │ 50/s"),  # the word "speed" goes
        (84, f"running │ loss 0.6931 │ {WHERE} │ speed 50/s"),  # the name goes
        (77, f"running │ loss 0.6931 │ {WHERE} │ 50/s"),
        (76, f"running │ loss 0.6931 │ {WHERE}"),  # last, the speed goes whole, not cut
    ],
)
def test_the_speed_stays_when_the_line_is_narrow(width, expected):
    figure = "loss 0.6931"
    parts = status_line("Backprop Lab", "spiral", "running", figure, WHERE, width, "speed 50/s")
    assert Content(SEPARATOR).join(parts).plain == expected


def test_a_short_name_is_never_cut():
    assert line(96, "xor") == f"Backprop Lab │ xor │ paused │ batch loss 0.6931 │ {WHERE}"
    assert line(84, "xor") == f"xor │ paused │ batch loss 0.6931 │ {WHERE}"


async def test_at_80_columns_the_lab_shows_status_loss_and_position_whole(lab_app):
    app = lab_app("vanishing-fixed-batchnorm")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "s", "s", "s", "s", "s", "s", "s", "s", "s")
        await pilot.pause(0.1)
        position = app.session.controller.position
        shown = app.status_bar.line.render().plain
        assert "paused" in shown and "batch loss " in shown
        # with the step's loss ("batch loss 0.7611") even "10/s" does not fit in 78 columns
        # here: the speed goes whole rather than be cut
        assert shown.endswith(f"batch {position.batch}/10 · {position.event_name()}")
        assert "Backprop Lab" not in shown  # the title gives way first, then the name
        assert len(shown) <= 78
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.1)
        wide = app.status_bar.line.render().plain
        assert wide.startswith("vanishing-fixed-batchnorm │ paused")  # the whole name


async def test_a_divergence_message_fits_the_two_message_rows_at_80_columns(lab_app, settle):
    app = lab_app("exploding-gradients")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await settle(pilot)
        assert app.session.view.status == "diverged"
        message = app.status_bar.message
        shown = message.render().plain
        assert shown.startswith("Diverged at step") and shown.endswith("r resets.")
        needed = message.get_content_height(message.container_size, app.size, message.size.width)
        assert needed <= message.size.height == 2  # nothing cut by the two-row limit


def test_the_batch_loss_is_the_steps_own_once_computed_else_named():
    """Paused inside step 50 of xor: before its Loss event the batch loss is step 49's, and the
    status line says so; from its Loss event on it is step 50's (the Loss event's value) —
    it used to show step 49's beside 'step 50 · Delta(l=2)' (audit)."""
    from tui.session import LabSession
    from tui.view import earlier_loss_step, headline_loss

    session = LabSession.open("xor")
    c = session.controller
    c.run(49)
    before = c.record.loss
    shown = []
    for _ in range(5):  # StepStart, Forward ×2, Loss, Delta of step 50
        c.step()
        session.sync_view()
        shown.append((c.position.event_name(), headline_loss(session.view)[1]))
        shown[-1] += (earlier_loss_step(session.view),)
    loss_50 = c.record.events[3].value
    assert loss_50 != before
    assert shown == [
        ("StepStart", before, 49),
        ("Forward(l=1)", before, 49),
        ("Forward(l=2)", before, 49),
        ("Loss", loss_50, None),
        ("Delta(l=2)", loss_50, None),
    ]


async def test_the_status_line_names_the_step_of_an_earlier_loss(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "s")  # step 1's Forward(l=1): no loss of step 1 yet… nor before
        await pilot.pause()
        assert "batch loss — │ step 1" in app.status_bar.line.render().plain
        await pilot.press(*"s" * 11)  # into step 2's forward pass: step 1's loss
        await pilot.pause()
        shown = app.status_bar.line.render().plain
        assert "(step 1) │ step 2 · epoch 2 · Forward(l=" in shown


def test_while_training_runs_the_counters_are_the_trainers_before_its_first_snapshot():
    """Right after space, before the training thread published anything, the Debugger read
    'step 0  epoch 0  batch 0/10' while the status line counted on (audit)."""
    from tui.session import LabSession
    from tui.view import counters

    session = LabSession.open("vanishing-gradients")
    for _ in range(7):  # as the training thread takes them
        session.run.step()
    session.view.status = "running"
    assert session.view.progress is None
    step, epoch, batch, _ = counters(session.view)
    assert (step, epoch, batch) == (7, 1, 7)
