"""engine.settings: each hyper-parameter declared once, and every consumer reading it there."""

from __future__ import annotations

import math

import pytest

import engine
from engine import settings
from engine.build import build_run
from scenarios import schema

XOR = {
    "data": {"kind": "xor", "n": 8},
    "network": {"loss": "bce", "layers": [{"size": 3, "activation": "tanh"}, {"size": 1}]},
}


@pytest.mark.parametrize("s", settings.every_setting(), ids=lambda s: f"{s.path}")
def test_every_setting_is_fully_declared(s):
    assert s.label and s.meaning and s.type in settings.TYPES
    assert "\n" not in s.meaning, "the meaning is one line"
    if s.default is not None:
        assert s.validate(s.default) == s.default, "the default is allowed"
    if s.type in ("float", "int"):
        assert s.allowed() or s.name in ("value",), s  # every number here has a range
    assert s.shown  # what compact views write


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("training.lr", 0, "training.lr must be a number > 0, got 0"),
        ("training.lr", "fast", "training.lr must be a number > 0, got 'fast'"),
        ("training.lr", math.inf, "training.lr must be a finite number, got inf"),
        ("training.lr", True, "training.lr must be a number > 0, got True"),
        ("training.epochs", 2.5, "training.epochs must be an integer ≥ 1, got 2.5"),
        ("training.batch_size", 0, 'training.batch_size must be a positive integer or "full"'),
        ("training.shuffle", "yes", "training.shuffle must be true or false, got 'yes'"),
        ("training.optimizer", "sdg", "training.optimizer must be one of sgd, momentum"),
        ("network.layers.dropout", 1.0, "must be a number in [0, 1), got 1.0"),
        ("schedule.gamma", -1, "schedule.gamma must be a number > 0, got -1"),
        ("stop.patience", 0, "stop.patience must be an integer ≥ 1, got 0"),
    ],
)
def test_validate_is_one_line_naming_the_key_what_is_allowed_and_the_value(path, value, message):
    with pytest.raises(ValueError) as info:
        settings.find(path).validate(value)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_validate_normalizes_and_ranges_read_as_the_scenario_format_writes_them():
    lr = settings.TRAINING["lr"]
    assert lr.validate(1) == 1.0 and isinstance(lr.validate(1), float)
    assert settings.TRAINING["batch_size"].validate("full") == "full"
    momentum = settings.find("training.momentum", optimizer="momentum")
    assert momentum.allowed() == "≥ 0 and < 1" and momentum.requirement() == "a number in [0, 1)"
    assert lr.title == "learning rate η" and lr.shown == "η"
    assert settings.TRAINING["l1"].shown == "L1"  # λ₁ alone would read as a rate


def test_optimizer_settings_are_declared_on_their_class():
    assert [s.name for s in engine.OPTIMIZERS["adam"].settings] == ["beta1", "beta2", "eps"]
    assert engine.OPTIMIZERS["adam"].defaults == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert settings.optimizer_settings("adagrad")["eps"].default == 1e-10  # its own default
    assert set(settings.training_settings("rmsprop")) == {*settings.TRAINING, "rho", "eps"}
    assert [o for o, cls in engine.OPTIMIZERS.items() if not cls.settings] == ["sgd"]
    with pytest.raises(KeyError, match="no setting 'training.beta1'"):
        settings.find("training.beta1")  # an optimizer's own: which optimizer?
    with pytest.raises(ValueError, match="training.optimizer must be one of"):
        settings.optimizer_settings("nope")


def test_an_optimizer_checks_its_settings_with_their_declared_range():
    with pytest.raises(ValueError, match=r"training.beta1 must be a number in \[0, 1\), got 1.5"):
        engine.make_optimizer("adam", beta1=1.5)
    with pytest.raises(ValueError, match="training.weight_decay must be a number ≥ 0"):
        engine.make_optimizer("sgd", weight_decay=-1)


@pytest.mark.parametrize("key", [*settings.TRAINING, "momentum", "beta2", "eps"])
def test_the_scenario_format_takes_default_and_range_from_the_declaration(key):
    s = settings.TRAINING.get(key) or settings.all_optimizer_settings()[key][0]
    k = schema.TRAINING[key]
    assert (k.type, k.lo, k.hi, k.lo_open, k.hi_open) == (s.type, s.lo, s.hi, s.lo_open, s.hi_open)
    if key in settings.TRAINING and s.default is not None:
        assert k.default == s.default
    assert s.meaning in k.doc


def test_the_run_takes_its_defaults_from_the_declarations():
    run = build_run(**XOR)
    assert run.schedule.lr == settings.TRAINING["lr"].default
    assert run.stop.epochs == settings.TRAINING["epochs"].default
    assert run.trainer.batch_size == run.trainer.n  # "full"
    assert run.learner.l2 == settings.TRAINING["l2"].default
    opt = build_run(**XOR, training={"optimizer": "rmsprop"}).learner.optimizer
    assert opt.rho == settings.optimizer_settings("rmsprop")["rho"].default


def test_a_changed_default_reaches_the_run_the_scenario_format_and_the_editor(monkeypatch):
    """The default is written once: changing the declaration changes every consumer."""
    import dataclasses

    from scenarios.schema import setting_key
    from tui.panels.network_form import NetworkDraft

    lr = dataclasses.replace(settings.TRAINING["lr"], default=0.25)
    monkeypatch.setitem(settings.TRAINING, "lr", lr)
    assert build_run(**XOR).schedule.lr == 0.25
    assert setting_key(lr).default == 0.25
    draft = NetworkDraft.from_sections(2, 1, 8, XOR["network"], {})
    assert draft.values["lr"] == "0.25"


def test_find_and_sections():
    assert settings.find("schedule.warmup") is settings.SCHEDULE["warmup"]
    assert settings.find("network.layers.dropout") is settings.LAYER["dropout"]
    with pytest.raises(KeyError, match="no setting 'training.speed'"):
        settings.find("training.speed")
    assert repr(settings.TRAINING["lr"]) == "Setting(training.lr, default 0.1, a number > 0)"


def test_an_activations_alpha_is_declared_on_its_class():
    """α's default and range come from the activation's declaration: the engine, the scenario
    format (with each activation's own range) and the editor's alpha rule read it there."""
    from scenarios import ScenarioError, load_scenario
    from scenarios.schema import activations_with_alpha

    assert engine.make_activation("leaky_relu").alpha == 0.01
    assert engine.make_activation("elu").alpha == 1.0
    assert activations_with_alpha() == ("leaky_relu", "prelu", "elu")
    with pytest.raises(ValueError, match="alpha must be a number > 0, got -1"):
        engine.make_activation("elu", -1)
    assert engine.make_activation("leaky_relu", -1).alpha == -1.0  # no range there
    override = "network.layers[1].alpha=-0.5"
    with pytest.raises(
        ScenarioError, match=r"alpha \(layer 1\): -0.5 is out of range; allowed: > 0"
    ):
        load_scenario("xor", ["network.layers[1].activation=elu", override])
    assert load_scenario("xor", ["network.layers[1].activation=leaky_relu", override])
