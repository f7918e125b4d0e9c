"""Stopping rules: epochs, loss_below, early stopping with patience, divergence."""

import math

import numpy as np
import pytest
from training_helpers import small_run

import engine.run
from engine.events import Forward, Loss, StepEnd, StepStart
from engine.metrics import EpochMetrics
from engine.nonfinite import first_non_finite
from engine.stopping import EarlyStopping, StopRules

CURVE = [1.0, 0.8, 0.6, 0.65, 0.59, 0.7, 0.62, 0.61, 0.9, 0.3]


def stop_epoch(early, curve):
    for epoch, loss in enumerate(curve, 1):
        if early.update(epoch, loss, state=epoch):
            return epoch
    return None


def test_early_stopping_stops_at_the_right_epoch_on_a_constructed_curve():
    # improvements at epochs 1, 2, 3, 5 (0.59 < 0.6); then 0.7, 0.62, 0.61: three in a row
    early = EarlyStopping(patience=3)
    assert stop_epoch(early, CURVE) == 8
    assert early.best == 0.59 and early.best_epoch == 5 and early.best_state == 5


def test_min_delta_requires_a_large_enough_improvement():
    early = EarlyStopping(patience=2, min_delta=0.05)
    # 0.59 is not 0.05 better than 0.6: epochs 4 and 5 do not improve
    assert stop_epoch(early, CURVE) == 5
    assert early.best_epoch == 3


def constructed_metrics(curve):
    """A stand-in for engine.metrics.epoch_metrics returning ``curve`` as validation losses."""

    def fake(net, data, epoch, step, lr, mean_step_loss, output=None, train=True):
        val = curve[epoch - 1] if epoch <= len(curve) else 10.0
        return EpochMetrics(epoch, step, lr, 1.0, val, None, None, mean_step_loss)

    return fake


def test_run_stops_on_patience_at_the_right_epoch_and_restores_the_best_weights(monkeypatch):
    monkeypatch.setattr(engine.run, "epoch_metrics", constructed_metrics(CURVE))
    run = small_run(
        data={"kind": "xor", "n": 20, "validation": 0.25},
        training={"batch_size": 5, "epochs": 100},
        stop={"patience": 3, "restore_best": True},
    )
    weights = {}
    summary = run.fit(callback=lambda r, m: weights.__setitem__(m.epoch, r.net.snapshot()))
    assert summary["stop_reason"] == "patience"
    assert summary["epochs_run"] == 8
    assert summary["steps"] == 8 * 3
    best_params, _ = weights[5][0]
    assert run.net.layers[0].params["W"] is best_params["W"]
    assert run.net.layers[0].params["W"] is not weights[7][0][0]["W"]


def test_without_restore_best_the_last_weights_stay(monkeypatch):
    monkeypatch.setattr(engine.run, "epoch_metrics", constructed_metrics(CURVE))
    run = small_run(
        data={"kind": "xor", "n": 20, "validation": 0.25},
        training={"batch_size": 5},
        stop={"patience": 3},
    )
    last = {}
    run.fit(callback=lambda r, m: last.__setitem__("W", r.net.layers[0].params["W"]))
    assert run.net.layers[0].params["W"] is last["W"]


def test_loss_below_stops_at_the_first_epoch_under_the_target():
    target = 0.3
    run = small_run(training={"lr": 1.0, "epochs": 2000}, stop={"loss_below": target})
    summary = run.fit()
    losses = run.history.epochs.series("train_loss")
    assert summary["stop_reason"] == "loss_below"
    assert losses[-1] < target and np.all(losses[:-1] >= target)
    assert summary["final"]["train_loss"] == losses[-1]
    assert summary["epochs_run"] == len(losses)


def test_epochs_limit():
    summary = small_run(training={"epochs": 7}).fit()
    assert (summary["stop_reason"], summary["epochs_run"], summary["steps"]) == ("epochs", 7, 7)


