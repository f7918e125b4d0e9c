"""Check a scenario's ``[[expect]]`` claims by training it headless.

``check_scenario(scenario, seed=None)`` trains every run the claims need (the scenario itself,
its variants under a claim's ``set``, the runs a ``compare`` claim measures against) once each,
records what the claims measure, and returns one ``ClaimResult`` per claim: the sentence,
whether it held, and the measured figure. The vocabulary is described in ``expect.py`` and
``README.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.loss_names import LOSS_NAMES
from engine.metrics import EpochMetrics
from engine.number_text import count, counted

from .claim_figures import FRACTION, NUMBER, apart, bound, kind_of
from .errors import ScenarioError
from .expect import LAYER_METRICS, PARAM_METRICS, WHOLE_RUN_METRICS
from .loader import Scenario, build_run, load_scenario, parse_scenario

# A step's loss counts as "up" when it exceeds the previous one by more than this fraction, so
# that rounding at convergence (changes of 1e-16) is not mistaken for noise.
UP_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ClaimResult:
    claim: str
    held: bool
    measured: str


@dataclass
class Needs:
    """What to record during one run, beyond what is always recorded."""

    stat_steps: set[int] = field(default_factory=set)
    param_steps: set[int] = field(default_factory=set)


@dataclass
class Record:
    """What one headless run measured."""

    scenario: Scenario
    seed: int
    losses: list[float]  # loss of step t at losses[t - 1]
    stats: dict[int, tuple]  # LayerStats of the recorded steps
    params: dict[int, tuple]  # parameters after the recorded steps (0 = before training)
    epochs: list[EpochMetrics]  # of every epoch, in order
    final: EpochMetrics  # of the network at the end
    last_stats: tuple
    last_params: tuple
    stop_reason: str
    steps: int
    epochs_run: int
    dead_start: float  # fraction of dead ReLU units before training (see dead_units)
    dead_end: float  # … and at the end


def dead_masks(run) -> dict[int, np.ndarray]:
    """For each hidden layer l whose units can die (ReLU), which of its units are dead: their
    activation is 0 for every training example (evaluation mode), so they pass on nothing and
    receive no gradient."""
    a = run.data.x_train
    masks: dict[int, np.ndarray] = {}
    for l, layer in enumerate(run.net.layers[:-1], start=1):
        _, a, _ = layer.forward(a, None, False)
        if layer.activation.can_die:
            masks[l] = np.all(a <= 0, axis=0)
    return masks


def dead_units(run) -> float:
    """Fraction of the units of hidden layers that can die (ReLU) that are dead (``dead_masks``)."""
    masks = dead_masks(run).values()
    total = sum(m.size for m in masks)
    return sum(int(np.count_nonzero(m)) for m in masks) / total if total else 0.0


def record_run(scenario: Scenario, seed: int | None, needs: Needs) -> Record:
    """Train ``scenario`` until it stops, recording what ``needs`` asks for."""
    run = build_run(scenario, seed=seed)
    epochs: list[EpochMetrics]
    losses, stats, params, epochs = [], {}, {}, []
    if 0 in needs.param_steps:
        params[0] = _params(run)
    with np.errstate(all="ignore"):
        dead_start = dead_units(run)
        while run.should_stop() is None:
            result = run.step()
            t = run.steps_done
            losses.append(float(result.loss))
            if t in needs.stat_steps:
                stats[t] = run.learner.step_stats()
            if t in needs.param_steps:
                params[t] = _params(run)
            if len(run.history.epochs) > len(epochs):
                epochs.append(run.history.epochs.last)
        final = run.final_metrics()
        dead_end = dead_units(run)
    return Record(
        scenario=scenario,
        seed=run.seed,
        losses=losses,
        stats=stats,
        params=params,
        epochs=epochs,
        final=final,
        last_stats=run.last_stats,
        last_params=_params(run),
        stop_reason=run.should_stop(),
        steps=run.steps_done,
        epochs_run=run.epoch,
        dead_start=dead_start,
        dead_end=dead_end,
    )


def _params(run) -> tuple[dict, ...]:
    """Every layer's parameters now (arrays are replaced by the engine, never modified)."""
    return tuple(dict(layer.params) for layer in run.net.layers)


# --- which runs a claim needs ------------------------------------------------------------------


