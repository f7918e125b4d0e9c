"""The ``[lab]`` section: the lab's starting speed, checked like every other key."""

import pytest

from scenarios import ScenarioError, load_scenario
from scenarios.schema import LAB


@pytest.mark.parametrize(
    "value,why",
    [
        ("0", "0 is out of range"),
        ('"fast"', 'got "fast" (a string)'),
        (str(10**9), "1000000000 is out of range"),
        ("-3", "-3 is out of range"),
        ("2.5", "got 2.5 (a float)"),
        ("true", "got true (a boolean)"),
        ('"MAX"', 'got "MAX" (a string)'),
    ],
)
def test_a_speed_out_of_range_is_refused_naming_the_key_and_the_range(value, why):
    with pytest.raises(ScenarioError) as e:
        load_scenario("xor", (f"lab.speed={value}",))
    message = str(e.value)
    assert message.startswith("xor.toml: lab.speed: ") and "\n" not in message
    assert why in message
    assert 'an integer from 1 to 10000 (steps per second) or "max"' in message


@pytest.mark.parametrize(
    "value,speed", [("1", 1), ("10000", 10_000), ('"max"', "max"), ("max", "max")]
)
def test_a_speed_in_range_is_taken(value, speed):
    assert load_scenario("xor", (f"lab.speed={value}",)).lab == {"speed": speed}


def test_a_scenario_without_a_lab_section_gets_the_default_speed(tmp_path):
    source = (load_scenario("xor").path).read_text(encoding="utf-8")
    start = source.index("[lab]")
    end = source.index("[[expect]]")
    path = tmp_path / "plain.toml"
    path.write_text(source[:start] + source[end:], encoding="utf-8")
    assert load_scenario(path).lab == {"speed": LAB["speed"].default}


def test_an_unknown_lab_key_is_refused_with_the_allowed_ones():
    with pytest.raises(ScenarioError, match=r"unknown key lab\.sped; did you mean lab\.speed\?"):
        load_scenario("xor", ("lab.sped=3",))
