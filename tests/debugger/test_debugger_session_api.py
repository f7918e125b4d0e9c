"""The controller API a UI builds on: listeners, interrupt, release, history, views."""

import numpy as np
import pytest
from debugger_helpers import make_trainer, where

from engine.debugger import Controller, EvalError


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
    assert np.isnan(c.evaluate("loss"))  # no loss before the first Loss event
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
