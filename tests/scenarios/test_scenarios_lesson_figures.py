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


def test_exploding_gradients_losses_and_the_overflow_in_step_4():
    """'the first point is already in the hundreds, the next two near 5e16 and 1e215, and in step
    4 the forward pass overflows' (it said 'hundreds or thousands'; then that step 2's outputs
    overflow, while its loss is a finite 5e16), at z of layer 2."""
    import scenarios
    from engine.debugger import Controller

    r = record_run(load_scenario("exploding-gradients"), None, Needs())
    assert 100 <= r.losses[0] < 1000 and r.stop_reason == "diverged" and r.steps == 4
    assert f"{r.losses[1]:.0e}" == "5e+16" and f"{r.losses[2]:.0e}" == "1e+215"
    c = Controller(scenarios.build_run(load_scenario("exploding-gradients")).trainer)
    stop = c.cont()  # to the first non-finite value (breakpoint 0)
    assert (stop.position.step, stop.position.event_name()) == (4, "Forward(l=2)")
    lesson = lesson_of("exploding-gradients")
    assert "the first point is already in the hundreds, the next two near 5e16 and 1e215" in lesson
    assert "in step 4 the forward pass overflows" in lesson
    assert "became non-finite (here z of layer 2)" in lesson


def test_dropout_validation_loss_stays_between_0_5_and_0_6():
    """overfitting-fixed-dropout: 'from epoch 10 to the end it stays between 0.5 and 0.6,
    creeping up only slowly' (it said 'no longer climbs': it goes from about 0.52 to 0.56)."""
    r = record_run(load_scenario("overfitting-fixed-dropout"), None, Needs())
    val = [e.val_loss for e in r.epochs]
    assert len(val) == 400 and min(val[9:]) >= 0.5 and max(val[9:]) < 0.6
    assert sum(val[9:50]) / 41 < sum(val[350:]) / 50  # the creep
    lesson = lesson_of("overfitting-fixed-dropout")
    assert "from epoch 10 to the end it stays between 0.5 and 0.6, creeping up only" in lesson


def test_clipping_is_active_from_step_40_with_norms_of_2_to_3_5_at_the_end():
    """exploding-fixed-clipping-xavier: 'clipping is active at every step from step 40 to the
    end — the norm before it is still between 2 and 3.5 in the last 10 epochs' (it said 'stays
    active to the end — the norm before it is still 2–3 after 50 epochs': steps 3–39 include
    unclipped ones, and the last epoch's norms reach 3.06)."""
    import scenarios
    from engine.debugger import Controller

    s = load_scenario("exploding-fixed-clipping-xavier")
    steps = s.training["epochs"] * 4  # 128 points in batches of 32
    c = Controller(scenarios.build_run(s).trainer)
    norms = []
    while len(norms) < steps:
        c.step()
        if c.event.kind == "clip":
            norms.append(c.event.norm_before)
    unclipped = [t for t, norm in enumerate(norms, start=1) if norm <= 1]
    assert max(unclipped) == 39
    assert min(norms[-40:]) > 2 and max(norms[-40:]) < 3.5
    lesson = lesson_of("exploding-fixed-clipping-xavier")
    assert "clipping is active at every step from step 40 to the end" in lesson
    assert "the norm before it is still between 2 and 3.5 in the last 10 epochs" in lesson


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


def dead_fractions(name: str, *sets: str):
    """Train ``name`` (shipped seed) headless: the Gradients panel's dead fraction of each
    hidden layer at every step (a row a step), every layer's update ratio at every step, the
    whole-training-set dead units per layer before and after (``check.dead_masks``), and the
    run itself."""
    import numpy as np

    import scenarios
    from scenarios.check import dead_masks

    run = scenarios.build_run(load_scenario(name, sets))
    before = dead_masks(run)
    dead, ratios = [], []
    while run.should_stop() is None:
        run.step()
        stats = run.learner.step_stats()
        dead.append([s.dead_fraction for s in stats[:-1]])
        ratios.append([s.update_ratio for s in stats])
    return np.array(dead), np.array(ratios), before, dead_masks(run), run


