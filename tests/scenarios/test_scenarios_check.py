"""The claim checker: each kind of claim is judged right, both ways, with the measured figure."""

import pytest
from scenario_texts import TINY

from scenarios import ScenarioError, check_scenario, load_scenario

# One linear unit learning y = x₁ from two examples: fully determined by explicit weights.
LINE = """
name = "line"
title = "Line"
summary = "One linear unit."
seed = 0

[data]
kind = "inline"
x = [[1.0], [2.0]]
y = [[1.0], [2.0]]

[network]
loss = "mse"

[[network.layers]]
size = 1
activation = "linear"
weights = [[0.0]]
bias = [0.0]

[training]
optimizer = "sgd"
lr = 0.1
epochs = 200
shuffle = false
"""


def claims(write, text: str, *entries: str, seed=None):
    path = write(text + "".join("\n[[expect]]\n" + entry.strip() + "\n" for entry in entries))
    return check_scenario(load_scenario(path), seed=seed)


def test_value_claims_hold_or_fail_with_the_measured_figure(write):
    # Step 1: a = 0, C = mean((0 − y)²) = (1 + 4)/2 = 2.5; ∂C/∂w = mean(2(a − y)x) = −5, so
    # w becomes 0 − 0.1·(−5) = 0.5 and b becomes 0 − 0.1·(−3) = 0.3.
    results = claims(
        write,
        LINE,
        'claim = "first loss"\nkind = "value"\nmetric = "loss"\nat_step = 1\nnear = 2.5\n'
        "tolerance = 1e-12",
        'claim = "w after one step"\nkind = "value"\nmetric = "weight"\nlayer = 1\n'
        "entry = [0, 0]\nat_step = 1\nnear = 0.5\ntolerance = 1e-12",
        'claim = "b after one step"\nkind = "value"\nmetric = "bias"\nlayer = 1\n'
        "entry = [0]\nat_step = 1\nnear = 0.3\ntolerance = 1e-12",
        'claim = "w before training"\nkind = "value"\nmetric = "weight"\nlayer = 1\n'
        "entry = [0, 0]\nat_step = 0\nbelow = 1e-12\nabove = -1e-12",
        'claim = "false: w ends negative"\nkind = "value"\nmetric = "weight"\nlayer = 1\n'
        "entry = [0, 0]\nbelow = 0.0",
        'claim = "runs all epochs"\nkind = "value"\nmetric = "steps"\nnear = 200\ntolerance = 0',
    )
    assert [r.held for r in results] == [True, True, True, True, False, True]
    assert results[0].measured == "batch loss at step 1 = 2.5 (needs 2.5 ± 1e-12)"
    assert results[4].measured.startswith("W¹₀₀ (W@1[0,0]) at the end = 0.9")
    assert results[4].measured.endswith("(needs < 0)")


def test_stops_claims(write):
    diverging = LINE.replace("lr = 0.1", "lr = 5.0")
    results = claims(
        write,
        diverging,
        'claim = "diverges"\nkind = "stops"\nreason = "diverged"\nwithin_steps = 500',
        'claim = "diverges too soon"\nkind = "stops"\nreason = "diverged"\nwithin_steps = 3',
        'claim = "converges"\nkind = "stops"\nreason = "epochs"',
    )
    assert [r.held for r in results] == [True, False, False]
    assert results[0].measured.startswith("stopped (diverged) at step ")


def test_compare_claims_run_variants(write):
    results = claims(
        write,
        LINE,
        'claim = "a larger rate ends lower"\nkind = "compare"\nmetric = "loss"\n'
        'set = ["training.lr=0.2"]\nagainst_set = []\nratio_below = 1.0',
        'claim = "false: it ends higher"\nkind = "compare"\nmetric = "loss"\n'
        'set = ["training.lr=0.2"]\nagainst_set = []\nratio_above = 1.0',
        'claim = "twice the epochs, twice the steps"\nkind = "compare"\nmetric = "steps"\n'
        'against_set = ["training.epochs=100"]\nratio_above = 1.999\nratio_below = 2.001',
    )
    assert [r.held for r in results] == [True, False, True]
    assert "with training.lr=0.2 vs" in results[0].measured
    assert "as written" in results[0].measured


def test_compare_against_another_scenario_file(write):
    write(LINE.replace("lr = 0.1", "lr = 0.01"), "slow.toml")
    results = claims(
        write,
        LINE,
        'claim = "faster than slow.toml"\nkind = "compare"\nmetric = "loss"\n'
        'against = "slow.toml"\nratio_below = 0.5',
    )
    assert results[0].held, results[0].measured


