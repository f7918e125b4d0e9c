"""Small words: counts grouped everywhere (step and epoch alike), one example not
'1 examples', stops said in words with their figures (not config keys), one format for a
fraction shown to people, the scale named once, a batch's rows listed, and the README's
thresholds and keys as the code has them."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from engine.debugger import Controller
from engine.debugger.follow import follow_run
from engine.number_text import count, counted, percent
from scenarios import build_run, load_scenario
from tui.app import LabApp
from tui.cli import main
from tui.panels.event_arrays import event_arrays

ROOT = Path(__file__).parents[1]


def test_counts_and_fractions_have_one_format():
    assert count(2000) == "2,000" and count(7) == "7"
    assert counted(1, "epoch") == "1 epoch" and counted(2000, "epoch") == "2,000 epochs"
    assert counted(1, "example") == "1 example"
    assert percent(0.996667) == "99.7%" and percent(0.25) == "25%" and percent(1.0) == "100%"
    assert percent(0.99996) == "99.996%"  # not 100% while one point in 25,000 is wrong
    assert percent(0.0004) == "0.04%" and percent(0.0) == "0%"


def test_a_tiny_claim_threshold_reads_as_one_number():
    """gradient-descent-modes' 'below = 1e-9' of a fraction printed 'needs < <0.000001%'."""
    from click.testing import CliRunner

    assert percent(1e-9) == "1e-7%" and percent(3e-9) == "3e-7%"
    out = CliRunner().invoke(main, ["check", "gradient-descent-modes"]).output
    assert "(needs < 1e-7%)" in out and "< <" not in out


def test_step_and_epoch_are_grouped_alike_in_the_debugger():
    run = build_run(load_scenario("xor", ("training.epochs=3000", "stop.loss_below=1e-9")))
    c = follow_run(run)
    c.run(2000)
    c.step()
    p = c.position
    assert "Step 2,001, epoch 2,001, batch 1" in p.sentence()
    assert p.short().startswith("step 2,001 · epoch 2,001 · batch 1")


async def test_the_status_bar_groups_the_epoch_as_the_step():
    app = LabApp(scenario="xor", overrides=["training.epochs=3000", "stop.loss_below=1e-9"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.session.controller.run(2000)
        app.session.view.event = app.session.controller.event
        app.session.view.status = "paused"
        app.status_bar.show(app.session.view)
        await pilot.pause()
        line = app.status_bar.line.content.plain
        assert "step 2,000 · epoch 2,000" in line, line


def test_one_example_in_a_batch_is_one_example():
    run = build_run(load_scenario("xor", ("training.batch_size=1",)))
    c = follow_run(run)
    while c.event.kind != "loss":
        c.step()
    notes = " ".join(c.explain((0,), 0).notes)
    assert "B = 1 example in the batch, n = 1 output;" in notes
    start = follow_run(build_run(load_scenario("xor", ("training.batch_size=1",))))
    assert "1 example, rows" in " ".join(start.explain().notes)


def test_the_stop_is_said_in_words_with_its_figures():
    run = build_run(load_scenario("xor"))
    c = follow_run(run)
    stop = c.cont()
    last = run.history.epochs.last
    assert stop.message == (
        f"Training stopped: the train-set loss fell to {last.train_loss:.4g}, below the "
        "target 0.01."
    )
    run = build_run(load_scenario("xor", ("training.epochs=3",)))
    stop = follow_run(run).cont()
    assert stop.message == "Training stopped: all 3 epochs done."
    assert "epochs." not in stop.message.replace("3 epochs done.", "")


def test_train_reports_its_stop_in_words_and_the_accuracy_as_a_percentage():
    runner = CliRunner()
    result = runner.invoke(main, ["train", "xor"])
    assert result.exit_code == 0, result.output
    first, final = result.stdout.splitlines()[:2]
    assert re.fullmatch(
        r"xor \(seed 0\): stopped after \d+ epochs \(\d+ steps\): the train-set loss "
        r"fell to 0\.\d+, below the target 0\.01",
        first,
    ), first
    assert final.endswith("accuracy 100%"), final  # as the progress bar writes it
    one = runner.invoke(main, ["train", "xor", "--epochs", "1"]).stdout.splitlines()[0]
    assert one.endswith("stopped after 1 epoch (1 step): 1 epoch done"), one
    spiral = runner.invoke(main, ["train", "spiral"]).stdout.splitlines()[1]
    assert re.search(r"accuracy \d+(\.\d+)?%", spiral) and "0.99" not in spiral


def test_check_shows_accuracies_as_percentages():
    result = CliRunner().invoke(main, ["check", "spiral"])
    assert "accuracy at the end = 99.7% (needs > 95%)" in result.stdout


def test_a_batchs_rows_are_listed_not_summarised():
    run = build_run(load_scenario("spiral"))
    c = Controller(run.trainer)
    text = event_arrays(c.event, 38).plain
    rows = [int(i) for i in c.event.indices]
    words = " ".join(text.split())  # the head is wrapped to the 38 cells (its words whole)
    assert "batch rows 32 examples, in the batch's order" in words
    assert all(len(line) <= 38 for line in text.splitlines())
    listed = [int(v) for v in re.findall(r"\d+", text.split("in the batch's order", 1)[1])]
    assert listed == rows
    assert "mean" not in text.split("batch rows", 1)[1]


def test_the_readme_has_the_codes_tab_threshold_and_the_line_modes_b():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (width, _), (height, _) = LabApp.HORIZONTAL_BREAKPOINTS[-1], LabApp.VERTICAL_BREAKPOINTS[-1]
    assert f"smaller than {width}×{height}" in readme
    assert "`b` (break: sets a breakpoint, as in pdb" in readme
    assert "| `b` | step back (in the line-mode debugger, `b` sets a breakpoint" in readme
