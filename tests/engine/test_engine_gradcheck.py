"""Backpropagation against central finite differences: every activation × loss, random shapes."""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import LayerSpec, Learner, build_network, make_optimizer, one_hot
from engine.activations import Tanh
from engine.gradcheck import gradient_check

HIDDEN = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu")
KINKED = ("relu", "leaky_relu", "prelu", "elu")  # elu: σ″ jumps at 0
PAIRS = [(act, loss) for loss in ("mse", "quadratic") for act in HIDDEN] + [
    ("sigmoid", "bce"),
    ("softmax", "cross_entropy"),
]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


def targets(loss, rng, batch, n_out):
    if loss == "cross_entropy":
        return one_hot(rng.integers(0, n_out, batch), n_out)
    if loss == "bce":
        return (rng.random((batch, n_out)) > 0.5).astype(float)
    return rng.normal(size=(batch, n_out))


def away_from_kinks(learner, x, margin=1e-3) -> bool:
    """No input of a kinked σ within ``margin`` of 0, and no weight within it of 0 under L1."""
    a = x
    for layer in learner.net.layers:
        z, a, extra = layer.forward(a, np.random.default_rng(0), True)
        u = z if extra is None else extra.get("u", z)
        if layer.activation.name in KINKED and np.any(np.abs(u) < margin):
            return False
        if learner.l1 and np.any(np.abs(layer.params["W"]) < margin):
            return False
    return True


@st.composite
def networks(draw, output, loss):
    seed = draw(st.integers(0, 2**32 - 1))
    n_in = draw(st.integers(1, 4))
    hidden = draw(
        st.lists(st.tuples(st.integers(1, 5), st.sampled_from(HIDDEN)), min_size=0, max_size=2)
    )
    n_out = draw(st.integers(2, 4) if loss == "cross_entropy" else st.integers(1, 3))
    batch = draw(st.integers(1, 5))
    l1 = draw(st.sampled_from([0.0, 0.01]))
    l2 = draw(st.sampled_from([0.0, 0.1]))
    alpha = draw(st.floats(0.05, 0.5))
    rng = np.random.default_rng(seed)
    specs = [
        LayerSpec(
            size,
            act,
            alpha=alpha if act in ("leaky_relu", "prelu", "elu") else None,
            init="xavier_normal",
            bias_init="normal",
            bias_params={"std": 0.3},
        )
        for size, act in hidden
    ]
    specs.append(LayerSpec(n_out, output, bias_init="normal", bias_params={"std": 0.3}))
    net = build_network(n_in, specs, loss, rng)
    learner = Learner(net, make_optimizer("sgd"), l1=l1, l2=l2)
    x = rng.normal(size=(batch, n_in))
    return learner, x, targets(loss, rng, batch, n_out)


@pytest.mark.parametrize(("output", "loss"), PAIRS)
@SETTINGS
@given(data=st.data())
def test_backprop_matches_finite_differences(output, loss, data):
    learner, x, y = data.draw(networks(output, loss))
    assume(away_from_kinks(learner, x))
    report = gradient_check(learner, x, y)
    assert report.passed, str(report)
    assert report.worst_error < 1e-6
    names = {(p.l, p.name) for p in report.params}
    for layer in learner.net.layers:
        for name, p in layer.params.items():
            assert (layer.l, name) in names
            check = next(c for c in report.params if (c.l, c.name) == (layer.l, name))
            assert check.n_checked == p.size


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "loss"), PAIRS)
def test_every_hidden_activation_with_every_output(hidden, output, loss):
    """A fixed 3-2-(3 hidden)-out network for each combination, with L1 and L2 on."""
    for seed in range(20):
        rng = np.random.default_rng(seed)
        specs = [
            LayerSpec(
                3, hidden, init="xavier_normal", bias_init="normal", bias_params={"std": 0.5}
            ),
            LayerSpec(3, output, bias_init="normal", bias_params={"std": 0.5}),
        ]
        learner = Learner(
            build_network(2, specs, loss, rng), make_optimizer("sgd"), l1=0.01, l2=0.1
        )
        x = rng.normal(size=(4, 2))
        if away_from_kinks(learner, x):
            break
    report = gradient_check(learner, x, targets(loss, rng, 4, 3))
    assert report.passed, str(report)


def test_soft_targets_whose_rows_sum_to_one_only_approximately():
    """0.33333 × 3: the fused δᴸ must be the gradient of the loss reported, (a·Σⱼyⱼ − y)/B
    (with (a − y)/B the check failed at 1e-4)."""
    rng = np.random.default_rng(0)
    net = build_network(3, [LayerSpec(4, "tanh"), LayerSpec(3, "softmax")], "cross_entropy", rng)
    x = rng.normal(size=(5, 3))
    report = gradient_check(net, x, np.full((5, 3), 0.33333))
    assert report.passed, str(report)


