"""engine.live and Trainer.change: settings changed between steps, logged, replayed exactly."""

import numpy as np
import pytest

from engine import live
from engine import trainer as trainer_module
from engine.build import build_run
from engine.debugger.follow import follow_run


def xor_run(training=None, layers=None, n=40, **sections):
    base = {"optimizer": "sgd", "lr": 0.5, "batch_size": 10, "epochs": 50}
    return build_run(
        data={"kind": "xor", "n": n, "noise": 0.1, "validation": 0.0},
        network={
            "loss": "bce",
            "layers": layers
            or [{"size": 6, "activation": "tanh"}, {"size": 1, "activation": "sigmoid"}],
        },
        training={**base, **(training or {})},
        seed=3,
        **sections,
    )


def params(run):
    return [p.copy() for layer in run.net.layers for p in layer.params.values()]


def same_bits(a, b):
    return len(a) == len(b) and all(x.tobytes() == y.tobytes() for x, y in zip(a, b))


def steps(run, n):
    for _ in range(n):
        run.step()


def reference(training, state, n, **kw):
    """A run built with ``training`` from the start, continued from another run's ``state``
    (parameters, optimizer state, generator, counters): what a live change must equal."""
    run = xor_run(training, **kw)
    run.trainer.restore(state)
    steps(run, n)
    return run


@pytest.mark.parametrize(
    "change, optimizer",
    [
        ({"training.lr": 0.05}, "sgd"),
        ({"training.momentum": 0.5, "training.lr": 0.1}, "momentum"),
        ({"training.beta1": 0.8, "training.beta2": 0.99, "training.eps": 1e-6}, "adam"),
        ({"training.rho": 0.9}, "rmsprop"),
        ({"training.l2": 0.01, "training.l1": 0.001, "training.weight_decay": 0.02}, "sgd"),
        ({"training.clip_norm": 0.1}, "momentum"),
    ],
)
def test_a_change_takes_effect_at_the_next_step_keeping_optimizer_state(change, optimizer):
    run = xor_run({"optimizer": optimizer})
    steps(run, 12)
    state = run.trainer.snapshot()  # velocity, moments: kept across the change
    net, history = run.net, len(run.history.steps)
    logged, dropped = run.trainer.change(live.check(run.trainer, change))
    assert logged.at == 12 and dropped == []
    steps(run, 9)
    assert run.net is net and len(run.history.steps) == history + 9  # no rebuild, history kept
    values = {k.removeprefix("training."): v for k, v in change.items()}
    expected = reference({"optimizer": optimizer, **values}, state, 9)
    assert same_bits(params(run), params(expected))
    unchanged = reference({"optimizer": optimizer}, state, 9)
    assert not same_bits(params(run), params(unchanged))  # the change did something


def test_old_values_are_logged_and_described():
    run = xor_run({"optimizer": "momentum", "momentum": 0.9})
    steps(run, 3)
    change, _ = run.trainer.change(live.check(run.trainer, {"training.lr": 0.25}))
    assert change.old == {"training.lr": 0.5} and change.new == {"training.lr": 0.25}
    assert live.describe(change) == "η 0.5 → 0.25 from step 4"
    run.trainer.change(live.check(run.trainer, {"training.lr": 0.125}))  # same step: merged
    run.trainer.change(live.check(run.trainer, {"training.momentum": 0.5}))
    assert len(run.trainer.changes) == 1
    assert live.describe(run.trainer.changes[0]) == "η 0.5 → 0.125, μ 0.9 → 0.5 from step 4"
    run.trainer.change(live.check(run.trainer, {"training.lr": 0.5, "training.momentum": 0.9}))
    assert run.trainer.changes == []  # back to what it was: no change at all


