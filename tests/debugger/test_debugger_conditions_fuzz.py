"""Fuzzing the debugger's expression parser: generated conditions and
print expressions — from the grammar, slightly wrong, nested deep, or random text — parse or are
refused with a one-line ConditionError; evaluated (and printed) at StepStart, mid-backward, at a
StepEnd and mid-forward they give a value or one EvalError line; as breakpoints they stop or run.
A bounded, deterministic budget; the campaign in tests/fuzz/ runs thousands."""

from __future__ import annotations

from fuzzing import ci_budget, condition_target, conditions
from hypothesis import given


@ci_budget(150)
@given(conditions)
def test_generated_expressions_parse_evaluate_and_break_or_are_one_line(text):
    condition_target(text)
