"""The condition language: parsing without eval, errors with a caret, evaluation semantics."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.debugger import ConditionError, EvalError, parse_condition, parse_expression
from engine.stats import LayerStats


def stats(*grad_norms):
    return tuple(
        LayerStats(l, g, 0.1 * l, 1.0, 0.01, 0.0, 0.0, 0.5, 0.1)
        for l, g in enumerate(grad_norms, start=1)
    )


class Ctx(SimpleNamespace):
    def array(self, name, l):
        return self.arrays[(name, l)]


def ctx(**kw):
    base = dict(
        L=3,
        stats=stats(1e-7, 1e-3, 0.5),
        loss=0.7,
        loss_change=-0.01,
        step=5,
        epoch=2,
        batch=1,
        lr=0.5,
        arrays={("W", 2): np.array([[0.4, -0.2], [1.5, 0.0]]), ("delta", 3): np.ones((2, 1))},
    )
    base.update(kw)
    return Ctx(**base)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("grad_norm@1 < 1e-6", True),
        ("grad_norm@2 < 1e-6", False),
        ("grad_norm < 1e-6", True),  # any layer
        ("grad_norm > 1", False),
        ("grad_norm@1 / grad_norm@3 < 1e-3", True),
        ("loss > 0.5 and step >= 5", True),
        ("loss > 0.5 and not step >= 5", False),
        ("loss > 1 or epoch == 2", True),
        ("(loss > 1 or epoch == 2) and batch != 1", False),
        ("loss_change < 0", True),
        ("-loss < -0.6", True),
        ("loss == nan", False),
        ("loss != nan", True),
        ("nan(loss)", False),
        ("finite(W@2)", True),
        ("W@2[1,0] > 1", True),
        ("W@2[0,-1] == -0.2", True),
        ("max(abs(W@2)) == 1.5", True),
        ("norm(delta@3) > 1.41", True),
        ("lr * 2 == 1", True),
        ("1 / 0 == inf", True),
        ("-1 / 0 == -inf", True),
    ],
)
def test_evaluation(text, expected):
    assert parse_condition(text, 3).evaluate(ctx()) is expected


def test_nan_and_inf():
    c = ctx(loss=math.nan)
    assert parse_condition("loss == nan").evaluate(c)
    assert parse_condition("nan == loss").evaluate(c)
    assert parse_condition("nan(loss) or inf(loss)").evaluate(c)
    assert not parse_condition("finite(loss)").evaluate(c)
    assert parse_condition("inf(grad_norm)").evaluate(ctx(stats=stats(1, math.inf, 1)))
    assert parse_condition("0 / 0 == nan").evaluate(c)


def test_any_layer_binds_the_same_layer_within_a_comparison():
    # grad_norm / delta_mean_abs at the same layer l: 1e-7/0.1, 1e-3/0.2, 0.5/0.3
    expr = parse_condition("grad_norm / delta_mean_abs > 1")
    assert expr.evaluate(ctx())
    assert expr.witnesses(ctx()) == ["grad_norm@3 = 0.5000", "delta_mean_abs@3 = 0.3000"]


def test_watch_without_selector_gives_every_layer():
    value = parse_expression("grad_norm").evaluate(ctx())
    assert value == {1: 1e-7, 2: 1e-3, 3: 0.5}


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("grad_norm@1 < < 1e-6", 14, "expected a number or a name"),
        ("grad_nrom@1 < 1", 0, "did you mean grad_norm"),
        ("loss = 1", 5, "use =="),
        ("loss < nan", 5, "nan compares only"),
        ("delta@2 > 1", 0, "is an array"),
        ("a < 1 < 2", 0, "is an array"),
        ("loss < 1 < 2", 9, "cannot be chained"),
        ("loss@2 > 1", 4, "not per layer"),
        ("grad_norm@x < 1", 10, "layer number"),
        ("(loss > 1", 9, "expected ')'"),
        ("W@2[0,1,2] > 0", 3, "2 dimensions"),
        # the --ascii way of printing W²₀₁ and δ²₁ is not an expression: said how to write them
        ("W[2][0,1] > 0", 4, "as in W@2[0,1] (--ascii prints it W[2][0,1])"),
        ("delta[2][1] > 0", 8, "as in delta@2[0,1] for example 0"),
        ("W@2[0][1] > 0", 6, "one index list per name, e.g. W@2[0,1]"),
        ("loss", 0, "must be true or false"),
        ("loss > 1 and 3", 13, "combines true/false"),
        ("loss & step", 5, "unexpected character"),
        ("", 0, "empty"),
    ],
)
def test_syntax_errors_point_at_the_offending_character(text, column, words):
    with pytest.raises(ConditionError) as info:
        parse_condition(text, 3)
    err = info.value
    assert err.column == column and words in err.message
    lines = err.caret().splitlines()
    assert lines[0] == text and lines[1] == " " * column + "^"


@pytest.mark.parametrize(("text", "column"), [("grad_norm@7 < 1", 10), ("W@0[0,0] > 1", 2)])
def test_a_layer_that_does_not_exist_names_the_valid_range(text, column):
    with pytest.raises(ConditionError) as info:
        parse_condition(text, 3)
    assert "does not exist" in info.value.message and "1…3" in info.value.message
    assert info.value.column == column


def test_a_at_zero_is_the_input():
    parse_expression("a@0[0,0]", 3)  # no error: layer 0 is the input for a


def test_values_that_cannot_be_computed_raise_eval_errors():
    with pytest.raises(EvalError, match="out of range"):
        parse_condition("W@2[5,0] > 1").evaluate(ctx())
    with pytest.raises(EvalError, match="statistics come at the end of step 1"):
        parse_condition("grad_norm@1 < 1").evaluate(ctx(stats=None))


def test_needs_events():
    assert parse_condition("delta@2[0,0] > 1").needs_events
    assert parse_condition("max(abs(z@1)) > 10").needs_events
    assert not parse_condition("grad_norm@1 < 1e-6 and W@2[0,0] > 1 and loss > 2").needs_events


NAMES = ["loss", "step", "grad_norm@1", "grad_norm", "weight_norm@2", "1.5", "1e-3", "nan"]


@st.composite
def conditions(draw, depth=0):
    if depth > 2 or draw(st.booleans()):
        left, right = draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES[:5]))
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"{right} {op} {left}" if left != "nan" else f"{right} == nan"
    a, b = draw(conditions(depth + 1)), draw(conditions(depth + 1))
    op = draw(st.sampled_from(["and", "or"]))
    text = f"({a}) {op} ({b})"
    return f"not {text}" if draw(st.booleans()) else text


@settings(deadline=None, max_examples=60)
@given(conditions())
def test_generated_conditions_parse_and_print_back(text):
    expr = parse_condition(text, 3)
    value = expr.evaluate(ctx())
    again = parse_condition(str(expr.root), 3)  # the tree prints as a condition that means the same
    assert again.evaluate(ctx()) is value


def test_whole_numbers_print_without_a_trailing_point():
    from engine.debugger.formatting import num, value

    assert num(2000.0) == "2000" and num(0.4) == "0.4000" and num(30.0) == "30.00"
    assert value(30) == "30" and value(np.int64(7)) == "7" and value(2.5) == "2.500"


def test_nan_alone_is_not_a_condition_and_the_hint_says_what_to_write():
    for text in ("nan", "inf"):
        with pytest.raises(ConditionError, match=r"nan\(loss\).*breakpoint 0"):
            parse_condition(text, 2)


@pytest.mark.parametrize(
    "text",
    ["(" * 100 + "loss" + ")" * 100, "not " * 500 + "loss > 1", "-" * 500 + "loss"],
    ids=["parentheses", "not", "minus"],
)
def test_deep_nesting_is_refused_with_a_message(text):
    """100 parentheses or 500 chained 'not' / '-' raised RecursionError before the depth limit."""
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_expression(text, 3)


def test_nested_function_calls_are_refused_with_a_message():
    """Calls did not count as levels: abs(abs(…)) 2,000 deep raised RecursionError (a crash of
    the line-mode debugger, and of a scenario's [[breakpoints]] when it loads)."""
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_condition("abs(" * 2000 + "loss" + ")" * 2000 + " > 1", 3)
    parse_condition("abs(" * 40 + "loss" + ")" * 40 + " > 1", 3)  # as deep as allowed


def test_levels_side_by_side_do_not_add_up():
    """The depth counted every '(', 'not' and sign of the expression, nested or not: 41
    conditions in parentheses joined by 'and' were refused as nested too deeply."""
    parse_condition(" and ".join(["(loss > 1)"] * 41), 3)
    parse_condition(" + ".join(["-loss"] * 41) + " > 0", 3)
    parse_condition(" or ".join(["not (loss > 1)"] * 41), 3)


def test_a_long_unknown_name_is_refused_without_comparing_it_to_every_name():
    """The typo hint measured the edits from the word to each known name letter by letter: a
    word of 200,000 letters took a minute; only names of about its length can be a typo of
    it. Bounded as a fuzz input is."""
    from fuzzing import bounded

    with bounded("a name of 200,000 letters"), pytest.raises(ConditionError) as error:
        parse_condition("x" * 200_000 + " > 1", 3)
    assert error.value.message.startswith("unknown name 'xxx") and "did you mean" not in str(
        error.value
    )
    with pytest.raises(ConditionError, match="did you mean grad_norm"):
        parse_condition("grad_nrom@1 > 1", 3)


@pytest.mark.parametrize("op", ["+", "*", "-", "/"])
def test_a_long_chain_of_operators_is_refused_with_a_message(op):
    """3,000 chained operators (loss+loss+…) built a tree 3,000 deep, and printing it raised
    RecursionError, which ended the line-mode debugger."""
    text = "loss" + f" {op} loss" * 3000
    with pytest.raises(ConditionError, match="too long: at most 100 of"):
        parse_expression(text, 3)
    parse_expression("loss" + f" {op} loss" * 100, 3)  # as many as allowed


def test_an_index_of_thousands_of_digits_is_refused_with_a_message():
    with pytest.raises(ConditionError, match="too large"):
        parse_expression("a@1[" + "9" * 5000 + ",0] > 0", 3)


def test_a_negative_index_counts_from_the_end_as_the_help_says():
    """``W@2[-1,0]`` was accepted with no word about it in the help (fuzz campaign)."""
    from engine.debugger.linemode_commands import EXPRESSION_HELP

    c = ctx()
    assert parse_expression("W@2[-1,0]", 3).evaluate(c) == 1.5
    assert "from the end with -1" in EXPRESSION_HELP and "W@1[-1,0]" in EXPRESSION_HELP
