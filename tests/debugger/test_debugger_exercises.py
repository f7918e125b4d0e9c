"""Exercises: the engine's checking (one place), posed from the line mode (piped, --ascii)."""

import io
import math

import pytest
from click.testing import CliRunner

from engine.debugger import DebuggerError
from engine.debugger import exercises as ex
from engine.debugger.follow import follow_run
from engine.debugger.linemode import LineMode
from scenarios import build_run, load_scenario
from scenarios.exercises import exercises_of
from tui.cli import main

# The worked example's first step, by hand (and in its lesson).
HAND = {
    "z@1[0,0]": 0.3775,
    "a@1[0,0]": 0.593269992,
    "loss": 0.298371109,
    "delta@2[0,0]": 0.138498562,
    "grad_W@2[0,0]": 0.082167041,
    "step_W@2[0,0]": 0.5 * 0.082167041,
    "W_new@2[0,0]": 0.35891648,
    "W_new@1[0,0]": 0.149780716,
}


@pytest.fixture
def worked():
    scenario = load_scenario("worked-example")
    return follow_run(build_run(scenario)), exercises_of(scenario)


def exercise(text: str, step: int = 1, tolerance: float = 1e-3) -> ex.Exercise:
    return ex.Exercise(1, "Compute it.", ex.parse_quantity(text, 2), step, tolerance)


@pytest.mark.parametrize("quantity", HAND)
def test_the_engine_value_is_the_hand_computed_one(worked, quantity):
    c, _ = worked
    attempt = ex.start(c, exercise(quantity))
    assert math.isclose(attempt.expected, HAND[quantity], rel_tol=1e-8)
    assert attempt.answer(repr(attempt.expected)).right


def test_start_stands_just_before_the_event_and_show_moves_onto_it(worked):
    c, _ = worked
    e = exercise("delta@1[0,0]")
    attempt = ex.start(c, e)
    assert c.position.event_name() == "Gradient(l=2)"  # δ¹ not computed yet: not on screen
    assert attempt.explanation.result.value == attempt.expected
    ex.show(c, e)
    assert c.position.event_name() == "Delta(l=1)" and c.position.step == 1
    assert c.explain((0,), 0).text() == attempt.worked_text()  # the debugger's own equation


def test_an_exercise_behind_is_reached_by_going_back_and_one_ahead_by_moving_on(worked):
    c, _ = worked
    c.run(3)
    ex.go_to(c, exercise("delta@2[0,0]", step=2))
    assert (c.position.step, c.position.event_name()) == (2, "Delta(l=2)")
    c.add_breakpoint("loss")  # breakpoints on the way do not stop it
    ex.go_to(c, exercise("W_new@1[0,0]", step=5))
    assert (c.position.step, c.position.event_name()) == (5, "Update(l=1)")


def test_past_the_history_or_the_end_of_training_it_says_so(worked):
    c, _ = worked
    with pytest.raises(
        DebuggerError, match=r"exercise 1 is at step 1, Delta\(l=2\), before the oldest step kept"
    ):
        c.run(150)
        ex.go_to(c, exercise("delta@2[0,0]"))
    with pytest.raises(DebuggerError, match="cannot reach exercise 1 .step 9999"):
        ex.go_to(c, exercise("delta@2[0,0]", step=9999))


@pytest.mark.parametrize(
    "answer, status, message",
    [
        ("0.1385", "right", "Right: δ²₀ (example 0) = 0.1385"),
        ("1.385e-1", "right", "Right"),
        ("0,1385", "right", "Right"),  # a decimal comma
        ("0.155", "wrong", "Not quite: 0.155 is off by 12%"),
        ("0.1390", "wrong", "off by 0.36% (an answer within 0.1% counts)"),
        ("-0.1385", "wrong", "the sign is wrong"),
        ("13.85", "wrong", "off by a factor of 100"),
        ("abc", "not_a_number", "Enter a number"),
        ("", "not_a_number", "Enter a number"),
        ("nan", "not_a_number", "Enter a number"),
        ("1e999", "not_a_number", "Enter a number"),
        ("1/2", "not_a_number", "Enter a number"),
    ],
)
def test_an_answer_is_judged_to_the_relative_tolerance(answer, status, message):
    verdict = ex.check(exercise("delta@2[0,0]"), 0.138498562, answer)
    assert verdict.status == status
    assert message in verdict.message


def test_a_non_number_leaves_the_attempt_open_and_counts_nothing(worked):
    c, _ = worked
    attempt = ex.start(c, exercise("delta@2[0,0]"))
    assert attempt.answer("twelve").status == "not_a_number"
    assert attempt.open and attempt.tries == 0
    assert not attempt.answer("0.2").right and attempt.open and attempt.tries == 1
    assert "0.1385" in attempt.reveal() and not attempt.open


def test_a_zero_value_is_judged_without_dividing_by_it():
    e = exercise("delta@1[0,0]")
    assert ex.check(e, 0.0, "0").right
    assert ex.check(e, 0.0, "0.1").message == "Not quite: the value is much smaller than 0.1."


