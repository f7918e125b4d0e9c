"""The network picture's geometry (``tui.panels.picture_layout``) and painting
(``picture_paint``): pure functions, no app."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios import preset_names
from scenarios.loader import load_scenario
from tui.panels.picture_layout import BRAILLE_BITS, Layout, layout

GRID_CELL = (36, 11)  # the picture's drawing area in a 120×40 grid cell
TAB = (76, 13)  # … in the 80×24 tab layout


def occupied(lay: Layout) -> dict[tuple[int, int], str]:
    """Every cell a column or a gap claims, with what claims it (overlaps fail the test)."""
    cells: dict[tuple[int, int], str] = {}

    def claim(x, y, what):
        assert 0 <= x < lay.width and 0 <= y < lay.height, (what, x, y)
        assert (x, y) not in cells, (what, cells.get((x, y)), x, y)
        cells[(x, y)] = what

    for column in lay.columns:
        if column.kind == "nodes":
            for j in range(column.n):
                for x, y in column.unit_cells(j):
                    claim(x, y, f"unit {column.l},{j}")
        else:
            seen = set()
            for slot in column.slots:
                for x in range(slot.x, slot.x + column.cell_width):
                    if (x, slot.y) not in seen:  # two half-cell slots share a cell
                        seen.add((x, slot.y))
                        claim(x, slot.y, f"strip {column.l}")
    for gap in lay.gaps:
        for (x, y), _ in gap.cells:
            claim(x, y, f"lines {gap.l}")
        for y in range(lay.height):
            if gap.rows and (gap.rows[2 * y] or gap.rows[2 * y + 1]):
                for c in range(len(gap.columns)):
                    claim(gap.band_x + c, y, f"band {gap.l}")
    return cells


def check(lay: Layout, sizes: list[int]) -> None:
    """Columns in order, left to right, in bounds, nothing overlapping, every unit and every
    weight drawn somewhere."""
    assert not lay.message
    assert [c.l for c in lay.columns] == list(range(len(sizes)))
    assert [c.n for c in lay.columns] == sizes
    for left, right in zip(lay.columns, lay.columns[1:]):
        assert left.x + left.width <= right.x
    occupied(lay)
    for column in lay.columns:
        if column.kind == "strip":  # every unit in exactly one slot
            units = sorted(j for slot in column.slots for j in slot.units)
            assert units == list(range(column.n))
    for gap in lay.gaps:
        n_to, n_from = sizes[gap.l], sizes[gap.l - 1]
        if gap.kind == "lines":
            edges = {(j, k) for _, crossing in gap.cells for j, k, _ in crossing}
            assert edges == {(j, k) for j in range(n_to) for k in range(n_from)}
        else:
            assert sorted(k for ks in gap.columns for k in ks) == list(range(n_from))
            rows = {j for js in gap.rows if js is not None for j in js}
            assert rows == set(range(n_to))


def preset_sizes() -> list[tuple[str, list[int]]]:
    from scenarios import build_run

    return [(name, build_run(load_scenario(name)).net.sizes) for name in preset_names()]


@pytest.mark.parametrize("area", [GRID_CELL, TAB], ids=["grid", "tab"])
def test_every_preset_fits_the_grid_cell_and_the_tab(area):
    for name, sizes in preset_sizes():
        lay = layout(sizes, *area, maps=True)
        assert not lay.message, name
        check(lay, sizes)


def test_xor_is_nodes_with_maps_and_values_joined_by_lines():
    lay = layout([2, 4, 1], *GRID_CELL, maps=True)
    assert [c.kind for c in lay.columns] == ["nodes"] * 3
    assert [c.map_width for c in lay.columns] == [0, 4, 4]  # no map for the inputs
    assert all(c.value_width for c in lay.columns)
    assert lay.columns[1].node_height == 2  # 4 × 4 pixels: square maps
    assert [g.kind for g in lay.gaps] == ["lines", "lines"]


def test_a_32_wide_layer_is_a_strip_and_its_weights_a_band():
    lay = layout([2, 32, 32, 3], *GRID_CELL, maps=True)
    assert [c.kind for c in lay.columns] == ["nodes", "strip", "strip", "nodes"]
    assert [g.kind for g in lay.gaps] == ["band"] * 3


@pytest.mark.parametrize("area", [GRID_CELL, (36, 9), TAB])
def test_twelve_layers_fit(area):
    sizes = [2] + [16] * 11 + [1]
    lay = layout(sizes, *area, maps=True)
    check(lay, sizes)
    assert len(lay.gaps) == 12


def test_too_small_or_too_many_layers_say_so_instead_of_drawing():
    assert layout([2, 4, 1], 5, 10, maps=True).message
    assert layout([2, 4, 1], 30, 1, maps=True).message
    assert "narrow" in layout([2] + [8] * 40 + [1], 36, 11, maps=True).message


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 400), min_size=2, max_size=14),
    width=st.integers(8, 120),
    height=st.integers(2, 40),
    maps=st.booleans(),
)
def test_any_network_in_any_area_is_drawn_whole_or_not_at_all(sizes, width, height, maps):
    lay = layout(sizes, width, height, maps)
    if lay.message:
        assert not lay.columns
        return
    check(lay, sizes)


def test_a_line_runs_from_its_left_node_to_its_right_node():
    lay = layout([2, 2], 30, 9, maps=False)
    left, right = lay.columns
    (gap,) = lay.gaps
    for j in range(2):
        for k in range(2):
            dots = [
                (2 * x + dx, 4 * y + dy)
                for (x, y), crossing in gap.cells
                for jj, kk, bits in crossing
                if (jj, kk) == (j, k)
                for dx in range(2)
                for dy in range(4)
                if bits & BRAILLE_BITS[dx][dy]
            ]
            xs = [d[0] for d in dots]
            assert min(xs) == 2 * gap.x and max(xs) == 2 * right.x - 1  # the whole gap
            start = min(dots)
            end = max(dots)
            assert start[1] == left.anchor_row(k) and end[1] == right.anchor_row(j)


def test_a_band_row_is_beside_the_unit_it_feeds():
    lay = layout([12, 8], 30, 10, maps=False)  # 96 weights: a band
    (gap,) = lay.gaps
    assert gap.kind == "band"
    right = lay.columns[1]
    rows = right.unit_rows()
    for j, pixels in enumerate(rows):
        assert all(gap.rows[p] == range(j, j + 1) for p in pixels)


def test_a_band_block_is_its_mean_size_with_the_sign_of_its_sum():
    from tui.panels.picture_paint import BlockTones, pick

    tones = np.array([[0.5, -1.0, 0.1], [0.25, 0.25, -0.3]])
    blocks = BlockTones(tones, [range(0, 2), range(2, 3)])
    assert blocks.row(range(0, 2)) == pytest.approx([0.5, -0.2])  # sum 0 → +; −0.2: sum < 0
    assert blocks.row(range(0, 1)) == pytest.approx([-0.75, 0.1])
    assert pick(tones, range(0, 2), range(0, 2)) == (0, 1)  # a click: the largest |w|


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_value_is_written_in_five_characters_at_most(value):
    from tui.panels.picture_content import short, signed

    assert len(short(value)) <= 5
    assert len(signed(value)) <= 5
    if np.isfinite(value) and 0.01 <= abs(value) < 1000:
        assert float(short(value)) == pytest.approx(value, rel=0.06, abs=0.006)


def test_activations_are_toned_against_their_range():
    from tui.panels.picture_content import activation_range, tone

    assert activation_range("tanh", 4, []) == (0.0, 1.0)
    assert activation_range("sigmoid", 1, []) == (0.5, 0.5)
    assert activation_range("softmax", 4, []) == (0.25, 0.75)
    assert activation_range("relu", 3, [np.array([0.0, 2.0, np.inf]), np.array([-4.0])]) == (
        0.0,
        4.0,
    )
    assert activation_range("linear", 3, [np.zeros(3)]) == (0.0, 1.0)
    assert tone([0.75, 0.25, np.nan, 9.0], 0.5, 0.5).tolist() == [0.5, -0.5, 0.0, 1.0]
