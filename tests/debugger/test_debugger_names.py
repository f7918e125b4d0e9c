"""The expression language's names for what the lab's Debugger panel shows, its suggestions for
unknown names, and the words the line mode uses for breakpoint kinds and missing arrays
(new-user audit: finding 8 and the debugger's cosmetic items)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from click.testing import CliRunner

from engine.debugger import Controller, EvalError
from engine.debugger.breakpoints import KIND_ALIASES
from engine.debugger.conditions import ALL_NAMES, ConditionError, parse_condition, parse_expression
from engine.debugger.linemode import LineMode
from engine.debugger.linemode_commands import COMMANDS
from engine.debugger.position import KIND_NAMES
from scenarios import build_run, load_scenario

KIND_WORDS = ("start", "forward", "loss", "delta", "gradient", "clip", "update", "end")  # as typed


def controller(scenario: str = "xor", *overrides: str) -> Controller:
    return Controller(build_run(load_scenario(scenario, overrides)).trainer)


def go_to(c: Controller, kind: str, l: int | None = None):
    while not (c.event.kind == kind and (l is None or getattr(c.event, "l", None) == l)):
        c.step()
    return c.event


def suggestion(text: str) -> str | None:
    with pytest.raises(ConditionError) as e:
        parse_expression(text)
    m = re.search(r"did you mean (\w+)\?", str(e.value))
    return m[1] if m else None


# --- names of the events' numbers ---------------------------------------------------------------


def test_the_events_numbers_have_their_fields_names():
    c = controller("xor", "training.l2=0.01", "training.clip_norm=1.0")
    start = c.event
    assert c.evaluate("batch_size") == start.batch_size == 4
    loss = go_to(c, "loss")
    assert c.evaluate("loss") == loss.value
    assert c.evaluate("data_loss") == loss.data_loss
    assert c.evaluate("penalty") == loss.penalty > 0
    assert c.evaluate("data_loss + penalty") == pytest.approx(c.evaluate("loss"))
    clip = go_to(c, "clip")
    assert c.evaluate("threshold") == clip.threshold == 1.0
    assert c.evaluate("norm_before") == clip.norm_before
    assert c.evaluate("norm_after") == clip.norm_after
    update = go_to(c, "update", 1)
    assert c.evaluate("t") == update.t == 1
    assert np.array_equal(c.evaluate("W@1"), update.W_old)
    assert np.array_equal(c.evaluate("grad_W_penalty@1"), go_gradient_penalty(c, 1))


def go_gradient_penalty(c: Controller, l: int):
    return c.view.find("gradient", l).grad_W_penalty


def test_an_events_number_before_its_event_or_without_it_says_why():
    c = controller("xor")
    with pytest.raises(
        EvalError, match=r"data_loss is not computed yet in step 1 \(it comes with Loss\)"
    ):
        c.evaluate("data_loss")
    with pytest.raises(EvalError, match=r"t is not computed yet in step 1 \(it comes with Update"):
        c.evaluate("t")
    with pytest.raises(EvalError, match="gradient clipping is off"):
        c.evaluate("norm_before")
    with pytest.raises(EvalError, match="no L1/L2 penalty is on"):
        c.evaluate("grad_W_penalty@1")


def test_conditions_on_the_events_numbers_take_the_event_path():
    assert parse_condition("batch_size > 2").needs_events
    assert parse_condition("penalty > 0").needs_events
    assert not parse_condition("loss > 2").needs_events
    c = controller("xor", "training.l2=0.01")
    c.until("penalty < 0.0145")  # stops: the penalty falls as the weights shrink
    assert c.evaluate("penalty") < 0.0145


def test_batch_norm_and_prelu_arrays_have_names():
    c = controller("vanishing-fixed-batchnorm")
    forward = go_to(c, "forward", 1)
    for name in ("z_hat", "batch_mean", "batch_var"):
        assert np.array_equal(c.evaluate(f"{name}@1"), getattr(forward, name))
    delta = go_to(c, "delta", 1)
    assert np.array_equal(c.evaluate("grad_z_hat@1"), delta.grad_z_hat)
    update = go_to(c, "update", 1)
    assert np.array_equal(c.evaluate("gamma_new@1"), update.extra["gamma"][1])
    assert np.array_equal(c.evaluate("beta_new@1"), update.extra["beta"][1])
    p = controller("xor", "network.layers[1].activation=prelu")
    update = go_to(p, "update", 1)
    old, new, step = update.extra["alpha"]
    assert np.array_equal(p.evaluate("alpha@1"), old)
    assert np.array_equal(p.evaluate("alpha_new@1"), new)
    assert np.array_equal(p.evaluate("step_alpha@1"), step)
    assert np.array_equal(p.evaluate("grad_alpha@1"), p.view.find("gradient", 1).extra["alpha"])
    with pytest.raises(EvalError, match="layer 2 does not learn an α"):
        p.evaluate("alpha@2")
    with pytest.raises(EvalError, match="layer 1 has no batch norm"):
        p.evaluate("z_hat@1")


# --- suggestions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    ["epoch_size", "step_size", "loss_value", "weights", "batch_count", "grad", "lr_rate"],
)
def test_no_suggestion_points_at_another_quantity(word):
    """A name with a part added or cut off is another quantity: 'did you mean batch?' for
    batch_size (the batch's number, not its size), 'epoch' for epoch_size, 'step_beta' for
    step_size, 'weight_norm' for weights were all wrong."""
    assert suggestion(word) is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("los", "loss"),
        ("losss", "loss"),
        ("Loss", "loss"),
        ("detla@1", "delta"),
        ("grad_w@1", "grad_W"),
        ("local_slop@1", "local_slope"),
        ("gradnorm", "grad_norm"),
        ("batchsize", "batch_size"),
        ("data_los", "data_loss"),
    ],
)
def test_typos_are_still_suggested(typed, meant):
    assert suggestion(typed) == meant


def test_no_name_with_a_part_added_suggests_the_name_itself():
    for name in ALL_NAMES:
        for longer in (f"{name}_size", f"{name}_count", f"old_{name}"):
            if longer not in ALL_NAMES:
                assert suggestion(longer) != name, longer


# --- a fused output δ has no σ′ -----------------------------------------------------------------


def test_local_slope_of_a_fused_output_delta_says_why_in_the_learners_terms():
    c = controller("xor")
    go_to(c, "delta", 2)
    with pytest.raises(EvalError) as e:
        c.evaluate("local_slope@2")
    message = str(e.value)
    assert "δ² of a sigmoid output with the bce loss" in message
    assert "a² − y" in message and "no σ′ factor is computed" in message
    assert "no local_slope on Delta" not in message
    # said before the Delta event too: it does not exist in any step
    with pytest.raises(EvalError, match="no σ′ factor"):
        controller("xor").evaluate("local_slope@2")
    s = controller("spiral")
    with pytest.raises(EvalError, match="δ³ of a softmax output with the cross_entropy loss"):
        s.evaluate("local_slope@3")
    go_to(c, "delta", 1)
    assert c.evaluate("local_slope@1").shape == (4, 4)  # a hidden layer's is there


def test_a_mask_without_dropout_says_so():
    c = controller("xor")
    go_to(c, "delta", 1)
    with pytest.raises(EvalError, match="layer 1 has no dropout"):
        c.evaluate("mask@1")


# --- the line mode's words ----------------------------------------------------------------------


def run_line_mode(script: str, scenario: str = "xor") -> str:
    out = io.StringIO()
    LineMode(controller(scenario), io.StringIO(script), out, echo=False, width=80).run()
    return out.getvalue()


def test_help_break_maps_each_kind_to_the_event_it_stops_before():
    out = run_line_mode("help break\n")
    for word in KIND_WORDS:
        assert f"{word}={KIND_NAMES[KIND_ALIASES[word]]}" in out
    assert "shown as Update(l=2)" in out
    assert max(len(line) for line in out.splitlines()) <= 88


def test_the_loss_summary_names_what_print_knows():
    out = run_line_mode("s 3\n")
    assert "C (loss) = 0.7084" in out and "∇ₐC (grad_a) = " in out
    ascii_out = io.StringIO()
    LineMode(controller(), io.StringIO("s 3\n"), ascii_out, echo=False, ascii=True).run()
    assert "dC/da (grad_a) = " in ascii_out.getvalue()


def test_debug_help_lists_one_command_per_comma():
    """'… c(ontinue) r(un) N u(ntil) COND, back [N], …' read as one item 'r(un) N u(ntil)'."""
    from tui.cli import main

    result = CliRunner().invoke(main, ["debug", "--help"], terminal_width=80)
    assert result.exit_code == 0
    text = result.output.replace("\n", " ")
    listed = re.search(r"Commands: (.*?)\.  ", text)[1]
    known = {cmd.name for cmd in COMMANDS} | {a for cmd in COMMANDS for a in cmd.aliases}
    items = [" ".join(item.split()) for item in listed.split(", ")]
    assert len(items) >= 20
    for item in items:
        words = re.sub(r" \([^)]*\)", "", item).split()  # 'nb (next batch)': a gloss
        first = words[0].replace("(", "").replace(")", "")
        assert first in known, item
        others = [w.strip("[]") for w in words[1:]]
        assert not any(w in known for w in others), f"two commands in one item: {item!r}"


def test_a_long_reason_is_wrapped_at_the_terminals_width():
    """The terminal cut 'p local_slope@2's reason inside 'fused,' ('fus' / 'ed,')."""
    out = run_line_mode("s 4\np local_slope@2\n")
    reason = out[out.index("*** local_slope@2") : out.rindex("(bpl)")].splitlines()
    assert len(reason) == 3 and max(len(line) for line in reason) <= 80
    assert all(line.startswith("    ") for line in reason[1:])  # hung under the message
    assert "(the fused, stable form), so no σ′ factor is computed" in " ".join(
        line.strip() for line in reason
    )
