"""Changes while it trains, as the lab makes them: the session's side of ``engine.live`` and
``engine.reshape``.

``change(session, values, running)`` checks settings (``training.lr``, ``schedule.gamma``,
``network.layers[1].dropout``, …) with their declarations and puts them in force from the next
step — through the trainer's request queue while the training thread runs, else at the
debugger's position — without rebuilding anything. A refused value raises ``SessionError`` with
the reason, and nothing changes.

``sections_in_force(scenario, run)`` gives the scenario's ``[network]``, ``[training]`` and
``[schedule]`` sections with the latest values; ``edit_values`` tells whether edited
sections differ from them only in live settings (then they are applied live) or change the
network's shape (then the lab rebuilds: ``reshape_plan`` for the unit and layer keys, with the
weights that still fit kept and what is lost said before).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from engine import live, reshape
from engine.build import layer_specs
from engine.settings import TRAINING
from scenarios.schema import SCHEDULE, SCHEDULE_COMMON, SCHEDULE_KIND_KEYS
from tui.panels.format import fmt_count
from tui.session import LabSession
from tui.session_errors import SessionError

LR_FACTOR = 2.0  # `<` and `>` halve and double η₀


def in_force(session: LabSession, running: bool = False) -> dict:
    """The live settings a change made now applies to: while training runs, the latest the
    log gives and those asked for (``latest``); else those in force at the debugger's
    position."""
    if running:
        return latest(session.run.trainer)
    return session.run.trainer.settings_at(_position(session)[0])


def latest(trainer) -> dict:
    """The live settings after every change logged and asked for."""
    values = trainer.settings_at(1 << 62)
    for pending in list(trainer._requests):
        values.update(pending)
    return values


def _position(session: LabSession) -> tuple[int, tuple[int, int] | None]:
    """(steps after which a change made at the debugger's position applies, the epoch and
    batch counters then): at a StepStart, the step it starts takes the change; mid-step or at
    a StepEnd, the next one."""
    c = session.controller
    rec = c.record
    if c.position.index == 0 and not rec.complete:
        prev = c.timeline.get(rec.step - 1)
        return rec.step - 1, (prev.epoch, prev.batch) if prev is not None else None
    return rec.step, (rec.epoch, rec.batch)


def change(session: LabSession, values: dict, running: bool) -> str:
    """Check ``values`` and put them in force from the next step; the message to show."""
    trainer = session.run.trainer
    base = in_force(session, running)
    try:
        checked = live.check(trainer, values, base)
    except ValueError as e:
        raise SessionError(f"Refused: {e}. Training is unchanged.") from None
    words = live.words(checked, base)
    if running:
        trainer.request(checked)
        return f"{words} from the next step"
    at, where = _position(session)
    c = session.controller
    c.release()
    _, dropped = trainer.change(checked, at, where)
    c.settings_changed()
    session.sync_view()
    message = f"{words} from step {at + 1}"
    if dropped:
        steps = ", ".join(str(d.at + 1) for d in dropped)
        message += f" (the later change{'s' if len(dropped) > 1 else ''} from step {steps} dropped)"
    return message


def scaled_lr(session: LabSession, factor: float, running: bool) -> dict:
    """``{"training.lr": η₀ × factor}`` from the rate in force (and asked for)."""
    return {"training.lr": in_force(session, running)["training.lr"] * factor}


def refused(session: LabSession) -> str:
    """Why requests were refused when their step came, or "" (read once)."""
    trainer = session.run.trainer
    reasons = []
    while trainer.refused:
        reasons.append(trainer.refused.popleft())
    return "; ".join(f"Refused: {r}" for r in reasons)


# --- the sections as they are now, and edits of them ------------------------------------------


def sections_in_force(scenario, run) -> tuple[dict, dict, dict]:
    """The ``[network]``, ``[training]``, ``[schedule]`` sections of ``run`` (built from
    ``scenario``) with the latest values of its live settings."""
    trainer = run.trainer
    values = latest(trainer)
    network = copy.deepcopy(scenario.network)
    training = copy.deepcopy(scenario.training)
    schedule = dict(scenario.schedule or {})
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        if key.startswith("network.layers["):
            l = int(key[len("network.layers[") : key.index("]")])
            network["layers"][l - 1]["dropout"] = value
        elif section == "schedule":
            schedule[name] = value
        elif name == "batch_size":
            full = training.get("batch_size", TRAINING["batch_size"].default) == "full"
            training[name] = "full" if full and value == trainer.n else value
        elif name in TRAINING or name in trainer.learner.optimizer.hyper:
            if value is None:  # off (clipping): a scenario says so by leaving the key out
                training.pop(name, None)
            else:
                training[name] = value
    # only the keys of the kind in force: after step → constant, every and factor are still set
    # in the trainer (unused), and a [schedule] holding them is refused ('schedule.every: does
    # not apply here'), which made r (reset) fail after such a change
    kind = schedule.get("kind", SCHEDULE["kind"].default)
    applies = (*SCHEDULE_COMMON, *SCHEDULE_KIND_KEYS.get(kind, ()))
    schedule = {
        k: v for k, v in schedule.items() if (v is not None and k in applies) or k == "kind"
    }
    return network, training, schedule


SHAPE_TRAINING = ("optimizer", "epochs", "shuffle")
"""``[training]`` keys that a run cannot change while it trains."""


def edit_values(session: LabSession, network: dict, training: dict) -> dict | None:
    """The live changes that turn the sections in force into ``network`` and ``training``, or
    None when they change the network's shape, the optimizer or the epochs (a rebuild)."""
    now_network, now_training, _ = sections_in_force(session.scenario, session.run)
    if _shape(network) != _shape(now_network):
        return None
    for key in SHAPE_TRAINING:
        default = TRAINING[key].default
        if training.get(key, default) != now_training.get(key, default):
            return None
    values = {}
    for l, (new, old) in enumerate(zip(network["layers"], now_network["layers"]), start=1):
        if new.get("dropout", 0.0) != old.get("dropout", 0.0):
            values[f"network.layers[{l}].dropout"] = new.get("dropout", 0.0)
    current = latest(session.run.trainer)
    for name, value in training.items():
        key = f"training.{name}"
        if name in SHAPE_TRAINING or key not in current:
            continue
        if name == "batch_size" and value == "full":
            value = session.run.trainer.n
        if value != current[key]:
            values[key] = value
    return values


