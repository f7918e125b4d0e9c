"""The network picture's answer to a click gives the value as the Debugger panel's equation does
(4 significant digits): xor at Gradient(l=2), a click on W²₀₀'s edge read '▸ ∂C/∂W²[0,0] = -0.01
(to 0, from 0)' beside the equation's '∂C/∂W²₀₀ = … = -0.009036' — the nodes' five-character
form, in a caption that has room for the number the Debugger shows."""

from __future__ import annotations

from textual.widgets import Static

from tui.panels.format import fmt
from tui.panels.network_picture import NetworkPicture


def cells_of(picture: NetworkPicture, target: tuple) -> list[tuple[int, int]]:
    return [
        (x, y)
        for y, row in enumerate(picture.grid)
        for x, cell in enumerate(row)
        if cell.target == target and cell.char.strip()
    ]


async def test_a_clicked_weight_and_unit_read_as_in_the_equation(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press(*"sssss")  # Forward(1), Forward(2), Loss, Delta(2), Gradient(2)
        await pilot.pause(0.1)
        event = app.session.view.event
        assert (event.kind, event.l) == ("gradient", 2)
        picture = app.query_one(NetworkPicture)
        x, y = cells_of(picture, ("weight", 2, 0, 0))[0]
        await pilot.click("#network-picture", offset=(x, y))
        await pilot.pause(0.1)
        value = fmt(event.grad_W[0, 0])
        assert value == "-0.009036"
        caption = app.query_one("#network-caption", Static).content.plain
        # 26 cells beside the lesson: the value whole, without a lone "…" of the rule after it
        assert caption.splitlines()[0] == f"▸ ∂C/∂W²[0,0] = {value}"
        wide = picture._describe(("weight", 2, 0, 0), 78)  # the Network tab at 80x24
        assert wide == f"∂C/∂W²[0,0] = {value}  (to 0, from 0)"
        equation = app.query_one("#debugger-equation", Static).content.plain
        assert equation.splitlines()[-1].split() == ["=", value]
        await pilot.press("b", "b")  # Delta(2), Loss: the output unit's a²₀
        await pilot.pause(0.1)
        x, y = cells_of(picture, ("unit", 2, 0))[0]
        await pilot.click("#network-picture", offset=(x, y))
        await pilot.pause(0.1)
        a = app.session.view.event
        assert a.kind == "loss"
        caption = app.query_one("#network-caption", Static).content.plain
        assert f"▸ a²[0] = {fmt(app.session.controller.view.events[2].a[0, 0])}" in caption
