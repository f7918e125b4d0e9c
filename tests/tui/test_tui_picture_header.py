"""The network picture's header: the layers' labels (``1 sigmoid``, ``2``) and, at a Gradient or
an Update event, the name of the weights it is about (``∂C/∂W²``, ``ΔW²``, ``▼``). The name
goes between the labels of the two layers those weights join and never over them: the left
label may take a shorter form of its own, and every layer's number stays where it was (audit:
``1 sigmoi∂C/∂W² sigmoid`` at 160x50, ``1 tanhΔW²sigmoid`` at 120x40, ``6∂W⁷  7``)."""

from __future__ import annotations

import pytest
from panel_harness import make_view, move

from engine.debugger.formatting import sup
from tui.panels.network_picture import NetworkPicture
from tui.panels.picture_content import shown
from tui.panels.picture_layout import layout
from tui.panels.picture_paint import labels, paint

SIZES = [(80, 24), (110, 34), (120, 40), (160, 50), (200, 50)]


def label_spans(header, n_layers: int, lit_gap: int | None) -> list[tuple[int, str]]:
    """Each layer's label as drawn: (its first cell, its text), (-1, "") when there is none;
    the cells of the weights' name (lit, at a Gradient or Update event) are not a label's."""
    spans = []
    for l in range(n_layers):
        xs = [
            x
            for x, cell in enumerate(header)
            if cell.target == ("layer", l) and not (lit_gap == l and cell.fg == "lit")
        ]
        if not xs:
            spans.append((-1, ""))
            continue
        assert xs == list(range(xs[0], xs[-1] + 1)), f"label of layer {l} is cut in two"
        spans.append((xs[0], "".join(header[x].char for x in xs)))
    return spans


def check_header(grid, now, forms, reference) -> None:
    """The header of ``grid`` (the picture at the event ``now`` shows) against ``reference``,
    the labels at an event that names no weights: each label starts where it did with its
    layer's number and reads one of its forms; the weights' name is there, between them."""
    header = grid[0]
    text = "".join(cell.char for cell in header)
    spans = label_spans(header, len(forms), now.lit_gap)
    for l, ((start, label), (was, label_was)) in enumerate(zip(spans, reference)):
        if not label_was:
            continue
        assert start == was, (text, l)  # still where it was
        assert label in forms[l] and label_was.startswith(label), (text, l, label)
        if l:
            assert label.split(" ")[0] == str(l), (text, l)  # the number, whole
    if now.lit_gap is None:
        assert spans == reference, text
        return
    g = now.lit_gap
    xs = [x for x, cell in enumerate(header) if cell.fg == "lit" and cell.target == ("layer", g)]
    assert xs, (text, "the weights' name is not shown")
    assert xs == list(range(xs[0], xs[-1] + 1)), text
    name = "".join(header[x].char for x in xs)
    assert name in (now.edge_name + sup(g), now.edge_name.replace("∂C/", "") + sup(g), "▼")
    left = max((s + len(t) for s, t in spans[:g] if t), default=0)
    right = min((s for s, t in spans[g:] if t), default=len(header))
    assert left <= xs[0] and xs[-1] < right, (text, name)  # between the layers it joins


RUNS = [("worked-example", size) for size in SIZES] + [
    ("xor", (120, 40)),
    ("vanishing-gradients", (160, 50)),
]


@pytest.mark.parametrize(
    ("scenario", "size"), RUNS, ids=[f"{name}-{w}x{h}" for name, (w, h) in RUNS]
)
async def test_the_name_of_the_weights_leaves_every_label_in_place(lab_app, scenario, size):
    """Every event of a step, in the lab at the sizes of the audit (80x24: the Network tab)."""
    app = lab_app(scenario)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if size == (80, 24):
            app.action_show_tab("network")
            await pilot.pause()
        picture = app.query_one(NetworkPicture)
        net = app.session.view.run.net
        forms = labels(net.layers, net.n_in)
        view = app.session.view
        while view.event.kind != "loss":
            await pilot.press("s")
            await pilot.pause()
        reference = label_spans(picture.grid[0], len(forms), None)
        assert all(label for _, label in reference[1:]), reference  # each layer numbered
        named = set()
        while view.event.kind != "step_end":
            await pilot.press("s")
            await pilot.pause()
            assert picture.shown is not None
            check_header(picture.grid, picture.shown, forms, reference)
            if picture.shown.lit_gap is not None:
                named.add((view.event.kind, picture.shown.lit_gap))
        L = len(forms) - 1
        assert named >= {(kind, l) for kind in ("gradient", "update") for l in range(1, L + 1)}


@pytest.mark.parametrize("scenario", ["worked-example", "xor", "spiral", "vanishing-gradients"])
def test_every_width_keeps_the_labels_at_every_named_event(scenario):
    """Pictures of every width from 12 to 60 cells, with and without maps, 8 and 16 rows."""
    view = make_view(scenario, debugger=True)
    net = view.run.net
    forms = labels(net.layers, net.n_in)
    events = []
    while view.event.kind != "step_end":
        move(view, "step")
        if view.event.kind in ("gradient", "update"):
            events.append(shown(view))
    assert len(events) == 2 * net.L
    plain = shown(make_view(scenario))  # between steps: no weights named
    for width in range(12, 61):
        for height, maps in ((8, False), (16, False), (16, True)):
            grid_layout = layout(net.sizes, width, height, maps)
            if grid_layout.message:
                continue
            reference = label_spans(
                paint(grid_layout, plain, None, forms, None)[0], len(forms), None
            )
            for now in events:
                check_header(paint(grid_layout, now, None, forms, None), now, forms, reference)


def test_a_label_too_long_for_its_column_is_abbreviated_never_cut():
    """spiral's header read '3 soft' at 120x40 — softmax cut at four letters, as if the panel
    had cut it. A label is the activation's name, a usual abbreviation, or the number alone."""
    from engine.activations import ACTIVATIONS
    from tui.panels.picture_paint import ABBREVIATIONS

    for name in ACTIVATIONS:
        layer = type("Layer", (), {"l": 3, "activation": type("A", (), {"name": name})})
        for form in labels([layer], 2)[1]:
            assert form in (f"3 {name}", f"3 {ABBREVIATIONS.get(name, name)}", "3"), form
    view = make_view("spiral")
    net = view.run.net
    forms = labels(net.layers, net.n_in)
    header = paint(layout(net.sizes, 26, 16, True), shown(view), None, forms, None)[0]
    text = "".join(cell.char for cell in header)
    assert "3 smax" in text and "soft" not in text.replace("softmax", ""), text