@pytest.mark.parametrize(
    "values, reason",
    [
        ({"training.lr": 0}, "training.lr must be a number > 0, got 0"),
        ({"training.lr": -1.0}, "training.lr must be a number > 0"),
        ({"training.batch_size": 0}, 'training.batch_size must be a positive integer or "full"'),
        ({"training.batch_size": 41}, "larger than the training set: 40 examples"),
        ({"training.momentum": 1.0}, "training.momentum must be a number in [0, 1)"),
        ({"training.l2": -0.1}, "training.l2 must be a number ≥ 0"),
        ({"network.layers[2].dropout": 0.5}, "only allowed on hidden layers"),
        # 0 passed the check and ended trainer.change in KeyError (fuzz campaign)
        ({"network.layers[2].dropout": 0}, "only allowed on hidden layers"),
        ({"network.layers[1].dropout": 1.0}, "must be a number in [0, 1)"),
        ({"network.layers[1].size": 4}, "part of the network's shape"),
        ({"network.layers[7].dropout": 0.1}, "there is no layer 7"),
        ({"training.optimizer": "adam"}, "another optimizer starts from a new state"),
        ({"schedule.kind": "step"}, "schedule.every is needed by kind = 'step'"),
        ({"training.clip_norm": 1.0, "training.clip_value": 1.0}, "not both"),
        ({"training.epochs": 3}, "fixed for a run"),
        # a constant schedule reads none of them: accepted, logged as a change, no effect
        ({"schedule.every": 5}, "only the step schedule uses it, and this run's schedule is"),
        ({"schedule.gamma": 0.9}, "only the exponential schedule uses it"),
        ({"schedule.lr_min": 0.01}, "only the cosine schedule uses it"),
        (
            {"schedule.kind": "exponential", "schedule.gamma": 0.9, "schedule.every": 5},
            "only the step",
        ),
    ],
)
def test_invalid_values_are_refused_with_the_reason_and_nothing_changes(values, reason):
    run = xor_run({"optimizer": "momentum"})
    steps(run, 5)
    before = live.read_all(run.trainer)
    with pytest.raises(ValueError, match=None) as e:
        live.check(run.trainer, values)
    assert reason in str(e.value)
    assert live.read_all(run.trainer) == before and run.trainer.changes == []


def test_batch_size_changed_mid_epoch_takes_the_rest_of_the_epoch():
    run = xor_run({"batch_size": 10})  # 40 examples: 4 batches an epoch
    steps(run, 3)  # 30 examples of epoch 1 taken
    order = run.trainer.order
    run.trainer.change(live.check(run.trainer, {"training.batch_size": 4}))
    assert run.trainer.batches_per_epoch == 3 + 3  # 10 examples left: 4 + 4 + 2
    rows = []
    for _ in range(4):
        events = list(run.step_events())
        rows.append(events[0].indices)
    assert [list(r) for r in rows[:3]] == [list(order[30:34]), list(order[34:38]), list(order[38:])]
    assert run.trainer.epoch == 2 and run.trainer.batch == 1 and len(rows[3]) == 4
    assert run.history.epochs.last.epoch == 1  # the epoch ended after its 40 examples
    assert run.trainer.batches_per_epoch == 10  # epoch 2: 40 examples in batches of 4


@pytest.mark.parametrize(
    "shuffle, gathered",
    [(True, "epoch"), (True, 30), (True, 1), (False, "epoch")],
)
def test_the_fast_path_takes_the_event_streams_batches(shuffle, gathered, monkeypatch):
    """The fast path's batches are slices of rows gathered several batches at a time (the whole
    epoch; 30 rows, so that batches straddle two gatherings; one batch): they are the rows the
    event stream takes, through epoch ends, a short last batch, a batch size changed mid-epoch,
    and a restore into an earlier epoch (whose order is gathered again)."""
    if gathered != "epoch":
        monkeypatch.setattr(trainer_module, "GATHER_BYTES", gathered * 3 * 8)  # x: 2, y: 1
    training = {"batch_size": 12, "shuffle": shuffle}  # 40 examples: 12 + 12 + 12 + 4
    fast, stream = xor_run(training), xor_run(training)

    def both(k):
        for _ in range(k):
            fast.step()
            for _ in stream.step_events():
                pass
        assert fast.steps_done == stream.steps_done
        assert same_bits(params(fast), params(stream))

    both(6)  # into epoch 2
    saved = fast.trainer.snapshot(), stream.trainer.snapshot()
    both(1)
    for run in (fast, stream):
        run.trainer.change(live.check(run.trainer, {"training.batch_size": 5}))
    both(9)  # the rest of epoch 2 in fives, then epoch 3
    assert fast.trainer.epoch == 3
    fast.trainer.restore(saved[0])
    stream.trainer.restore(saved[1])
    both(12)


def test_stepping_back_across_a_change_replays_old_steps_with_old_values():
    run = xor_run({"optimizer": "momentum", "batch_size": 10})
    c = follow_run(run, history=100)
    c.run(20)
    tr = run.trainer
    tr.change(live.check(tr, {"training.lr": 0.05, "training.batch_size": 4}), at=20)
    c.run(10)
    after = params(run)
    # back to the start of step 18 (before the change): its events show what it was taken with
    while not (c.position.step == 18 and c.position.index == 0):
        c.back()
    start = c.event
    assert start.kind == "step_start" and start.lr == 0.5 and start.batch_size == 10
    assert tr.batch_size == 10 and run.schedule.lr == 0.5  # the old values are in force
    assert tr.changes and tr.changes[0].at == 20  # the change stays in the log
    c.run(13)  # forward again, across the change (step 18 counts as the first)
    assert c.position.step == 30
    assert same_bits(params(run), after)  # the same numbers, bit for bit
    assert tr.batch_size == 4 and run.schedule.lr == 0.05