def diverging_run(hidden="relu", **training):
    return small_run(
        data={"kind": "linear", "n": 16},
        network={
            "loss": "mse",
            "layers": [{"size": 8, "activation": hidden}, {"size": 1, "activation": "linear"}],
        },
        training={"optimizer": "sgd", "lr": 50.0, "batch_size": 4, "epochs": 100, **training},
    )


def test_divergence_stops_the_run_and_names_the_first_non_finite_quantity():
    run = diverging_run("tanh", lr=5.0)
    summary = run.fit()
    assert summary["stop_reason"] == "diverged"
    found = run.divergence
    assert found is not None and found.step == summary["steps"]
    assert (found.kind, found.field) == ("loss", "value")
    # replaying that step from a copy of the state before it shows the same first quantity
    replay = diverging_run("tanh", lr=5.0)
    with np.errstate(all="ignore"):
        for _ in range(found.step - 1):
            replay.step()
        events = list(replay.trainer.step_events())
    assert first_non_finite(events)[:5] == found[:5]  # step, kind, layer, field, entry
    assert not math.isfinite(events[-1].loss) or any(
        not np.isfinite(e.W_new).all() for e in events if e.kind == "update"
    )
    # the run's state after the diagnosis is the diverged state itself
    for a, b in zip(run.net.layers, replay.net.layers, strict=True):
        assert np.array_equal(a.params["W"], b.params["W"], equal_nan=True)


def test_divergence_on_the_event_path_is_found_from_the_events():
    run = diverging_run("tanh", lr=5.0)
    while run.stop_reason is None:
        for _ in run.step_events():
            pass
    fast = diverging_run("tanh", lr=5.0)
    fast.fit()
    assert run.divergence[:5] == fast.divergence[:5]
    assert run.steps_done == fast.steps_done


def test_the_first_non_finite_quantity_can_be_a_layer_value():
    run = small_run(
        data={"kind": "inline", "x": [[1e200], [2e200]], "y": [[0.0], [1.0]]},
        network={
            "loss": "mse",
            "layers": [
                {"size": 1, "activation": "linear", "weights": [[1e200]]},
                {"size": 1, "activation": "linear"},
            ],
        },
    )
    summary = run.fit()
    assert summary["stop_reason"] == "diverged" and summary["steps"] == 1
    assert run.divergence[:4] == (1, "forward", 1, "z")


def test_an_overflowing_evaluation_loss_is_divergence_too():
    run = diverging_run()  # every step stays finite, the loss over all examples overflows
    summary = run.fit()
    assert summary["stop_reason"] == "diverged"
    assert summary["final"]["train_loss"] == "inf"
    assert run.divergence.kind == "evaluation" and run.divergence.field == "train_loss"


def test_first_non_finite_in_event_order():
    ok = np.ones((1, 2))
    bad = np.array([[1.0, np.inf]])
    events = [
        StepStart(7, 1, 1, 1, 0.1),
        Forward(1, ok, ok, ok),
        Forward(2, ok, bad, ok),
        Loss(math.nan, ok, math.nan, 0.0, ok, False),
        StepEnd(7, 1, 1, math.nan, ()),
    ]
    found = first_non_finite(events)
    assert (found.step, found.kind, found.l, found.field) == (7, "forward", 2, "z")
    assert "step 7" in found.describe() and "layer 2" in found.describe()
    assert first_non_finite(events[:2]) is None
    assert first_non_finite([events[0], events[3]]).field == "value"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"patience": 0}, "stop.patience must be an integer ≥ 1"),
        ({"loss_below": -1.0}, "stop.loss_below must be a number > 0"),
        ({"restore_best": True}, "stop.restore_best needs stop.patience"),
        ({"min_delta": -0.1, "patience": 2}, "stop.min_delta must be a number ≥ 0"),
        ({"when": 3}, "stop.when is not a stopping setting"),
    ],
)
def test_bad_stop_sections_are_named(section, message):
    with pytest.raises(ValueError, match=message):
        StopRules.from_section(section, 10)


def test_patience_needs_a_validation_set():
    with pytest.raises(ValueError, match="stop.patience.*data.validation > 0"):
        small_run(stop={"patience": 3})
