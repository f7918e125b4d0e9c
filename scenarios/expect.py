"""The ``[[expect]]`` vocabulary: a scenario's claims in checkable terms, and their validation.

Each ``[[expect]]`` table is one claim: a sentence for people (``claim``) and a machine form
(``kind`` and its keys). Four kinds cover the lessons:

- ``value``           a measured quantity is ``below`` / ``above`` a bound, or ``near`` a number
- ``compare``         the ratio of a quantity in this run to the same quantity in another run
                      (another scenario, ``against``, and/or these overrides, ``against_set``)
- ``stops``           training stops for ``reason`` (within N steps / epochs)
- ``val_loss_rises``  the validation loss rises after epoch N while the training loss falls

Quantities (``metric``): run-wide ones (loss, val_loss, accuracy, val_accuracy, steps, epochs,
loss_up_fraction, loss_noise, dead_units), per-layer statistics of a step (``layer = l``; grad_norm,
delta_mean_abs, …, optionally divided by the same statistic of ``relative_to``), and single
parameters (``weight`` / ``bias`` with an ``entry`` from 0, as the debugger's ``W@2[0,1]`` and the
equations' W²₀₁).
``at_step = N`` and ``at_epoch = N`` pick the moment; without them the quantity is taken at the
end of the run. Any claim can run its own variant of the scenario with ``set`` (``--set``
overrides). See README.md for the details.
"""

from __future__ import annotations

import engine

from . import overrides
from .errors import one_of
from .schema import Key
from .validate import Checker

KINDS = ("value", "compare", "stops", "val_loss_rises")
STOP_REASONS = ("loss_below", "patience", "epochs", "diverged")

RUN_METRICS = ("loss", "val_loss", "accuracy", "val_accuracy")  # per step/epoch or at the end
NETWORK_METRICS = ("dead_units",)  # before training (at_step = 0) or at the end
WHOLE_RUN_METRICS = ("steps", "epochs", "loss_up_fraction", "loss_noise")  # only over the whole run
LAYER_METRICS = tuple(engine.STAT_NAMES)
PARAM_METRICS = ("weight", "bias")
METRICS = RUN_METRICS + NETWORK_METRICS + WHOLE_RUN_METRICS + LAYER_METRICS + PARAM_METRICS
EPOCH_METRICS = RUN_METRICS  # what at_epoch can select
STEP_METRICS = ("loss", *LAYER_METRICS, *PARAM_METRICS, *NETWORK_METRICS)  # at_step can select

_CLAIM = Key("str", "the claim as a sentence", required=True)
_KIND = Key("str", "how the claim is checked", required=True, choices=KINDS)
_SET = Key("str_list", "--set overrides for the run this claim measures")
_QUANTITY = {
    "metric": Key("str", "the measured quantity", required=True, choices=METRICS),
    "layer": Key("int", "layer l (1-based) for per-layer statistics and parameters", lo=1),
    "relative_to": Key("int", "divide by the same statistic of this layer", lo=1),
    "entry": Key(
        "entry",
        "the parameter's indices, from 0 as in the debugger: [j, k] for Wˡⱼₖ (W@l[j,k]), "
        "[j] for bˡⱼ",
    ),
    "at_step": Key("int", "after step N (0 = before training; parameters only)", lo=0),
    "at_epoch": Key("int", "after epoch N (epoch metrics)", lo=1),
}

EXPECT_KEYS = {
    "value": {
        "claim": _CLAIM,
        "kind": _KIND,
        **_QUANTITY,
        "below": Key("float", "the quantity is < below"),
        "above": Key("float", "the quantity is > above"),
        "near": Key("float", "the quantity is within tolerance of near"),
        "tolerance": Key("float", "with near: the largest allowed |quantity − near|", lo=0.0),
        "set": _SET,
    },
    "compare": {
        "claim": _CLAIM,
        "kind": _KIND,
        **_QUANTITY,
        "against": Key("str", "the other scenario (name or path; default: this one)"),
        "against_set": Key("str_list", "--set overrides for the other run"),
        "ratio_below": Key("float", "this / other < ratio_below", lo=0.0, lo_open=True),
        "ratio_above": Key("float", "this / other > ratio_above", lo=0.0, lo_open=True),
        "set": _SET,
    },
    "stops": {
        "claim": _CLAIM,
        "kind": _KIND,
        "reason": Key("str", "why training stops", required=True, choices=STOP_REASONS),
        "within_steps": Key("int", "… at or before this step", lo=1),
        "within_epochs": Key("int", "… at or before this epoch", lo=1),
        "after_steps": Key("int", "… after more than this many steps", lo=0),
        "set": _SET,
    },
    "val_loss_rises": {
        "claim": _CLAIM,
        "kind": _KIND,
        "after_epoch": Key(
            "int", "the epoch the validation loss is compared from", required=True, lo=1
        ),
        "by": Key(
            "float", "relative rise required: final > (1 + by) × at after_epoch", 0.0, lo=0.0
        ),
        "set": _SET,
    },
}
ALL_KEYS = {name: key for keys in EXPECT_KEYS.values() for name, key in keys.items()}


