"""engine.run: building a run from sections, history, metrics, snapshots, grids, seeds."""

import numpy as np
import pytest
from training_helpers import small_run

from engine.build import build_run


def test_defaults_fill_missing_keys():
    run = build_run(
        data={"kind": "xor", "n": 20},
        network={"loss": "bce", "layers": [{"size": 3}, {"size": 1}]},
        training={},
    )
    assert run.learner.optimizer.name == "sgd"
    assert run.trainer.batch_size == 20 and run.stop.epochs == 100
    assert run.schedule(1, 1) == 0.1
    assert run.net.layers[0].activation.name == "sigmoid"
    assert run.seed == 0


def test_the_conventions_example_sections_build():
    run = build_run(
        data={"kind": "inline", "x": [[0.05, 0.10]], "y": [[0.01, 0.99]], "validation": 0.0},
        network={
            "loss": "quadratic",
            "layers": [
                {
                    "size": 2,
                    "activation": "sigmoid",
                    "weights": [[0.15, 0.20], [0.25, 0.30]],
                    "bias": [0.35, 0.35],
                },
                {
                    "size": 2,
                    "activation": "sigmoid",
                    "weights": [[0.40, 0.45], [0.50, 0.55]],
                    "bias": [0.60, 0.60],
                },
            ],
        },
        training={"optimizer": "sgd", "lr": 0.5, "batch_size": 1, "epochs": 1, "shuffle": True},
        stop={"loss_below": 0.005},
        seed=0,
    )
    events = list(run.step_events())
    loss = next(e for e in events if e.kind == "loss")
    assert loss.value == pytest.approx(0.298371108760003, rel=1e-12)  # Mazur's worked example
    update = next(e for e in events if e.kind == "update" and e.l == 2)
    assert update.W_new[0, 0] == pytest.approx(0.35891647971788465, rel=1e-12)


def test_same_seed_same_run_and_history():
    a, b = small_run(), small_run()
    sa, sb = a.fit(), b.fit()
    sa.pop("steps_per_second"), sb.pop("steps_per_second")
    assert sa == sb
    np.testing.assert_array_equal(a.history.steps.loss(), b.history.steps.loss())
    other = small_run(seed=1)
    assert not np.array_equal(other.net.layers[0].W, a.net.layers[0].W)


def test_history_records_every_step_and_epoch():
    run = small_run(data={"kind": "xor", "n": 30}, training={"batch_size": 10, "epochs": 4})
    run.fit()
    steps = run.history.steps
    assert steps.n_recorded == 12
    np.testing.assert_array_equal(steps.steps(), np.arange(1, 13))
    assert len(run.history.epochs) == 4
    last = run.history.epochs.last
    assert (last.epoch, last.step) == (4, 12)
    assert last.accuracy is not None and last.val_loss is None
    np.testing.assert_array_equal(run.history.epochs.series("epoch"), [1, 2, 3, 4])


def test_epoch_metrics_train_loss_is_the_evaluation_loss_over_all_examples():
    run = small_run(training={"batch_size": 8, "epochs": 2})
    run.fit()
    m = run.history.epochs.last
    assert m.train_loss == run.net.data_loss(run.data.x_train, run.data.y_train)
    a = run.net.forward(run.data.x_train)
    assert m.accuracy == np.mean((a[:, 0] > 0.5) == run.data.labels_train)
    assert m.mean_step_loss == pytest.approx(np.mean(run.history.steps.loss()[-5:]), rel=1e-12)


def test_validation_metrics_and_summary_accuracy():
    run = small_run(data={"kind": "moons", "n": 40, "validation": 0.25})
    summary = run.fit()
    m = run.history.epochs.last
    assert summary["final"]["val_loss"] == m.val_loss
    assert summary["final"]["accuracy"] == m.val_accuracy  # on the validation set when there is one


def test_the_final_figures_of_headless_training_add_the_training_set_to_the_last_epochs():
    run = small_run(data={"kind": "moons", "n": 40, "validation": 0.25}).headless()
    summary = run.fit()
    m = run.history.epochs.last
    assert m.train_loss is None  # headless: not measured at the epoch's end
    data = run.data
    assert summary["final"]["train_loss"] == run.net.data_loss(data.x_train, data.y_train)
    assert summary["final"]["val_loss"] == m.val_loss == run.net.data_loss(data.x_val, data.y_val)
    final = run.final_metrics()
    a = run.net.forward(data.x_train)
    assert final.accuracy == np.mean((a[:, 0] > 0.5) == data.labels_train)
    assert final._replace(train_loss=None, accuracy=None) == m  # the rest is the last epoch's


