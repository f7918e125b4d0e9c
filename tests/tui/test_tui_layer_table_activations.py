"""The layer table's activation column reads whole at every size: at 120x40 (26 cells) it was
cut to ``leaky_…``, ``tanh d…`` (dropout) and ``sigmoi…`` (batch norm). Where the cells do not
fit, it shows them abbreviated (``short_activation``: the name in at most 4 cells, ``+D`` for
dropout, ``+BN`` for batch norm) and spells each out under the table, as the init column does
(``INIT_SHORT``)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tui.panels.layer_table import MIN_SHRUNK, render_table


def test_every_activation_has_an_abbreviation_of_its_own():
    from engine.activations import ACTIVATIONS
    from tui.panels.layer_table import ACTIVATION_SHORT

    assert set(ACTIVATIONS) == set(ACTIVATION_SHORT)
    assert len(set(ACTIVATION_SHORT.values())) == len(ACTIVATION_SHORT)
    assert all(len(code) <= MIN_SHRUNK for code in ACTIVATION_SHORT.values())


def test_dropout_and_batch_norm_keep_a_mark_and_the_legend_spells_them_out():
    rows = [
        ("0", "2", "input", "", ""),
        ("1", "16", "sigmoid BN", "xavier_uniform", "80"),
        ("2", "64", "tanh drop 0.5", "xavier_uniform", "4,160"),
        ("3", "1", "leaky_relu α=0.1", "xavier_uniform", "65"),
    ]
    lines = render_table(rows, None, None, 26).plain.splitlines()
    assert all(len(line) <= 26 for line in lines), lines
    assert [line.split()[2] for line in lines[2:5]] == ["sigm+BN", "tanh+D", "lrlu"], lines
    assert lines[5:] == [
        "sigm+BN = sigmoid BN",
        "tanh+D = tanh drop 0.5",
        "lrlu = leaky_relu α=0.1",
        "xavU = xavier_uniform",
    ]
    assert "…" not in "".join(lines)


def test_a_cell_that_fits_its_column_stays_whole():
    """Only the cells too long for the column are abbreviated: at 29 cells, ``sigmoid BN`` (10)
    fits the room that ``tanh drop 0.5`` does not, and needs no line of the legend."""
    rows = [
        ("0", "2", "input", "", ""),
        ("1", "16", "sigmoid BN", "xavier_uniform", "80"),
        ("2", "64", "tanh drop 0.5", "xavier_uniform", "4,160"),
        ("3", "1", "sigmoid", "xavier_uniform", "65"),
    ]
    lines = render_table(rows, None, None, 29).plain.splitlines()
    assert all(len(line) <= 29 for line in lines), lines
    assert [line[7:17].rstrip() for line in lines[2:5]] == ["sigmoid BN", "tanh+D", "sigmoid"]
    assert lines[5:] == ["tanh+D = tanh drop 0.5", "xavU = xavier_uniform"]


def test_names_that_fit_are_not_abbreviated():
    rows = [("0", "2", "input", "", ""), ("1", "4", "sigmoid", "xavier_uniform", "12")]
    assert render_table(rows, None, None, 40).plain.splitlines()[2].split()[2:4] == [
        "sigmoid",
        "xavier_uniform",
    ]


@pytest.mark.parametrize(
    "scenario, sigma",
    [
        ("overfitting-fixed-dropout", ["tanh+D", "tanh+D", "sigmoid"]),
        ("vanishing-fixed-batchnorm", ["sigm+BN"] * 6 + ["sigmoid"]),
    ],
)
async def test_at_120x40_the_column_reads_whole(lab_app, scenario, sigma):
    """...and the whole table fits the panel: vanishing-fixed-batchnorm's was a line taller than
    its scroll region ('sigm = sigmoid' in the legend), whose scrollbars then hid a line more
    and the params column's last digits."""
    app = lab_app(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.panels["network"]
        await pilot.press("t")
        await pilot.pause(0.1)
        lines = panel.query_one("#network-table", Static).content.plain.splitlines()
        assert all(len(line) <= panel.content_region.width for line in lines), lines
        scroll = panel.query_one("#network-scroll")
        assert len(lines) <= scroll.size.height, (lines, scroll.size)
        assert not scroll.show_vertical_scrollbar and not scroll.show_horizontal_scrollbar
        assert [line.split()[2] for line in lines[2 : 2 + len(sigma)]] == sigma, lines
        assert f"{sigma[0]} = " in "\n".join(lines) and "…" not in "\n".join(lines)


def test_legend_entries_share_a_line_where_they_fit():
    """The legend puts as many entries on a line as fit (it took a line each, and pushed the
    table past the panel's height); an entry that must wrap keeps its lines to itself."""
    rows = [
        ("0", "2", "input", "", ""),
        ("1", "16", "leaky_relu α=0.1 BN", "he_normal", "80"),
        ("2", "1", "sigmoid", "xavier_uniform", "17"),
    ]
    lines = render_table(rows, None, None, 40).plain.splitlines()
    assert [line.split()[-2] for line in lines[2:4]] == ["heN", "xavU"], lines
    assert lines[4:] == ["heN = he_normal; xavU = xavier_uniform"]
    from tui.panels.layer_table import legend_lines

    entries = ["lrlu = leaky_relu α=0.1 drop 0.5", "a = b", "c = d"]
    assert legend_lines(entries, 20) == ["lrlu = leaky_relu", "  α=0.1 drop 0.5", "a = b; c = d"]
    assert legend_lines(entries, None) == entries


async def test_at_120x40_the_table_fits_at_every_event_of_a_step(lab_app):
    """The line naming the current event wrapped at most events of a deep network at 120x40
    ('now layer 1:' over 'forward z¹, a¹'), a line more than the panel: scrollbars again, the
    params cut. It is one line there ('▶ now: forward z¹, a¹'), as at every event of a step."""
    app = lab_app("vanishing-fixed-batchnorm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.panels["network"]
        await pilot.press("t")
        scroll = panel.query_one("#network-scroll")
        seen = set()
        for _ in range(31):  # StepStart, 7 forward, loss, 7 δ, 7 ∂C/∂W, 7 updates, StepEnd
            await pilot.press("s")
            await pilot.pause(0.02)
            lines = panel.query_one("#network-table", Static).content.plain.splitlines()
            seen.add(lines[-1])
            assert len(lines) <= scroll.size.height, lines
            assert all(len(line) <= panel.content_region.width for line in lines), lines
        assert {"▶ now: forward z¹, a¹", "▶ now: update W⁷ (pending)"} <= seen, seen
        assert "step done, updates applied" in seen, seen
