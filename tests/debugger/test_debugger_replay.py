"""Back + resume reproduces the same events bit for bit (shuffled mini-batches, dropout, Adam)."""

import functools

import numpy as np
import pytest
from debugger_helpers import make_trainer, reference_events, same_event, where

from engine.debugger import Controller

FACTORY = functools.partial(
    make_trainer,
    sizes=(4, 3, 1),
    activations=("relu", "tanh", "sigmoid"),
    optimizer="adam",
    lr=0.05,
    n=7,
    batch_size=3,  # 3 batches per epoch, the last one smaller
    dropout=(0.3, 0.2),
)
N_STEPS = 9


@pytest.fixture(scope="module")
def reference():
    return reference_events(FACTORY, N_STEPS)


def collect(c, until_step):
    """Step event by event to the end of ``until_step``; {(step, index): event}."""
    seen = {}
    while not (c.position.step == until_step and c.position.at_step_end):
        c.step()
        seen[where(c)] = c.event
    return seen


def assert_matches(seen, reference):
    assert seen
    for (step, index), event in seen.items():
        assert same_event(event, reference[step - 1][index]), (step, index, event.kind)


def test_the_reference_uses_dropout_masks(reference):
    masks = [e.mask for e in reference[0] if e.kind == "forward" and e.mask is not None]
    assert masks and any((m == 0).any() for m in masks)


def test_back_within_a_step_and_forward_again(reference):
    c = Controller(FACTORY())
    c.step(10)
    c.back(7)
    assert_matches(collect(c, 2), reference)


def test_back_across_steps_mid_step_and_resume(reference):
    c = Controller(FACTORY(), checkpoint_every=2, keep_events=1)
    c.run(4)
    c.step(5)  # mid-step 5: a partially consumed step
    c.back(2 * 15 + 3)  # into step 3 (15 events a step)
    assert c.position.step == 3
    assert_matches(collect(c, N_STEPS), reference)


def test_back_after_fast_steps_then_resume(reference):
    c = Controller(FACTORY(), checkpoint_every=3)
    c.run(7)  # fast path
    c.back(40)  # into step 5 (by replay from a checkpoint)
    assert c.position.step == 5
    assert_matches({where(c): c.event}, reference)
    assert_matches(collect(c, N_STEPS), reference)


def test_quick_fast_steps_space_their_checkpoints_and_back_still_replays_exactly(reference):
    """On the fast path two checkpoints are ``checkpoint_gap`` seconds of training apart at
    least (quick steps: one every 16 cost 1–2% of the speed); a back replays from further."""
    c = Controller(FACTORY(), checkpoint_every=2)
    c.timeline.checkpoint_gap = 1e9  # as if the steps took no time: the first multiple only
    c.run(7)
    assert [done for done, _ in c.timeline.checkpoints] == [2]
    c.back(40)  # into step 5, replayed from step 2's checkpoint
    assert c.position.step == 5
    assert_matches({where(c): c.event}, reference)
    assert_matches(collect(c, N_STEPS), reference)


def test_slow_fast_steps_take_a_checkpoint_every_checkpoint_every_steps():
    c = Controller(FACTORY(), checkpoint_every=2)
    c.timeline.checkpoint_gap = 0.0  # as if each step took longer than the gap
    c.run(7)
    assert [done for done, _ in c.timeline.checkpoints] == [2, 4, 6]


def test_parameters_after_back_and_resume_equal_a_straight_run():
    straight = FACTORY()
    for _ in range(N_STEPS):
        straight.step()
    c = Controller(FACTORY())
    c.run(6)
    c.back(40)
    c.run(N_STEPS - c.position.step + 1)
    assert where(c)[0] == N_STEPS and c.position.at_step_end
    for mine, theirs in zip(c.net.layers, straight.learner.net.layers, strict=True):
        assert np.array_equal(mine.params["W"], theirs.params["W"])
        assert np.array_equal(mine.params["b"], theirs.params["b"])


def test_restart_reproduces_the_run(reference):
    c = Controller(FACTORY())
    c.run(3)
    c.restart()
    assert_matches(collect(c, 3), reference)


def test_history_is_bounded():
    c = Controller(FACTORY(), history=5, keep_events=2, checkpoint_every=2)
    c.run(40)
    assert len(c.timeline.records) == 5
    assert sum(r.events is not None for r in c.timeline.records) <= 2
    assert len(c.timeline.checkpoints) <= 4
    assert c.back(14 + 4 * 15 + 1).reason == "history"  # the ring holds steps 36…40
    assert c.back(14 + 4 * 15).reason == "done" and c.position.step == 36


def test_only_the_most_recent_steps_keep_their_events():
    c = Controller(FACTORY(), history=50, keep_events=3)
    c.next_batch()  # step 1 with events
    c.run(5)  # fast
    for _ in range(4):  # steps 7–10 with events
        c.step(15)
    assert c.position.step == 10
    kept = [r.step for r in c.timeline.records if r.events is not None]
    assert len(kept) <= 3 and 10 in kept and 1 not in kept
