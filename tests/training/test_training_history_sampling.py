"""The per-step history samples steps (every step of the first 512, then every 2nd, 4th, 8th,
16th, 32nd): what it holds at those steps is exactly what a history of every step holds there,
and the statistics of the other steps are never computed."""

import numpy as np
import pytest
from training_helpers import small_run

import engine.run
from engine.history import StatsHistory
from engine.run_history import SAMPLE_EVERY, SAMPLE_EXACT, sampled

STEPS = 9_000  # through every interval, up to every 32nd


def test_the_sampling_intervals():
    picked = [s for s in range(1, STEPS + 1) if sampled(s)]
    assert picked[:SAMPLE_EXACT] == list(range(1, SAMPLE_EXACT + 1))
    gaps = {a: b - a for a, b in zip(picked, picked[1:])}
    assert gaps[512] == 2 and gaps[1024] == 4 and gaps[2048] == 8 and gaps[4096] == 16
    assert {g for s, g in gaps.items() if s >= 8192} == {SAMPLE_EVERY}


def long_run():
    run = small_run(
        data={"kind": "xor", "n": 8, "noise": 0.0},
        training={"optimizer": "momentum", "lr": 0.05, "batch_size": 4, "epochs": STEPS // 2},
    )
    run.history.steps = StatsHistory(run.net.L, recent=1 << 15)  # nothing folded: exact rows
    return run


def test_the_sampled_history_holds_exactly_the_every_step_values(monkeypatch):
    sampled_run = long_run()
    sampled_run.fit()
    every = long_run()
    monkeypatch.setattr(engine.run, "sampled", lambda step: True)
    every.fit()
    assert sampled_run.steps_done == every.steps_done == STEPS
    ours, all_steps = sampled_run.history.steps.snapshot(), every.history.steps.snapshot()
    assert all_steps.steps.tolist() == list(range(1, STEPS + 1))
    picked = [s for s in range(1, STEPS + 1) if sampled(s)]
    assert ours.steps.tolist() == picked
    rows = np.array(picked) - 1
    assert ours.loss.tobytes() == all_steps.loss[rows].tobytes()
    assert ours.stats.tobytes() == all_steps.stats[rows].tobytes()
    # the end of the run: the same network, the same last statistics
    assert sampled_run.last_stats == every.last_stats
    for a, b in zip(sampled_run.net.layers, every.net.layers, strict=True):
        assert a.params["W"].tobytes() == b.params["W"].tobytes()


def test_statistics_are_computed_only_for_the_sampled_steps(monkeypatch):
    run = long_run()
    computed = []
    real = engine.learner.step_stats

    def counted(layers, arrays):
        computed.append(run.learner.t)
        return real(layers, arrays)

    monkeypatch.setattr(engine.learner, "step_stats", counted)
    run.fit(max_steps=5000)
    # and the last step's, which the summary reports (step 5,000 is not sampled)
    assert not sampled(5000)
    assert computed == [s for s in range(1, 5001) if sampled(s)] + [5000]


@pytest.mark.parametrize("path", ["events", "debugger"])
def test_steps_taken_as_events_are_all_recorded(path):
    """Their statistics exist anyway: the history keeps them (steps 3000… are not sampled)."""
    run = long_run()
    run.fit(max_steps=3000)
    run.stop_reason = None
    if path == "events":
        for _ in range(5):
            list(run.step_events())
    else:
        from engine.debugger.follow import follow_run

        controller = follow_run(run)
        controller.add_breakpoint("clip")  # never fires; a location: the steps come as events
        for _ in range(5):
            controller.next_batch()
    assert run.history.steps.steps()[-5:].tolist() == [3001, 3002, 3003, 3004, 3005]
