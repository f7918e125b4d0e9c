"""Fuzzing: mutated scenario files either load as valid scenarios or raise ScenarioError, and
a valid one builds a run that takes a step (a bounded, deterministic budget —
the campaign in tests/fuzz/ runs thousands). The strategies are ``tests/fuzz/fuzzing/``'s.

Never a KeyError, TypeError, IndexError … from deep inside the loader, never a MemoryError.
"""

import tomllib
from pathlib import Path

from fuzzing import (
    SMALL_PRESETS,
    ci_budget,
    mutated_documents,
    mutated_texts,
    override_keys,
    override_values,
    scenario_target,
)
from hypothesis import given, settings
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
FUZZ = ci_budget(150)


def _check_valid(scenario: Scenario) -> None:
    assert isinstance(scenario, Scenario)
    assert scenario.network["layers"] and all(
        isinstance(layer["size"], int) and layer["size"] >= 1
        for layer in scenario.network["layers"]
    )
    assert isinstance(scenario.training["lr"], float) and scenario.training["lr"] > 0
    assert 0 <= scenario.data["validation"] < 1


@FUZZ
@given(mutated_documents(DOCUMENTS))
def test_mutated_documents_load_or_raise_scenario_error(document):
    try:
        sections = validate_document(document, "fuzz.toml")
    except ScenarioError as e:
        assert str(e).startswith("fuzz.toml")
        return
    _check_valid(Scenario(**sections, path=Path("fuzz.toml"), source=""))


@FUZZ
@given(mutated_texts(SOURCES))
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


@settings(FUZZ, max_examples=40)
@given(
    mutated_texts(SMALL_PRESETS),
    st.lists(st.builds(lambda k, v: f"{k}={v}", override_keys, override_values), max_size=2),
)
def test_mutated_scenarios_build_and_step_or_are_one_line(text, overrides):
    """Past validation, the run is built (sizes checked against the memory limit first) and
    takes a step; any refusal is one ScenarioError line naming the file."""
    scenario_target(text, overrides)
