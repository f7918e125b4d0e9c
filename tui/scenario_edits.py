"""A scenario with the sections the learner edited in the lab (the network, the training and
the schedule), validated like a scenario file's; ``LabSession.rebuild`` makes one and a saved
session's ``edits`` make it again. ``plain`` gives such sections as JSON-able values, as a
session keeps them and a session file stores them."""

from __future__ import annotations

import dataclasses

from engine.json_numbers import json_number
from scenarios import Scenario
from scenarios.loader import validate_document


def edited_scenario(
    s: Scenario, network: dict, training: dict, schedule: dict | None = None
) -> Scenario:
    """Scenario ``s`` with new ``[network]`` and ``[training]`` sections, validated like a file
    (its claims and preset breakpoints are dropped: they were written for the original network).

    Sections taken from a validated scenario carry filled-in defaults; the output layer's
    (dropout 0, no batch norm) are taken out again, since a file may not set them there."""
    network = dict(network)
    layers = network.get("layers")
    if isinstance(layers, list) and layers and all(isinstance(layer, dict) for layer in layers):
        layers = [dict(layer) for layer in layers]  # anything else: validation names it
        if layers[-1].get("dropout") == 0:
            layers[-1].pop("dropout")
        if layers[-1].get("batch_norm") is False:
            layers[-1].pop("batch_norm")
        network["layers"] = layers
    document = {
        "name": s.name,
        "title": s.title,
        "summary": s.summary,
        "lesson": s.lesson,
        "seed": s.seed,
        "data": s.data,
        "network": network,
        "training": training,
        "schedule": s.schedule if schedule is None else schedule,
        "stop": s.stop,
        "lab": s.lab,
    }
    if s.compare is not None:
        document["compare"] = s.compare
    label = (s.label or s.name).removesuffix(" (edited)") + " (edited)"  # once, however often
    sections = validate_document(plain(document), label, source=s.source, edited=True)
    return dataclasses.replace(s, **sections, label=label)


def plain(tree):
    """Sections as plain JSON-able values (tuples → lists, floats as ``json_number`` writes
    them)."""
    if isinstance(tree, dict):
        return {k: plain(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return [plain(x) for x in tree]
    if isinstance(tree, float):
        return json_number(tree)
    return tree
