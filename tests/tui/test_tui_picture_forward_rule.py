"""The network picture's caption at a Forward event states the layer's own rule: with dropout
aˡ includes the mask (aˡ = σ(zˡ) ⊙ mˡ, the mask's entries 0 or 1/(1 − p), as ``engine/layers.py``
draws it), with batch norm σ is applied to uˡ = γˡ ⊙ ẑˡ + βˡ. It said aˡ = σ(Wˡaˡ⁻¹ + bˡ) for
every layer, which is false for those.
"""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import Static

from engine.debugger.formatting import sup
from tui.panels.network_picture import NetworkPicture


def expected(layer, l: int) -> str:
    s = sup
    inner = f"γ{s(l)} ⊙ ẑ{s(l)} + β{s(l)}" if layer.batch_norm else f"W{s(l)}a{s(l - 1)} + b{s(l)}"
    mask = f" ⊙ m{s(l)}" if layer.dropout else ""
    return f"forward: a{s(l)} = σ({inner}){mask}"


def holds(layer, ev) -> bool:
    """Whether the Forward event's numbers follow the rule the caption states."""
    params = layer.params
    u = ev.z
    if layer.batch_norm:
        u = params["gamma"] * ev.z_hat + params["beta"]
    a = layer.activation(u, **layer.act_params(params))
    if layer.dropout:
        p = layer.dropout
        assert set(np.unique(ev.mask)) <= {0.0, 1.0 / (1.0 - p)}
        a = a * ev.mask
    return np.allclose(ev.a, a)


@pytest.mark.parametrize(
    "scenario, kinds",
    [
        ("overfitting-fixed-dropout", ("dropout", "dropout", "plain")),
        ("vanishing-fixed-batchnorm", None),
        ("xor", ("plain", "plain")),
    ],
)
async def test_the_forward_caption_states_each_layers_rule(scenario, kinds):
    from tui.app import LabApp

    app = LabApp(scenario)
    async with app.run_test(size=(155, 42)) as pilot:
        await pilot.pause(0.2)
        net = app.session.view.run.net
        if kinds is not None:  # the scenario has the layers the test is about
            assert [
                "dropout" if layer.dropout else "bn" if layer.batch_norm else "plain"
                for layer in net.layers
            ] == list(kinds)
        else:
            assert any(layer.batch_norm for layer in net.layers)
        picture = app.query_one(NetworkPicture)
        for l, layer in enumerate(net.layers, start=1):
            await pilot.press("s")
            await pilot.pause(0.1)
            view = app.session.view
            assert view.event.kind == "forward" and view.event.l == l
            assert holds(layer, view.event)
            assert picture.shown.what == expected(layer, l)
            first = app.query_one("#network-caption", Static).content.plain.split("\n")[0]
            assert first == expected(layer, l)  # whole, at the width of a 1400×900 browser


async def test_a_narrow_panel_shows_the_rule_without_the_events_name():
    """At 120×40 the panel is 26 cells wide: the batch-norm rule shows whole, without its
    "forward: " (the status line names the event), rather than cut."""
    from tui.app import LabApp

    app = LabApp("vanishing-fixed-batchnorm")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("s")
        await pilot.pause(0.2)
        picture = app.query_one(NetworkPicture)
        assert picture.size.width < len("forward: a¹ = σ(γ¹ ⊙ ẑ¹ + β¹)")
        first = app.query_one("#network-caption", Static).content.plain.split("\n")[0]
        assert first == "a¹ = σ(γ¹ ⊙ ẑ¹ + β¹)"
