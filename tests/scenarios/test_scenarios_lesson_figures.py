"""Figures a lesson quotes about its preset's own run (the shipped seed, which the lab opens
with) that no claim can hold, since claims must hold for other seeds too: each test trains the
preset headless and checks the figure and the lesson's sentence together."""

from __future__ import annotations

from scenarios import load_scenario
from scenarios.check import Needs, record_run


def lesson_of(name: str) -> str:
    return " ".join(load_scenario(name).lesson.split())


def test_overfitting_val_loss_wanders_then_rises_past_2():
    """'after a brief dip in the first epochs, wanders between 0.5 and 0.65 for about a hundred
    epochs and then rises steadily, past 2' (it said: rises steadily after the dip)."""
    r = record_run(load_scenario("overfitting"), None, Needs())
    val = [e.val_loss for e in r.epochs]
    assert val[4] < val[0] and val[4] < val[10]  # the dip, bottom near epoch 5
    assert min(val[9:130]) >= 0.5 and max(val[9:130]) < 0.655  # epochs 10–130, to 2 digits
    assert val[-1] > 2
    assert "wanders between 0.5 and 0.65 for about a hundred epochs" in lesson_of("overfitting")
    assert "rises steadily, past 2" in lesson_of("overfitting")


def test_early_stopping_stops_at_epoch_25_twenty_after_the_best():
    """'training stops at epoch 25, 20 epochs after the validation curve's lowest point' and
    'at epoch 5, while the training loss is still about 0.63' (it said 'a few dozen epochs in')."""
    name = "overfitting-fixed-early-stopping"
    r = record_run(load_scenario(name), None, Needs())
    val = [e.val_loss for e in r.epochs]
    best = val.index(min(val)) + 1
    assert (r.stop_reason, r.epochs_run, best) == ("patience", 25, 5)
    assert abs(r.final.train_loss - 0.63) < 0.01  # the restored weights of epoch 5
    lesson = lesson_of(name)
    assert "stops at epoch 25, 20 epochs after the validation curve's lowest point" in lesson
    assert "at epoch 5, while the training loss is still about 0.63" in lesson


def test_batchnorm_loss_falls_with_a_setback_around_epoch_10():
    """'falls instead of sitting at 0.69 — noisily from batch to batch, with a setback around
    epoch 10 — to a training-set loss below 0.1 after 40 epochs' (it said 'falls steadily')."""
    name = "vanishing-fixed-batchnorm"
    r = record_run(load_scenario(name), None, Needs())
    train = [e.train_loss for e in r.epochs]
    assert max(train[8:11]) > min(train[5:9]) + 0.1  # up by more than 0.1 at epochs 9–11
    assert train[-1] < 0.1
    assert "with a setback around epoch 10" in lesson_of(name)


def test_relu_he_loss_spikes_on_its_way_down():
    """'drops from 0.69 towards 0 within a few epochs, with a spike or two back up on the way'."""
    name = "vanishing-fixed-relu-he"
    r = record_run(load_scenario(name), None, Needs())
    train = [e.train_loss for e in r.epochs]
    assert min(train[:5]) < 0.1 and max(train[2:8]) > 0.5
    assert "with a spike or two back up on the way" in lesson_of(name)


def test_exploding_gradients_first_loss_is_in_the_hundreds():
    """'the first point is already in the hundreds' (it said 'hundreds or thousands')."""
    r = record_run(load_scenario("exploding-gradients"), None, Needs())
    assert 100 <= r.losses[0] < 1000 and r.stop_reason == "diverged"
    assert "the first point is already in the hundreds," in lesson_of("exploding-gradients")


def test_momentum_steps_grow_from_one_to_ten_times_the_plain_step():
    """slow-convergence-fixed-momentum: 'equal at step 1, where v starts at 0, then … about 7
    times at step 10 and 10 times at step 20 …; later … over 12 times η·∂C/∂W' (it said 'much
    more than η times its gradient', which its action showed false at step 1)."""
    import scenarios
    from engine.debugger import Controller

    name = "slow-convergence-fixed-momentum"
    s = load_scenario(name)
    lr = s.training["lr"]
    c = Controller(scenarios.build_run(s).trainer)
    ratios = {}
    while len(ratios) < 300:
        c.step()
        if c.event.kind == "update":
            ratios[len(ratios) + 1] = float(c.event.step_W[0, 1] / (lr * c.event.grad_W[0, 1]))
    assert abs(ratios[1] - 1) < 1e-9
    assert round(ratios[10]) == 7 and round(ratios[20]) == 10 and ratios[300] > 12
    lesson = lesson_of(name)
    assert "about 7 times at step 10 and 10 times at step 20" in lesson
    assert "v ← μ·v + ∂C/∂W and steps by ΔW = η·v" in lesson


def test_slow_convergence_gradients_and_weights_as_quoted():
    """slow-convergence: at step 1 ∂C/∂W¹₀₁ ≈ −0.067 and ∂C/∂b¹ ≈ −0.62 (it said to compare the
    two entries of ∂C/∂W¹, 'w₂'s gradient is tiny' — but w₁'s, −0.029, is smaller, w₁ starting
    at its target); w₁ stays near 0.51, w₂ moves 0.02 a step from −0.7 to 3.8, the loss goes
    from about 0.35 to about 0.12 (it said 'from about 0.3 … to about 0.1')."""
    import scenarios
    from engine.debugger import Controller

    s = load_scenario("slow-convergence")
    c = Controller(scenarios.build_run(s).trainer)
    while c.event.kind != "gradient":
        c.step()
    assert round(float(c.event.grad_W[0, 1]), 3) == -0.067
    assert round(float(c.event.grad_b[0]), 2) == -0.62
    r = record_run(s, None, Needs())
    w = r.last_params[0]["W"]
    assert round(float(w[0, 0]), 2) == 0.51 and round(float(w[0, 1]), 1) == 3.8
    assert round(r.losses[2], 2) == 0.35 and round(r.losses[-1], 2) == 0.12
    assert round((float(w[0, 1]) + 0.727) / 300, 2) == 0.02  # w₂'s mean step
    lesson = lesson_of("slow-convergence")
    assert "∂C/∂W¹₀₁ ≈ −0.067 with w₂ about 10.7 from its target, while ∂C/∂b¹ ≈ −0.62" in lesson
    assert "from about 0.35 the loss creeps down to only about 0.12 in 300 steps" in lesson
