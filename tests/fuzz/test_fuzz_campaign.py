"""The large fuzz campaign (``pytest -m fuzz``; deselected otherwise): thousands of generated
inputs for every parser, with the promise of ``tests/fuzz/fuzzing/``: accepted, or refused with the
project's own error in one line — never another exception, never past the time bound.

``FUZZ_EXAMPLES`` sets the inputs per target (default 2000) and ``FUZZ_SEED`` the seed (default:
a random one, printed by Hypothesis when an input fails). The inputs tried are counted and
printed at the end of the session (``tests/fuzz/conftest.py``).
"""

from __future__ import annotations

import os

import pytest
from fuzzing import (
    command_line_target,
    command_lines,
    condition_target,
    conditions,
    csv_files,
    data_file_target,
    data_sections,
    debug_script_target,
    debug_scripts,
    live_change_target,
    live_changes,
    mutated_documents,
    mutated_texts,
    npz_files,
    override_keys,
    override_values,
    scenario_target,
    session_files,
    session_in_lab_target,
    session_target,
    trace_target,
    trace_texts,
)
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
CAMPAIGN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SEED = os.environ.get("FUZZ_SEED")


def seeded(test):
    return seed(int(SEED))(test) if SEED else test


overrides = st.lists(st.builds(lambda k, v: f"{k}={v}", override_keys, override_values), max_size=3)
losses = st.sampled_from(["mse", "quadratic", "bce", "cross_entropy"])


@seeded
@CAMPAIGN
@given(mutated_texts(), overrides)
def test_scenario_texts(text, overrides):
    scenario_target(text, overrides)


@seeded
@CAMPAIGN
@given(mutated_documents())
def test_scenario_documents(document):
    import tomllib

    from fuzzing import bounded, one_line

    from scenarios import ScenarioError
    from scenarios.loader import validate_document

    with bounded("scenario document"):
        try:
            validate_document(document, "fuzz.toml")
        except ScenarioError as e:
            one_line(e, starts="fuzz.toml")
    assert tomllib  # the documents are what tomllib would give


@seeded
@CAMPAIGN
@given(csv_files(), data_sections, losses)
def test_csv_files(tmp_path_factory, content, section, loss):
    data_file_target("csv", content, section, loss, tmp_path_factory.mktemp("csv"))


@seeded
@CAMPAIGN
@given(npz_files(), data_sections, losses)
def test_npz_files(tmp_path_factory, content, section, loss):
    data_file_target("npz", content, section, loss, tmp_path_factory.mktemp("npz"))


@seeded
@CAMPAIGN
@given(st.data())
def test_session_files(tmp_path_factory, data):
    folder = tmp_path_factory.getbasetemp() / "sessions"
    folder.mkdir(exist_ok=True)
    session_target(data.draw(session_files(folder)), folder)


@seeded
@CAMPAIGN
@given(conditions)
def test_debugger_expressions(text):
    condition_target(text)


@seeded
@settings(CAMPAIGN, max_examples=max(EXAMPLES // 4, 10))
@given(debug_scripts, st.sampled_from(["xor", "worked-example", "spiral", "dying-relu"]))
def test_debugger_scripts(script, scenario):
    """A quarter as many: each runs the command line's debugger on a scenario."""
    debug_script_target(script, scenario)


@seeded
@CAMPAIGN
@given(trace_texts())
def test_trace_files(text):
    trace_target(text)


@seeded
@CAMPAIGN
@given(live_changes, st.booleans())
def test_live_changes(values, running):
    live_change_target(values, running)


@seeded
@CAMPAIGN
@given(command_lines())
def test_command_lines(tmp_path_factory, args):
    command_line_target(args, tmp_path_factory.mktemp("cli"))


@seeded
@settings(CAMPAIGN, max_examples=max(EXAMPLES // 10, 10))
@given(st.data())
def test_session_files_in_the_lab(tmp_path_factory, data):
    """A tenth as many: each session that loads is drawn by the lab at two sizes."""
    folder = tmp_path_factory.getbasetemp() / "sessions"
    folder.mkdir(exist_ok=True)
    session_in_lab_target(data.draw(session_files(folder)), folder)
