"""The Debugger panel and the line-mode debugger name the same quantities the same way: every
name the panel shows is what ``p`` prints at that position, and every math symbol of an array
has that name beside it (new-user audit: the panel listed ``value``, ``data_loss``, ``penalty``
and ``batch_size``, which ``p`` called unknown, and ``∇ₐC``, which ``p`` knows as ``grad_a``)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from panel_harness import make_view, move

from engine.debugger.explain.rules import with_layer
from engine.debugger.linemode import LineMode
from tui.panels.debugger_panel import pending_update, position_line
from tui.panels.event_arrays import event_arrays, shown_arrays
from tui.panels.format import fmt

IDENTIFIER = re.compile(r"[A-Za-z_]\w*(?:@\d+)?", re.ASCII)  # a⁰ is not one
SCALAR_LINE = re.compile(r"([A-Za-z_]\w*) (\S+)", re.ASCII)  # name value
ARRAY_LINE = re.compile(r"(.+?)  (\d+(?:×\d+)?)(?:  (\S+))?")  # label  shape  [name]
# arrays the expression language has no name for: the batch's rows, and an Update's gradients
# (after clipping; the Gradient event's, before it, are grad_W@l and grad_b@l)
UNNAMED = {("step_start", "batch rows"), ("update", "∂C/∂Wˡ"), ("update", "∂C/∂bˡ")}

SCENARIOS = [
    ("xor", ("training.l2=0.01", "training.clip_norm=1.0")),  # penalty, Clip, fused output δ
    ("vanishing-fixed-batchnorm", ()),  # batch norm's arrays, γ and β
    ("overfitting-fixed-dropout", ()),  # dropout masks
    ("spiral", ("training.clip_value=0.5",)),  # softmax + cross-entropy, Adam's t, Clip by value
    ("xor", ("network.layers[1].activation=prelu",)),  # PReLU's α
]


def printed(view, name: str):
    """What ``p name`` prints the value of at the view's position (the controller's
    ``evaluate``, which the line mode's print calls)."""
    return view.controller.evaluate(name)


def panel_names(view) -> list[tuple[str, str, object]]:
    """(name, how the panel shows it, what the panel's number or array is) for every name the
    arrays column, the position line and the pending update's head show at the view's event
    (its other lines, the equations, are math); AssertionError for an array shown with
    neither a name nor a label that is one."""
    event = view.event
    l = getattr(event, "l", None)
    arrays = {with_layer(label, l): array for label, array in shown_arrays(event).items()}
    found: list[tuple[str, str, object]] = []
    position = position_line(view).plain
    for word in ("step", "epoch", "batch"):
        number = re.search(rf"\b{word} (\d+)", position).group(1)
        found.append((word, "position", int(number)))
    if event.kind == "update":  # the pending update's head: 'sgd  η (lr) 1  t 1'
        head = pending_update(view).plain.splitlines()[0]
        found.append(("t", "position", int(re.search(r"\bt (\d+)", head).group(1))))
        found.append(("lr", "position", float(re.search(r"η \(lr\) (\S+)", head).group(1))))
    lines = event_arrays(event).plain.splitlines()
    for line in lines[1:]:  # after the heading
        if all(SCALAR_LINE.fullmatch(item) for item in line.split("  ")):  # lr 1  t 1
            for m in map(SCALAR_LINE.fullmatch, line.split("  ")):
                found.append((m[1], "scalar", m[2]))
        elif (m := ARRAY_LINE.fullmatch(line)) and m[1] in arrays:
            label, name = m[1], m[3]
            if name is None and IDENTIFIER.fullmatch(label):
                name = label  # y: its label is its name
            if name is None:
                generic = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+", "ˡ", label)
                assert (event.kind, generic) in UNNAMED, f"{label} at {event.kind} has no name"
                continue
            found.append((name, "array", arrays[label]))
        elif line.startswith("names: "):  # the statistics table's columns
            for name in line.removeprefix("names: ").rstrip(",").split(", "):
                found.append((name, "statistic", None))  # one value per layer
    return found


def walk_step(view):
    """The view at each event of its first step, StepStart to StepEnd."""
    while True:
        yield view.event
        if view.event.kind == "step_end":
            return
        move(view, "step")


@pytest.mark.parametrize(("scenario", "overrides"), SCENARIOS)
def test_every_name_the_panel_shows_prints_the_same_value_at_that_event(scenario, overrides):
    view = make_view(scenario, debugger=True, overrides=overrides)
    seen = set()
    for event in walk_step(view):
        for name, where, shown in panel_names(view):
            value = printed(view, name)  # EvalError ('unknown name …') fails the test
            seen.add(name.split("@")[0])
            if where == "scalar":
                assert fmt(value) == shown, f"{name} at {event.kind}: {value} vs {shown}"
            elif where == "array":
                assert np.array_equal(value, shown, equal_nan=True), f"{name} at {event.kind}"
            elif where == "position":
                assert value == shown
            elif where == "statistic":
                assert sorted(value) == list(range(1, view.run.net.L + 1)), name
    for expected in ("batch_size", "loss", "lr", "a", "delta", "grad_W", "W_new", "step_b"):
        assert expected in seen
    if "clip" in " ".join(overrides):
        assert {"threshold", "norm_before", "norm_after", "t"} <= seen
    if scenario == "xor" and "training.l2=0.01" in overrides:
        assert {"data_loss", "penalty", "grad_a", "grad_W_penalty", "W", "b"} <= seen
    if scenario == "vanishing-fixed-batchnorm":
        assert {"z_hat", "batch_mean", "batch_var", "grad_z_hat", "gamma_new", "step_beta"} <= seen
    if scenario == "overfitting-fixed-dropout":
        assert "mask" in seen
    if "prelu" in " ".join(overrides):
        assert {"grad_alpha", "alpha", "alpha_new", "step_alpha"} <= seen


def test_the_loss_event_shows_loss_not_value_and_grad_a_beside_its_symbol():
    view = make_view("xor", debugger=True)
    while view.event.kind != "loss":
        move(view, "step")
    lines = event_arrays(view.event).plain.splitlines()
    items = [item for line in lines for item in line.split("  ")]  # scalars share a line
    assert f"loss {fmt(view.event.value)}" in items
    assert not any(item.startswith("value ") for item in items)
    assert any(line.startswith("∇ₐC  4×1  grad_a") for line in lines)


def test_words_are_in_the_heading_not_as_names():
    """The optimizer and a Clip's mode are words, not numbers ``p`` could print: they are in the
    heading (``update (sgd): …``, ``gradient clipping by norm``)."""
    view = make_view("xor", debugger=True, overrides=("training.clip_norm=1.0",))
    headings = {}
    for event in walk_step(view):
        lines = event_arrays(event).plain.splitlines()
        headings[event.kind] = lines[0]
        items = [item for line in lines for item in line.split("  ")]  # scalars share a line
        assert not any(item.startswith(("optimizer ", "mode ")) for item in items)
    assert headings["clip"] == "gradient clipping by norm"
    assert headings["update"].startswith("update (sgd): W² ← W² − ΔW²")


def test_line_mode_prints_batch_size_where_the_panel_shows_it():
    view = make_view("xor", debugger=True)
    assert "batch_size 4" in event_arrays(view.event).plain.replace("\n", "  ").split("  ")
    out = io.StringIO()
    LineMode(view.controller, io.StringIO("p batch_size\n"), out, echo=False).run()
    assert "batch_size = 4\n" in out.getvalue()
    assert "did you mean" not in out.getvalue()