def _shape(network: dict) -> tuple:
    """A network section as the network it builds, without its live keys (dropout)."""
    try:
        specs = [replace(spec, dropout=0.0) for spec in layer_specs(network.get("layers"))]
    except (ValueError, TypeError):
        return (None, repr(network))
    rest = {k: v for k, v in network.items() if k != "layers"}
    return (repr(sorted(rest.items())), specs)


def edit_origins(session: LabSession, network: dict, origins) -> tuple[list, list[str]]:
    """(origins for ``engine.reshape.carry``, the weights lost in words: ``weights_lost``) for
    an editor's sections: a layer continues its old layer when its activation and init (with
    its parameter) are unchanged; a resized layer keeps the units both sizes have."""
    old_tables = sections_in_force(session.scenario, session.run)[0]["layers"]
    kept: list[int | None] = []
    why: dict[int, str] = {}
    new_specs = layer_specs(network["layers"])
    old_specs = layer_specs(old_tables)
    for spec, origin in zip(new_specs, origins):
        was = old_specs[origin - 1] if origin is not None else None
        if was is not None and (spec.activation, spec.alpha, spec.init, spec.init_params) != (
            was.activation,
            was.alpha,
            was.init,
            was.init_params,
        ):
            why[origin] = "its activation or init changed"
            origin = None
        kept.append(origin)
    sizes = [int(spec.size) for spec in new_specs]
    return kept, weights_lost(session, sizes, kept, why=why)


def weights_lost(session: LabSession, sizes, origins, unit_maps=None, why=None) -> list[str]:
    """The weights of the session's network that a rebuild into layers of ``sizes`` (taking
    ``origins`` and ``unit_maps`` to ``carry``) loses, in words: ``engine.reshape.outcome``,
    which ``carry`` follows, so what is said before and after a rebuild is what it does."""
    net = session.run.net
    old = [(layer.n_in, layer.n_out) for layer in net.layers]
    new = list(zip([net.n_in, *sizes[:-1]], sizes))
    return reshape.outcome(old, new, origins, unit_maps, why).lost


# --- the unit and layer keys ----------------------------------------------------------------


def reshape_plan(session: LabSession, what: str, layer: int | None) -> reshape.Reshape:
    """The reshape ``what`` ("add_unit", "remove_unit", "add_layer", "remove_layer") at hidden
    layer ``layer`` (None: the last hidden one); ValueError saying why it cannot be done."""
    network, _, _ = sections_in_force(session.scenario, session.run)
    layers = network["layers"]
    L = len(layers)
    l = layer if layer is not None and 1 <= layer < L else L - 1
    if what == "add_unit":
        return reshape.add_unit(layers, l)
    if what == "remove_unit":
        return reshape.remove_unit(layers, l)
    if what == "add_layer":
        return reshape.add_layer(layers)
    return reshape.remove_layer(layers, l if layer is not None else None)


def plan_lost(session: LabSession, plan: reshape.Reshape) -> list[str]:
    """The weights ``plan`` loses, in words (``weights_lost``)."""
    sizes = [int(table["size"]) for table in plan.layers]
    return weights_lost(session, sizes, plan.origins, plan.unit_maps)


def reshaped(session: LabSession, plan: reshape.Reshape) -> LabSession:
    """The session with the network ``plan`` makes, the weights that fit carried over."""
    network, training, schedule = sections_in_force(session.scenario, session.run)
    network["layers"] = plan.layers
    return session.rebuild(network, training, schedule, (plan.origins, plan.unit_maps))


def loses(session: LabSession, lost: list[str]) -> str:
    """What a rebuild loses, in words: weights (``lost``), the optimizer's state, the steps'
    history. "" when nothing: before the first step with the network as the seed draws it
    (``seed_drawn``), as r draws it again. Before the first step with other weights (kept
    from a trained run by an earlier rebuild), the weights ``lost`` alone."""
    if not session.steps_done:
        if not lost or seed_drawn(session):
            return ""
        return f"{'; '.join(lost)} (not the seed's draw of weights: r does not bring them back)"
    parts = list(lost)
    if session.run.learner.optimizer.state_names:
        parts.append(f"the {session.run.learner.optimizer.name} optimizer's state")
    steps = session.steps_done
    parts.append(
        f"the history of {fmt_count(steps)} step{'s' if steps != 1 else ''} (the run starts "
        "again at step 1)"
    )
    return "; ".join(parts)


def seed_drawn(session: LabSession) -> bool:
    """Whether every weight of the network is what the scenario and seed draw (what r draws
    again): nothing trained, nothing kept from a trained run. Found by drawing them (building
    the run again, as r does); False when that fails."""
    from scenarios import ScenarioError, build_run

    try:
        drawn = build_run(session.scenario, seed=session.seed).net
    except (ScenarioError, ValueError, MemoryError):
        return False
    layers = session.run.net.layers
    return len(drawn.layers) == len(layers) and all(
        a.params.keys() == b.params.keys()
        and all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
        for a, b in zip(drawn.layers, layers, strict=True)
    )
