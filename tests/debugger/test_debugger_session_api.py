"""The controller API a UI builds on: listeners, interrupt, release, history, views."""

import math

import numpy as np
import pytest
from debugger_helpers import make_trainer, where

from engine.debugger import Controller, DebuggerError, EvalError, NotKnownYet


def test_on_step_reports_each_completed_step_once_going_forward(trainer):
    c = Controller(trainer)
    seen, rewinds = [], []
    remove = c.on_step(lambda rec: seen.append(rec.step))
    c.on_rewind(rewinds.append)
    c.next_batch()  # step 1 through events
    c.run(3)  # steps 2–4 on the fast path
    assert seen == [1, 2, 3, 4]
    c.back(16)  # into step 3: steps after 3 are forgotten
    assert rewinds == [3] and c.position.step == 3
    c.back(1)  # within step 3: nothing forgotten
    assert rewinds == [3]
    c.run(3)  # step 3 (the current one) finishes from recorded events; 4 and 5 complete again
    assert seen == [1, 2, 3, 4, 4, 5]
    c.restart()
    assert rewinds == [3, 0]
    remove()
    c.next_batch()
    assert seen[-1] == 5


def test_interrupt_from_a_listener_stops_continue(trainer):
    c = Controller(trainer)

    def stop_at_7(rec):
        if rec.step == 7:
            c.interrupt()

    c.on_step(stop_at_7)
    stop = c.cont()
    assert stop.reason == "interrupted" and where(c) == (7, 14)


def test_release_restores_the_trainer_and_keeps_the_position(trainer):
    c = Controller(trainer)
    c.run(2)
    c.step(6)
    rng_state = trainer.rng.bit_generator.state
    params = [dict(layer.params) for layer in c.net.layers]
    before = c.position
    c.release()
    assert c.position == before and trainer.steps_done == 2
    assert trainer.rng.bit_generator.state == rng_state
    assert all(layer.params["W"] is p["W"] for layer, p in zip(c.net.layers, params, strict=True))
    event = c.event
    c.step()
    c.back()
    assert c.event is event  # recorded events are kept
    c.finish()
    assert c.event.kind == "gradient" and c.event.l == 1


def test_view_values_depend_on_the_position(trainer):
    c = Controller(trainer)
    c.step(2)  # Forward(l=2) of step 1
    v = c.view
    assert np.array_equal(v.array("z", 2), c.event.z)
    with pytest.raises(EvalError, match="delta@2 is not computed yet in step 1"):
        c.evaluate("delta@2")
    with pytest.raises(EvalError, match="statistics come at the end of step 1"):
        c.evaluate("grad_norm@1")
    with pytest.raises(NotKnownYet, match="the loss comes with the Loss event of step 1"):
        c.evaluate("loss")  # no loss before the first Loss event
    c.step(2)  # Loss
    assert c.evaluate("loss") == c.event.value
    c.next_batch()
    W_new = c.record.events[13].W_new if c.record.events else None
    assert c.evaluate("W@3") is W_new  # after StepEnd, the updated parameters are in force
    assert c.evaluate("grad_norm@3") == c.record.stats[2].grad_norm
    c.next_batch()  # step 2
    assert c.evaluate("loss_change") == c.record.loss - c.timeline.get(1).loss


def test_watches_show_values_or_why_not(trainer):
    c = Controller(trainer)
    w1 = c.watch("W@2[0,1]")
    w2 = c.watch("delta@3")
    values = {wv.watch.id: wv for wv in c.watch_values()}
    assert values[w1.id].value == c.net.layer(2).params["W"][0, 1]
    assert "not computed yet" in values[w2.id].error
    c.step(5)
    values = {wv.watch.id: wv for wv in c.watch_values()}
    assert np.array_equal(values[w2.id].value, c.event.delta)
    c.unwatch(w1.id)
    assert [w.id for w in c.watches] == [w2.id]


def test_history_records_losses_and_stats():
    c = Controller(make_trainer(), history=10)
    c.run(25)
    records = c.history()
    assert [r.step for r in records] == list(range(16, 26))
    assert all(r.loss is not None for r in records)
    # statistics are computed when read: the last step's at the stop, the others on demand
    assert records[-1].stats is not None and records[0].stats is None
    replay = make_trainer()
    for r in records:
        stats = c.stats_of(r)
        assert len(stats) == 3 and r.stats is stats
    for step in range(1, 26):
        replay.step()
        if step >= 16:
            assert replay.learner.step_stats() == records[step - 16].stats


def test_an_interrupt_before_the_motion_starts_is_not_lost(trainer):
    """A UI decides to train, and its stop arrives before the motion has begun (the training
    thread not yet running): the motion stops at once instead of taking a step."""
    c = Controller(trainer)
    c.run(1)
    c.interrupt()
    stop = c.next_epoch()
    assert stop.reason == "interrupted" and trainer.steps_done == 1
    assert c.run(1).reason == "done" and trainer.steps_done == 2  # consumed: no stale stop
    c.interrupt()
    c.clear_interrupt()  # forgotten: the next motion runs
    before = trainer.steps_done
    assert c.run(2).reason == "done" and trainer.steps_done == before + 2


def test_an_on_due_listener_is_called_once_its_time_has_come(trainer):
    """``on_due``: after a step completed going forward, once ``clock.due`` has passed — on the
    fast path and event by event — and not while it is ahead; another thread may bring it
    forward (here: the test, between two motions)."""
    c = Controller(trainer)

    class Clock:
        due = math.inf

    seen = []

    def at_due(rec):
        seen.append(rec.step)
        Clock.due = math.inf if rec.step >= 4 else 0.0

    remove = c.on_due(Clock, at_due)
    with pytest.raises(DebuggerError):
        c.on_due(Clock, at_due)  # one at a time
    c.run(3)
    assert seen == []  # not due
    Clock.due = 0.0
    c.run(3)  # steps 4–6: called at 4, which puts it off
    assert seen == [4]
    Clock.due = 0.0
    c.next_batch()  # step 7, event by event
    assert seen == [4, 7]
    Clock.due = 0.0
    remove()
    c.run(2)
    assert seen == [4, 7]


def test_fast_steps_kept_as_rows_read_as_the_same_records():
    """Where nothing reads a record after every step, ``cont`` keeps rows in the step ring; a
    row read becomes a record once and stays that record, with the step's numbers, and
    ``back`` walks through such steps as through any."""
    c = Controller(make_trainer(), history=10, max_steps=30)
    assert c.cont().reason == "end" and c.position.step == 30
    ring = c.timeline.ring
    assert any(isinstance(entry, tuple) for entry in ring)  # rows: nothing read them
    rec = c.timeline.get(25)
    assert rec is c.timeline.get(25) and not isinstance(ring[25 - 21], tuple)
    assert c.stats_of(rec) is rec.stats is c.timeline.get(25).stats
    replay = make_trainer()
    losses = [replay.step().loss for _ in range(30)]
    assert [r.step for r in c.timeline.records] == list(range(21, 31))
    assert all(not isinstance(entry, tuple) for entry in ring)
    assert [r.loss for r in c.timeline.records] == losses[20:]
    assert all(r.complete and r.finite for r in c.history())
    c.back(c.position.index + 1)  # to the end of step 29
    assert c.position.step == 29 and c.record.loss == losses[28]
    assert c.record is c.timeline.get(29)