def test_dying_relu_dead_per_batch_and_over_the_training_set():
    """dying-relu: per batch (the panel) layer 3 reads 100%, layer 2 93.8% or 100%, layer 1
    68.8%–87.5% from step 1 to the end; over the whole set 11, 15 and 16 of 16 are dead (87.5%),
    the same units before and after; every layer's update ratio is 0 at every step. It said
    'three quarters of layer 1 and all of layers 2 and 3 after the first step — and they stay
    dead', while the panel showed l1 68.8% and l2 93.8% at step 242."""
    import numpy as np

    from engine.number_text import percent

    dead, ratios, before, after, run = dead_fractions("dying-relu")
    assert [int(m.sum()) for m in before.values()] == [11, 15, 16]
    assert all(np.array_equal(before[l], after[l]) for l in before)  # the very same units
    assert len(dead) == 400 and not ratios.any()  # no weight of any layer ever moves
    l1, l2, l3 = dead.T
    assert set(l3) == {1.0} and set(l2) == {15 / 16, 1.0}
    assert (l1.min(), l1.max()) == (11 / 16, 14 / 16)  # never below its whole-set share
    assert abs(run.final_metrics().train_loss - np.log(2)) < 0.001
    shown = [percent(x) for x in (11 / 16, 14 / 16, 15 / 16, 1.0, 0.875)]
    assert shown == ["68.8%", "87.5%", "93.8%", "100%", "87.5%"]  # as the panel writes them
    lesson = lesson_of("dying-relu")
    assert (
        "From the first step on, layer 3 reads 100%, layer 2 93.8% or 100%, and layer 1 moves "
        "between 68.8% and 87.5% from batch to batch." in lesson
    )
    assert "11 of layer 1's 16 units are dead, 15 of layer 2's and all 16 of layer 3's" in lesson
    assert "87.5% of the 48, as `backprop-lab check dying-relu` reports" in lesson
    assert "never below its whole-set share (68.8%, 93.8%, 100%)" in lesson
    assert "the 5 living units of layer 1 and the 1 of layer 2 get no gradient" in lesson
    assert "‖ΔW‖/‖W‖ is 0 in all four layers" in lesson


def test_dying_relu_delta_of_unit_0_reads_0_times_0():
    """The lesson's Delta event of layer 1: 'from above' is 0 (every δ² is 0, layer 3 being
    dead) and σ′(z¹₀) is 0 for the first example: 'the equation of δ¹₀ reads 0 · 0 = 0'."""
    import scenarios
    from engine.debugger import Controller

    c = Controller(scenarios.build_run(load_scenario("dying-relu")).trainer)
    while not (c.event.kind == "delta" and c.event.l == 1):
        c.step()
    e = c.explain((0,))
    assert all(t.value == 0 for t in e.terms if t.role == "delta_next")
    assert "= 0 · 0\n" in e.text() and e.result.value == 0
    assert "the equation of δ¹₀ reads 0 · 0 = 0" in lesson_of("dying-relu")