def test_snapshot_and_restore_replay_the_same_steps():
    run = small_run(
        data={"kind": "xor", "n": 30, "validation": 0.2},
        network={
            "loss": "bce",
            "layers": [
                {"size": 6, "activation": "relu", "dropout": 0.3, "batch_norm": True},
                {"size": 1, "activation": "sigmoid"},
            ],
        },
        training={"batch_size": 8, "optimizer": "adam", "lr": 0.01},
        stop={"patience": 50},
    )
    for _ in range(5):
        run.step()
    saved = run.snapshot()
    first = [run.step().loss for _ in range(7)]
    epochs_after = len(run.history.epochs)
    run.restore(saved)
    assert run.steps_done == 5
    np.testing.assert_array_equal(run.history.steps.steps(), np.arange(1, 6))
    assert len(run.history.epochs) < epochs_after
    again = [run.step().loss for _ in range(7)]
    assert first == again


def test_predict_grid_for_two_one_and_many_inputs():
    run = small_run()
    grid = run.predict_grid(12)
    assert grid.xs.shape == (12,) and grid.ys.shape == (12,)
    assert grid.values.shape == (12, 12, 1) and grid.classes.shape == (12, 12)
    x = run.data.x_train
    assert grid.xs[0] < x[:, 0].min() and grid.xs[-1] > x[:, 0].max()
    point = np.array([[grid.xs[3], grid.ys[7]]])
    np.testing.assert_allclose(grid.values[7, 3], run.net.forward(point)[0], rtol=1e-15)

    sine = small_run(
        data={"kind": "sine", "n": 30},
        network={"loss": "mse", "layers": [{"size": 4, "activation": "tanh"}, {"size": 1}]},
    )
    line = sine.predict_grid(20)
    assert line.ys is None and line.values.shape == (20, 1) and line.classes is None
    many = small_run(
        data={"kind": "inline", "x": [[0, 0, 0], [1, 1, 1]], "y": [[0], [1]]},
        network={"loss": "bce", "layers": [{"size": 1, "activation": "sigmoid"}]},
    )
    with pytest.raises(ValueError, match="needs 1 or 2 input features; this data has 3"):
        many.predict_grid()


def test_float32_runs():
    run = small_run(
        network={"loss": "bce", "dtype": "float32", "layers": [{"size": 4}, {"size": 1}]}
    )
    run.fit()
    assert run.net.layers[0].W.dtype == np.float32
    assert run.data.x_train.dtype == np.float32


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"training": {"momentum": 0.9}}, "training.momentum does not apply to optimizer 'sgd'"),
        ({"training": {"speed": 2}}, "training.speed is not a training setting"),
        ({"training": {"lr": 0}}, "training.lr must be a number > 0, got 0"),
        ({"training": {"batch_size": 0}}, "training.batch_size must be a positive integer"),
        (
            {"network": {"loss": "bce", "layers": [{"size": 2, "colour": 1}, {"size": 1}]}},
            r"network.layers\[1\].colour is not a layer setting",
        ),
        ({"network": {"layers": [{"size": 1}]}}, "network.loss is required"),
        ({"seed": -1}, "seed must be an integer ≥ 0"),
    ],
)
def test_semantic_errors_name_the_field(overrides, message):
    with pytest.raises(ValueError, match=message):
        small_run(**overrides)


def test_optimizer_settings_reach_the_optimizer():
    run = small_run(training={"optimizer": "momentum", "momentum": 0.5, "nesterov": True})
    assert run.learner.optimizer.momentum == 0.5 and run.learner.optimizer.nesterov is True


def test_record_step_keeps_the_books_for_steps_taken_on_the_trainer():
    by_run = small_run(data={"kind": "xor", "n": 20}, training={"batch_size": 6, "epochs": 3})
    by_run.fit()
    outside = small_run(data={"kind": "xor", "n": 20}, training={"batch_size": 6, "epochs": 3})
    while outside.should_stop() is None:
        result = outside.trainer.step()
        outside.record_step(result.loss, result.finite)
    assert outside.stop_reason == "epochs" and outside.steps_done == by_run.steps_done
    np.testing.assert_array_equal(outside.history.steps.loss(), by_run.history.steps.loss())
    assert list(outside.history.epochs) == list(by_run.history.epochs)


def test_headless_train_measures_the_training_set_where_it_is_needed():
    """Off: the epochs report their mean step loss and the validation set; the whole training
    set is evaluated once, for the summary — and every epoch when a loss_below rule reads it."""
    quiet = small_run(data={"kind": "xor", "n": 40, "validation": 0.25})
    quiet.measure_training_set = False
    summary = quiet.fit()
    epochs = list(quiet.history.epochs)
    assert all(m.train_loss is None and m.accuracy is None for m in epochs)
    assert all(m.val_loss is not None and m.mean_step_loss > 0 for m in epochs)
    full = small_run(data={"kind": "xor", "n": 40, "validation": 0.25})
    full.fit()
    assert summary["final"]["train_loss"] == full.history.epochs.last.train_loss
    assert summary["final"] == full.summary()["final"]
    ruled = small_run(stop={"loss_below": 1e-9})
    ruled.measure_training_set = False
    ruled.fit(max_steps=5)
    assert all(m.train_loss is not None for m in ruled.history.epochs)
