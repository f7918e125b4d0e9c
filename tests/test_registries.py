"""Adding an optimizer, an activation or a loss is one class plus its registry entry.

A new optimizer (with a hyper-parameter of its own), a new activation and a new loss are defined
here, registered (the registries are plain dicts, patched for the test) and then found everywhere
the user meets them, with nothing else changed: the command line (``--set`` and its completion),
the scenario validation, the network editor, the Network panel and the debugger's explanations.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from textual.app import App
from textual.widgets import Checkbox, Input, Select

import engine
from engine.activations import Activation
from engine.debugger import Controller
from engine.losses import Loss
from engine.optimizers import EMPTY, Optimizer
from engine.settings import training
from scenarios import ScenarioError, build_run, load_scenario
from scenarios.overrides import completions
from tui.cli import main
from tui.panels.network_editor import NetworkEditor
from tui.panels.network_form import NetworkDraft
from tui.panels.network_panel import optimizer_items


class SignSGD(Optimizer):
    """p ← p − η κ sign(g)."""

    name = "signsgd"
    settings = (
        training(
            "kappa",
            "float",
            0.5,
            "sign step",
            "size of the step along sign(g)",
            symbol="κ",
            lo=0.0,
            lo_open=True,
        ),
        training("flip", "bool", False, "flip", "step along +sign(g) instead (for the test)"),
    )

    def update(self, p, g, state, lr, t, out=EMPTY):
        step = np.multiply(
            np.sign(g), (-1.0 if self.flip else 1.0) * lr * self.kappa, out.get("step")
        )
        return np.subtract(p, step, out.get("p")), step, EMPTY

    def explain_update(self, u):
        kappa = u.term("κ", "kappa", self.kappa)
        sign = u.signed(float(np.sign(u.gradient)) * (-1.0 if self.flip else 1.0))
        u.step("η κ sign(" + u.g + ")", u.lr + " × " + kappa + " × " + sign)


class Softsign(Activation):
    """σ(z) = z / (1 + |z|), σ′(z) = 1 / (1 + |z|)²."""

    name = "softsign"
    saturates = True

    def __call__(self, z, out=None, **params):
        return np.divide(z, 1.0 + np.abs(z), out)

    def slope(self, z, a, out=None, **params):
        return np.divide(1.0, (1.0 + np.abs(z)) ** 2, out)

    def explain_slope(self, t):
        return t.text("1 / (1 + |z|)²", "1 / (1 + |z|)^2"), "1 / (1 + " + t.number(
            abs(t.values["z"])
        ) + ")" + t.SQ


class MAE(Loss):
    """C = (1/(B·n)) Σ |a − y|."""

    name = "mae"
    formula = ("(1/(B·n)) Σ |a − y|", "(1/(B*n)) sum |a - y|")
    mean_over = "elements"

    def value(self, z, a, y):
        return float(np.abs(a - y).sum()) / a.size

    def grad_a(self, z, a, y, out=None):
        return np.divide(np.sign(a - y), a.size, out)

    def terms(self, z, a, y):
        return np.abs(a - y)

    def explain_grad(self, t):
        return "sign(a − y) / (B·n)", "sign(" + t.a_value + " − " + t.y_value + f") / {t.B * t.n}"


NEW = [
    "training.optimizer=signsgd",
    "training.kappa=0.25",
    "network.loss=mae",
    'network.layers=[{size = 3, activation = "softsign"}, {size = 1, activation = "linear"}]',
]


@pytest.fixture
def registered(monkeypatch):
    """The three classes in their registries (one entry each, as a new class would add)."""
    monkeypatch.setitem(engine.OPTIMIZERS, SignSGD.name, SignSGD)
    monkeypatch.setitem(engine.ACTIVATIONS, Softsign.name, Softsign)
    monkeypatch.setitem(engine.LOSSES, MAE.name, MAE)


def invoke(*args):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


def test_the_command_line_trains_with_them_and_offers_them(registered):
    sets = [arg for text in NEW for arg in ("--set", text)]
    result = invoke("train", "linear-regression", *sets, "--epochs", "3", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["epochs_run"] == 3
    bad = invoke("train", "linear-regression", "--set", "training.optimizer=signsdg")
    assert bad.exit_code == 2 and "signsgd" in bad.output
    assert "training.optimizer=signsgd" in completions("training.optimizer=s")
    assert "training.kappa=" in completions("training.ka")
    assert "training.flip=true" in completions("training.flip=")
    assert "network.loss=mae" in completions("network.loss=")
    assert "network.layers[2].activation=softsign" in completions("network.layers[2].activation=so")


def test_the_scenario_format_validates_them_with_their_declared_ranges(registered):
    scenario = load_scenario("linear-regression", NEW)
    assert scenario.training["kappa"] == 0.25 and scenario.network["loss"] == "mae"
    run = build_run(scenario)
    assert run.learner.optimizer.kappa == 0.25 and run.net.layer(1).activation.name == "softsign"
    with pytest.raises(ScenarioError, match=r"training.kappa: -1.0 is out of range; allowed: > 0"):
        load_scenario("linear-regression", [*NEW, "training.kappa=-1.0"])
    with pytest.raises(
        ScenarioError, match='training.kappa: does not apply here: optimizer "adam"'
    ):
        load_scenario("linear-regression", ["training.optimizer=adam", "training.kappa=0.5"])
    with pytest.raises(
        ScenarioError, match="allowed: sgd, momentum, rmsprop, adam, adagrad, signsgd"
    ):
        load_scenario("linear-regression", ["training.optimizer=lion"])


class EditorApp(App[None]):
    def __init__(self, draft: NetworkDraft):
        super().__init__()
        self.draft = draft

    def on_mount(self) -> None:
        self.push_screen(NetworkEditor(self.draft))


async def test_the_network_editor_offers_them_with_their_fields(registered):
    scenario = load_scenario("linear-regression", NEW)
    draft = NetworkDraft.from_sections(1, 1, 40, scenario.network, scenario.training)
    app = EditorApp(draft)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        options = {
            key: [value for _, value in screen.query_one(f"#{key}", Select)._options]
            for key in ("optimizer", "loss", "act-1")
        }
        assert "signsgd" in options["optimizer"] and "mae" in options["loss"]
        assert "softsign" in options["act-1"]
        kappa = screen.query_one("#kappa", Input)
        assert kappa.value == "0.25" and "sign step κ" in str(kappa.tooltip)
        assert screen.query_one("#flip", Checkbox).value is False
        kappa.value = "-2"
        await pilot.pause()
        assert "sign step κ: -2 refused — must be > 0" in [e.message for e in screen.errors]
        kappa.value = "0.75"
        screen.query_one("#flip", Checkbox).value = True
        await pilot.pause()
        assert screen.errors == []
    network, section, errors = draft.check()
    assert errors == [] and section["kappa"] == 0.75 and section["flip"] is True


def test_the_network_panel_and_the_explanations_show_them(registered):
    run = build_run(load_scenario("linear-regression", NEW))
    items = dict(optimizer_items(run.learner.optimizer))
    assert items["optimizer"] == "signsgd" and items["κ"] == "0.25"
    c = Controller(run.trainer)
    c.run(1)
    seen = set()
    while True:
        c.step()
        ev = c.event
        if ev.kind == "delta" and ev.l == 1:
            e = c.explain((0,), 0)
            slope = next(line for line in e.lines if line.lhs.u.startswith("σ′"))
            assert slope.steps[0].u == "1 / (1 + |z|)²" and slope.result == ev.local_slope[0, 0]
            seen.add("softsign")
        elif ev.kind == "loss":
            e = c.explain((0,), 0)
            assert e.lines[0].steps[0].u == MAE.formula[0]
            assert e.result.value == ev.grad_a[0, 0] and "sign(" in e.lines[-1].steps[1].u
            seen.add("mae")
        elif ev.kind == "update" and ev.l == 1:
            e = c.explain((0, 0))
            assert e.term("kappa").value == 0.25 and e.result.value == ev.W_new[0, 0]
            assert "κ sign(" in e.text() and "kappa sign(" in e.text(ascii=True)
            assert e.text(ascii=True).isascii()
            seen.add("signsgd")
        elif ev.kind == "step_end":
            break
    assert seen == {"softsign", "mae", "signsgd"}
