"""Every motion command's resulting position on a small network (L = 3, 15 events a step:
0 StepStart, 1–3 Forward, 4 Loss, 5 Delta³, 6 Gradient³, 7 Delta², 8 Gradient², 9 Delta¹,
10 Gradient¹, 11–13 Update¹…³, 14 StepEnd; 3 batches per epoch)."""

import pytest
from debugger_helpers import make_trainer, where

from engine.debugger import Controller, DebuggerError

START, F1, F2, F3, LOSS, D3, G3, D2, G2, D1, G1, U1, U2, U3, END = range(15)


def at(trainer, step, index):
    """A controller moved to (step, index) with single steps."""
    c = Controller(trainer)
    while where(c) != (step, index):
        c.step()
    return c


def test_starts_at_the_first_step_start(trainer):
    c = Controller(trainer)
    p = c.position
    assert (p.step, p.epoch, p.batch, p.index, p.n_events) == (1, 1, 1, 0, 15)
    assert p.kind == "step_start" and p.phase == "step" and p.layer is None


def test_step_moves_one_event_and_n_events(trainer):
    c = Controller(trainer)
    c.step()
    assert where(c) == (1, F1) and c.position.layer == 1 and c.position.phase == "forward"
    c.step(4)
    assert where(c) == (1, D3) and c.event.kind == "delta" and c.event.l == 3
    c.step(10)
    assert where(c) == (2, START)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ((1, F1), (1, F2)),
        ((1, F3), (1, LOSS)),  # no layer follows: the next event, never the next step
        ((1, D3), (1, D2)),
        ((1, D2), (1, D1)),
        ((1, D1), (1, G1)),
        ((1, G3), (1, G2)),
        ((1, G1), (1, U1)),
        ((1, U1), (1, U2)),
        ((1, U3), (1, END)),
        ((1, START), (1, F1)),
        ((1, LOSS), (1, D3)),
        ((1, END), (2, START)),
    ],
)
def test_next_goes_to_the_next_layer_or_the_next_event(trainer, start, expected):
    c = at(trainer, *start)
    c.next()
    assert where(c) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ((1, START), (1, LOSS)),
        ((1, F2), (1, LOSS)),
        ((1, LOSS), (1, G1)),  # at the end of the forward phase: to the end of the backward
        ((1, D3), (1, G1)),
        ((1, G1), (1, U3)),
        ((1, U1), (1, U3)),
        ((1, U3), (1, END)),
        ((1, END), (2, LOSS)),
    ],
)
def test_finish_goes_to_the_end_of_the_phase(trainer, start, expected):
    c = at(trainer, *start)
    c.finish()
    assert where(c) == expected


def test_next_batch(trainer):
    c = at(trainer, 1, F2)
    c.next_batch()
    assert where(c) == (1, END) and c.position.at_step_end
    c.next_batch()
    assert where(c) == (2, END)


def test_next_epoch(trainer):
    c = at(trainer, 1, F2)
    c.next_epoch()
    assert where(c) == (3, END) and (c.position.epoch, c.position.batch) == (1, 3)
    c.next_epoch()
    assert where(c) == (6, END) and (c.position.epoch, c.position.batch) == (2, 3)
    c.step()
    assert (c.position.epoch, c.position.batch) == (3, 1)
    c.next_epoch()
    assert where(c) == (9, END)


def test_run_counts_steps(trainer):
    c = at(trainer, 1, D3)
    c.run(1)
    assert where(c) == (1, END)  # mid-step the current step counts
    c.run(3)
    assert where(c) == (4, END)


def test_until_and_continue_to_the_end():
    c = Controller(make_trainer(), max_steps=7)
    stop = c.until("step >= 5")
    assert stop.reason == "until" and where(c) == (5, END)
    stop = c.cont()
    assert stop.reason == "end" and where(c) == (7, END)


def test_until_event_by_event_and_the_values_that_made_it_true(trainer):
    """As the lab trains towards a lesson's goal at an animated speed: every event to the
    listeners but the one it stops at, and the condition's values in ``details``."""
    c = Controller(trainer)
    seen = []
    c.on_event(lambda rec, ev: seen.append((rec.step, ev.kind)))
    stop = c.until("step >= 2", events=True)
    assert stop.reason == "until" and where(c) == (2, END) and stop.details == ("step = 2",)
    assert len(seen) == 2 * 15 - 2 and (1, "step_end") in seen


def test_continue_stops_at_the_end_of_the_last_epoch():
    c = Controller(make_trainer(), max_epochs=2)
    stop = c.cont()
    assert stop.reason == "end" and where(c) == (6, END) and c.position.epoch == 2


def test_stop_rule_ends_training():
    c = Controller(make_trainer(), stop=lambda rec: "enough" if rec.step >= 4 else None)
    stop = c.cont()
    assert stop.reason == "end" and "enough" in stop.message and where(c) == (4, END)
    assert c.run(2).reason == "finished" and where(c) == (4, END)  # it ran on past the end


def test_back_within_and_across_steps(trainer):
    c = at(trainer, 2, F1)
    c.back()
    assert where(c) == (2, START)
    c.back()
    assert where(c) == (1, END)
    c.back(14)
    assert where(c) == (1, START)


def test_back_after_the_fast_path_replays_the_step(trainer):
    c = Controller(trainer)
    c.run(5)  # fast path after the first step
    assert where(c) == (5, END)
    c.back()
    assert where(c) == (5, U3) and c.event.kind == "update" and c.event.l == 3
    c.back(15)
    assert where(c) == (4, U3)


def test_back_past_the_history_leaves_the_position_unchanged():
    c = Controller(make_trainer(), history=3)
    stop = c.back()
    assert stop.reason == "history" and "start of the run" in stop.message
    assert where(c) == (1, START)
    c.run(6)
    before = c.position
    stop = c.back(100)
    assert stop.reason == "history" and "--history" in stop.message
    assert c.position == before
    c.back(3 * 15 - 1)  # the ring holds steps 4, 5, 6
    assert where(c) == (4, START)


def test_restart_goes_back_to_step_one(trainer):
    c = Controller(trainer)
    first = c.position.event
    c.run(4)
    c.restart()
    assert where(c) == (1, START)
    assert c.position.event.indices.tolist() == first.indices.tolist()


def test_position_sentence_names_step_epoch_batch_phase_layer(trainer):
    c = at(trainer, 4, D2)
    assert c.position.sentence() == "Step 4, epoch 2, batch 1 — backward pass, layer 2: Delta."
    c.step(4)
    assert "update, layer 1: Update (computed, not yet applied)" in c.position.sentence()


def test_counts_must_be_positive(trainer):
    c = Controller(trainer)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(DebuggerError):
            c.step(bad)
    assert where(c) == (1, START)