def noisy_line() -> str:
    """TINY on twelve noisy points of a line, half of them held out for validation."""
    return TINY.replace(
        "x = [[0.0, 1.0], [1.0, 0.0]]\ny = [[1.0], [0.0]]",
        'kind = "linear"\nn = 12\nnoise = 0.5\nvalidation = 0.5',
    ).replace('kind = "inline"\n', "")


def test_val_loss_rises(write):
    # Memorizing four noisy points of a line: the held-out points get worse.
    text = noisy_line()
    results = claims(
        write,
        text,
        'claim = "rises"\nkind = "val_loss_rises"\nafter_epoch = 1\nby = 100.0',
    )
    assert not results[0].held
    assert results[0].measured.startswith("val loss ")


def test_moments_beyond_the_run_are_reported_not_crashed(write):
    results = claims(
        write,
        LINE.replace("epochs = 200", "epochs = 3"),
        'claim = "late"\nkind = "value"\nmetric = "grad_norm"\nlayer = 1\nat_step = 10\nbelow = 1',
        'claim = "late epoch"\nkind = "value"\nmetric = "loss"\nat_epoch = 10\nbelow = 1',
        'claim = "no validation"\nkind = "value"\nmetric = "val_loss"\nbelow = 1',
    )
    assert [r.held for r in results] == [False, False, False]
    assert "not measurable: the run stopped after 3 steps, before step 10" in results[0].measured
    assert "before epoch 10" in results[1].measured
    assert "does not apply" in results[2].measured


def test_seed_changes_random_runs_only(write):
    text = (
        TINY
        + '\n[[expect]]\nclaim = "c"\nkind = "value"\nmetric = "loss"\nat_step = 1\nabove = 0\n'
    )
    path = write(text)
    first = check_scenario(load_scenario(path), seed=1)[0].measured
    again = check_scenario(load_scenario(path), seed=1)[0].measured
    other = check_scenario(load_scenario(path), seed=2)[0].measured
    assert first == again and first != other


def test_unknown_against_scenario_is_a_scenario_error(write):
    with pytest.raises(ScenarioError, match="against = 'no-such'"):
        claims(
            write,
            LINE,
            'claim = "c"\nkind = "compare"\nmetric = "loss"\nagainst = "no-such"\nratio_below = 1',
        )


def test_a_bad_override_in_a_claims_set_names_the_claim(write):
    """A value the scenario refuses, inside a claim's ``set`` or ``against_set``, is reported
    with the claim it comes from (it read as if the file's own training.lr were wrong)."""
    value = 'claim = "a"\nkind = "value"\nmetric = "loss"\nbelow = 1'
    with pytest.raises(ScenarioError) as e:
        claims(write, LINE, value, value + '\nset = ["training.lr=nan"]')
    message = str(e.value)
    assert "expect[2].set (claim 2) = ['training.lr=nan']: training.lr: must be a finite" in message
    assert message.count(".toml: ") == 1  # the file named once, first
    compare = 'claim = "c"\nkind = "compare"\nmetric = "loss"\nratio_below = 1'
    with pytest.raises(ScenarioError, match=r"expect\[1\]\.against_set = \['training.epochs=0'\]"):
        claims(write, LINE, compare + '\nagainst_set = ["training.epochs=0"]')


def test_dead_units(write):
    dead = LINE.replace(
        '[[network.layers]]\nsize = 1\nactivation = "linear"',
        '[[network.layers]]\nsize = 4\nactivation = "relu"\nbias_init = "constant"\n'
        'bias_value = -10.0\n\n[[network.layers]]\nsize = 1\nactivation = "linear"',
    ).replace("weights = [[0.0]]\nbias = [0.0]\n", "")
    results = claims(
        write,
        dead,
        'claim = "all dead"\nkind = "value"\nmetric = "dead_units"\nat_step = 0\nabove = 0.99',
        'claim = "still dead"\nkind = "value"\nmetric = "dead_units"\nabove = 0.99',
    )
    assert all(r.held for r in results), [r.measured for r in results]


