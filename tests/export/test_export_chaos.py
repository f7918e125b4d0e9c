"""Chaotic training and the exported script: a scenario's ``chaotic_from_epoch`` is where its
figures stop being reproducible (measured: one ulp in the initial weights), the README names the
same presets and epochs, and the script of such a scenario says up to which epoch its figures
match the lab's (no PyTorch needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from export_cases import PRESETS
from export_helpers import PREDICTABLE, unpredictable

from scenarios import load_scenario, preset_names
from scenarios.export import export_pytorch

README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize("case", PRESETS, ids=[c.scenario for c in PRESETS])
def test_each_presets_chaotic_from_epoch_is_where_one_ulp_moves_its_figures(case):
    """A preset says chaotic_from_epoch = k exactly when epoch k is the first whose figures move
    by more than PREDICTABLE (relative) when every initial weight moves by one ulp."""
    first, _ = unpredictable(case)
    stated = load_scenario(case.scenario).chaotic_from_epoch
    assert stated == first, (
        f"{case.scenario}: one ulp moves its figures by more than {PREDICTABLE} from epoch "
        f"{first}, the preset says chaotic_from_epoch = {stated}"
    )


def test_the_readme_names_the_presets_whose_data_says_they_are_chaotic():
    text = " ".join(README.read_text(encoding="utf-8").split())
    sentence = re.search(r"presets are chaotic — (.*?) —", text)
    assert sentence, "the README's Export section says which presets are chaotic"
    named = {name: int(k) for k, name in re.findall(r"epoch (\d+) of `([a-z0-9-]+)`", sentence[1])}
    data = {name: k for name in preset_names() if (k := load_scenario(name).chaotic_from_epoch)}
    assert named == data
    words = {2: "Two", 3: "Three", 4: "Four"}
    assert f"{words.get(len(data), len(data))} presets are chaotic" in text


def header(script: str) -> str:
    return " ".join(script.split('"""')[1].split())


def test_a_chaotic_presets_script_says_up_to_which_epoch_its_figures_match():
    """The script's docstring only said its figures agree "to rounding error (which grows …
    only where training is chaotic)"; its final figures differed by 11% from the lab's."""
    script = export_pytorch(load_scenario("vanishing-fixed-batchnorm")).script
    assert (
        "In float64 the figures it prints agree with the lab's to rounding error up to epoch 1 "
        "only: training is chaotic from epoch 2" in header(script)
    )
    assert (
        "print(\"training is chaotic from epoch 2: these figures match the lab's up to epoch 1 "
        'only")' in script
    )
    he = header(export_pytorch(load_scenario("vanishing-fixed-relu-he")).script)
    assert "up to epoch 7 only: training is chaotic from epoch 8" in he


@pytest.mark.parametrize(
    ("overrides", "seed", "edited"),
    [(("training.lr=0.1",), None, False), ((), 3, False), ((), None, True)],
    ids=["set", "seed", "edited"],
)
def test_another_runs_script_says_the_epoch_was_measured_without_its_changes(
    overrides, seed, edited
):
    scenario = load_scenario("vanishing-fixed-batchnorm", overrides)
    script = export_pytorch(scenario, seed=seed, edited=edited).script
    text = header(script)
    assert "for the `vanishing-fixed-batchnorm` scenario as written" in text
    assert "training is chaotic from epoch 2" in text
    assert "this export's changes may move that epoch" in text
    assert "these figures match" not in script


def test_a_script_of_a_scenario_not_known_to_be_chaotic_keeps_the_general_sentence():
    script = export_pytorch(load_scenario("xor")).script
    assert "which grows with the epochs only where training is chaotic" in header(script)
    assert "chaotic from epoch" not in script