def variant(scenario: Scenario, extra, where: str = "") -> Scenario:
    """``scenario`` with more ``--set`` overrides (re-validated from its own text); ``where``
    names them in an error ("expect[3].set (claim 3)")."""
    if not extra:
        return scenario
    try:
        return parse_scenario(
            scenario.source,
            path=scenario.path,
            label=scenario.label,
            overrides=(*scenario.overrides, *extra),
            training_only=True,
        )
    except ScenarioError as e:
        if not where:
            raise
        reason = str(e).removeprefix(f"{scenario.label}: ")
        raise ScenarioError(f"{scenario.label}: {where} = {list(extra)!r}: {reason}") from None


def other(scenario: Scenario, claim: dict, where: str = "expect") -> Scenario:
    """The run a ``compare`` claim measures against (``where``: the claim, "expect[2]")."""
    against = claim.get("against")
    if against is None:
        return variant(scenario, claim.get("against_set", ()), f"{where}.against_set")
    target = Path(against)
    if ("/" in against or against.endswith(".toml")) and not target.is_absolute():
        target = scenario.path.parent / target
        against = str(target)
    try:
        return load_scenario(against, tuple(claim.get("against_set", ())))
    except ScenarioError as e:
        raise ScenarioError(f"{scenario.label}: expect: against = {against!r}: {e}") from None


def _key(scenario: Scenario, seed: int | None) -> tuple:
    return (str(scenario.path), scenario.source, scenario.overrides, seed)


def _need(claim: dict, needs: Needs) -> None:
    step = claim.get("at_step")
    if step is None:
        return
    if claim.get("metric") in PARAM_METRICS:
        needs.param_steps.add(step)
    else:
        needs.stat_steps.add(step)


# --- measuring ------------------------------------------------------------------------------


class Unmeasurable(Exception):
    """The run did not reach the moment a claim looks at."""


def _describe(claim: dict) -> str:
    """The measured quantity in words; a loss under its name (``engine.loss_names``): the batch
    loss of a step (``at_step``), the train-set loss of an epoch or at the end."""
    metric = claim["metric"]
    text = metric
    if metric == "loss":
        text = LOSS_NAMES["batch_loss" if claim.get("at_step") else "train_loss"]
    elif metric in LOSS_NAMES:
        text = LOSS_NAMES[metric]
    if metric == "dead_units":  # not the Gradients panel's dead fraction, of one batch
        text = "dead units (a = 0 for every training example)"
    if metric in PARAM_METRICS:
        text = parameter_name(metric, claim["layer"], claim["entry"])
    elif metric in LAYER_METRICS:
        text = f"{metric} of layer {claim['layer']}"
        if "relative_to" in claim:
            text += f" / layer {claim['relative_to']}"
    if metric in WHOLE_RUN_METRICS:
        text += " over the run"
    elif "at_step" in claim:
        text += f" at step {count(claim['at_step'])}" if claim["at_step"] else " before training"
    elif "at_epoch" in claim:
        text += f" after epoch {count(claim['at_epoch'])}"
    else:
        text += " at the end"
    return text


def measure(record: Record, claim: dict) -> float:
    """The quantity ``claim`` names, in ``record``; Unmeasurable when the run stopped earlier."""
    metric = claim["metric"]
    if metric == "steps":
        return float(record.steps)
    if metric == "epochs":
        return float(record.epochs_run)
    if metric in ("loss_up_fraction", "loss_noise"):
        losses = np.asarray(record.losses)
        if losses.size < 2:
            raise Unmeasurable(f"the run took {counted(losses.size, 'step')}")
        if metric == "loss_up_fraction":
            return float(np.mean(losses[1:] > losses[:-1] * (1.0 + UP_TOLERANCE)))
        return float(np.mean(np.abs(np.diff(losses))) / np.mean(losses[1:]))
    if metric == "dead_units":
        return record.dead_start if claim.get("at_step") == 0 else record.dead_end
    if metric in PARAM_METRICS:
        return _parameter(record, claim)
    if metric in LAYER_METRICS:
        stats = _stats_at(record, claim)
        value = getattr(stats[claim["layer"] - 1], metric)
        if "relative_to" in claim:
            value = _ratio(value, getattr(stats[claim["relative_to"] - 1], metric))
        return float(value)
    return _run_metric(record, claim)


def _ratio(a: float, b: float) -> float:
    if b == 0:
        return math.inf if a > 0 else (0.0 if a == 0 else -math.inf)
    return a / b


def _stats_at(record: Record, claim: dict) -> tuple:
    step = claim.get("at_step")
    if step is None:
        if not record.last_stats:
            raise Unmeasurable("the run took no step")
        return record.last_stats
    if step not in record.stats:
        raise Unmeasurable(
            f"the run stopped after {counted(record.steps, 'step')}, before step {count(step)}"
        )
    return record.stats[step]


