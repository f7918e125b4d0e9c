"""scenarios/README.md documents every key, claim kind and metric the loader accepts."""

from pathlib import Path

import pytest

import scenarios
from scenarios import expect, schema

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


def test_every_preset_is_listed():
    for name in scenarios.preset_names():
        assert f"`{name}`" in README, name
