"""The network picture fits the panel it is in, at the lab's first frame as after a step: every
unit of every layer is drawn inside the picture's rows, and the caption under it is not cut.

At the first frame the lines under the picture (caption, settings) get their text after the
picture was drawn, which shrinks it by a few rows inside a panel that keeps its size; the picture
kept the layout of its first, taller size and lost its bottom rows (spiral at 155×42 showed two
of its three output units until a step redrew it).
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tui.panels.network_picture import NetworkPicture

SCENARIOS = ("spiral", "xor", "vanishing-gradients", "worked-example")
# browser windows of 1400×900 and 1366×768, and sizes around them; the lab's usual sizes
SIZES = ((155, 42), (152, 36), (144, 38), (160, 44), (120, 40), (80, 24))


async def shown_picture(app, pilot) -> NetworkPicture:
    """The picture, its tab shown first where the lab is in tabs, once the screen has settled:
    its drawing has as many rows as it has (a busy machine may take a few frames to get there;
    one that never gets there fails ``check_fits``)."""
    picture = app.query_one(NetworkPicture)
    if not picture.region.area:
        app.action_show_tab("network")
    for _ in range(20):
        await pilot.pause(0.1)
        if picture.region.area and len(picture.grid) == picture.size.height:
            break
    assert picture.region.area
    return picture


def units_outside(picture: NetworkPicture) -> list[tuple[int, int]]:
    """The units (l, j) not drawn inside the picture's rows (row 0 is the header)."""
    layout = picture.layout_
    assert layout is not None and not layout.message
    height = picture.size.height
    return [
        (column.l, j)
        for column in layout.columns
        for j in range(column.n)
        if any(y + 1 >= height for _, y in column.unit_cells(j))
    ]


def check_fits(picture: NetworkPicture) -> None:
    assert len(picture.grid) == picture.size.height  # drawn for the rows it has
    assert units_outside(picture) == []
    for line in picture.caption.plain.split("\n"):
        assert not line.endswith("…") and len(line) <= picture.size.width, line


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_every_unit_is_in_the_picture_at_the_first_frame_and_after_a_step(scenario):
    from tui.app import LabApp

    for size in SIZES:
        app = LabApp(scenario)
        async with app.run_test(size=size) as pilot:
            picture = await shown_picture(app, pilot)
            check_fits(picture)
            idle = [(c.l, c.kind, c.tops) for c in picture.layout_.columns]
            await pilot.press("s")
            picture = await shown_picture(app, pilot)
            check_fits(picture)
            assert [(c.l, c.kind, c.tops) for c in picture.layout_.columns] == idle, size


async def test_spiral_at_155x42_shows_its_three_outputs_and_the_whole_legend():
    """The audit's case: a 1400×900 browser window. The output column lists three values at
    launch (it showed 0.33 and 0.34 only), and the legend under the picture keeps its scale
    ("max …", cut to "W ━+ ━−…" before)."""
    from tui.app import LabApp

    app = LabApp("spiral")
    async with app.run_test(size=(155, 42)) as pilot:
        picture = await shown_picture(app, pilot)
        output = picture.layout_.columns[-1]
        assert output.n == 3 and output.value_width
        assert all(top + 1 < picture.size.height for top in output.tops)  # rows on screen
        values = [
            "".join(cell.char for cell in picture.grid[top + 1]).split()[-1] for top in output.tops
        ]
        assert values == [f"{v:.2f}" for v in picture.shown.nodes[-1]]
        caption = app.query_one("#network-caption", Static).content.plain.split("\n")
        assert caption[0] == "space trains · s steps one event"
        assert caption[1].startswith("a: example 0") and " max " in caption[1]
        assert not caption[1].endswith("…")


async def test_the_legend_drops_parts_to_fit_and_keeps_what_the_colours_mean():
    """The caption's second line at widths from roomy to narrow, idle and in the backward pass
    (the longest names, δ and ∂C/∂W): the longest form that fits, never cut while a form fits."""
    from tui.app import LabApp
    from tui.panels.network_picture import _legends

    app = LabApp("spiral")
    async with app.run_test(size=(155, 42)) as pilot:
        await pilot.pause(0.2)
        picture = app.query_one(NetworkPicture)
        for _ in range(6):  # Forward 1-3, Loss, Delta 3, Gradient 3: ∂C/∂W³ has a scale
            await pilot.press("s")
        await pilot.pause(0.2)
        s = picture.shown
        assert s.node_name == "δ" and s.edge_name == "∂C/∂W"
        forms = [" ".join(c.plain for c in form) for form in _legends(s, picture._palette())]
        assert forms[0].startswith("δ: example 0 of 0…31 [ ] ∂C/∂W ━+ ━− max ")
        assert forms[-1] == "δ: example 0 ∂C/∂W ━+ ━−"
        assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)
        second = picture.caption.plain.split("\n")[1]
        assert second.startswith("δ: example 0  ∂C/∂W ━+ ━− max ")  # the form for 34 cells


@pytest.mark.parametrize("scenario", ["worked-example", "spiral"])
async def test_after_a_whole_epoch_the_legend_still_fits_at_120x40(scenario):
    """After `e` the step's events are not kept and the nodes show a row of the training set:
    'a: training example 0  W …' at 120x40 lost the colours' key (new-user audit). Its short
    form, 'train ex. 0', leaves room for them."""
    from tui.app import LabApp

    app = LabApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("escape", "e")
        await app.workers.wait_for_complete()
        picture = await shown_picture(app, pilot)
        await pilot.pause(0.3)
        second = picture.caption.plain.split("\n")[1]
        assert "━+ ━−" in second and not second.endswith("…"), second
        check_fits(picture)