def test_claims_on_a_variant_name_its_set_overrides_as_comparisons_do(write):
    """`check learning-rate-too-high` printed 'train-set loss at the end = 0.0107836 (needs <
    0.02)' for a claim run with training.lr=0.9 and training.epochs=200, without saying so;
    comparison claims already said 'with training.lr=…'."""
    results = claims(
        write,
        LINE,
        'claim = "a slower variant"\nkind = "value"\nmetric = "steps"\n'
        'set = ["training.epochs=50", "training.lr=0.05"]\nnear = 50\ntolerance = 0',
        'claim = "as written"\nkind = "value"\nmetric = "steps"\nnear = 200\ntolerance = 0',
        'claim = "diverges at a high rate"\nkind = "stops"\nreason = "diverged"\n'
        'set = ["training.lr=5.0"]',
        'claim = "many overrides"\nkind = "value"\nmetric = "loss"\nbelow = 10.0\n'
        'set = ["training.epochs=5", "training.lr=0.05", "seed=2"]',
        'claim = "late, in a short variant"\nkind = "value"\nmetric = "loss"\nat_epoch = 10\n'
        'below = 1.0\nset = ["training.epochs=3"]',
    )
    assert [r.held for r in results] == [True, True, True, True, False]
    assert results[0].measured == (
        "steps over the run = 50 with training.epochs=50, training.lr=0.05 (needs 50 ± 0)"
    )
    assert results[1].measured == "steps over the run = 200 (needs 200 ± 0)"
    assert results[2].measured.startswith("stopped (diverged) at step ")
    assert " with training.lr=5.0 (needs reason diverged)" in results[2].measured
    assert " with training.epochs=5, … (3 overrides) (needs < 10)" in results[3].measured
    assert results[4].measured.startswith(
        "not measurable with training.epochs=3: the run stopped after epoch 3"
    )


def test_a_val_loss_rises_claim_on_a_variant_names_it(write):
    text = noisy_line()
    results = claims(
        write,
        text,
        'claim = "rises"\nkind = "val_loss_rises"\nafter_epoch = 1\nby = 100.0\n'
        'set = ["training.epochs=20"]',
    )
    assert results[0].measured.startswith("with training.epochs=20: val loss ")


def test_figures_read_as_the_labs_and_apart_from_their_bounds(write):
    """`check` printed '1280' steps and a loss of '6.08741e+10' where the lab's screens write
    '1,280' and '6.087e10' (four significant digits); with four digits, a figure that is not its
    bound reads apart from it: after 600 epochs w = 0.9999591, and '1 (needs < 1)' would say
    the claim holds of a w equal to its bound."""
    results = claims(
        write,
        LINE.replace("epochs = 200", "epochs = 600"),
        'claim = "w is below 1"\nkind = "value"\nmetric = "weight"\nlayer = 1\n'
        "entry = [0, 0]\nbelow = 1.0",
        'claim = "w is near 1"\nkind = "value"\nmetric = "weight"\nlayer = 1\n'
        "entry = [0, 0]\nnear = 1.0\ntolerance = 1e-4",
        'claim = "many steps"\nkind = "value"\nmetric = "steps"\nset = ["training.epochs=1280"]\n'
        "above = 1000",
        'claim = "blows up"\nkind = "value"\nmetric = "loss"\nat_step = 7\n'
        'set = ["training.lr=5.0"]\nabove = 1e6',
        'claim = "one more epoch, the same w"\nkind = "compare"\nmetric = "weight"\nlayer = 1\n'
        'entry = [0, 0]\nagainst_set = ["training.epochs=601"]\nratio_below = 1.0',
        'claim = "twice the epochs, twice the steps"\nkind = "compare"\nmetric = "steps"\n'
        'set = ["training.epochs=1200"]\nagainst_set = []\n'
        "ratio_above = 1.999\nratio_below = 2.001",
    )
    assert all(r.held for r in results), [r.measured for r in results]
    measured = [r.measured for r in results]
    assert measured[0] == "W¹₀₀ (W@1[0,0]) at the end = 0.99996 (needs < 1)"
    assert measured[1] == "W¹₀₀ (W@1[0,0]) at the end = 0.99996 (needs 1 ± 1e-4)"
    assert measured[2] == "steps over the run = 1,280 with training.epochs=1280 (needs > 1,000)"
    assert measured[3] == "batch loss at step 7 = 4.562e18 with training.lr=5.0 (needs > 1e6)"
    # w after 600 and 601 epochs: both '1' with four digits, and their ratio too
    assert measured[4] == (
        "W¹₀₀ (W@1[0,0]) at the end: 0.999959 as written vs 0.99996 with training.epochs=601, "
        "ratio 0.999999 (needs < 1)"
    )
    assert measured[5] == (
        "steps over the run: 1,200 with training.epochs=1200 vs 600 as written, ratio 2 "
        "(needs < 2.001 and > 1.999)"
    )
