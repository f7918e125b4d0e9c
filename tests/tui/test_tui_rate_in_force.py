"""The η shown is the η used: at the last batch of an epoch with a schedule, the trainer reports
the next epoch's rate (``Trainer.next_lr``) — the one the next step uses — and the Network panel,
the lab's snapshot while training, the debugger's explanation and line mode all show it."""

from __future__ import annotations

import io

from panel_harness import PanelApp, make_view, move
from textual.widgets import Static

from engine.debugger import Controller
from engine.debugger.linemode import LineMode
from scenarios import build_run, load_scenario
from tui.panels.network_panel import NetworkPanel
from tui.view import TrainingSnapshot, rate_in_force

# η₀ = 1 halved every epoch; two batches an epoch, so step 2 is epoch 1's last batch
SCHEDULE = (
    "training.lr=1",
    "training.batch_size=2",
    "schedule.kind=exponential",
    "schedule.gamma=0.5",
)


def run_with_schedule():
    return build_run(load_scenario("xor", SCHEDULE))


def test_the_trainer_reports_the_rate_the_next_step_uses():
    run = run_with_schedule()
    trainer = run.trainer
    assert trainer.batches_per_epoch == 2
    for _ in range(7):
        shown = trainer.next_lr
        events = trainer.step_events()
        start = next(events)  # the next step's StepStart: the η it uses
        events.close()  # left unfinished: nothing moved
        assert start.lr == shown
        run.step()
    # after epoch 1's last batch the counters still say epoch 1, the next step is epoch 2's
    run = run_with_schedule()
    run.step()
    run.step()
    assert (run.trainer.epoch, run.trainer.batch) == (1, 2)
    assert run.trainer.next_lr == 0.5
    events = list(run.trainer.step_events())
    assert events[0].epoch == 2 and events[0].lr == 0.5


async def test_the_network_panel_shows_the_next_epochs_rate_at_an_epochs_last_batch():
    view = make_view("xor", overrides=SCHEDULE, debugger=True)
    app = PanelApp(NetworkPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        summary = app.query_one("#network-summary", Static)
        assert "η 1 " in summary.content.plain + " "
        while not (view.controller.position.step == 2 and view.event.kind == "step_end"):
            move(view, "step")
        app.panel.refresh_view(view)
        await pilot.pause()
        assert "η 0.5 " in summary.content.plain + " "  # epoch 2's, which step 3 uses
        move(view, "step")  # step 3's StepStart: the rate it uses, the same one
        assert view.event.kind == "step_start" and view.event.lr == 0.5
        app.panel.refresh_view(view)
        await pilot.pause()
        assert "η 0.5 " in summary.content.plain + " "


def test_the_running_lab_shows_the_rate_the_training_thread_published():
    view = make_view("xor", overrides=SCHEDULE, steps=2)
    assert rate_in_force(view) == 0.5
    view.status = "running"
    params = tuple(layer.params for layer in view.run.net.layers)
    view.progress = TrainingSnapshot(2, 1, 2, 0.7, view.run.trainer.rate_after(2, 1, 2), params)
    assert rate_in_force(view) == 0.5
    view.progress = TrainingSnapshot(1, 1, 1, 0.7, view.run.trainer.rate_after(1, 1, 1), params)
    assert rate_in_force(view) == 1.0


def test_the_step_end_explanation_and_line_mode_name_the_next_steps_rate():
    c = Controller(run_with_schedule().trainer)
    while not (c.position.step == 2 and c.event.kind == "step_end"):
        c.step()
    notes = " ".join(c.explain().notes)
    assert "The next step uses learning rate η = 0.5000 (this step's was 1.000)." in notes
    out = io.StringIO()
    script = io.StringIO("b end if step == 2\nc\n")
    assert LineMode(Controller(run_with_schedule().trainer), script, out).run() == 0
    assert "the next step's η = 0.5000" in out.getvalue()
