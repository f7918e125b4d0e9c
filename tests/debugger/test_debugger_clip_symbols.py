"""The Clip event's explanation says what its symbols are: exploding-fixed-clipping-xavier at
step 1 read 'scale = min(1, c / ‖g‖) = min(1, 1.000 / 2.407) = 0.4154' with neither c (the
threshold, training.clip_norm) nor ‖g‖ (the norm of every gradient together) named anywhere in
the Debugger panel (new-user audit of watching training)."""

from __future__ import annotations

from engine.debugger.controller import Controller
from scenarios import build_run, load_scenario


def clip_text(name: str, overrides=()) -> str:
    c = Controller(build_run(load_scenario(name, overrides)).trainer)
    c.to_event("clip")
    assert c.event.kind == "clip"
    return c.explain(None, 0).text(width=200)


def test_clipping_by_norm_names_c_and_the_norm():
    text = clip_text("exploding-fixed-clipping-xavier")
    assert "scale = min(1, c / ‖g‖)" in text
    assert "c = clip_norm, the threshold" in text
    assert "‖g‖ = the norm of all the gradients together (every layer's ∂C/∂W and ∂C/∂b)" in text


def test_clipping_by_value_names_the_norm_it_reports():
    text = clip_text("xor", ["training.clip_value=0.01"])
    assert "each gradient entry clipped to ±0.01" in text
    assert "‖g‖ = the norm of all the gradients together" in text
