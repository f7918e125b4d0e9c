"""``train``'s last line counts its steps per second in words: it printed "1 steps per second"
for a run of about one step a second."""

from __future__ import annotations

from scenarios import build_run, load_scenario
from tui.commands.train import report


def speed_line(steps_per_second: float) -> str:
    run = build_run(load_scenario("xor", ("training.epochs=1",)))
    summary = run.fit()
    return report(run, {**summary, "steps_per_second": steps_per_second})[-1]


def test_one_step_a_second_is_one_step():
    assert speed_line(1.2) == "1 step per second"


def test_more_are_steps_with_their_thousands_grouped():
    assert speed_line(12345.4) == "12,345 steps per second"
