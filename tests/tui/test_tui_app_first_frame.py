"""The lab's first frame: the text panels at once, the loss plot and data picture right after."""

from __future__ import annotations

import asyncio
import gc

from scenario_texts import BARE
from textual.screen import Screen

from tui.panels.data_field import Field
from tui.panels.loss_panel import START_HINT
from tui.panels.network_picture import NetworkPicture


async def _until(condition, timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, "timed out"
        await asyncio.sleep(0.01)
        waited += 0.01


async def test_the_first_frame_shows_the_lab_and_the_plots_follow(lab_app, monkeypatch):
    app = lab_app("xor")
    seen: dict = {}
    update = Screen._compositor_refresh

    def first_update(screen) -> None:
        update(screen)
        if not seen and screen is app.screen:
            loss, data = app.panels["loss"], app.panels["data"]
            seen.update(
                status=app.status_bar.line.render().plain,
                drawn={name: panel.last_view is not None for name, panel in app.panels.items()},
                plot_builds=loss.query_one("#loss-plot").builds,
                data_drawn=data._drawn is not None,
                # the layout of the terminal's size: its breakpoint classes, every panel in view
                classes=set(screen.classes),
                sizes={name: panel.region.area for name, panel in app.panels.items()},
            )

    monkeypatch.setattr(Screen, "_compositor_refresh", first_update)
    # 160 columns: the lesson's column leaves the loss plot room for its hint
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert "xor" in seen["status"] and "idle" in seen["status"]
        assert all(seen["drawn"].values())  # every panel had its view for the first frame
        # the grid at once: the first frame was the lesson's tab alone (no -w-wide yet, every
        # other panel of size 0), then the grid
        assert {"-w-wide", "-h-tall"} <= seen["classes"]
        assert all(seen["sizes"].values()), seen["sizes"]
        assert seen["plot_builds"] == 0 and not seen["data_drawn"]  # the pictures came after
        loss_plot = app.panels["loss"].query_one("#loss-plot")
        await _until(lambda: loss_plot.builds > 0 and app.panels["data"]._drawn is not None)
        await pilot.pause()
        lines = [line.text for line in loss_plot.picture()]
        assert any(START_HINT in line for line in lines)  # what to press …
        assert any("●" in line for line in lines)  # … and the initial network's loss as step 0
        picture = app.query_one(NetworkPicture)  # the network, its weights and units' maps
        assert picture.layout_ is not None and not picture.layout_.message
        assert picture.grid and any(c.char == "▀" for row in picture.grid for c in row)
        field = app.query_one("#data-canvas").content
        assert isinstance(field, Field) and _points(field.plain) == 4  # the four XOR points
        assert len(field.lines) == app.query_one("#data-canvas").size.height  # at its size


async def test_a_picture_in_a_hidden_tab_is_drawn_when_the_tab_is_shown(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(80, 24)) as pilot:  # one panel at a time, behind tabs
        await pilot.pause(0.2)
        data = app.panels["data"]
        assert data._drawn is None  # hidden: nothing to draw it at
        await pilot.press("5")  # the data tab
        await _until(lambda: data._drawn is not None)
        await pilot.pause()
        assert _points(app.query_one("#data-canvas").content.plain) == 4


async def test_a_launch_without_the_garbage_collector_turns_it_back_on_after_the_first_frame():
    from tui.app import LabApp
    from tui.session import LabSession

    session = LabSession.open("xor")
    gc.disable()  # as the command line starts the lab
    try:
        app = LabApp(session=session, resume_gc=True)
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.session is session  # started on the session given, not a new one
            await _until(gc.isenabled)
            await pilot.pause()
    finally:
        gc.enable()


def test_the_command_line_starts_the_lab_without_the_garbage_collector(monkeypatch):
    from click.testing import CliRunner

    import tui.app
    from tui.cli import main

    seen = []

    def run(app, **kwargs) -> None:
        seen.append((app, gc.isenabled()))

    monkeypatch.setattr("tui.cli.is_interactive", lambda: True)
    monkeypatch.setattr("tui.launch.is_interactive", lambda: True)
    monkeypatch.setattr(tui.app.LabApp, "run", run)
    assert gc.isenabled()
    result = CliRunner().invoke(main, ["open", "spiral"], prog_name="backprop-lab")
    assert result.exit_code == 0, result.output
    ((app, collecting),) = seen
    assert not collecting and app._resume_gc  # off for the start-up, the app turns it on
    assert app.session is None and app._given_session.scenario.name == "spiral"
    assert gc.isenabled()  # and it is on again once the lab has returned
    bad = CliRunner().invoke(main, ["open", "no-such-scenario"], prog_name="backprop-lab")
    assert bad.exit_code == 2 and gc.isenabled()


async def test_the_first_picture_fits_under_a_legend_of_two_lines(lab_app):
    """Spiral's legend wraps at 120×40: it is written before the picture is drawn, so the
    picture is drawn at the canvas's final size (not one row too tall, its bottom cut off)."""
    app = lab_app("spiral")
    # the grid without the Lesson column (as after L): with it, the Data panel is 26 cells wide
    # and its first picture is one row too tall until the next frame (~0.2 s) redraws it
    app.show_lesson = lambda *args, **kwargs: None
    async with app.run_test(size=(120, 40)) as pilot:
        data = app.panels["data"]
        await _until(lambda: data._drawn is not None)
        await pilot.pause(0.2)
        canvas = app.query_one("#data-canvas")
        assert app.query_one("#data-note").size.height == 2
        assert len(canvas.content.lines) == canvas.size.height
        assert data._drawn[3] == canvas.size  # drawn at the size it has now


async def test_a_session_given_is_composed_with_its_lesson_and_styled_once(monkeypatch, tmp_path):
    """As ``backprop-lab open`` starts the lab (the session built first): the lesson's column (or
    tab) is in the composed layout, so opening it at mount changes no panel's classes (each
    change restyles the panel and everything in it)."""
    from textual.dom import DOMNode

    from tui.app import LabApp
    from tui.session import LabSession

    changed: list[tuple] = []
    add, remove = DOMNode.add_class, DOMNode.remove_class

    def spy(method, sign):
        def call(node, *names, **kwargs):
            before = set(node.classes)
            result = method(node, *names, **kwargs)
            for name in {"-lesson", "-off"} & (before ^ set(node.classes)):
                changed.append((node.id, sign + name))
            return result

        return call

    monkeypatch.setattr(DOMNode, "add_class", spy(add, "+"))
    monkeypatch.setattr(DOMNode, "remove_class", spy(remove, "-"))
    for size in ((120, 40), (80, 24)):
        changed.clear()
        app = LabApp(session=LabSession.open("dying-relu"))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert app.lesson_open and app.current_tab == "lesson"
            assert app.tabs.active == "tab-lesson"
            assert app.query_one("#panels").has_class("-lesson")
            assert app.panels["lesson"].display and app.panels["lesson"].region.width > 0
            assert changed == [], size
            await pilot.press("L")  # focused from the start: hidden, back to the first panel
            await pilot.pause()
            assert not app.lesson_open and app.current_tab == "network"
            assert ("panels", "--lesson") in changed
    bare = tmp_path / "bare.toml"  # no lesson: the first panel, no column
    bare.write_text(BARE)
    app = LabApp(session=LabSession.open(str(bare)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.lesson_open and app.current_tab == "network"
        assert not app.query_one("#panels").has_class("-lesson")


async def test_the_screen_is_styled_once_at_start_and_again_when_it_changes(monkeypatch):
    """Every widget is styled as it is mounted; neither the first resume of the lab's screen
    nor its first resize styles them all again (the screen starts with the breakpoint classes
    of its size). A resize across a breakpoint still does."""
    from textual.app import App

    from tui.app import LabApp
    from tui.session import LabSession

    restyled: list[str] = []
    update = App.update_styles

    def spy(app, node, animate=True):
        if isinstance(node, Screen):
            restyled.append(node.id)
        return update(app, node, animate=animate)

    monkeypatch.setattr(App, "update_styles", spy)
    for size, classes in (
        ((120, 40), {"-w-wide", "-h-tall"}),
        ((80, 24), {"-w-narrow", "-h-narrow"}),
    ):
        restyled.clear()
        app = LabApp(session=LabSession.open("dying-relu"))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert classes <= set(app.screen.classes)
            assert restyled == [], size
            wide = size[0] > 100
            await pilot.resize_terminal(100 if wide else 115, size[1])  # -w-wide ↔ -w-narrow
            await pilot.pause()
            assert restyled == ["_default"]
            assert app.screen.has_class("-w-narrow" if wide else "-w-wide")


def _points(plain: str) -> int:
    """The data points drawn as glyphs: ● on its class's tint, or its class's mark (○ ● ▲) where
    the network puts it in another class's area (``Palette.astray``)."""
    return sum(plain.count(mark) for mark in "●○▲")
