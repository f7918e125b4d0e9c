"""One sign for ΔW: ΔW is the step an update subtracts, the Update event's
``step_W`` (W ← W − ΔW; η ∂C/∂W for plain SGD). At xor's Update(l=1) every ΔW figure the lab
shows — the Debugger's arrays, its pending update, its explanation, the network picture — and
the line mode's ``p step_W@1`` and ``explain`` have the sign of ``step_W``; the change
W_new − W_old is written as the rule with its numbers, never as another Δ."""

from __future__ import annotations

import io
import re

import numpy as np
from textual.widgets import Static

from engine.debugger.follow import follow_run
from engine.debugger.formatting import num, symbol
from engine.debugger.linemode import LineMode
from scenarios import build_run, load_scenario
from tui.panels.format import fmt
from tui.panels.network_picture import NetworkPicture

WIDE = (120, 40)
NUMBER = r"\(?(-?[0-9.]+(?:e-?[0-9]+)?)\)?"


def at_update_1(app):
    p = app.session.controller.position
    return p.event_name() == "Update(l=1)"


async def test_every_step_figure_in_the_lab_has_the_sign_of_step_W(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(20):
            if at_update_1(app):
                break
            await pilot.press("s")
        await pilot.pause()
        assert at_update_1(app)
        event = app.session.view.event
        step = event.step_W
        assert np.allclose(step, event.W_old - event.W_new, rtol=0, atol=1e-15)  # W ← W − ΔW
        assert (np.sign(step) != 0).any() and len(set(np.sign(step).ravel())) > 1

        # the arrays: ΔW¹ is step_W, number for number
        arrays = app.query_one("#debugger-event", Static).content.plain.splitlines()
        head = next(a for a in arrays if "ΔW¹  " in a)  # beside W¹ after, where they fit
        below = arrays.index(head) + 1
        if "…" not in arrays[below] and "min" in arrays[below]:  # a summary when numbers are cut
            below += 1
        row = arrays[below][head.index("ΔW¹") :]
        shown = [float(v) for v in row.split() if v != "…"]
        assert shown and all(np.sign(v) == np.sign(step[0, k]) for k, v in enumerate(shown[:2]))

        # the pending update: the rule with its numbers, W₀ₖ old − (ΔW) = new; no other Δ
        update = app.query_one("#debugger-update", Static).content.plain
        for k in range(event.W_old.shape[1]):
            after = f"({fmt(step[0, k])})" if step[0, k] < 0 else fmt(step[0, k])
            old, new = fmt(event.W_old[0, k]), fmt(event.W_new[0, k])
            rule = f"{symbol('W', None, (0, k))} {old} − {after} = {new}"
            assert rule in update
        assert "→" not in update and not re.search(r"Δ\s+" + NUMBER, update)

        # the explanation of W¹₀₀: ΔW¹₀₀ = η ∂C/∂W¹₀₀ = … = step_W, then W ← W − ΔW
        equation = app.query_one("#debugger-equation", Static).content.plain
        head, _, rest = equation.partition("W¹₀₀ ←")
        assert head.startswith("ΔW¹₀₀ = η ∂C/∂W¹₀₀")
        assert head.rstrip().endswith(f"= {num(step[0, 0])}")
        assert f"− {'(' + num(step[0, 0]) + ')' if step[0, 0] < 0 else num(step[0, 0])}" in rest

        # the picture: ΔW¹ is step_W, coloured by its sign
        picture = app.query_one(NetworkPicture)
        assert picture.shown.edge_name == "ΔW"
        assert np.array_equal(picture.shown.edges[0], step)
        assert np.array_equal(np.sign(picture.shown.edge_tones[0]), np.sign(step))
        assert "W¹ ← W¹ − ΔW¹" in picture.shown.what


def test_the_line_mode_prints_step_W_as_the_delta_it_subtracts():
    run = build_run(load_scenario("xor"))
    controller = follow_run(run)
    out = io.StringIO()
    script = "b update@1\nc\np step_W@1\nexplain 0,0\nq\n"
    LineMode(controller, io.StringIO(script), out, width=0).run()
    text = out.getvalue()
    event = controller.event
    assert event.kind == "update" and event.l == 1
    step = event.step_W
    printed = text.split("step_W@1", 2)[-1]
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d+(?:e[-+]\d+)?", printed.split("ΔW")[0])]
    assert numbers[: step.size] and np.allclose(
        numbers[: step.shape[1]], step[0], rtol=5e-3, atol=1e-12
    )
    assert "ΔW¹₀₀ = η ∂C/∂W¹₀₀" in text
    assert f"= {num(step[0, 0])}" in text
    assert "W¹ ← W¹ − ΔW¹, ΔW¹ = " in text  # the stop's summary of the event
