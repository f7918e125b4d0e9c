"""Explanations: the substituted numbers are the event arrays' numbers, the equations hold with
them, and the text shows them to the printed precision."""

import math
import re

import numpy as np
import pytest
from debugger_helpers import make_trainer

from engine.debugger import Controller, DebuggerError
from engine.debugger.formatting import DIGITS, array, num
from engine.number_text import short


def walk_step(c):
    """Yield the controller at each event of one step (from StepStart to StepEnd)."""
    while True:
        yield c
        if c.event.kind == "step_end":
            return
        c.step()


def in_text(x: float, text: str) -> bool:
    """x is written in text with four significant digits, or more where an Update's old and
    new values need them to differ (``formatting.telling_apart``)."""
    for digits in range(DIGITS, 18):
        shown = num(x, digits)
        if shown in text or shown.lstrip("-") in text:
            return True
    return False


def check_shown(expl):
    text = expl.text()
    for term in expl.terms:
        assert in_text(term.value, text), (term, text)
    if expl.result is not None:
        assert in_text(expl.result.value, text)
    ascii_text = expl.text(ascii=True)
    assert ascii_text.isascii(), ascii_text  # --ascii: no δ, ∂, β, γ, σ², ᴸ … left over
    squares = text.count("^2") + len(re.findall(r"(?<=[0-9)])²", text))  # 0.5², (∂C/∂W)²
    assert ascii_text.count("^2") >= squares, ascii_text  # x² is x^2, not the digit 2


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def check_forward(c, e, j, i):
    ev = c.event
    W, a, b = e.terms_of("W"), e.terms_of("a_prev"), e.term("b")
    assert [t.value for t in W] == c.view.params_before[ev.l - 1]["W"][j].tolist()
    assert [t.value for t in a] == ev.a_prev[i].tolist()
    z = sum(w.value * x.value for w, x in zip(W, a, strict=True)) + b.value
    assert close(z, ev.z[i, j]) and e.term("z").value == ev.z[i, j]
    assert e.result.value == ev.a[i, j]
    row = [t.value for t in e.terms_of("row")]  # softmax: aⱼ from the example's whole row
    assert bool(row) == c.net.layer(ev.l).activation.row_wise
    if row:
        assert row == ev.z[i].tolist() and "exp(" in e.text() and "softmax(" not in e.text()
        assert close(math.exp(row[j]) / sum(map(math.exp, row)), ev.a[i, j])


def check_delta(c, e, j, i):
    ev = c.event
    assert e.result.value == ev.delta[i, j]
    if ev.fused:
        a, y = e.term("a").value, e.term("y").value
        n_b, n = ev.delta.shape
        denom = n_b * n if c.net.loss.name == "bce" else n_b
        assert close((a - y) / denom, ev.delta[i, j])
        return
    slope = e.term("slope").value
    assert slope == ev.local_slope[i, j]
    if ev.l == c.L:
        assert close(e.term("grad_a").value * slope, ev.delta[i, j])
    else:
        s = sum(
            w.value * d.value
            for w, d in zip(e.terms_of("W_next"), e.terms_of("delta_next"), strict=True)
        )
        assert close(s, ev.from_above[i, j]) and e.term("from_above").value == ev.from_above[i, j]
        mask = e.terms_of("mask")
        factor = mask[0].value if mask else 1.0
        assert close(s * slope * factor, ev.delta[i, j])


def check_gradient(c, e, sel):
    ev = c.event
    deltas = [t.value for t in e.terms_of("delta")]
    if len(sel) == 2:
        a = [t.value for t in e.terms_of("a_prev")]
        total = sum(d * x for d, x in zip(deltas, a, strict=True))
        pen = e.terms_of("penalty")
        total += pen[0].value if pen else 0.0
        assert close(total, ev.grad_W[sel]) and e.result.value == ev.grad_W[sel]
    else:
        assert close(sum(deltas), ev.grad_b[sel[0]]) and e.result.value == ev.grad_b[sel[0]]