def test_one_hot_targets_keep_the_plain_fused_delta():
    """For rows summing to exactly 1 the general form is (a − y)/B bit for bit."""
    rng = np.random.default_rng(1)
    net = build_network(3, [LayerSpec(3, "softmax")], "cross_entropy", rng)
    labels = rng.integers(0, 3, 7)
    x = rng.normal(size=(7, 3))
    z, a = net.output_z(x)
    expected = (1.0 / 7) * (a - one_hot(labels, 3))
    for y in (one_hot(labels, 3), labels):
        assert net.loss.fused_delta(z, a, y).tobytes() == expected.tobytes()


def test_prelu_alpha_gradient_is_checked():
    rng = np.random.default_rng(3)
    specs = [LayerSpec(4, "prelu", alpha=0.2), LayerSpec(1, "linear")]
    learner = Learner(build_network(3, specs, "mse", rng), make_optimizer("sgd"))
    x = rng.normal(size=(8, 3))
    assert away_from_kinks(learner, x)
    report = gradient_check(learner, x, rng.normal(size=(8, 1)))
    alpha = next(p for p in report.params if p.name == "alpha")
    assert alpha.n_checked == 4 and alpha.passed
    assert abs(alpha.backprop) > 1e-3  # a real, non-trivial gradient was compared


def test_penalties_are_part_of_the_checked_cost(monkeypatch):
    """With a gradient that ignores L2, the check fails: the penalty is in C."""
    rng = np.random.default_rng(4)
    net = build_network(2, [LayerSpec(3, "tanh"), LayerSpec(1, "sigmoid")], "bce", rng)
    x, y = rng.normal(size=(5, 2)), (rng.random((5, 1)) > 0.5).astype(float)
    learner = Learner(net, make_optimizer("sgd"), l1=0.05, l2=0.3)
    report = gradient_check(learner, x, y)
    assert report.passed, str(report)
    assert any("penalty" in note for note in report.notes)
    monkeypatch.setattr(Learner, "penalty_grad", lambda self, W: None)  # backprop forgets them
    assert not gradient_check(learner, x, y).passed


def test_a_wrong_derivative_is_caught(monkeypatch):
    """The check can fail: a slightly wrong σ′ for tanh shows up in the layers below it."""
    rng = np.random.default_rng(5)
    net = build_network(2, [LayerSpec(3, "tanh"), LayerSpec(2, "linear")], "mse", rng)
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    assert gradient_check(net, x, y).passed
    monkeypatch.setattr(Tanh, "slope", lambda self, z, a, **p: 1.0 - 0.99 * a * a)
    report = gradient_check(net, x, y)
    assert not report.passed
    assert not report.layers[0].passed and report.layers[1].passed
    assert "FAIL" in str(report)


def test_dropout_and_batch_norm():
    """Dropout masks stay fixed across evaluations; batch norm's γ, β and the cancelled bias."""
    rng = np.random.default_rng(6)
    specs = [
        LayerSpec(5, "tanh", dropout=0.4),
        LayerSpec(4, "sigmoid", batch_norm=True),
        LayerSpec(3, "softmax"),
    ]
    net = build_network(3, specs, "cross_entropy", rng)
    x = rng.normal(size=(7, 3))
    y = one_hot(rng.integers(0, 3, 7), 3)
    report = gradient_check(Learner(net, make_optimizer("adam"), l2=0.01), x, y)
    assert report.passed, str(report)
    names = [(p.l, p.name) for p in report.params]
    assert (2, "gamma") in names and (2, "beta") in names
    assert any("Dropout" in note for note in report.notes)


def test_float32_network_is_checked_in_float64_and_left_untouched():
    rng = np.random.default_rng(7)
    specs = [LayerSpec(4, "elu"), LayerSpec(2, "sigmoid")]
    net = build_network(3, specs, "bce", rng, dtype="float32")
    before = [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]
    learner = Learner(net, make_optimizer("momentum"))
    x = rng.normal(size=(5, 3)).astype(np.float32)
    y = (rng.random((5, 2)) > 0.5).astype(np.float32)
    report = gradient_check(learner, x, y)
    assert report.passed, str(report)
    assert any("float32" in note for note in report.notes)
    assert learner.t == 0 and learner.opt_state == [{}, {}]
    for layer, old in zip(net.layers, before):
        for name, p in layer.params.items():
            assert p.dtype == np.float32
            np.testing.assert_array_equal(p, old[name])


