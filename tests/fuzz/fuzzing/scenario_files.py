"""Scenario files and ``--set`` overrides: mutated presets, built into a run that steps."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

import scenarios
from scenarios import ScenarioError, build_run, parse_scenario

from . import bounded, one_line

PRESET_SOURCES = [scenarios.preset_path(n).read_text() for n in scenarios.preset_names()]
SMALL_PRESETS = [
    text
    for text in PRESET_SOURCES
    if 'kind = "digits"' not in text and "overfitting" not in text.split("\n", 1)[0]
]
DOCUMENTS = [tomllib.loads(text) for text in PRESET_SOURCES]

huge_numbers = st.sampled_from(
    [10**9, 10**12, 3 * 10**9, 2**63, -(2**63), 10**100, 1e300, -1e300, 1e-300, -1, 0]
)
garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    huge_numbers,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3),
    st.lists(st.lists(st.floats(-2, 2), max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
    st.lists(st.dictionaries(st.sampled_from(["size", "x", "kind"]), st.integers()), max_size=2),
    st.integers(1, 60).map(lambda depth: [[]] if depth < 2 else _nested(depth)),
)
key_names = st.one_of(
    st.sampled_from(
        [
            "size",
            "lr",
            "kind",
            "loss",
            "layers",
            "epochs",
            "activation",
            "n",
            "classes",
            "path",
            "speed",
            "lab",
        ]
    ),
    st.text(min_size=1, max_size=8),
)
override_keys = st.sampled_from(
    [
        "training.lr",
        "training.epochs",
        "training.batch_size",
        "network.layers[1].size",
        "network.layers[2].size",
        "network.layers",
        "data.n",
        "data.classes",
        "data.kind",
        "data.path",
        "seed",
        "stop.patience",
        "lab.speed",
        "lab",
        "network.layers[" + "9" * 5000 + "].size",
        "a.b.c",
        "data.w" + ".a" * 40,
    ]
)
override_values = st.one_of(
    st.text(max_size=8),
    huge_numbers.map(repr),
    st.sampled_from(
        [
            "1e300",
            "nan",
            "inf",
            '"adam"',
            "[1, 2]",
            "[{size = 1000000000}]",
            '[{size = 2, activation = "tanh"}, {size = 1}]',
            "[" * 60 + "]" * 60,
            '"/dev/zero"',
            '"/etc/passwd"',
            '"~no-such-user-of-backprop-lab/x.csv"',
            '"' + "a" * 300 + '.csv"',
            '"max"',
            "max",
            "10000",
            "10001",
            "{speed = 0}",
            "9" * 5000,
            "²",
        ]
    ),
)


def _nested(depth: int):
    node: list = []
    for _ in range(depth):
        node = [node]
    return node


def _paths(node, prefix=()):
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


@st.composite
def mutated_documents(draw, documents=DOCUMENTS):
    """A preset's parsed document with one to three keys deleted, replaced or inserted."""
    document = copy.deepcopy(draw(st.sampled_from(documents)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p, _ in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "insert"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(garbage)
        elif isinstance(parent, dict):
            parent[draw(key_names)] = draw(garbage)
        else:
            parent.insert(path[-1], draw(garbage))
    return document


@st.composite
def mutated_texts(draw, sources=PRESET_SOURCES):
    """A preset's text truncated, or with a line dropped, edited or inserted."""
    text = draw(st.sampled_from(sources))
    lines = text.splitlines(keepends=True)
    action = draw(st.sampled_from(["truncate", "drop", "edit", "insert", "value", "deep", "links"]))
    if action == "links":  # a lesson of many links, some of them wrong, in one sentence or many
        link = draw(
            st.sampled_from(["[x](lab:run) ", "[a](lab:log/on). ", "lab:x ", "[b](lab:zz)"])
        )
        lesson = "the Data panel: " + link * draw(st.integers(1, 10_000))
        return text.replace('lesson = """', f'lesson = """{lesson}', 1)
    if action == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    i = draw(st.integers(0, len(lines) - 1))
    if action == "drop":
        del lines[i]
    elif action == "edit":
        lines[i] = draw(st.text(max_size=30)) + "\n"
    elif action == "value" and "=" in lines[i]:
        key = lines[i].split("=", 1)[0]
        lines[i] = f"{key}= {draw(override_values)}\n"
    elif action == "deep":
        depth = draw(st.integers(10, 3000))
        lines.insert(i, draw(st.sampled_from(["a" + ".a" * depth + " = 1\n", "[[" * 5 + "\n"])))
    else:
        lines.insert(i, f"{draw(key_names)} = {draw(override_values)}\n")
    return "".join(lines)


def scenario_target(text: str, overrides=(), *, build: bool = True) -> None:
    """Load ``text`` with ``overrides``; if valid, build its run and take a step."""
    with bounded("scenario file"):
        try:
            scenario = parse_scenario(
                text, path=Path("fuzz.toml"), label="fuzz.toml", overrides=overrides
            )
            if not build:
                return
            run = build_run(scenario)
        except ScenarioError as e:
            one_line(e, starts="fuzz.toml")
            return
        with np.errstate(all="ignore"):
            run.step()
