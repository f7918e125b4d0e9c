"""Loss figures agree and say what they are: the lab, ``train``, ``train --json`` and ``check``
show each loss under one name (``engine.loss_names``) and mean the same number by it; after early
stopping with restored weights the panels show the restored network and say so."""

from __future__ import annotations

import json
import re

import numpy as np
from click.testing import CliRunner
from textual.widgets import Static

from engine.loss_names import LOSS_NAMES, labelled, loss_number
from engine.number_text import short
from scenarios import build_run, load_scenario
from tui.cli import main
from tui.view import drawn_net

WIDE = (120, 40)
NUMBER = r"(-?[0-9.e+-]+|nan|inf)"


def figures(text: str) -> dict[str, str]:
    """Every "NAME number" in ``text`` for the names of ``LOSS_NAMES`` (longest names first, so
    "batch loss" is not read as a bare "loss")."""
    found = {}
    for field, name in sorted(LOSS_NAMES.items(), key=lambda kv: -len(kv[1])):
        match = re.search(re.escape(name) + " " + NUMBER, text)
        if match:
            found[field] = match.group(1)
            text = text.replace(match.group(0), "")
    return found


def train_lines(*args) -> list[str]:
    result = CliRunner().invoke(main, ["train", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_every_loss_figure_has_one_name_and_one_format():
    assert set(LOSS_NAMES) == {"batch_loss", "mean_step_loss", "train_loss", "val_loss"}
    assert len(set(LOSS_NAMES.values())) == 4
    assert labelled("train_loss", 0.00998598) == "train-set loss 0.009986"
    assert loss_number(float("nan")) == "nan" and loss_number(1.5e-5) == "1.5e-5"


async def test_the_lab_train_and_json_report_the_same_train_loss_under_the_same_name(
    lab_app, settle
):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("space")
        await settle(pilot)
        run = app.session.run
        assert run.stop_reason == "loss_below"
        status = app.status_bar.line.render().plain
        message = app.session.view.message
        stats = app.query_one("#loss-stats", Static).content.plain
        lab_steps = run.steps_done
    first, final = train_lines("xor")[:2]
    summary = json.loads(CliRunner().invoke(main, ["train", "xor", "--json"]).stdout)
    figure = loss_number(summary["final"]["train_loss"])
    assert summary["steps"] == lab_steps
    # the status bar, once a rule stopped training, and the stop message show the figure the
    # rule read; the Loss panel beside the latest batch loss; train's lines the same, named so
    assert figures(status) == {"train_loss": figure}
    assert f"the train-set loss fell to {figure}, below the target 0.01" in message
    assert figures(stats)["train_loss"] == figure and "batch_loss" in figures(stats)
    assert f"the train-set loss fell to {figure}, below the target 0.01" in first
    assert figures(final) == {"train_loss": figure}


async def test_while_paused_the_status_bar_shows_the_batch_loss_named_so(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "e")
        await settle(pilot)
        run = app.session.run
        status = app.status_bar.line.render().plain
        stats = app.query_one("#loss-stats", Static).content.plain
        batch = loss_number(run.last_loss)
        assert figures(status) == {"batch_loss": batch}
        # the Loss panel: the same batch loss, and the last epoch's full-set figure, named
        assert figures(stats) == {
            "batch_loss": batch,
            "train_loss": loss_number(run.history.epochs.last.train_loss),
        }
        assert run.last_loss != run.history.epochs.last.train_loss  # two figures, two names


def test_check_names_a_step_loss_and_a_final_loss_apart():
    result = CliRunner().invoke(main, ["check", "vanishing-gradients"])
    assert "train-set loss at the end = " in result.stdout
    assert re.search(r"(?<!train-set )loss at the end", result.stdout) is None
    run = build_run(load_scenario("vanishing-gradients"))
    summary = run.fit()
    # written as the lab writes it (4 digits tell 0.7074 from its bound 0.6: no more needed)
    assert f"at the end = {short(summary['final']['train_loss'])} (needs" in result.stdout


async def test_after_early_stopping_the_lab_shows_the_restored_network_and_says_so(lab_app, settle):
    app = lab_app("overfitting-fixed-early-stopping")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("space")
        await settle(pilot)
        session = app.session
        run = session.run
        assert run.stop_reason == "patience"
        best = run.early.best_epoch
        assert run.restored_epoch == best and best < run.epoch
        # the network in force, and the one the panels draw, are the best epoch's
        shown = drawn_net(session.view).layers
        for layer, (kept, _) in zip(shown, run.early.best_state, strict=True):
            for name, value in kept.items():
                np.testing.assert_array_equal(layer.params[name], value)
        status = app.status_bar.line.render().plain
        stats = app.query_one("#loss-stats", Static).content.plain
        message = session.view.message
        restored = run.final_metrics()
        best_metrics = next(m for m in run.history.epochs if m.epoch == best)
        assert f"weights of epoch {best}" in status
        assert f"weights of epoch {best} restored:" in stats
        assert f"restored the weights of epoch {best}" in message
        # the picture draws them, and its caption names them, not "updates applied"
        caption = app.query_one("#network-caption", Static).content.plain
        assert f"epoch {best}'s weights restored" in caption and "updates" not in caption
        # the figures are the restored network's: those its epoch measured, not the last's
        assert restored.val_loss == best_metrics.val_loss == run.early.best
        assert restored.train_loss == best_metrics.train_loss
        assert figures(stats)["val_loss"] == loss_number(restored.val_loss)
        assert figures(status) == {"train_loss": loss_number(restored.train_loss)}
        assert "batch_loss" not in figures(stats)  # the last step's: not the network shown
        last = run.history.epochs.last
        assert last.val_loss != restored.val_loss
        await pilot.press("b")  # back into the last step: its own weights, named as such
        await settle(pilot)
        caption = app.query_one("#network-caption", Static).content.plain
        assert "restored" not in caption and "update" in caption
    first, final = train_lines("overfitting-fixed-early-stopping")[:2]
    assert first.endswith(f"restored the weights of epoch {best}")
    assert final.startswith(f"final (the weights of epoch {best}): ")
    assert figures(final) == {
        "train_loss": loss_number(restored.train_loss),
        "val_loss": loss_number(restored.val_loss),
    }