def test_dying_relu_units_die_during_training_with_sgd_at_lr_3():
    """The lesson's run with SGD at η = 3 and biases at 0: dead fraction 0%–12.5% at step 1, 50%
    or more in every layer from step 11, layer 3 at 100% from step 65; the loss 0.44 after epoch
    3, 0.69–0.78 from epoch 4; 2 of 48 units dead over the training set before, 35 after (it
    said 'climbs from a few percent to over half')."""
    sets = (
        "training.optimizer=sgd",
        "training.lr=3",
        *(f"network.layers[{l}].bias_value=0" for l in (1, 2, 3)),
    )
    dead, _, before, after, run = dead_fractions("dying-relu", *sets)
    assert (dead[0].min(), dead[0].max()) == (0, 0.125)
    assert dead[9].min() < 0.5 <= dead[10:].min()
    assert dead[63, 2] < 1 and set(dead[64:, 2]) == {1.0}
    train = [e.train_loss for e in run.history.epochs]
    assert round(train[2], 2) == 0.44 and 0.69 <= min(train[3:]) < max(train[3:]) < 0.785
    count = [sum(int(m.sum()) for m in masks.values()) for masks in (before, after)]
    assert count == [2, 35]
    lesson = lesson_of("dying-relu")
    assert "the dead fraction, 0% to 12.5% at step 1, is 50% or more in every layer from" in lesson
    assert "from step 65 layer 3 reads 100% in every batch" in lesson
    assert "down to 0.44 after epoch 3, is back between 0.69 and 0.78 from epoch 4 on" in lesson
    assert "2 of the 48 units are dead before training, 35 at the end" in lesson


def test_leaky_relu_units_come_back_through_their_weights():
    """dying-relu-fixed-leaky: of the units with z ≤ 0 for every input at the start (11, 15, 16,
    as in dying-relu) only 5, 2 and 0 are after 40 epochs; the weights grow while 47 of the 48
    biases stay negative, mean about −1 (it said 'the biases climb out of the negative
    region'); the loss 0.69 → 0.35 in 4 epochs → about 0.04."""
    import numpy as np

    import scenarios

    def off(run):  # per hidden layer: units with z ≤ 0 (a = α·z ≤ 0) for every example
        a, counts = run.data.x_train, []
        for layer in run.net.layers[:-1]:
            _, a, _ = layer.forward(a, None, False)
            counts.append(int(np.all(a <= 0, axis=0).sum()))
        return counts

    name = "dying-relu-fixed-leaky"
    run = scenarios.build_run(load_scenario(name))
    start, norms = off(run), [np.linalg.norm(layer.params["W"]) for layer in run.net.layers]
    dead = []
    while run.should_stop() is None:
        run.step()
        dead.append([s.dead_fraction for s in run.learner.step_stats()])
    assert (start, off(run)) == ([11, 15, 16], [5, 2, 0]) and not np.any(dead)
    hidden = run.net.layers[:-1]
    assert all(np.linalg.norm(h.params["W"]) > 1.4 * n for h, n in zip(hidden, norms))
    w1 = float(np.linalg.norm(hidden[0].params["W"]))
    assert (round(norms[0], 1), round(w1, 1)) == (6.2, 9.4)
    biases = np.concatenate([h.params["b"] for h in hidden])
    assert int((biases < 0).sum()) == 47 and round(float(biases.mean())) == -1
    train = [e.train_loss for e in run.history.epochs]
    assert (round(train[0], 2), round(train[3], 2), round(train[-1], 2)) == (0.69, 0.35, 0.04)
    lesson = lesson_of(name)
    assert "falls from 0.69 to 0.35 in 4 epochs and to about 0.04 after 40" in lesson
    assert "only 5, 2 and 0 still are after 40 epochs" in lesson
    assert "the biases stay negative (47 of the 48 end below 0, about −1 on average)" in lesson
    assert "‖W¹‖ from 6.2 to 9.4" in lesson