def check_update(c, e, sel, optimizer, hyper):
    ev = c.event
    is_W = len(sel) == 2
    idx = sel if is_W else (sel[0],)
    old, g, lr = e.term("old").value, e.term("g").value, e.term("lr").value
    assert old == (ev.W_old if is_W else ev.b_old)[idx]
    assert g == (ev.grad_W if is_W else ev.grad_b)[idx] and lr == ev.lr
    if optimizer == "sgd":
        new = old - lr * g
    elif optimizer == "momentum":
        v = hyper["momentum"] * e.term("v_old").value + g
        assert close(v, e.term("v").value)
        new = old - lr * v
    elif optimizer == "adam":
        b1, b2, t = hyper["beta1"], hyper["beta2"], ev.t
        m = b1 * e.term("m_old").value + (1 - b1) * g
        v = b2 * e.term("v_old").value + (1 - b2) * g * g
        new = old - lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + e.term("eps").value)
    else:  # rmsprop
        s = hyper["rho"] * e.term("s_old").value + (1 - hyper["rho"]) * g * g
        new = old - lr * g / (math.sqrt(s) + e.term("eps").value)
    assert close(new, e.result.value) and e.result.value == (ev.W_new if is_W else ev.b_new)[idx]
    # ΔW is the step subtracted, the event's step_W (same sign): W_new = W_old − ΔW
    step = e.term("step").value
    assert step == (ev.step_W if is_W else ev.step_b)[idx] and close(old - step, e.result.value)


@pytest.mark.parametrize(
    ("optimizer", "hyper", "loss", "out"),
    [
        ("sgd", {}, "quadratic", "sigmoid"),
        ("momentum", {"momentum": 0.9}, "mse", "linear"),
        ("adam", {"beta1": 0.9, "beta2": 0.999}, "bce", "sigmoid"),
        ("rmsprop", {"rho": 0.99}, "cross_entropy", "softmax"),
    ],
)
def test_numbers_agree_with_the_event_arrays(optimizer, hyper, loss, out):
    n_out = 2 if out == "softmax" else 1
    tr = make_trainer(
        (3, 2, n_out),
        ("tanh", "sigmoid", out),
        loss=loss,
        optimizer=optimizer,
        n=3,
        batch_size=3,
        lr=0.3,
        l2=0.01 if optimizer == "sgd" else 0.0,
        **hyper,
    )
    c = Controller(tr)
    c.run(2)  # optimizer state is not empty any more
    c.step()
    kinds = set()
    for here in walk_step(c):
        ev = here.event
        kinds.add(ev.kind)
        if ev.kind in ("forward", "delta"):
            for j in range(ev.z.shape[1] if ev.kind == "forward" else ev.delta.shape[1]):
                for i in range(3):
                    e = c.explain((j,), i)
                    check_shown(e)
                    (check_forward if ev.kind == "forward" else check_delta)(c, e, j, i)
        elif ev.kind in ("gradient", "update"):
            shape = ev.grad_W.shape if ev.kind == "gradient" else ev.W_old.shape
            for sel in [(j, k) for j in range(shape[0]) for k in range(shape[1])] + [(0,)]:
                e = c.explain(sel)
                check_shown(e)
                if ev.kind == "gradient":
                    check_gradient(c, e, sel)
                else:
                    check_update(c, e, sel, optimizer, hyper)
        elif ev.kind == "loss":
            e = c.explain((0,), 1)
            check_shown(e)
            assert e.result.value == ev.grad_a[1, 0]
            per_term = sum(t.value for t in e.terms_of("loss_term"))
            denominator = 3 * n_out if loss in ("mse", "bce") else 3
            assert close(per_term / denominator, ev.data_loss)
        else:
            assert c.explain().text()
    assert kinds == {"step_start", "forward", "loss", "delta", "gradient", "update", "step_end"}