def _parameter(record: Record, claim: dict) -> float:
    step = claim.get("at_step")
    params = record.last_params if step is None else record.params.get(step)
    if params is None:
        raise Unmeasurable(
            f"the run stopped after {counted(record.steps, 'step')}, before step {count(step)}"
        )
    layer = params[claim["layer"] - 1]
    array = layer["W"] if claim["metric"] == "weight" else layer["b"]
    entry = tuple(claim["entry"])
    if any(i >= n for i, n in zip(entry, array.shape)):
        shape = " × ".join(str(n) for n in array.shape)
        name = parameter_name(claim["metric"], claim["layer"], entry)
        raise Unmeasurable(f"{name} is outside the parameter's shape {shape}")
    return float(array[entry])


def parameter_name(metric: str, l: int, entry) -> str:
    """``W²₀₁ (W@2[0,1])``: a parameter as the debugger's equations and expressions name it."""
    from engine.debugger.formatting import symbol

    name = "W" if metric == "weight" else "b"
    return f"{symbol(name, l, tuple(entry))} ({name}@{l}[{','.join(map(str, entry))}])"


def _run_metric(record: Record, claim: dict) -> float:
    metric = "train_loss" if claim["metric"] == "loss" else claim["metric"]
    if "at_step" in claim:  # only "loss": the loss of that step, as the optimizer saw it
        step = claim["at_step"]
        if step > len(record.losses):
            raise Unmeasurable(
                f"the run stopped after {counted(record.steps, 'step')}, before step {count(step)}"
            )
        return record.losses[step - 1]
    metrics = _epoch(record, claim["at_epoch"]) if "at_epoch" in claim else record.final
    value = getattr(metrics, metric)
    if value is None:
        raise Unmeasurable(f"{claim['metric']} does not apply to this run")
    return float(value)


def _epoch(record: Record, epoch: int):
    for metrics in record.epochs:
        if metrics.epoch == epoch:
            return metrics
    raise Unmeasurable(
        f"the run stopped after epoch {count(record.epochs_run)}, before epoch {count(epoch)}"
    )


# --- judging --------------------------------------------------------------------------------


def _bounds(q: float, claim: dict, prefix: str, kind: str) -> tuple[bool, list[str], list[float]]:
    """Whether ``q`` is below the claim's ``{prefix}below`` and above its ``{prefix}above`` (each
    where given), those needs as text, and the bounds themselves."""
    held, needs, limits = True, [], []
    if prefix + "below" in claim:
        held &= q < claim[prefix + "below"]
        needs.append(f"< {bound(claim[prefix + 'below'], kind)}")
        limits.append(claim[prefix + "below"])
    if prefix + "above" in claim:
        held &= q > claim[prefix + "above"]
        needs.append(f"> {bound(claim[prefix + 'above'], kind)}")
        limits.append(claim[prefix + "above"])
    return held, needs, limits


def judge_value(record: Record, claim: dict) -> ClaimResult:
    q = measure(record, claim)
    kind = kind_of(claim)
    held, needs, limits = _bounds(q, claim, "", kind)
    if "near" in claim:
        near, tolerance = claim["near"], claim["tolerance"]
        held &= abs(q - near) <= tolerance
        needs.append(f"{bound(near, kind)} ± {bound(tolerance, kind)}")
        limits += [near, near - tolerance, near + tolerance]
    (shown,) = apart([q], kind, limits)
    measured = f"{_describe(claim)} = {shown}{_variant(claim)} (needs {' and '.join(needs)})"
    return ClaimResult(claim["claim"], bool(held) and not math.isnan(q), measured)


def judge_compare(record: Record, against: Record, claim: dict) -> ClaimResult:
    q, q_other = measure(record, claim), measure(against, claim)
    ratio = _ratio(q, q_other)
    held, needs, limits = _bounds(ratio, claim, "ratio_", NUMBER)
    this = _run_label(claim, "set")
    that = _run_label(claim, "against_set", claim.get("against"))
    shown, shown_other = apart([q, q_other], kind_of(claim))
    (shown_ratio,) = apart([ratio], NUMBER, limits)
    measured = (
        f"{_describe(claim)}: {shown} {this} vs {shown_other} {that}, "
        f"ratio {shown_ratio} (needs {' and '.join(needs)})"
    )
    return ClaimResult(claim["claim"], bool(held) and not math.isnan(ratio), measured)


