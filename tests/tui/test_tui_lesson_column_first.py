"""``L`` in the grid shows (or hides) the lesson's column in a screen update of its own, the
other panels as they were; the grid with the panels at their new widths, and their redraws,
come in the next updates (``LessonActions._lesson_column``). One update of the whole grid took
170–280 ms from the key to the lesson."""

from __future__ import annotations

from status_first_harness import NEVER_STOP, WIDE, until
from textual import events

OTHERS = ("network", "loss", "data", "debugger", "gradients")


def _record(app) -> list[tuple]:
    """In order: each screen update ("update", the lesson's region or None when it is not
    shown, the other panels' widths) and each panel drawn ("panel", its name)."""
    seen: list[tuple] = []
    screen = app.screen
    refresh = screen._compositor_refresh
    lesson = app.panels["lesson"]

    def updated() -> None:
        refresh()
        shown = lesson.display and lesson.visible and lesson.region.width > 0
        widths = {name: app.panels[name].region.width for name in OTHERS}
        seen.append(("update", lesson.region if shown else None, widths))

    screen._compositor_refresh = updated
    for name, panel in app.panels.items():

        def drawn(view, name=name, draw=panel.refresh_view) -> None:
            seen.append(("panel", name))
            draw(view)

        panel.refresh_view = drawn
    return seen


async def _toggle(app, pilot, show: bool) -> None:
    """Press L until the lesson is ``show``n, and check the order of what came on the screen."""
    widths = {name: app.panels[name].region.width for name in OTHERS}
    seen = _record(app)
    app.post_message(events.Key("L", "L"))  # (pilot.press waits for an idle app: not training)
    await until(lambda: app.lesson_open == show)
    await until(lambda: any(item[0] == "update" and item[2] != widths for item in seen))
    await pilot.pause(0.1)
    updates = [i for i, item in enumerate(seen) if item[0] == "update"]
    first = next(i for i in updates if (seen[i][1] is not None) == show)
    assert seen[first][2] == widths, seen  # the lesson first: the panels as they were
    regrid = next(i for i in updates if seen[i][2] != widths)
    assert first < regrid, seen
    assert (seen[regrid][1] is not None) == show, seen  # never back to the old state
    final = app.panels["lesson"].region if show else None
    if show:
        assert seen[first][1] == final, seen  # where its column is then
    drawn = {item[1] for item in seen[regrid:] if item[0] == "panel"}
    assert set(OTHERS) <= drawn, seen  # redrawn for their new widths, after the new grid
    assert all(seen[i][2] == seen[-1][2] for i in updates if i >= regrid), seen
    panels = app.query_one("#panels")
    assert not panels.has_class("-lesson-over") and not panels.has_class("-lesson-leaving")
    assert panels.has_class("-lesson") == show


async def test_the_lesson_column_comes_before_the_grid_is_laid_out_again(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.lesson_open
        await _toggle(app, pilot, show=False)
        await _toggle(app, pilot, show=True)
        assert app.panels["lesson"].has_focus_within  # its keys (↑↓ enter) at once
        await _l_twice(app, pilot)


async def test_the_lesson_column_comes_first_while_training(lab_app):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.post_message(events.Key("space", " "))
        await until(lambda: app.training and app.session.steps_done > 0)
        await _toggle(app, pilot, show=False)
        await _toggle(app, pilot, show=True)
        assert app.training
        await app.stop_training()


async def _l_twice(app, pilot) -> None:
    """Shown and hidden again (or the reverse) before the screen is updated: the grid as it
    was, and nothing left of the first frame."""
    panels = app.query_one("#panels")
    before = {name: app.panels[name].region for name in app.panels}
    app.show_lesson(False)
    app.show_lesson(True)
    await pilot.pause(0.1)
    assert panels.has_class("-lesson") and not panels.has_class("-lesson-leaving")
    assert {name: app.panels[name].region for name in app.panels} == before
    app.show_lesson(False)
    await pilot.pause(0.1)
    app.show_lesson(True)
    app.show_lesson(False)
    await pilot.pause(0.1)
    assert not panels.has_class("-lesson") and not panels.has_class("-lesson-over")
    assert not app.panels["lesson"].region
    assert app.panels["gradients"].region.width == 40
