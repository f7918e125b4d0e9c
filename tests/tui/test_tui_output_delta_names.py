"""The output layer's Delta names its factor ∇ₐC, as the equation beside it and docs/notation.md
do (δᴸ = ∇ₐC ⊙ σ′(zᴸ)): vanishing-gradients with mse, Delta(l=7), read 'backward: δ⁷ = from
above ⊙ σ′(z⁷)' and 'from above  20×1  from_above@7' over the equation 'δ⁷₀ = ∂C/∂a⁷₀ · σ′(z⁷₀)'
— "from above" where nothing is above. The layers below keep "from above": (W⁸)ᵀ δ⁸ there."""

from __future__ import annotations

from textual.widgets import Static

from tui.panels.event_arrays import event_arrays
from tui.session import LabSession

WIDE = (120, 40)


def delta_arrays(session: LabSession, layer: int) -> list[str]:
    session.command("goto", ("delta", layer))
    assert (session.view.event.kind, session.view.event.l) == ("delta", layer)
    return event_arrays(session.view.event, 200, None, session.run.net.L).plain.splitlines()


def test_the_output_layers_delta_says_grad_a_and_the_layer_below_from_above():
    session = LabSession.open("vanishing-gradients", overrides=["network.loss=mse"])
    output = delta_arrays(session, 7)
    assert output[0] == "backward: δ⁷ = ∇ₐC ⊙ σ′(z⁷)"
    assert "∇ₐC  20×1  from_above@7" in output
    below = delta_arrays(session, 6)
    assert below[0] == "backward: δ⁶ = from above ⊙ σ′(z⁶)"
    assert "from above  20×16  from_above@6" in below


async def test_the_debugger_panel_names_the_output_factor_grad_a(lab_app):
    """xor (sigmoid + bce, fused): the array beside the fused δ² is ∇ₐC."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        await pilot.press(*"ssss")  # Forward(1), Forward(2), Loss, Delta(2)
        await pilot.pause(0.1)
        shown = app.query_one("#debugger-event", Static).content.plain
        assert "∇ₐC  4×1  from_above@2" in shown and "from above" not in shown
