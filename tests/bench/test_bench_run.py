"""The benchmark keeps working: every section runs on tiny settings and reports its targets.

Timing targets are reported, never asserted here (machines are noisy); what is asserted is that
the figures are produced, the report is written, and the compared loops do the same work.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import bench_app, bench_memory, run
from benchmarks.cases import CASES, build
from benchmarks.handloop import HandLoop

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--repeats", "1", "--budget", "0.002", "--cases", "tiny", "--dtypes", "float64"]
TINY += ["--train", "tiny"]


def test_training_and_event_sections_write_the_report(tmp_path):
    out = tmp_path / "results.md"
    text = run.main(["--quick", "--sections", "ab", *TINY, "--output", str(out)], log=lambda m: 0)
    assert out.read_text(encoding="utf-8") == text
    for expected in ("| CPU |", "| BLAS |", "(a) Training", "(b) Event stream", "tiny 2-8-8-1"):
        assert expected in text
    assert "| load average at the end" in text
    assert "| speed probe at start" in text and "| speed probe at the end | " in text
    # every ratio is printed with its target and a verdict
    assert "| lean |" in text  # the path the step took
    assert text.count("(≥ 1.3×:") == 1  # the engine vs the hand loop, on tiny
    assert "(a) End to end" in text and "| tiny |" in text  # train end to end …
    assert "(≥ 0.9×:" in text and "(≥ 4×:" in text  # … vs its fast path and vs PyTorch
    assert "(≤ 1.2×:" in text and "(≤ 1.05×:" in text and "(≤ 1.3×:" in text
    assert text.count("met)") == text.count("(≥") + text.count("(≤")


def test_script_runs_from_the_command_line():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--sections", "a", *TINY],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "| tiny 2-8-8-1 tanh, batch 32, MSE | float64 |" in done.stdout


@pytest.mark.parametrize("name", list(CASES))
def test_hand_loop_does_the_engines_work(name):
    """Same initial weights, same batches, same arithmetic: the same weights after 5 steps."""
    built = build(CASES[name], "float64")
    trainer, hand = built.trainer(), HandLoop(built)
    for _ in range(5):
        assert trainer.step().loss == pytest.approx(hand.step(), rel=1e-12)
    for layer, W in zip(trainer.learner.net.layers, hand.W):
        np.testing.assert_allclose(layer.params["W"], W, rtol=1e-10, atol=1e-13)


@pytest.mark.crosscheck
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_torch_loop_does_the_engines_work(dtype):
    pytest.importorskip("torch")
    from benchmarks.torch_loop import TorchLoop

    built = build(CASES["medium"], dtype)
    trainer, torch_loop = built.trainer(), TorchLoop(built)
    for _ in range(5):
        assert trainer.step().loss == pytest.approx(torch_loop.step(), rel=1e-5)
    tol = 1e-10 if dtype == "float64" else 1e-4
    for layer, W in zip(trainer.learner.net.layers, torch_loop.weights()):
        np.testing.assert_allclose(layer.params["W"], W, rtol=tol, atol=tol)


def test_memory_section_measures_a_bounded_history():
    nbytes, growth, peak = bench_memory.measure(3, 20_000, quick=False)
    assert 0 < nbytes <= growth <= peak
    assert growth < nbytes + 1_000_000  # nothing but the history's arrays stays allocated


def test_app_sections_measure_the_app():
    why = bench_app.available()
    if why:
        pytest.skip(why)
    training = bench_app.run_in_app(["xor"], repeats=1, seconds=0.3, log=lambda m: 0)
    row = training.rows[0]
    assert len(training.rows) == 1 and "(≥ 0.9×:" in row[3] and "× – " in row[4]
    startup = bench_app.run_startup(repeats=1, log=lambda m: 0)
    assert any("(≤ 0.5 s:" in row[-1] for row in startup.rows)


@pytest.mark.parametrize("name", list(CASES))
def test_the_statistics_runners_take_the_engines_steps(name):
    """The benchmark's runners with and without statistics take the same steps (statistics are
    read, never change anything): the same parameters, bit for bit."""
    from benchmarks.bench_training import with_statistics

    built = build(CASES[name], "float64")
    plain, every = built.trainer(), built.trainer()
    for _ in range(3):
        plain.step()
    with_statistics(every, 1)(3)
    assert len(every.learner.step_stats()) == every.learner.net.L
    for p, q in zip(plain.learner.net.layers, every.learner.net.layers):
        assert p.params["W"].tobytes() == q.params["W"].tobytes()


@pytest.mark.crosscheck
def test_the_end_to_end_torch_loop_does_trains_work():
    """Same weights, batches, rate: the PyTorch scenario loop ends where `train` ends."""
    pytest.importorskip("torch")
    from benchmarks.bench_train import TorchScenario, build

    run, loop = build("tiny", epochs=3), TorchScenario(build("tiny", epochs=3))
    run.fit()
    assert loop.fit() == run.steps_done
    for layer, module in zip(run.net.layers, [m for m in loop.model if hasattr(m, "weight")]):
        np.testing.assert_allclose(layer.params["W"], module.weight.detach().numpy(), rtol=1e-9)


def test_without_torch_its_columns_say_so(monkeypatch):
    from benchmarks import torch_loop

    monkeypatch.setattr(torch_loop, "available", lambda: False)
    text = run.main(["--quick", "--sections", "a", *TINY], log=lambda m: 0)
    row = next(line for line in text.splitlines() if line.startswith("| tiny"))
    assert row.count("not installed") == 2  # PyTorch steps/s and engine / PyTorch


@pytest.mark.parametrize("cycle", [1, 32])
def test_every_repeat_takes_whole_cycles_of_steps(cycle):
    """``paired(..., cycle=n)``: each repeat a multiple of n steps (each holds as many statistics
    readings), however few the budget allows."""
    from benchmarks import timing

    taken: list[int] = []
    times = timing.paired({"a": taken.append, "b": lambda k: None}, 3, 1e-9, cycle=cycle)
    assert len(times["a"]) == 3
    assert taken[-3:] == [2 if cycle == 1 else 32] * 3  # min_steps 2, rounded up to 32


def test_a_figure_that_rounds_to_its_target_shows_the_digits_that_decide():
    """results.md read '0.90× (≥ 0.9×: NOT met)' for a median of 0.8985."""
    from benchmarks.report import at_least, at_most

    assert at_least(0.8985, 0.9) == "0.898× (≥ 0.9×: NOT met)"
    assert at_least(0.9004, 0.9) == "0.9004× (≥ 0.9×: met)"
    assert at_least(1.25, 1.3) == "1.25× (≥ 1.3×: NOT met)"
    assert at_least(1.0, 1.0) == "1.00× (≥ 1×: met)"
    assert at_most(0.5004, 0.5, " s", 3) == "0.5004 s (≤ 0.5 s: NOT met)"
