"""scenarios/README.md documents every key, claim kind and metric the loader accepts."""

from pathlib import Path

import pytest

import scenarios
from scenarios import doc_tables, exercises, expect, schema
from scenarios.lesson import ACTIONS

README = (Path(scenarios.__file__).parent / "README.md").read_text(encoding="utf-8")

TABLES = {
    "top level": schema.TOP,
    "[data]": schema.DATA,
    "[network]": schema.NETWORK,
    "[[network.layers]]": schema.LAYER,
    "[training]": schema.TRAINING,
    "[schedule]": schema.SCHEDULE,
    "[stop]": schema.STOP,
    "[[breakpoints]]": schema.BREAKPOINT,
    "[[expect]]": expect.ALL_KEYS,
    "[[exercises]]": exercises.EXERCISE,
}


@pytest.mark.parametrize("section", TABLES)
def test_every_key_has_a_table_row(section):
    missing = [key for key in TABLES[section] if f"| `{key}` |" not in README]
    assert not missing, f"README.md lacks rows for {section} keys {missing}"


def test_every_claim_kind_and_metric_is_documented():
    for kind in expect.KINDS:
        assert f"| `{kind}` |" in README
    for metric in expect.METRICS:
        assert f"`{metric}`" in README, metric


def test_every_lesson_action_is_documented():
    for action in ACTIONS.values():
        for form in action.forms:
            assert f"`lab:{form}`" in README, form


def test_every_preset_is_listed():
    for name in scenarios.preset_names():
        assert f"`{name}`" in README, name


def test_the_key_tables_are_generated_from_the_format_and_up_to_date():
    """Each table sits between markers and is exactly what ``scenarios.doc_tables`` generates
    from the schema (and so from the engine's declarations); fix with
    ``python -m scenarios.doc_tables``."""
    for name in doc_tables.tables():
        assert f"<!-- keys: {name} -->" in README, name
    assert doc_tables.rendered(README) == README, "run python -m scenarios.doc_tables"
    assert doc_tables.main(["--check"]) == 0


def test_a_changed_declaration_makes_the_readme_out_of_date(monkeypatch):
    import dataclasses

    from engine import settings

    lr = dataclasses.replace(settings.TRAINING["lr"], default=0.25)
    monkeypatch.setitem(schema.TRAINING, "lr", schema.setting_key(lr))
    assert "| `lr` | number | `0.25` | > 0 |" in doc_tables.rendered(README)
    assert doc_tables.rendered(README) != README