def test_a_change_at_an_earlier_step_drops_the_later_ones():
    run = xor_run()
    tr = run.trainer
    steps(run, 10)
    tr.change(live.check(tr, {"training.lr": 0.2}))
    steps(run, 5)
    tr.change(live.check(tr, {"training.lr": 0.1}))
    change, dropped = tr.change(live.check(tr, {"training.l2": 0.01}, tr.settings_at(12)), at=12)
    assert [c.at for c in dropped] == [15] and [c.at for c in tr.changes] == [10, 12]
    assert change.new == {"training.l2": 0.01}


def test_requests_from_another_thread_apply_at_the_next_step():
    run = xor_run()
    steps(run, 4)
    run.trainer.request({"training.lr": 0.125})
    assert run.schedule.lr == 0.5  # not before the step
    steps(run, 1)
    assert run.trainer.changes[0].at == 4 and run.schedule.lr == 0.125
    run.trainer.request({"training.lr": -1})
    steps(run, 1)
    assert "training.lr must be a number > 0" in run.trainer.refused.popleft()
    assert run.schedule.lr == 0.125


def test_dropout_switched_on_and_off_uses_the_event_path_then_the_lean_one():
    run = xor_run()
    steps(run, 5)
    state = run.trainer.snapshot()
    assert run.learner.path == "lean"
    run.trainer.change(live.check(run.trainer, {"network.layers[1].dropout": 0.25}))
    assert run.learner.path == "layer 1 has dropout"
    steps(run, 6)
    layers = [
        {"size": 6, "activation": "tanh", "dropout": 0.25},
        {"size": 1, "activation": "sigmoid"},
    ]
    assert same_bits(params(run), params(reference({}, state, 6, layers=layers)))
    run.trainer.change(live.check(run.trainer, {"network.layers[1].dropout": 0.0}))
    assert run.learner.path == "lean"


def test_schedule_changes_live_and_lr_is_its_base_rate():
    run = xor_run({"batch_size": "full"})
    steps(run, 4)
    run.trainer.change(
        live.check(
            run.trainer, {"schedule.kind": "step", "schedule.every": 2, "schedule.factor": 0.5}
        )
    )
    assert run.schedule(5, 5) == 0.5 * 0.5**2
    run.trainer.change(live.check(run.trainer, {"training.lr": 0.25}))
    assert run.schedule(5, 5) == 0.25 * 0.5**2
    with pytest.raises(ValueError, match="schedule.factor must be a number > 0"):
        live.check(run.trainer, {"schedule.factor": 0})


def test_a_saved_log_of_a_change_without_effect_still_loads():
    """A session saved before such changes were refused (a step schedule's ``every`` under a
    constant schedule) loads with its log: what was accepted when it was made is not lost."""
    run = xor_run()
    steps(run, 3)
    run.trainer.change(live.check_logged(run.trainer, {"schedule.every": 5}))
    saved = [c.to_json() for c in run.trainer.changes]
    with pytest.raises(ValueError, match="only the step schedule uses it"):
        live.check(run.trainer, {"schedule.every": 6})
    again = xor_run()
    again.trainer.set_log([live.Change.from_json(c) for c in saved])
    assert [c.new for c in again.trainer.changes] == [{"schedule.every": 5}]


def test_a_saved_log_replays_to_the_same_numbers():
    run = xor_run({"optimizer": "adam"})
    steps(run, 7)
    run.trainer.change(live.check(run.trainer, {"training.lr": 0.01, "training.batch_size": 8}))
    steps(run, 5)
    saved = [c.to_json() for c in run.trainer.changes]
    state = run.trainer.snapshot()
    steps(run, 5)
    again = xor_run({"optimizer": "adam"})
    again.trainer.set_log([live.Change.from_json(c) for c in saved])
    again.trainer.restore(state)
    steps(again, 5)
    assert same_bits(params(run), params(again))
    with pytest.raises(ValueError, match="change.at"):
        live.Change.from_json({**saved[0], "at": -1})
    bad = {**saved[0], "new": {"training.lr": 0}}
    with pytest.raises(ValueError, match="training.lr must be"):
        xor_run().trainer.set_log([live.Change.from_json(bad)])
    for field, value in (("batch", 1), ("consumed", 400), ("epoch", 9)):
        doctored = {**saved[0], field: value}
        with pytest.raises(ValueError, match="the log gives epoch 2, batch 3, 30"):
            xor_run({"optimizer": "adam"}).trainer.set_log([live.Change.from_json(doctored)])