def test_text_forms_unicode_and_ascii():
    c = Controller(make_trainer(optimizer="sgd", lr=0.5))
    c.step(7)  # Delta(l=2)
    e = c.explain((1,), 0)
    text = e.text()
    assert text.splitlines()[2].startswith("δ²₁ = (Σₖ W³ₖ₁ δ³ₖ) · σ′(z²₁)")
    ascii_text = e.text(ascii=True)
    assert ascii_text.splitlines()[2].startswith(
        "delta[2][1] = (sum_k W[3][k,1] delta[3][k]) * act'(z[2][1])"
    )
    assert all(ord(ch) < 128 for ch in ascii_text)
    c.step(5)  # Update(l=2)
    e = c.explain((0, 1))
    lines = e.text().splitlines()
    # the step subtracted first, as the Update event's step_W, then the rule W ← W − ΔW
    assert lines[2] == "ΔW²₀₁ = η ∂C/∂W²₀₁"
    assert lines[3].strip() == f"= 0.5000 × {_signed(c.event.grad_W[0, 1])}"
    assert lines[4].strip() == f"= {num(c.event.step_W[0, 1])}"
    assert lines[5] == "W²₀₁ ← W²₀₁ − ΔW²₀₁"
    assert lines[6].strip() == (
        f"= {_signed(c.event.W_old[0, 1])} − {_signed(c.event.step_W[0, 1])}"
    )
    assert lines[7].strip() == f"= {num(c.event.W_new[0, 1])}"
    assert e.term("step").value == c.event.step_W[0, 1]
    assert "step_W[2][0,1] = lr dC/dW[2][0,1]" in e.text(ascii=True)


def _signed(x):
    return f"({num(x)})" if x < 0 else num(x)


def test_dropout_mask_appears_in_forward_and_delta():
    c = Controller(make_trainer((4, 1), ("tanh", "sigmoid"), dropout=(0.5,), n=4, batch_size=4))
    c.step()
    i, j = (int(v) for v in np.argwhere(c.event.mask == 0)[0])
    e = c.explain((j,), i)
    assert e.term("mask").value == 0.0 and e.result.value == c.event.a[i, j] == 0.0
    kept = [(int(a), int(b)) for a, b in np.argwhere(c.event.mask != 0)][0]
    e = c.explain((kept[1],), kept[0])
    assert e.term("mask").value == 2.0 and "× 2.000" in e.text()
    c.step(5)  # Delta(l=1)
    assert c.event.kind == "delta" and c.event.l == 1
    e = c.explain((j,), i)
    assert e.term("mask").value == 0.0 and e.result.value == c.event.delta[i, j] == 0.0


def test_bad_selections_name_the_valid_range():
    c = Controller(make_trainer())
    c.step()  # Forward(l=1): 3 units, batch of 2
    with pytest.raises(DebuggerError, match=r"unit 3 does not exist; layer 1 has 3 units \(0…2\)"):
        c.explain((3,))
    with pytest.raises(DebuggerError, match=r"example 2 does not exist; the batch has 2 examples"):
        c.explain((0,), 2)
    c.step(10)  # Update(l=1), W¹ is 3×2
    with pytest.raises(DebuggerError, match=r"input 2 does not exist; layer 1 has 2 inputs"):
        c.explain((0, 2))


def test_batch_norm_and_dropout_explanations_agree_with_the_arrays():
    tr = make_trainer(
        (4, 3, 1),
        ("tanh", "sigmoid", "sigmoid"),
        n=5,
        batch_size=5,
        dropout=(0.3, 0.0),
        batch_norm=(True, True),
    )
    c = Controller(tr)
    c.run(1)
    c.step()
    checked = 0
    for here in walk_step(c):
        ev = here.event
        if ev.kind == "forward" and ev.l < 3:
            for i in range(5):
                for j in range(ev.z.shape[1]):
                    e = c.explain((j,), i)
                    check_shown(e)
                    assert close(
                        (e.term("z").value - e.term("batch_mean").value)
                        / math.sqrt(e.term("batch_var").value + 1e-5),
                        ev.z_hat[i, j],
                    )
                    u = e.term("gamma").value * e.term("z_hat").value + e.term("beta").value
                    assert u == e.term("u").value and e.result.value == ev.a[i, j]
                    checked += 1
        if ev.kind == "delta" and ev.l < 3:
            for i in range(5):
                for j in range(ev.delta.shape[1]):
                    e = c.explain((j,), i)
                    check_shown(e)
                    assert e.term("grad_u").value * e.term("gamma").value == ev.grad_z_hat[i, j]
                    B = 5
                    num_ = (
                        B * e.term("grad_z_hat").value
                        - e.term("sum_grad_z_hat").value
                        - e.term("z_hat").value * e.term("sum_grad_z_hat_z_hat").value
                    )
                    d = num_ / (B * math.sqrt(e.term("batch_var").value + 1e-5))
                    assert math.isclose(d, ev.delta[i, j], rel_tol=1e-7, abs_tol=1e-12)
                    assert e.result.value == ev.delta[i, j]
                    checked += 1
    assert checked == 2 * 5 * (4 + 3)


