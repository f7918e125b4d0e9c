"""Fuzzing: mutated scenario files either load as valid scenarios or raise ScenarioError.

Never a KeyError, TypeError, IndexError … from deep inside the loader.
"""

import copy
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_texts import TINY

import scenarios
from scenarios import Scenario, ScenarioError, parse_scenario
from scenarios.loader import validate_document

WITH_BREAKPOINTS = (
    TINY
    + '\n[[breakpoints]]\nat = "update@2"\nwhen = "loss > 1"\nignore = 2\n'
    + '\n[[breakpoints]]\nwhen = "grad_norm@1 < 1e-6"\ntemporary = true\n'
)
SOURCES = [scenarios.preset_path(name).read_text() for name in scenarios.preset_names()]
SOURCES.append(WITH_BREAKPOINTS)
DOCUMENTS = [tomllib.loads(text) for text in SOURCES]
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3),
    st.lists(st.lists(st.floats(-2, 2), max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
    st.lists(st.dictionaries(st.sampled_from(["size", "x", "kind"]), st.integers()), max_size=2),
)
key_names = st.one_of(
    st.sampled_from(["size", "lr", "kind", "loss", "layers", "epochs", "activation", "claim"]),
    st.text(min_size=1, max_size=8),
)


def _paths(node, prefix=()):
    """Every (path, value) in a nested document of dicts and lists."""
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _parent(document, path):
    node = document
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def mutated_documents(draw):
    document = copy.deepcopy(draw(st.sampled_from(DOCUMENTS)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p, _ in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(document, path)
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
def mutated_texts(draw):
    text = draw(st.sampled_from(SOURCES))
    lines = text.splitlines(keepends=True)
    action = draw(st.sampled_from(["truncate", "drop_line", "edit_line", "insert_line"]))
    if action == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    i = draw(st.integers(0, len(lines) - 1))
    if action == "drop_line":
        del lines[i]
    elif action == "edit_line":
        line = lines[i]
        if "=" in line:
            key = line.split("=", 1)[0]
            lines[i] = key + "= " + draw(st.text(max_size=10).map(repr)) + "\n"
        else:
            lines[i] = draw(st.text(max_size=20)) + "\n"
    else:
        lines.insert(i, draw(key_names) + " = " + draw(st.sampled_from(["1", '"x"', "[]"])) + "\n")
    return "".join(lines)


def _check_valid(scenario: Scenario) -> None:
    assert isinstance(scenario, Scenario)
    assert scenario.network["layers"] and all(
        isinstance(layer["size"], int) and layer["size"] >= 1
        for layer in scenario.network["layers"]
    )
    assert isinstance(scenario.training["lr"], float) and scenario.training["lr"] > 0
    assert 0 <= scenario.data["validation"] < 1


@FUZZ
@given(mutated_documents())
def test_mutated_documents_load_or_raise_scenario_error(document):
    try:
        sections = validate_document(document, "fuzz.toml")
    except ScenarioError as e:
        assert str(e).startswith("fuzz.toml")
        return
    _check_valid(Scenario(**sections, path=Path("fuzz.toml"), source=""))


@FUZZ
@given(mutated_texts())
def test_mutated_texts_load_or_raise_scenario_error(text):
    try:
        scenario = parse_scenario(text, path=Path("fuzz.toml"), label="fuzz.toml")
    except ScenarioError as e:
        assert str(e).startswith("fuzz.toml")
        return
    _check_valid(scenario)


@FUZZ
@given(
    st.sampled_from(SOURCES),
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.builds(
                lambda k, v: f"{k}={v}",
                st.sampled_from(
                    [
                        "training.lr",
                        "network.layers[1].size",
                        "seed",
                        "data.kind",
                        "stop.x",
                        "a.b.c",
                    ]
                ),
                st.text(max_size=8),
            ),
        ),
        max_size=3,
    ),
)
def test_random_overrides_load_or_raise_scenario_error(text, overrides):
    try:
        scenario = parse_scenario(
            text, path=Path("fuzz.toml"), label="fuzz.toml", overrides=overrides
        )
    except ScenarioError:
        return
    _check_valid(scenario)
