"""The loss panel keeps room for its plot: the legend above it and the figures, notes and
changes under it give way (new-user audit: after a few η changes the plot shrank to an empty
frame with its y labels upside down). A plot with no room for data says so on one line."""

from __future__ import annotations

import re

import pytest
from textual.app import App, ComposeResult
from textual.content import Content

from tui.panels.loss_panel import CURVE_ROWS, PLOT_ROWS
from tui.panels.loss_stats import fitted, one_line, stats_layouts
from tui.panels.plot import NO_ROOM, CachedPlot

SIZES = [(80, 24), (110, 34), (120, 40), (200, 50)]
HALVE, DOUBLE = "less_than_sign", "greater_than_sign"
Y_LABEL = re.compile(r"^\s*(\d+(?:\.\d+)?)┤")


def y_labels(lines: list[str]) -> list[float]:
    """The y axis's labels of a plot's text, top to bottom."""
    return [float(m.group(1)) for line in lines if (m := Y_LABEL.match(line))]


async def press_and_settle(pilot, settle, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_five_changes_of_eta_leave_the_plot_its_rows(lab_app, settle, size):
    app = lab_app("xor")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await press_and_settle(pilot, settle, "e", "e", "e")  # xor: one step an epoch
        for _ in range(4):
            await press_and_settle(pilot, settle, HALVE, "e")
        await press_and_settle(pilot, settle, DOUBLE, "e")
        if size == (80, 24):
            await pilot.press("L", "2")  # from the lesson's tab to the Loss tab
        await pilot.pause(0.2)
        loss = app.panels["loss"]
        plot = loss.query_one("#loss-plot", CachedPlot)
        legend, stats = loss.query_one("#loss-scale-label"), loss.query_one("#loss-stats")
        assert plot.size.height >= PLOT_ROWS, (plot.size, stats.content.plain)
        assert legend.size.height + plot.size.height + stats.size.height <= loss.content_size.height
        labels = y_labels([line.text for line in plot.picture()])
        assert len(labels) >= 2 and labels == sorted(labels, reverse=True), labels
        words = stats.content.plain
        assert "η 0.0625 → 0.125 from" in words, words  # the latest change is named
        if "changed" not in words:  # shortened: the latest change on one line
            assert words.splitlines()[-1].startswith("│ η") and words.endswith("…"), words


def test_the_changes_shorten_to_the_latest_on_one_line_and_figures_give_way():
    shared = [Content("epoch 9"), Content("step 9"), Content("batch loss 0.2")]
    own = [Content("train-set loss 0.2"), Content("acc 100%")]
    marks = [(i + 0.5, f"η {i} → {i + 1} from step {i + 1}") for i in range(5)]
    layouts = list(stats_layouts(shared, own, [], marks, 24))
    fullest = fitted(layouts, 24, 9).plain.splitlines()  # room for all of it
    assert fullest[-1].startswith("changed η 4 → 5 from step 5; η 3 → 4"), fullest
    assert fullest[-1].endswith("(+2 earlier)"), fullest
    latest = "│ η 4 → 5 from step 5…"  # the latest change alone, on one line
    assert fitted(layouts, 24, 5).plain.splitlines() == [
        "epoch 9  step 9",
        "batch loss 0.2",
        "train-set loss 0.2",
        "acc 100%",
        latest,
    ]
    # then the figures the status line shows too, then the others, the last first
    assert fitted(layouts, 24, 4).plain.splitlines() == ["train-set loss 0.2", "acc 100%", latest]
    assert fitted(layouts, 24, 2).plain.splitlines() == ["train-set loss 0.2", latest]
    assert fitted(layouts, 24, 1).plain == latest


def test_a_note_is_cut_after_a_whole_word():
    assert one_line(Content("η 0.0625 → 0.125 from step 90"), 20).plain == "η 0.0625 → 0.125…"
    assert one_line(Content("short"), 20).plain == "short"


class PlotApp(App[None]):
    """One ``CachedPlot`` of a falling loss, ``rows`` high."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        plot = CachedPlot()
        plot.styles.height = self.rows
        yield plot

    def on_mount(self) -> None:
        plot = self.query_one(CachedPlot)
        plot.plt.plot(list(range(1, 11)), [0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.22, 0.21, 0.2, 0.2])
        plot.plt.xlabel("step")
        plot.plt.ylim(0.2, 0.7)
        plot.plt.yticks([0.2, 0.4, 0.6], ["0.2", "0.4", "0.6"])
        plot.replot()


@pytest.mark.parametrize("rows", range(1, 6))
async def test_a_plot_without_room_for_its_data_says_so_on_one_line(rows):
    app = PlotApp(rows)
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        lines = [line.text for line in app.query_one(CachedPlot).picture()]
        assert lines == [NO_ROOM], lines  # not the axes' corners with the labels upside down


@pytest.mark.parametrize("rows", [6, CURVE_ROWS + 4, 10])
async def test_a_plot_with_room_draws_its_labels_top_down(rows):
    app = PlotApp(rows)
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        labels = y_labels([line.text for line in app.query_one(CachedPlot).picture()])
        assert len(labels) >= 2 and labels == sorted(labels, reverse=True), labels