def test_xavier_mean_delta_is_level_in_layers_1_to_7_the_output_layers_larger():
    """init-comparison-fixed-xavier: after step 1 mean |δ| is 0.004–0.007 in layers 1–7, where
    the standard initialization's goes from 0.0025 at layer 7 to 0.0001 at layer 1; the output
    layer's is about 0.025 with both, |a − y| ≈ 0.5 over a batch of 20 (it said 'about the
    same in every layer', while the panel showed l8 at 0.0245 beside l3 at 0.00435)."""
    name = "init-comparison-fixed-xavier"
    delta = {}
    for preset in (name, "init-comparison"):
        r = record_run(load_scenario(preset), None, Needs(stat_steps={1}))
        delta[preset] = [s.delta_mean_abs for s in r.stats[1]]
    xavier, standard = delta[name], delta["init-comparison"]
    assert min(xavier[:7]) > 0.004 and max(xavier[:7]) < 0.007
    assert round(standard[6], 4) == 0.0025 and round(standard[0], 4) == 0.0001
    assert abs(xavier[7] - 0.025) < 0.001 and abs(standard[7] - 0.025) < 0.001  # 0.0245, 0.025
    assert load_scenario(name).training["batch_size"] == 20
    lesson = lesson_of(name)
    assert "is about the same in layers 1 to 7, between 0.004 and 0.007" in lesson
    assert "fades from 0.0025 at layer 7 to 0.0001 at layer 1" in lesson
    assert "about 0.025, with either initialization" in lesson
    assert "divided by the batch's 20 examples" in lesson


def test_learning_rate_too_low_loss_flattens_from_2_18_to_0_65():
    """learning-rate-too-low: the loss goes 'from 2.18 down to 0.65 in 150 steps, half as much
    in the last 75 as in the first 75', 'sixty times the noise floor (about 0.011), which η =
    0.3 reaches in about 20 steps' (it said 'an almost straight decline — nothing much
    happens', and the summary 'it has barely moved', while the panel's curve bent from 2.18 to
    0.65)."""
    from scenarios.check import variant

    s = load_scenario("learning-rate-too-low")
    r = record_run(s, None, Needs())
    start, middle, end = r.losses[0], r.losses[75], r.final.train_loss
    assert (round(start, 2), round(end, 2), r.steps) == (2.18, 0.65, 150)
    assert round((start - middle) / (middle - end)) == 2
    fast = record_run(variant(s, ["training.lr=0.3"]), None, Needs())
    floor = fast.final.train_loss
    assert round(floor, 3) == 0.011 and round(end / floor, -1) == 60
    reached = next(t for t, loss in enumerate(fast.losses, start=1) if loss < 1.05 * floor)
    assert 15 <= reached <= 22
    lesson = lesson_of("learning-rate-too-low")
    assert (
        "from 2.18 down to 0.65 in 150 steps, half as much in the last 75 as in the first" in lesson
    )
    assert "sixty times the noise floor (about 0.011), which η = 0.3 reaches in about 20" in lesson
    summary = " ".join(s.summary.split())
    assert "it is still 0.65, sixty times the noise floor η = 0.3 reaches in 20 steps" in summary


def test_cross_entropy_output_delta_is_the_whole_error_at_first():
    """'δ = a − y = 0.999 at the first step … still above 0.95 at step 5, then falls with the
    error itself (0.60 at step 8)' (it said 'δ ≈ 1 from the first step', and the action, opened
    after training, showed δ = 0.0039)."""
    import scenarios
    from engine.debugger import Controller

    name = "saturation-fixed-cross-entropy"
    c = Controller(scenarios.build_run(load_scenario(name)).trainer)
    deltas = []
    while len(deltas) < 8:
        c.step()
        if c.event.kind == "delta" and c.event.l == 1:
            deltas.append(float(c.event.delta[0, 0]))
    assert round(deltas[0], 3) == 0.999 and deltas[4] > 0.95 and round(deltas[7], 2) == 0.60
    quadratic = Controller(scenarios.build_run(load_scenario("saturation")).trainer)
    while not (quadratic.event.kind == "delta" and quadratic.event.l == 1):
        quadratic.step()
    assert 900 < deltas[0] / float(quadratic.event.delta[0, 0]) < 1200  # "a thousand times"
    lesson = lesson_of(name)
    assert "shows δ = a − y = 0.999 at the first step" in lesson
    assert "where the quadratic loss's δ was a thousand times smaller" in lesson
    assert "still above 0.95 at step 5, then falls with the error itself (0.60 at step 8)" in lesson