def check_expect(ch: Checker, value, n_layers: int) -> list[dict]:
    """The ``[[expect]]`` array: every claim well-formed, its layers within 1…L."""
    entries = ch.array(value, "expect")
    return [_check_claim(ch, entry, i, n_layers) for i, entry in enumerate(entries, start=1)]


def _check_claim(ch: Checker, entry, i: int, L: int) -> dict:
    path, suffix = f"expect[{i}]", f" (claim {i})"
    raw = ch.section(entry, path, suffix)
    if "kind" not in raw:
        ch.missing(f"{path}.kind", _KIND, suffix)
    kind = ch.value(_KIND, raw["kind"], f"{path}.kind{suffix}")
    if "index" in raw:  # the key of format versions before 0-based entries
        ch.fail(f"{path}.index{suffix}", _old_index(raw["index"]))
    keys = EXPECT_KEYS[kind]
    applicable = {
        name: f'kind "{kind}" takes: {one_of(keys)}' for name in ALL_KEYS if name not in keys
    }
    claim = ch.table(entry, ALL_KEYS, path, suffix=suffix, applicable=applicable)

    def fail(key: str, message: str) -> None:
        ch.fail(f"{path}.{key}{suffix}" if key else f"{path}{suffix}", message)

    for key in ("set", "against_set"):
        for j, text in enumerate(claim.get(key, ()), start=1):
            try:
                overrides.parse(text)
            except ValueError as e:
                ch.fail(f"{path}.{key}[{j}]{suffix}", str(e))
    if kind in ("value", "compare"):
        _check_quantity(claim, L, fail)
    if kind == "value":
        if not {"below", "above", "near"} & claim.keys():
            fail("", "needs a bound: below, above or near (with tolerance)")
        if ("near" in claim) != ("tolerance" in claim):
            fail("near" if "near" in claim else "tolerance", "near and tolerance go together")
    if kind == "compare":
        if "against" not in claim and "against_set" not in claim:
            fail("", "needs against (a scenario) and/or against_set (overrides)")
        if not {"ratio_below", "ratio_above"} & claim.keys():
            fail("", "needs ratio_below and/or ratio_above")
    if kind == "stops" and "within_steps" in claim and "within_epochs" in claim:
        fail("within_epochs", "give within_steps or within_epochs, not both")
    return claim


def _old_index(index) -> str:
    """What to write instead of the 1-based ``index`` claims had before indices counted from 0."""
    new = "entry = [j, k], from 0"
    if isinstance(index, list) and all(type(i) is int and i >= 1 for i in index):
        new = f"entry = [{', '.join(str(i - 1) for i in index)}]"
    return (
        "index counted from 1 and is no longer read; indices now count from 0 as in the "
        f"debugger (W@2[0,0] is W²₀₀) and the key is entry: write {new}"
    )


def _check_quantity(claim: dict, L: int, fail) -> None:
    metric = claim["metric"]
    for key in ("layer", "relative_to"):
        if key in claim and claim[key] > L:
            fail(key, f"{claim[key]} is out of range; the network has layers 1…{L}")
    needs_layer = metric in LAYER_METRICS or metric in PARAM_METRICS
    if needs_layer and "layer" not in claim:
        fail("layer", f'metric "{metric}" is per layer; give layer = 1…{L}')
    if not needs_layer and "layer" in claim:
        fail("layer", f'metric "{metric}" is for the whole network; remove layer')
    if "relative_to" in claim and metric not in LAYER_METRICS:
        fail("relative_to", f"only per-layer statistics ({one_of(LAYER_METRICS)}) take it")
    if metric in PARAM_METRICS:
        want = 2 if metric == "weight" else 1
        entry = claim.get("entry")
        if entry is None or len(entry) != want:
            shape = "[j, k] (Wˡⱼₖ: row j, column k)" if want == 2 else "[j] (bˡⱼ)"
            fail("entry", f'metric "{metric}" needs entry = {shape}, from 0')
    elif "entry" in claim:
        fail("entry", f"only weight and bias take an entry, not {metric!r}")
    if "at_step" in claim and "at_epoch" in claim:
        fail("at_epoch", "give at_step or at_epoch, not both")
    if "at_step" in claim:
        if metric not in STEP_METRICS:
            fail("at_step", f"at_step selects one of: {one_of(STEP_METRICS)}")
        if claim["at_step"] == 0 and metric not in (*PARAM_METRICS, *NETWORK_METRICS):
            fail("at_step", "step 0 (before training) has only parameters; steps count from 1")
        if claim["at_step"] > 0 and metric in NETWORK_METRICS:
            fail("at_step", f"{metric} is measured before training (at_step = 0) or at the end")
    if "at_epoch" in claim and metric not in EPOCH_METRICS:
        fail("at_epoch", f"at_epoch selects one of: {one_of(EPOCH_METRICS)}")
