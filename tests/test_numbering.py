"""One numbering everywhere: layers from 1 (the input is 0); units, examples and matrix indices
from 0; things counted (steps, epochs, batches, event k of N) from 1.

The same weight is named the same way by ``check``, the lessons and the debugger (its
equations, its expressions and the line mode), and the event list agrees with "Event k of N".
"""

import io
import re

from engine.debugger.follow import follow_run
from engine.debugger.linemode import LineMode
from scenarios import build_run, check_scenario, load_scenario
from tui.panels.debugger_panel import position_line
from tui.session import LabSession


def test_check_the_lesson_and_the_debugger_name_the_first_output_weight_alike():
    scenario = load_scenario("worked-example")
    claim = next(r for r in check_scenario(scenario) if "first output weight" in r.claim)
    assert claim.measured.startswith("W²₀₀ (W@2[0,0]) at step 1 = 0.35891647")
    assert "W²₀₀" in scenario.lesson and "0.35891648" in scenario.lesson

    c = follow_run(build_run(scenario))
    c.goto(1, "update", 2)
    explanation = c.explain((0, 0))
    assert explanation.lines[-1].lhs.u == "W²₀₀"  # W²₀₀ ← W²₀₀ − η ∂C/∂W²₀₀ = … = 0.3589
    assert explanation.result.value == c.event.W_new[0, 0]
    assert c.evaluate("W@2[0,0]") == 0.40  # the debugger's expression: in force, before
    assert c.evaluate("W_new@2[0,0]") == explanation.result.value
    shown = claim.measured.split(" = ")[1].split()[0]  # check's figure: the value, rounded
    last_digit = 10.0 ** -len(shown.partition(".")[2])
    assert abs(explanation.result.value - float(shown)) <= last_digit / 2
    assert explanation.lines[-1].lhs.a == "W[2][0,0]"  # --ascii


def test_the_first_hidden_weight_is_w100_in_every_view():
    scenario = load_scenario("worked-example")
    claim = next(r for r in check_scenario(scenario) if "first hidden weight" in r.claim)
    assert claim.measured.startswith("W¹₀₀ (W@1[0,0])")
    assert "W¹₀₀ goes from 0.15 to 0.149780716" in scenario.lesson
    c = follow_run(build_run(scenario))
    c.goto(1, "update", 1)
    assert c.explain((0, 0)).lines[-1].lhs.u == "W¹₀₀"


def test_the_event_list_counts_from_1_like_event_k_of_n():
    c = follow_run(build_run(load_scenario("worked-example")))
    c.step(4)  # StepStart, Forward 1, Forward 2, Loss → Delta(l=2), the 5th event
    out = io.StringIO()
    LineMode(c, io.StringIO("w\n"), out).run()
    text = out.getvalue()
    assert "Event 5 of 11 in step 1:" in text
    marked = re.search(r" > +(\d+) (\S+)", text)
    assert marked.groups() == ("5", "Delta(l=2)")
    assert re.search(r"^ +1 StepStart$", text, re.M)  # the first event is 1, not 0
    assert c.position.short() == "step 1 · epoch 1 · batch 1 · Delta(l=2) · event 5/11"


def test_the_lab_shows_the_same_k_of_n():
    session = LabSession.open("worked-example")
    session.controller.step(4)
    session.sync_view()
    assert "Delta(l=2) 5/11" in position_line(session.view).plain
