"""The lab's way into the comparison view: ``c`` (the preset's counterpart, its ``compare``
key), "Compare with…" in the command palette (a picker of scenarios) and a lesson's
``lab:compare`` action all end in ``open_comparison``.

The comparison is of the scenario open in the lab (as loaded: its overrides, its seed) with the
other one, showing the statistic and loss scale the lab shows; training in the lab is paused
first, and the lab's own run is left as it was — the comparison trains two fresh runs and closing
it (escape, c) returns to the lab unchanged.
"""

from __future__ import annotations

from scenarios import ScenarioError, load_scenario
from tui.screens.dialogs import ErrorDialog


async def open_comparison(app, other: str) -> None:
    """The comparison of the lab's scenario with ``other`` (a preset name or a file)."""
    from tui.comparison import Comparison
    from tui.screens.compare import CompareScreen

    session = app.session
    try:
        comparison = Comparison.of(session.scenario, load_scenario(other), session.seed)
    except ScenarioError as e:
        await app.push_screen_wait(ErrorDialog("Cannot compare", str(e)))
        return
    comparison.stat, comparison.log_scale = session.view.stat, session.view.log_scale
    await app.stop_training()
    await app.push_screen_wait(CompareScreen(comparison))


async def compare_counterpart(app) -> None:
    """``c``: the comparison with the preset's counterpart; without one, the picker."""
    other = app.session.scenario.compare
    if other is None:
        app.notify(
            f"{app.session.scenario.name} names no counterpart (its compare key): pick one.",
            timeout=4,
        )
        await compare_with(app)
        return
    await open_comparison(app, other)


async def compare_with(app) -> None:
    """ "Compare with…": pick the other scenario, then compare."""
    from tui.screens.picker import ScenarioPicker

    scenario = app.session.scenario
    choice = await app.push_screen_wait(
        ScenarioPicker(
            scenario.compare or scenario.name,
            title=f"Compare {scenario.name} with… — enter picks, escape cancels",
        )
    )
    if choice is not None:
        await open_comparison(app, choice)
