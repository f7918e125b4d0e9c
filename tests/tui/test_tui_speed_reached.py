"""The status line says how fast training goes where the setting does not: at ``max`` it read
'speed max' with no figure (spiral ran ~12,000 steps a second), and at '10,000/s' it claimed a
rate the machine did not reach (7,700 measured). While training runs it now gives the rate
measured beside the setting: 'speed 12,000/s of max', 'speed 7,700/s of 10,000/s'."""

from __future__ import annotations

import re
import time

from tui.speed import MAX, RATE_WINDOW, RateMeter, speed_text

WIDE = (120, 40)


def test_the_rate_measured_is_told_at_max_and_where_the_setting_is_not_reached():
    assert speed_text(MAX, 12_345.6) == "speed 12,000/s of max"
    assert speed_text(10_000, 7_694.0) == "speed 7,700/s of 10,000/s"
    assert speed_text(500, 478.0) == "speed 500/s"  # within 10%: reached
    assert speed_text(5, 3.0) == "speed 5/s"  # too few steps in the window to tell
    assert speed_text(MAX) == "speed max" and speed_text(20) == "speed 20/s"  # not running


def test_the_meter_measures_over_its_window_and_starts_afresh():
    meter = RateMeter()
    assert meter.observe(0, 10.0) is None  # no span yet
    assert meter.observe(300, 10.5) is None  # less than half the window
    assert meter.observe(1000, 11.0) == 1000.0  # 1,000 steps in 1 s
    for i in range(1, 11):  # then 500 steps a second for 5 s: the first second drops out
        rate = meter.observe(1000 + 250 * i, 11.0 + 0.5 * i)
    assert rate == 500.0
    assert meter.observe(10, 16.5) is None  # a reset's step 10: not a negative rate
    meter.reset()
    assert meter.observe(5000, 20.0) is None


async def test_while_training_runs_at_max_the_status_line_gives_the_rate(lab_app):
    app = lab_app("spiral", overrides=["training.epochs=100000"])
    async with app.run_test(size=WIDE) as pilot:

        def line() -> str:
            return app.status_bar.line.render().plain

        app.session.pacer.set(MAX)
        await pilot.press("space")
        deadline = time.monotonic() + 10 * RATE_WINDOW
        while not re.search(r"│ speed [\d,]+/s of max$", line()) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert re.search(r"│ speed [1-9][\d,]*/s of max$", line()), line()
        await pilot.press("space")  # paused: the setting alone
        await pilot.pause(0.1)
        assert line().endswith("│ speed max")


def test_a_measured_rate_too_wide_for_the_line_gives_way_to_the_setting():
    """At 80 columns spiral's line had room for 'max' but not '12,000/s of max': the speed went
    from the line altogether."""
    from tui.status_bar import SEPARATOR, status_line

    where = "step 102,936 · epoch 10,294 · batch 6/10"
    args = ("Backprop Lab", "spiral", "running", "batch loss 0.01129", where, 78)
    parts = status_line(*args, "speed 12,000/s of max", "speed max")
    assert SEPARATOR.join(p.plain for p in parts).endswith(f"{where} │ max")
    roomy = status_line(*args[:-1], 120, "speed 12,000/s of max", "speed max")
    assert roomy[-1].plain == "speed 12,000/s of max"
