"""The layer table tells the initializers apart at every size: at 120x40 the init column was cut
to ``xavi…`` for both xavier_uniform and xavier_normal (new-user audit); where the names do not
fit it shows them abbreviated (``INIT_SHORT``) and spells each abbreviation out under the table."""

from __future__ import annotations

import pytest
from textual.widgets import Static

XAVIERS = ["network.layers[1].init=xavier_normal"]  # xor: layer 1 xavier_normal, 2 xavier_uniform


async def table_lines(app, pilot, tabs: bool) -> tuple[list[str], int]:
    """The layer table's lines (``t``) and the Network panel's width; with ``tabs`` (80x24),
    from the lesson's tab, where the lab opens, back to the panel's."""
    panel = app.panels["network"]
    if tabs:
        await pilot.press("L")
    await pilot.press("t")
    await pilot.pause(0.1)
    assert panel.table_shown and panel.display
    plain = panel.query_one("#network-table", Static).content.plain
    return plain.splitlines(), panel.content_region.width


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (200, 50)])
async def test_xavier_uniform_and_xavier_normal_read_apart_in_the_table(lab_app, size):
    app = lab_app("xor", overrides=XAVIERS)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.lesson_open  # at 120x40, in the grid beside the other panels
        lines, width = await table_lines(app, pilot, size == (80, 24))
        assert all(len(line) <= width for line in lines), lines
        rows = [line.split() for line in lines[2:4]]  # layers 1 and 2, after the input's row
        inits = [row[3] for row in rows]
        if size == (120, 40):  # 26 cells: abbreviated, and spelled out under the table
            assert inits == ["xavN", "xavU"], lines
            assert "xavN = xavier_normal" in lines and "xavU = xavier_uniform" in lines
        else:
            assert inits == ["xavier_normal", "xavier_uniform"], lines
            assert not any(" = " in line for line in lines)


def test_every_initializer_has_an_abbreviation_of_its_own():
    from engine.initializers import INITIALIZERS
    from tui.panels.layer_table import INIT_SHORT, MIN_SHRUNK, render_table

    assert set(INITIALIZERS) | {"explicit"} <= set(INIT_SHORT)
    assert len(set(INIT_SHORT.values())) == len(INIT_SHORT)
    assert all(len(code) <= MIN_SHRUNK for code in INIT_SHORT.values())
    rows = [("0", "2", "input", "", "")]
    rows += [(str(l), "32", "sigmoid", name, "1,056") for l, name in enumerate(INIT_SHORT, 1)]
    lines = render_table(rows, None, None, 24).plain.splitlines()
    assert all(len(line) <= 24 for line in lines), lines
    assert [line.split()[3] for line in lines[2 : 2 + len(INIT_SHORT)]] == list(INIT_SHORT.values())
    legend = [f"{c} = {n}" for n, c in INIT_SHORT.items()]
    assert lines[2 + len(INIT_SHORT) :] == ["sigm = sigmoid", *legend]  # σ's too (sigmoi…)
