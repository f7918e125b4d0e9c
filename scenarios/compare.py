"""Two scenarios side by side: a problem beside its fix (``backprop-lab compare A B``, the lab's
comparison view).

``pair(a, b)`` loads both scenarios and decides how they share: where their ``[data]`` sections
agree (the same generator with the same settings, or the same file), both runs are built with one
seed — the ``--seed`` given, else the first scenario's — so they see the same examples, the same
validation split and the same order of batches, and differ only in what the scenarios change.
Where the data differ, each run is built on its own data with its own seed (or the one given),
and ``Pair.note`` says so in one line.

``headless(pair)`` trains both runs to the end of their own stopping rules and returns the
``compare --json`` object (``docs/compare-json.md``): both runs' summaries (as ``train --json``'s)
and their per-layer statistics side by side, after the first step and at the end, with the
second run's value over the first's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scenarios.errors import ScenarioError
from scenarios.loader import Scenario, build_run, load_scenario

SIDES = ("a", "b")
RATIO_STATS = ("grad_norm", "delta_mean_abs", "update_ratio")
"""The statistics whose ratio (second run / first) the side-by-side table gives."""


@dataclass(frozen=True)
class Pair:
    """Two loaded scenarios and the seeds their runs are built with."""

    a: Scenario
    b: Scenario
    seed_a: int
    seed_b: int
    same_data: bool
    note: str  # "" when the data are shared; else the line saying each trains on its own data

    def runs(self):
        """(run_a, run_b), freshly built (ScenarioError naming the file if one cannot be)."""
        return build_run(self.a, seed=self.seed_a), build_run(self.b, seed=self.seed_b)

    def headless(self) -> dict:
        return headless(self)

    @property
    def names(self) -> tuple[str, str]:
        return label(self.a), label(self.b)


def label(scenario: Scenario) -> str:
    """How a run is named on screen and in the JSON: the preset's name (a file's name)."""
    return scenario.name


def pair(a: str, b: str, seed: int | None = None, overrides=()) -> Pair:
    """The pair of scenarios ``a`` and ``b`` (preset names or files), ``overrides`` applied to
    both. ScenarioError (the usual did-you-mean message) if either cannot be loaded."""
    first = load_scenario(a, tuple(overrides))
    second = load_scenario(b, tuple(overrides))
    return pair_of(first, second, seed)


def pair_of(first: Scenario, second: Scenario, seed: int | None = None) -> Pair:
    """The pair of two loaded scenarios (see the module docstring)."""
    differ = data_differences(first, second)
    if not differ:
        shared = first.seed if seed is None else seed
        return Pair(first, second, shared, shared, True, "")
    seed_a = first.seed if seed is None else seed
    seed_b = second.seed if seed is None else seed
    note = (
        f"Their [data] sections differ ({', '.join(differ)}): each run trains on its own data"
        + ("." if seed is not None or seed_a == seed_b else f" (seeds {seed_a} and {seed_b}).")
    )
    return Pair(first, second, seed_a, seed_b, False, note)


def data_differences(first: Scenario, second: Scenario) -> list[str]:
    """The ``[data]`` keys whose values differ (a file by where it is, not how it is written)."""
    a, b = _resolved(first), _resolved(second)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def _resolved(scenario: Scenario) -> dict:
    data = dict(scenario.data)
    if "path" in data:
        path = Path(os.path.expanduser(str(data["path"])))  # Path's raises for ~NAME of no user
        data["path"] = str(path if path.is_absolute() else (scenario.path.parent / path).resolve())
    return data


# --- headless ---------------------------------------------------------------------------------


def headless(p: Pair) -> dict:
    """Train both runs to their ends and return the ``compare --json`` object."""
    import numpy as np

    from engine.run import layer_entries

    runs = p.runs()
    first_step = []
    summaries = []
    for run in runs:
        run.headless()
        with np.errstate(all="ignore"):
            run.step()
        first_step.append(layer_entries(run.last_stats))
        summaries.append(run.fit())
    final = [s["layers"] for s in summaries]
    return {
        "a": summaries[0],
        "b": summaries[1],
        "same_data": p.same_data,
        "note": p.note,
        "layers": {
            "first_step": side_by_side(*first_step),
            "final": side_by_side(*final),
        },
    }


def side_by_side(a: list[dict], b: list[dict]) -> list[dict]:
    """One entry per layer index ``l`` of either run: its statistics in ``a`` and in ``b``
    (null where that run has no such layer), and ``b_over_a`` for ``RATIO_STATS``."""
    by_a = {entry["l"]: entry for entry in a}
    by_b = {entry["l"]: entry for entry in b}
    rows = []
    for l in sorted(set(by_a) | set(by_b)):
        ea, eb = by_a.get(l), by_b.get(l)
        ratios: dict[str, float | None] = {}
        for stat in RATIO_STATS:
            x = ea.get(stat) if ea else None
            y = eb.get(stat) if eb else None
            # floats only: json_number writes non-finite values as "nan"/"inf" strings
            if isinstance(x, float) and isinstance(y, float) and x > 0:
                ratios[stat] = y / x
            else:
                ratios[stat] = None
        rows.append({"l": l, "a": _stats_only(ea), "b": _stats_only(eb), "b_over_a": ratios})
    return rows


def _stats_only(entry: dict | None) -> dict | None:
    return None if entry is None else {k: v for k, v in entry.items() if k != "l"}


__all__ = ["Pair", "ScenarioError", "headless", "pair", "pair_of", "side_by_side"]