def test_report_table_and_sampling():
    rng = np.random.default_rng(8)
    net = build_network(6, [LayerSpec(10, "tanh"), LayerSpec(1, "linear")], "mse", rng)
    x, y = rng.normal(size=(3, 6)), rng.normal(size=(3, 1))
    report = gradient_check(net, x, y, max_entries=5)
    assert [p.n_checked for p in report.params] == [5, 5, 5, 1]
    assert report.n_checked == 16
    text = str(report)
    for needle in ("layer", "param", "worst error", "5/60", "All 2 layers pass"):
        assert needle in text
    assert len(text.splitlines()) >= 8


def test_report_table_narrows_to_a_width():
    """Within a width the table keeps a row a line: one space between columns, then five
    significant digits, then no shape column; the rows' values stay the same otherwise."""
    rng = np.random.default_rng(8)
    net = build_network(784, [LayerSpec(1024, "tanh"), LayerSpec(10, "linear")], "mse", rng)
    x, y = rng.normal(size=(2, 784)), rng.normal(size=(2, 10))
    report = gradient_check(net, x, y, max_entries=3)

    def table(text: str) -> list[str]:
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["layer", "param"])
        return lines[start : start + 1 + len(report.params)]

    assert report.text() == str(report) == report.text(1000)
    full = table(report.text())
    assert full[0].split() == ["layer", "param", "shape", "checked", "worst", "error"] + [
        "backprop",
        "finite",
        "diff.",
        "result",
    ]
    assert "1024×784" in full[1] and "3/802816" in full[1]
    widths = {}
    for width in (200, 80, 75, 70, 66, 40):
        rows = table(report.text(width))
        widths[width] = max(map(len, rows))
        assert len(rows) == len(full)  # a row a line, however narrow
        if width >= 66:
            assert widths[width] <= width, width
    assert widths[200] == max(map(len, full)) > 80
    assert "shape" in table(report.text(75))[0]
    assert "shape" not in table(report.text(66))[0]  # the last resort
    digits = table(report.text(70))[1].split()[-3]
    assert len(digits.split("e")[0].lstrip("-")) == 6  # d.dddd: five significant digits


def test_report_counts_inputs_near_a_kink_in_words():
    """'1 input of σ near a kink', '2 inputs …' (exploding-gradients' report said '1 inputs')."""
    rng = np.random.default_rng(0)
    net = build_network(2, [LayerSpec(3, "relu"), LayerSpec(1, "linear")], "mse", rng)
    report = gradient_check(net, rng.normal(size=(2, 2)), rng.normal(size=(2, 1)))
    for n, words in ((1, "1 input of σ near a kink"), (2, "2 inputs of σ near a kink")):
        layer = dataclasses.replace(report.layers[0], near_kink=n)
        text = dataclasses.replace(report, layers=(layer, *report.layers[1:])).text()
        line = next(line for line in text.splitlines() if line.startswith("layer 1:"))
        assert line.endswith(words), line


def test_bad_arguments():
    rng = np.random.default_rng(9)
    net = build_network(2, [LayerSpec(1, "linear")], "mse", rng)
    with pytest.raises(ValueError, match=r"x must have shape \(batch ≥ 1, 2\)"):
        gradient_check(net, np.zeros((3, 3)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"x must have shape \(batch ≥ 1, 2\), got \(0, 2\)"):
        gradient_check(net, np.zeros((0, 2)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match=r"y must have shape \(3, 1\)"):
        gradient_check(net, np.zeros((3, 2)), np.zeros((3, 2)))
    for eps in (0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match=f"eps must be a finite number > 0, got {eps}"):
            gradient_check(net, np.zeros((3, 2)), np.zeros((3, 1)), eps=eps)
    with pytest.raises(TypeError, match="Learner or a Network"):
        gradient_check("xor", np.zeros((3, 2)), np.zeros((3, 1)))


def test_independent_finite_difference_of_one_weight():
    """A direct central difference on the data loss (no gradcheck code) agrees with Gradient."""
    rng = np.random.default_rng(10)
    net = build_network(2, [LayerSpec(3, "sigmoid"), LayerSpec(2, "tanh")], "quadratic", rng)
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    learner = Learner(net, make_optimizer("sgd"))
    grad = next(e for e in learner.events(x, y, 0.1) if e.kind == "gradient" and e.l == 1)
    W = net.layer(1).params["W"]
    eps = 1e-6
    for i, j in [(0, 0), (2, 1)]:
        plus, minus = W.copy(), W.copy()
        plus[i, j] += eps
        minus[i, j] -= eps
        net.layer(1).params = {**net.layer(1).params, "W": plus}
        c_plus = net.data_loss(x, y)
        net.layer(1).params = {**net.layer(1).params, "W": minus}
        c_minus = net.data_loss(x, y)
        net.layer(1).params = {**net.layer(1).params, "W": W}
        fd = (c_plus - c_minus) / (2 * eps)
        assert fd == pytest.approx(grad.grad_W[i, j], rel=1e-6)
