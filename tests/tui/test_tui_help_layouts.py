"""The Help screen says why the picture and the Debugger write the same rules differently: the
picture for one example with column vectors ("a² = σ(W²a¹ + b²)", "∂C/∂W² = δ²a¹ᵀ"), the
Debugger for the batch's rows ("z² = a¹W²ᵀ + b²", "∂C/∂W² = δ²ᵀ a¹") — nothing on screen said
so (new-user audit of watching training, B2). The forms it quotes are the ones the two write."""

from __future__ import annotations

from textual.widgets import Markdown

from engine.debugger.explain.rules import LayerRule, with_layer
from tui.panels.picture_content import describe
from tui.screens.help import GUIDE, HelpScreen

SECTION = "## One example, or the batch"


def section() -> str:
    start = GUIDE.index(SECTION)
    end = GUIDE.find("\n## ", start + 1)
    return " ".join(GUIDE[start:end].split())


def test_the_help_quotes_the_rules_as_the_picture_and_the_debugger_write_them():
    text = section()
    picture = [describe("forward", 2, 2), describe("gradient", 2, 2)]
    assert [rule.split(": ", 1)[1] for rule in picture] == ["a² = σ(W²a¹ + b²)", "∂C/∂W² = δ²a¹ᵀ"]
    rule = LayerRule()
    debugger = [with_layer(rule.forward(), 2), with_layer(rule.gradient(), 2)]
    quoted = ["a² = σ(W²a¹ + b²)", "∂C/∂W² = δ²a¹ᵀ", "z² = a¹W²ᵀ + b²", "∂C/∂W² = δ²ᵀ a¹"]
    for form in quoted:
        assert form in text, form
    assert debugger[0].startswith(quoted[2]) and debugger[1].startswith(quoted[3]), debugger
    assert "one example" in text and "one row per example" in text and "transposed" in text
    assert "- picture: a² = σ(W²a¹ + b²), ∂C/∂W² = δ²a¹ᵀ" in GUIDE  # each on one line
    assert "- Debugger: z² = a¹W²ᵀ + b², ∂C/∂W² = δ²ᵀ a¹" in GUIDE


async def test_the_help_screen_shows_why(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(m.source for m in app.screen.query(Markdown))
        assert "One example, or the batch" in shown
