"""Plots drawn from plotext's ANSI text straight into the screen's lines."""

from __future__ import annotations

import numpy as np
from panel_harness import PanelApp, make_view, record_steps
from rich.console import Console
from rich.text import Text
from textual_plotext.plot import Plot

from tui.panels.loss_panel import MAX_POINTS, LossPanel
from tui.panels.plot import CachedPlot, ansi_strips


def _cells_of_strips(strips) -> list[list[tuple]]:
    return [
        [
            (ch, seg.style.color if seg.style else None, seg.style.bgcolor if seg.style else None)
            for seg in strip
            for ch in seg.text
        ]
        for strip in strips
    ]


def _cells_by_rich(ansi: str) -> list[list[tuple]]:
    """The same text decoded by Rich (what textual-plotext draws), cell by cell."""
    console = Console(width=500, color_system="truecolor")
    rows = []
    for line in Text.from_ansi(ansi).split("\n"):
        row = []
        for seg in line.render(console):
            style = seg.style
            for ch in seg.text:
                row.append((ch, style.color if style else None, style.bgcolor if style else None))
        rows.append(row)
    return rows


def _plotext_picture() -> str:
    plt = Plot()
    plt.plotsize(40, 12)
    plt._set_size(40, 12)
    x = np.arange(50.0)
    plt.plot(x.tolist(), np.exp(-x / 10).tolist(), marker="braille", color=(1, 120, 212))
    plt.plot(x.tolist(), (0.5 * np.exp(-x / 20)).tolist(), marker="braille", color=(255, 166, 43))
    plt.xlabel("step")
    plt.title("a title")
    return plt.build()


def test_plotext_text_becomes_the_same_cells_as_richs_decoder_makes():
    ansi = _plotext_picture()
    strips = ansi_strips(ansi)
    assert len(strips) == ansi.rstrip("\n").count("\n") + 1 >= 12
    assert _cells_of_strips(strips) == _cells_by_rich(ansi)
    assert "step" in strips[-1].text


def test_sgr_attributes_and_colour_codes():
    (strip,) = ansi_strips(
        "\x1b[1;31mA\x1b[22mB\x1b[0m\x1b[38;5;208;48;2;1;2;3mC\x1b[39;49mD\x1b[4;93;104mE"
    )
    styles = [seg.style for seg in strip]
    texts = [seg.text for seg in strip]
    assert texts == ["A", "B", "C", "D", "E"]
    assert styles[0].bold and styles[0].color.number == 1
    assert not styles[1].bold and styles[1].color.number == 1
    assert styles[2].color.number == 208 and styles[2].bgcolor.triplet == (1, 2, 3)
    assert styles[3] is None  # back to the defaults
    assert styles[4].underline and styles[4].color.number == 11 and styles[4].bgcolor.number == 12


async def test_the_picture_is_built_once_until_the_data_changes():
    view = make_view("xor", steps=30)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        plot = app.query_one("#loss-plot", CachedPlot)
        builds = plot.builds
        assert builds >= 1
        assert any("┤" in line.text for line in plot.picture())  # the y axis and its ticks
        plot.refresh()  # a repaint (a neighbour changed): the same picture
        await pilot.pause()
        assert plot.builds == builds
        plot.replot()
        await pilot.pause()
        assert plot.builds == builds + 1


async def test_a_narrow_plot_gets_two_points_per_column():
    view = make_view("xor")
    record_steps(view, 5_000, loss=np.linspace(1.0, 0.01, 5_000), grad_norm=0.1)
    app = PanelApp(LossPanel(), view)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        width = app.query_one("#loss-plot", CachedPlot).size.width
        assert 16 <= width < MAX_POINTS // 2
        assert app.panel.points == 2 * width


def test_the_private_plotext_names_the_plots_use_exist():
    """plot.py reaches into plotext and textual-plotext (PRIVATE_NAMES); a release that drops
    one of these names must fail here, not in the lab."""
    import importlib

    from tui.panels.plot import PRIVATE_NAMES

    for module_name, names in PRIVATE_NAMES.items():
        module = importlib.import_module(module_name)
        for dotted in names:
            value = module
            for part in dotted.split("."):
                assert hasattr(value, part), f"{module_name}.{dotted} is gone"
                value = getattr(value, part)


def test_every_private_plotext_name_used_is_listed_and_the_versions_are_held():
    """Each ``_name`` of plotext / textual-plotext used in tui/ is in PRIVATE_NAMES, and
    pyproject.toml caps both packages below their next minor version."""
    import re
    import tomllib
    from pathlib import Path

    from tui.panels import plot

    listed = {name.split(".")[-1] for names in plot.PRIVATE_NAMES.values() for name in names}
    listed |= {module.rpartition(".")[2] for module in plot.PRIVATE_NAMES}
    tui = Path(plot.__file__).parents[1]
    for path in tui.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "plotext" not in text:
            continue
        used = set(re.findall(r"from (?:textual_)?plotext[\w.]*\.(_\w+) import", text))
        used |= {
            name
            for line in re.findall(r"from (?:textual_)?plotext[\w.]* import ([^\n]+)", text)
            for name in re.findall(r"\b(_\w+)", line)
        }
        used |= set(re.findall(r"\bplt\.(_\w+)\(", text))
        assert used <= listed, f"{path.name} uses {sorted(used - listed)}, not in PRIVATE_NAMES"
    root = tui.parent / "pyproject.toml"
    if root.exists():
        deps = tomllib.loads(root.read_text(encoding="utf-8"))["project"]["dependencies"]
        for package in ("textual-plotext", "plotext"):
            (spec,) = [d for d in deps if re.match(rf"{package}\b[<>=]", d)]
            assert re.search(r"<\d+\.\d+$", spec), f"{spec}: capped below a minor version"
