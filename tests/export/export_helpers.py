"""Shared by the export tests: export scenarios, run the scripts with PyTorch, compare with the
lab's ``train --json`` figures epoch by epoch."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.layers import frozen
from scenarios import build_run, load_scenario
from scenarios.export import export_pytorch, write_export

RUNNER = Path(__file__).with_name("run_exported.py")
FIGURES = ("lr", "train_loss", "val_loss", "accuracy", "val_accuracy", "mean_step_loss")
# null in the script's epochs (as in `train --json`) where no rule needs the training set's figures
NOT_MEASURED = ("train_loss", "accuracy")
TOLERANCE = 1e-9  # relative, on every figure of every compared epoch
# An epoch is compared to TOLERANCE while the lab's own figures move by at most this much when
# its initial weights move by one ulp: past that, rounding differences grow chaotically and no
# two implementations (nor the lab on another BLAS) can agree to TOLERANCE.
PREDICTABLE = 1e-11


@dataclass
class Case:
    """A scenario (a preset name or a file) with --set overrides, exported as ``tag``.py."""

    tag: str
    scenario: str
    overrides: tuple[str, ...] = ()


def lab_figures(case: Case) -> dict:
    """The lab's summary with its per-epoch figures, as ``backprop-lab train … --json`` prints
    them, from a run that measures everything after every epoch as the lab does (headless
    ``train`` skips the training set's evaluation where no rule needs it: its ``train_loss`` is
    null there, and a training-set loss that overflows while the steps' values stay finite is
    then found at the next step's loss instead, one step later)."""
    import numpy as np

    from tui.commands.train import epoch_entries

    run = build_run(load_scenario(case.scenario, case.overrides))
    with np.errstate(all="ignore"):
        summary = run.fit()
    summary["epochs"] = epoch_entries(run)
    return json.loads(json.dumps(summary, allow_nan=False))


def train_json(case: Case) -> dict:
    """The summary exactly as ``backprop-lab train … --json`` prints it: a headless run, which
    evaluates the training set after an epoch only where a rule needs it (null elsewhere)."""
    from tui.commands.train import epoch_entries

    run = build_run(load_scenario(case.scenario, case.overrides)).headless()
    with np.errstate(all="ignore"):
        summary = run.fit()
    summary["epochs"] = epoch_entries(run)
    return json.loads(json.dumps(summary, allow_nan=False))


def write_exports(cases: list[Case], folder: Path) -> list[Path]:
    """Export every case into ``folder`` as ``TAG.py`` (and ``TAG.npz``); the scripts."""
    scripts = []
    for case in cases:
        scenario = load_scenario(case.scenario, case.overrides)
        script = folder / f"{case.tag}.py"
        write_export(export_pytorch(scenario, script=script.name), script)
        scripts.append(script)
    return scripts


def run_exports(cases: list[Case], folder: Path) -> dict[str, dict]:
    """Export every case into ``folder`` and run all the scripts in one PyTorch process (one
    BLAS thread, as the lab); each case's summary, as the script prints it with --json, with the
    script's exit status added under ``exit_status``."""
    scripts = [str(p) for p in write_exports(cases, folder)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run([sys.executable, str(RUNNER), *scripts], check=True, env=env, timeout=900)
    results = {}
    for case, script in zip(cases, scripts):
        out = Path(script).with_suffix(".out").read_text(encoding="utf-8")
        assert not out.startswith("error\n"), f"{case.tag}.py failed:\n{out}"
        status = Path(script).with_suffix(".status").read_text(encoding="utf-8")
        results[case.tag] = {**json.loads(out), "exit_status": int(status)}
    return results


def horizon(case: Case) -> int:
    """The number of leading epochs in which the lab's figures move by at most PREDICTABLE
    (relative) when every initial weight moves by one ulp; at least 1."""
    first, epochs = unpredictable(case)
    return max(epochs if first is None else first - 1, 1)


def unpredictable(case: Case) -> tuple[int | None, int]:
    """(the first epoch whose figures move by more than PREDICTABLE (relative) when every
    initial weight moves by one ulp, or None; the number of epochs the run recorded)."""
    runs = []
    for nudge in (False, True):
        run = build_run(load_scenario(case.scenario, case.overrides))
        if nudge:
            for layer in run.net.layers:
                W = layer.params["W"]
                layer.params = {**layer.params, "W": frozen(np.nextafter(W, np.inf))}
        run.fit()
        runs.append(list(run.history.epochs))
    for a, b in zip(*runs):
        if max(relative(x, y) for x, y in zip(a[3:], b[3:])) > PREDICTABLE:
            return a.epoch, len(runs[0])
    return None, len(runs[0])


def relative(a, b) -> float:
    """|a − b| / max(|a|, |b|); 0 for equal values (None, "nan" and "inf" included)."""
    if a == b:
        return 0.0
    if not all(isinstance(v, int | float) for v in (a, b)):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b))


def worst_difference(lab: dict, script: dict, epochs: int) -> tuple[float, str]:
    """The largest relative difference of any figure over the first ``epochs`` epochs (and the
    final figures when every epoch is compared), and where it is."""
    worst, where = 0.0, "nowhere"
    for a, b in zip(lab["epochs"][:epochs], script["epochs"][:epochs]):
        assert (a["epoch"], a["step"]) == (b["epoch"], b["step"]), (a, b)
        for key in FIGURES:
            if b[key] is None and key in NOT_MEASURED:  # as headless train: compared elsewhere
                continue
            r = relative(a[key], b[key])
            if r > worst:
                worst, where = r, f"epoch {a['epoch']} {key}: lab {a[key]!r}, script {b[key]!r}"
    if epochs >= len(lab["epochs"]):
        for key, value in lab["final"].items():
            r = relative(value, script["final"][key])
            if r > worst:
                worst, where = r, f"final {key}: lab {value!r}, script {script['final'][key]!r}"
    return worst, where
