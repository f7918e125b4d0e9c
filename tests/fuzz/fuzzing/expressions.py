"""Debugger expressions: from the grammar of ``help expressions``, often slightly wrong, deeply
nested, or random text; parsed, evaluated, printed and used as breakpoints."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from engine.debugger import Controller, DebuggerError
from engine.debugger.follow import follow_run
from engine.debugger.formatting import value as format_value
from scenarios import build_run, load_scenario

from . import bounded, one_line

NAMES = [
    "loss",
    "loss_change",
    "step",
    "epoch",
    "batch",
    "lr",
    "grad_norm",
    "delta_mean_abs",
    "weight_norm",
    "update_ratio",
    "saturated_fraction",
    "dead_fraction",
    "act_mean",
    "act_std",
    "W",
    "b",
    "z",
    "a",
    "a_prev",
    "mask",
    "delta",
    "from_above",
    "local_slope",
    "grad_W",
    "grad_b",
    "W_new",
    "b_new",
    "step_W",
    "step_b",
    "x",
    "y",
    "grad_a",
    "nan",
    "inf",
    "foo",
    "W_",
    "grad",
]
FUNCTIONS = ["abs", "max", "min", "mean", "sum", "norm", "nan", "inf", "finite", "len", "eval"]
NUMBERS = ["0", "1", "-1", "0.5", "1e-6", "1e400", "-0", "1e", ".5", "5.", "9" * 30, "0x1F", "1_0"]


@st.composite
def expressions(draw, depth: int = 0):
    """Debugger expressions from the grammar of ``help expressions``, often slightly wrong."""
    choice = draw(st.integers(0, 9 if depth < 4 else 2))
    if choice <= 1:
        return draw(st.sampled_from(NUMBERS))
    if choice <= 3:
        name = draw(st.sampled_from(NAMES))
        if draw(st.booleans()):
            name += "@" + draw(st.sampled_from(["0", "1", "2", "3", "-1", "", "x", "99999999"]))
        if draw(st.integers(0, 2)) == 0:
            indices = draw(st.lists(st.sampled_from(["0", "1", "-1", "5", "", ":"]), max_size=3))
            name += "[" + ",".join(indices) + "]"
        return name
    if choice <= 5:
        left, right = draw(expressions(depth + 1)), draw(expressions(depth + 1))
        op = draw(
            st.sampled_from(["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"])
        )
        return f"{left} {op} {right}"
    if choice == 6:
        return f"{draw(st.sampled_from(['not ', '-', '+', '']))}{draw(expressions(depth + 1))}"
    if choice == 7:
        return f"({draw(expressions(depth + 1))})"
    if choice == 8:
        args = draw(st.lists(expressions(depth + 1), max_size=3))
        return f"{draw(st.sampled_from(FUNCTIONS))}({', '.join(args)})"
    return draw(st.text(alphabet="()[]@,.<>=!+-*/ abcdlosxyWz0123456789_", max_size=30))


conditions = st.one_of(
    expressions(),
    expressions(),
    st.text(max_size=40),
    st.integers(1, 200).map(lambda n: "(" * n + "loss" + ")" * n),
    st.integers(1, 600).map(lambda n: "not " * n + "loss"),
    st.tuples(st.integers(1, 4000), st.sampled_from("+-*/")).map(
        lambda chain: "loss" + f" {chain[1]} loss" * chain[0] + " > 0"
    ),
    st.tuples(st.integers(1, 3000), st.sampled_from(FUNCTIONS)).map(
        lambda call: f"{call[1]}(" * call[0] + "W@1" + ")" * call[0] + " > 0"
    ),
    st.tuples(st.integers(1, 200), st.sampled_from(["and", "or", "+"])).map(
        lambda side: f" {side[1]} ".join(["(not (loss > 0))"] * side[0])
    ),
    st.integers(1, 300_000).map(lambda n: "grad_norm" + "x" * n + " > 0"),
)


def _controllers() -> list[Controller]:
    """xor at StepStart, mid-backward and at a StepEnd; spiral (3 layers, batches) mid-forward."""
    out = []
    for name, events in (("xor", 0), ("xor", 7), ("xor", 35), ("spiral", 3)):
        c = follow_run(build_run(load_scenario(name)))
        if events:
            c.step(events)
        out.append(c)
    return out


_CONTROLLERS: list[Controller] = []


def condition_target(text: str) -> None:
    """Parse ``text`` as a condition and an expression; evaluate and print it at several
    positions; as a breakpoint, run a few steps with it."""
    from engine.debugger.conditions import parse_condition, parse_expression

    if not _CONTROLLERS:
        _CONTROLLERS.extend(_controllers())
    with bounded("debugger expression", seconds=5.0):
        for parse in (parse_expression, parse_condition):
            try:
                parse(text, 2)
            except DebuggerError as e:
                assert e.message if hasattr(e, "message") else str(e)
                one_line(Exception(getattr(e, "message", str(e))))
        for c in _CONTROLLERS:
            with np.errstate(all="ignore"):
                try:
                    format_value(c.evaluate(text))
                except DebuggerError as e:
                    one_line(Exception(getattr(e, "message", str(e))))
        c = follow_run(build_run(load_scenario("xor", ["training.epochs=5"])))
        try:
            c.add_breakpoint(text)
        except DebuggerError:
            return
        with np.errstate(all="ignore"):
            for _ in range(3):
                stop = c.cont()
                one_line(Exception(stop.message or "done"))
                if stop.reason in ("finished", "end"):
                    break