def test_a_long_saved_log_replays_to_the_same_log_and_numbers():
    """150 changes of η and B at random steps (batch sizes that split epochs) replay from
    their JSON to the same log, and the run goes on with the same numbers."""
    run, rng = xor_run({"optimizer": "adam"}), np.random.default_rng(5)
    for _ in range(150):
        steps(run, int(rng.integers(1, 4)))
        if rng.random() < 0.4:
            values = {"training.batch_size": int(rng.choice([3, 7, 10, 40]))}
        else:
            values = {"training.lr": float(rng.choice([0.01, 0.02, 0.05]))}
        run.trainer.change(live.check(run.trainer, values))
    saved = [c.to_json() for c in run.trainer.changes]
    assert sum("training.batch_size" in c["new"] for c in saved) > 30
    state = run.trainer.snapshot()
    again = xor_run({"optimizer": "adam"})
    again.trainer.set_log([live.Change.from_json(c) for c in saved])
    assert [c.to_json() for c in again.trainer.changes] == saved
    again.trainer.restore(state)
    steps(run, 12)
    steps(again, 12)
    assert same_bits(params(run), params(again))


def test_a_log_of_20000_changes_replays_without_a_hang():
    """Replaying a saved log took time quadratic in its length: a session file of 8,000
    changes (1 MB) took 11 s to load, one of 20,000 over a minute (the twentieth fuzz
    campaign). Each change is checked against the settings and counters of those before it,
    carried along instead of recomputed from the start."""
    from fuzzing import bounded

    run = xor_run()
    log, old = [], 0.5
    for at in range(1, 20_001):
        epoch, batch = run.trainer.counters_after(at)
        new = 0.25 if at % 2 else 0.5
        log.append(
            live.Change(
                at, {"training.lr": new}, {"training.lr": old}, epoch, batch, min(batch * 10, 40)
            )
        )
        old = new
    with bounded("a saved log of 20,000 changes", seconds=10.0):
        run.trainer.set_log(log)
    assert len(run.trainer.changes) == 20_000
    assert run.trainer.settings_at(20_000)["training.lr"] == 0.5


def test_a_saved_log_has_one_change_a_step():
    """The trainer merges two changes of one step into one; a log with two is refused."""
    run = xor_run()
    steps(run, 3)
    run.trainer.change(live.check(run.trainer, {"training.lr": 0.1}))
    twice = [c.to_json() for c in run.trainer.changes] * 2
    with pytest.raises(ValueError, match="changes must be in step order, one a step"):
        xor_run().trainer.set_log([live.Change.from_json(c) for c in twice])


def test_keys_and_values_in_force():
    run = xor_run({"optimizer": "adam"})
    keys = live.keys(run.trainer)
    assert "training.beta1" in keys and "network.layers[1].dropout" in keys
    assert "network.layers[2].dropout" not in keys  # the output layer has none
    values = live.read_all(run.trainer)
    assert values["training.lr"] == 0.5 and values["training.batch_size"] == 10
    assert np.isclose(values["training.beta2"], 0.999)


@pytest.mark.parametrize("sizes", [[(0, 10)], [(3, 4), (9, 7)], [(2, 40), (5, 3), (6, 1)]])
def test_the_counters_after_any_step_follow_the_batch_sizes_of_the_log(sizes):
    """What a saved trainer's epoch and batch must be, from its step count and its log."""
    run = xor_run({"batch_size": 10})
    tr = run.trainer
    seen = {0: (tr.epoch, tr.batch)}
    changes = dict(sizes)
    for t in range(40):
        if t in changes:
            tr.change(live.check(tr, {"training.batch_size": changes[t]}))
        run.step()
        seen[t + 1] = (tr.epoch, tr.batch)
    assert {t: tr.counters_after(t) for t in seen} == seen


def test_a_trainer_whose_rate_is_a_function_refuses_to_change_it():
    from engine import Trainer

    run = xor_run()
    trainer = Trainer(run.learner, run.data.x_train, run.data.y_train, lr=lambda s, e: 0.1 / e)
    assert "training.lr" not in live.keys(trainer) and "training.l2" in live.keys(trainer)
    with pytest.raises(ValueError, match="η is a function given to this trainer"):
        live.check(trainer, {"training.lr": 0.5})
    trainer.change(live.check(trainer, {"training.l2": 0.01}))
    assert trainer.learner.l2 == 0.01