def test_a_gradient_of_one_example_shows_its_value():
    """With a batch of one, ∂C/∂W = δ × a still ends with the product's value."""
    c = Controller(make_trainer((2, 1), ("sigmoid", "sigmoid"), n=1, batch_size=1))
    while c.event.kind != "gradient":
        c.step()
    for sel in [(j, k) for j in range(c.event.grad_W.shape[0]) for k in range(2)] + [(0,)]:
        e = c.explain(sel)
        check_shown(e)
        check_gradient(c, e, sel)
        if len(sel) == 2:  # (a bias of one example is that example's δ: nothing to compute)
            assert e.text().splitlines()[-2].strip() == f"= {num(e.result.value)}"


def test_ascii_squares_are_powers_not_digits():
    c = Controller(make_trainer(optimizer="adam", lr=0.1, beta1=0.9, beta2=0.999))
    c.run(1)
    while c.event.kind != "update":
        c.step()
    text = c.explain((0, 1)).text(ascii=True)
    g = num(c.event.grad_W[0, 1])
    assert "(1 - beta2) (dC/dW[1][0,1])^2" in text
    assert f"{g}^2" in text or f"({g})^2" in text


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (6.009e-06, "6.009e-6"),  # vanishing-gradients' ‖∂C/∂W¹‖, 6.01e-6 in the panel's table
        (-1.299e198, "-1.299e198"),  # exploding-gradients' z²₀
        (0.0002689, "2.689e-4"),  # 2.69e-4 in the table (was 0.0002689)
        (0.001, "0.001000"),
        (0.4, "0.4000"),
        (2000.0, "2000"),
        (12345.6, "12346"),
        (123456.0, "1.235e5"),
        (9.99996, "10.00"),  # four digits of the rounded value
        (0.00099996, "1.000e-3"),
    ],
)
def test_numbers_are_written_in_the_panels_notation(x, shown):
    """Explanations keep four significant digits with their zeros, in the notation and with
    the short exponent of the panels' numbers (``short``): one style in the Debugger panel, and
    in the line mode's explanations and arrays."""
    assert num(x) == shown
    assert ("e" in num(x)) == ("e" in short(x))
    assert float(num(x)) == pytest.approx(x, rel=1e-3)


def test_arrays_have_short_exponents_and_aligned_columns():
    text = array(np.array([[1.5e-7, -2.5e-10], [3e-7, 4e-198]]))
    assert not re.search(r"e[+-]0|e\+", text), text
    ends = [[m.end() for m in re.finditer(r"\d(?=\s|\])", line)] for line in text.splitlines()]
    assert ends[0] == ends[1] and len(ends[0]) == 2, text  # right-aligned, as NumPy had them


def test_an_update_too_small_for_four_digits_is_written_with_the_digits_that_show_it():
    """saturation's first step moves W¹₀₀ by 4.5e-4 from 3.5: the equation read '3.500 −
    4.547e-4 = 3.500', no change at all, in the preset about how little the weight moves."""
    import scenarios
    from scenarios import load_scenario

    c = Controller(scenarios.build_run(load_scenario("saturation")).trainer)
    while not (c.event.kind == "update" and c.event.l == 1):
        c.step()
    text = c.explain((0, 0)).text()
    assert "= 3.5000 − 4.547e-4\n" in text and text.rstrip().splitlines()[-2].endswith("3.4995")
    check_shown(c.explain((0, 0)))
    # where four digits tell them apart, four digits it stays
    assert "= 0.5000 × 9.094e-4" in text