def _run_label(claim: dict, key: str, scenario: str | None = None) -> str:
    """How a claim's run is named in the measured text ("here", "dying-relu-fixed-leaky", …)."""
    extra = list(claim.get(key, ()))
    if len(extra) > 2:
        extra = [extra[0], f"… ({len(extra)} overrides)"]
    if scenario is None:
        return f"with {', '.join(extra)}" if extra else "as written"
    return scenario + (f" with {', '.join(extra)}" if extra else "")


def _variant(claim: dict) -> str:
    """`` with training.lr=0.9, …`` after a figure measured on the claim's own variant of the
    scenario (its ``set`` overrides), as a comparison names its runs; empty without ``set``."""
    return f" {_run_label(claim, 'set')}" if claim.get("set") else ""


def judge_stops(record: Record, claim: dict) -> ClaimResult:
    reason = record.stop_reason
    held = reason == claim["reason"]
    needs = [f"reason {claim['reason']}"]
    if "within_steps" in claim:
        held &= record.steps <= claim["within_steps"]
        needs.append(f"by step {count(claim['within_steps'])}")
    if "within_epochs" in claim:
        held &= record.epochs_run <= claim["within_epochs"]
        needs.append(f"by epoch {count(claim['within_epochs'])}")
    if "after_steps" in claim:
        held &= record.steps > claim["after_steps"]
        needs.append(f"after step {count(claim['after_steps'])}")
    measured = (
        f"stopped ({reason}) at step {count(record.steps)}, epoch {count(record.epochs_run)}"
        f"{_variant(claim)} (needs {', '.join(needs)})"
    )
    return ClaimResult(claim["claim"], bool(held), measured)


def judge_val_loss_rises(record: Record, claim: dict) -> ClaimResult:
    start = _epoch(record, claim["after_epoch"])
    end = record.final
    if start.val_loss is None or end.val_loss is None:
        raise Unmeasurable("the run has no validation set (set data.validation > 0)")
    assert start.train_loss is not None and end.train_loss is not None  # measured every epoch
    rise = _ratio(end.val_loss, start.val_loss) - 1.0
    held = rise > claim["by"] and end.train_loss < start.train_loss
    val_start, val_end = apart([start.val_loss, end.val_loss], NUMBER)
    train_start, train_end = apart([start.train_loss, end.train_loss], NUMBER)
    (shown_rise,) = apart([rise], FRACTION, [claim["by"]])
    measured = (
        f"{LOSS_NAMES['val_loss']} {val_start} after epoch {count(start.epoch)} → {val_end} at "
        f"the end (epoch {count(record.epochs_run)}, {'+' if rise >= 0 else ''}{shown_rise}, "
        f"needs > +{bound(claim['by'], FRACTION)}); {LOSS_NAMES['train_loss']} {train_start} → "
        f"{train_end} (needs to fall)"
    )
    if claim.get("set"):
        measured = f"{_run_label(claim, 'set')}: {measured}"
    return ClaimResult(claim["claim"], bool(held), measured)


# --- the whole check --------------------------------------------------------------------------


def check_scenario(scenario: Scenario, seed: int | None = None) -> list[ClaimResult]:
    """Train the runs ``scenario``'s claims need and judge every claim (see the module docstring).

    ``seed`` replaces the seed of every run; without it each scenario uses its own.
    """
    plans = []  # (claim, main scenario, other scenario or None)
    for i, claim in enumerate(scenario.expect, start=1):
        where = f"expect[{i}]"
        main = variant(scenario, claim.get("set", ()), f"{where}.set (claim {i})")
        against = other(scenario, claim, where) if claim["kind"] == "compare" else None
        plans.append((claim, main, against))
    needs: dict[tuple, tuple[Scenario, Needs]] = {}
    for claim, *runs in plans:
        for s in runs:
            if s is not None:
                _need(claim, needs.setdefault(_key(s, seed), (s, Needs()))[1])
    records = {key: record_run(s, seed, need) for key, (s, need) in needs.items()}
    results = []
    for claim, main, against in plans:
        record = records[_key(main, seed)]
        try:
            if claim["kind"] == "value":
                result = judge_value(record, claim)
            elif claim["kind"] == "compare":
                assert against is not None  # a comparison has its other run
                result = judge_compare(record, records[_key(against, seed)], claim)
            elif claim["kind"] == "stops":
                result = judge_stops(record, claim)
            else:
                result = judge_val_loss_rises(record, claim)
        except Unmeasurable as e:
            result = ClaimResult(claim["claim"], False, f"not measurable{_variant(claim)}: {e}")
        results.append(result)
    return results
