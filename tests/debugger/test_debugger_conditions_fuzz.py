"""Fuzzing the debugger's expression parser (issue 16, point 8): generated conditions and
print expressions — from the grammar, slightly wrong, nested deep, or random text — parse or are
refused with a one-line ConditionError; evaluated (and printed) at StepStart, mid-backward, at a
StepEnd and mid-forward they give a value or one EvalError line; as breakpoints they stop or run.
A bounded, deterministic budget; the campaign in tests/fuzz/ runs thousands."""

from __future__ import annotations

from fuzzing import condition_target, conditions
from hypothesis import HealthCheck, given, settings


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(conditions)
def test_generated_expressions_parse_evaluate_and_break_or_are_one_line(text):
    condition_target(text)