@pytest.mark.parametrize(
    "text, message",
    [
        ("W@1[0,0]", "'W' is not a quantity an exercise can ask for"),
        ("delta@1", "delta needs a layer and 2 indices [example, unit]"),
        ("grad_b@1[0,0]", "grad_b takes 1 index [j], got 2"),
        ("delta@0[0,0]", "layer 0 does not exist; layers are 1…2"),
        ("delta@1[9999999999,0]", "far too large"),
        (None, "a quantity is text"),
    ],
)
def test_a_bad_quantity_says_what_is_allowed(text, message):
    with pytest.raises(DebuggerError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ex.parse_quantity(text, 2)


# --- line mode ------------------------------------------------------------------------------------


def drive(script: str, ascii: bool = False) -> str:
    scenario = load_scenario("worked-example")
    controller = follow_run(build_run(scenario))
    out = io.StringIO()
    mode = LineMode(
        controller, io.StringIO(script), out, ascii=ascii, exercises=exercises_of(scenario)
    )
    assert mode.run() == 0
    return out.getvalue()


def test_line_mode_lists_the_exercises():
    out = drive("exercise\n")
    assert "  2. δ²₁ (example 0) at step 1, Delta(l=2)\n" in out
    assert "  5. W¹₀₀ after the update at step 1, Update(l=1)\n" in out


def test_line_mode_accepts_the_engine_value_and_refuses_a_wrong_one():
    out = drive("exercise 2\nabc\n0.15\n-0.0381\nw\n")
    assert "(answer) abc\nEnter a number" in out
    assert "(answer) 0.15\nNot quite: 0.15 is off by" in out
    assert "(answer) -0.0381\nRight: δ²₁ (example 0) = -0.03810" in out
    assert "δ²₁ = ∂C/∂a²₁ · σ′(z²₁)" in out  # the worked equation, as explain writes it
    assert "> Step 1, epoch 1, batch 1 — backward pass, layer 2: Delta." in out
    assert " >  5 Delta(l=2)" in out  # then on the event


def test_line_mode_skip_answer_and_reveal():
    out = drive("exercise 3\nskip\np delta@2\nanswer 0.5\nanswer 0.008771\nreveal\n")
    assert "The exercise stays open" in out
    assert "delta@2 = [[  0.1385 -0.03810]]" in out
    assert "Not quite: 0.5 is off by a factor of 57." in out
    assert "Sum the two products first" in out  # the exercise's hint
    assert "Right: δ¹₀ (example 0) = 0.008771" in out
    assert "*** no exercise is open; 'exercise N' poses one" in out


def test_line_mode_exercises_in_ascii():
    out = drive("exercise 4\nreveal\n", ascii=True)
    assert out.isascii()
    assert "Exercise 4: dC/dW[2][0,1] at step 1, Gradient(l=2)" in out
    assert "compute dC/dW[2][0,1] = delta[2][0] * a[1][1]" in out
    assert "The answer: dC/dW[2][0,1] = 0.08267" in out


def test_line_mode_bad_exercise_numbers():
    out = drive("exercise 9\nexercise x\nreveal\n")
    assert "*** no exercise 9; the scenario has exercises 1…5" in out
    assert "*** exercise takes a number 1…5, got 'x'" in out


def test_line_mode_without_exercises_says_so_for_any_number():
    """'exercise -1' on a scenario without exercises said "takes a number 1…0"."""
    controller = follow_run(build_run(load_scenario("linear-regression")))
    out = io.StringIO()
    assert LineMode(controller, io.StringIO("exercise -1\nexercise 2\n"), out).run() == 0
    assert out.getvalue().count("*** this scenario has no exercises\n") == 2
    assert "1…0" not in out.getvalue()


def test_line_mode_a_digit_int_does_not_read_is_a_bad_number():
    """'exercise ²' (a digit to str.isdigit, not to int) ended the debugger in a ValueError
    traceback; '٣' (an Arabic-Indic 3) is a digit to both and poses exercise 3."""
    out = drive("exercise ²\nexercise ٣\nreveal\n")
    assert "*** exercise takes a number 1…5, got '²'" in out
    assert "Exercise 3:" in out


def test_the_debug_command_offers_the_scenario_exercises():
    result = CliRunner().invoke(
        main,
        ["debug", "saturation"],
        input="exercise 4\n3.4995\n3.49955\n",
        prog_name="backprop-lab",
    )
    assert result.exit_code == 0, result.output
    assert "4 exercises: 'exercise' lists them." in result.stdout
    assert "Not quite: 3.4995 is off by 0.0013% (an answer within 0.0002% counts)" in result.stdout
    assert "Right: W¹₀₀ after the update = 3.49955 (the engine's value: 3.4995453" in result.stdout


def test_the_answer_has_the_digits_its_tolerance_needs():
    """The number given as the answer ("Right: … = X", "The answer: … = X") has as many digits
    as the exercise's tolerance needs, and so is accepted itself: saturation's new weight,
    3.499545304 to within 2e-6, read "= 3.500" — no change, where the exercise is how little it
    moves (in the fourth decimal) and 3.4995 is refused; its output 0.9990889 (1e-5) "0.9991".
    Four digits stay where they suffice (the default tolerance, 1e-3)."""
    new_weight = ex.Exercise(4, "W", ex.parse_quantity("W_new@1[0,0]", 1), 1, 2e-6)
    attempt = ex.Attempt(new_weight, 3.499545304, None)
    assert "= 3.49955 (the engine's value: 3.499545304)" in attempt.answer("3.49955").message
    assert attempt.reveal() == "The answer: W¹₀₀ after the update = 3.49955 (3.499545304)."
    output = ex.Exercise(1, "a", ex.parse_quantity("a@1[0,0]", 1), 1, 1e-5)
    assert ex.answer_text(output, 0.9990889488) == "0.99909"
    for value in (0.08216704, -0.0381, 1.0005, 2.689e-4):
        assert ex.answer_text(exercise("z@1[0,0]"), value) == ex.num(value)
    for value, tolerance in ((3.499545304, 2e-6), (0.9990889488, 1e-5), (1 / 3, 1e-9)):
        shown = ex.answer_text(exercise("z@1[0,0]", tolerance=tolerance), value)
        assert ex.relative_error(float(shown), value) <= tolerance
