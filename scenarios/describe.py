"""Plain-text descriptions of scenarios, for ``backprop-lab scenarios`` and ``scenarios show``."""

from __future__ import annotations

import re

from .errors import show
from .lesson import plain
from .loader import Scenario


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` on one line."""
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    return match.group(1) if match else flat


def _settings(table: dict) -> list[str]:
    """``key = value`` lines, as they would be written in the file."""
    return [f"{key} = {show(value)}" for key, value in table.items()]


def network_lines(scenario: Scenario) -> list[str]:
    network = scenario.network
    lines = [f"loss = {show(network['loss'])}, dtype = {show(network['dtype'])}"]
    for l, layer in enumerate(network["layers"], start=1):
        parts = [f"{layer['size']} {layer['activation']}"]
        if "alpha" in layer:
            parts.append(f"alpha {layer['alpha']:g}")
        if "weights" in layer:
            parts.append("explicit weights")
        else:
            init_params = [k for k in ("std", "limit", "value", "gain") if k in layer]
            detail = ", ".join(f"{k} {layer[k]:g}" for k in init_params)
            parts.append(f"init {layer['init']}" + (f" ({detail})" if detail else ""))
        if "bias" in layer:
            parts.append("explicit bias")
        elif layer["bias_init"] != "zeros":
            parts.append(f"bias_init {layer['bias_init']}")
        if layer["dropout"]:
            parts.append(f"dropout {layer['dropout']:g}")
        if layer["batch_norm"]:
            parts.append("batch norm")
        lines.append(f"layer {l}: " + ", ".join(parts))
    return lines


def claim_lines(scenario: Scenario) -> list[str]:
    return [f"{i}. {claim['claim']}" for i, claim in enumerate(scenario.expect, start=1)]


def sections(scenario: Scenario) -> list[tuple[str, list[str]]]:
    """(heading, lines) of everything in the scenario but its lesson, in file order."""
    data = {k: v for k, v in scenario.data.items()}
    out = [
        ("Data", _settings(data)),
        ("Network", network_lines(scenario)),
        ("Training", _settings(scenario.training)),
    ]
    if scenario.schedule["kind"] != "constant" or scenario.schedule["warmup"]:
        out.append(("Schedule", _settings(scenario.schedule)))
    stop = {k: v for k, v in scenario.stop.items() if k in ("loss_below", "patience")}
    if stop:
        out.append(("Stop", _settings(scenario.stop)))
    if scenario.expect:
        out.append(("Claims (backprop-lab check)", claim_lines(scenario)))
    if scenario.breakpoints:
        out.append(("Breakpoints", [", ".join(_settings(bp)) for bp in scenario.breakpoints]))
    if scenario.compare:
        out.append(("Compare with", [scenario.compare]))
    if scenario.exercises:
        out.append(("Exercises (backprop-lab debug: exercise N)", exercise_lines(scenario)))
    return out


def exercise_lines(scenario: Scenario) -> list[str]:
    """``1. δ²₁ (example 0) at step 1, Delta(l=2): delta@2[0,1]`` for each exercise."""
    from .exercises import exercises_of

    return [
        f"{e.number}. {e.quantity.symbol()} at {e.where()}: {e.quantity.text()}"
        for e in exercises_of(scenario)
    ]


def action_lines(scenario: Scenario) -> list[str]:
    """``1. [show the dead fraction] Gradients panel: dead_fraction`` for each lesson action."""
    return [f"{a.number}. [{a.text}] {a.describe()}" for a in scenario.actions]


def text(scenario: Scenario) -> str:
    """The whole scenario as plain text: title, summary, settings, claims and lesson."""
    parts = [f"{scenario.name}: {scenario.title}", "", scenario.summary.strip(), ""]
    parts.append(f"seed = {scenario.seed}    file: {scenario.path}")
    for heading, lines in sections(scenario):
        parts += ["", heading, *(f"  {line}" for line in lines)]
    if scenario.lesson.strip():
        parts += ["", "Lesson", "", plain(scenario.lesson.strip())]
    if scenario.actions:
        parts += ["", "Lesson actions (the lab's Lesson panel: L)"]
        parts += [f"  {line}" for line in action_lines(scenario)]
    return "\n".join(parts) + "\n"
