"""``backprop-lab train SCENARIO``: train headless until a stopping rule fires.

On a terminal a progress bar shows the epoch, the loss figures (each under its name,
``engine.loss_names``) and the accuracy;
otherwise (or after the bar) a few plain lines report how the run ended. ``--json`` prints the
summary object (``docs/train-json.md``) on stdout and nothing else.

Exit status: 0 when training finished (loss_below, patience, epochs), 3 when it diverged (with one
line on stderr naming the step, the layer and the quantity that first became non-finite), 2 for a
scenario that cannot be loaded or built (one line on stderr), 130 when interrupted.

The JSON summary has one key more than the summary of a run: ``epochs``, the figures measured
after every epoch (``epoch_entries``).
"""

from __future__ import annotations

import sys
import time

import click

from tui.options import scenario_argument, seed_option, set_option

EXIT_DIVERGED = 3
REFRESH_SECONDS = 0.1  # progress-bar updates at most this often


def on_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def load_run(ctx: click.Context, scenario: str, seed, overrides):
    """(scenario, Run) for the command line; a one-line message and exit 2 when impossible."""
    from scenarios import ScenarioError, build_run, load_scenario

    try:
        loaded = load_scenario(scenario, tuple(overrides))
        return loaded, build_run(loaded, seed=seed)
    except (ScenarioError, ValueError) as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)


def check_steps(ctx: click.Context, loaded, run, steps: int) -> None:
    """``--steps`` (trace, gradcheck) at most the steps the scenario trains, epochs × batches
    per epoch; more is refused in one line before any step is taken (``trace --steps 10**20``
    wrote until it was killed, ``gradcheck --steps 10**11`` would have trained for weeks)."""
    epochs, batches = run.stop.epochs, run.trainer.batches_per_epoch
    most = epochs * batches
    if steps > most:
        shown = f"{steps:,}" if steps < 10**15 else f"{steps:.3g}"
        per_epoch = "1 batch" if batches == 1 else f"{batches:,} batches"
        click.echo(
            f"backprop-lab: --steps {shown}: {loaded.label} trains {most:,} steps "
            f"(training.epochs = {epochs:,}, {per_epoch} per epoch); give at most {most:,}, or "
            "more epochs with --set training.epochs=N",
            err=True,
        )
        ctx.exit(2)


def divergence_line(run) -> str:
    """One line naming the step and the first layer and quantity that became non-finite (or
    that blew up, ``engine.blowup``)."""
    from engine.blowup import BlowUp

    found = run.divergence
    if found is None:
        return f"training diverged at step {run.steps_done}: the loss became non-finite"
    if isinstance(found, BlowUp):
        return f"training diverged by {found.describe()}"
    step = found.step if found.step is not None else run.steps_done
    if found.kind == "evaluation":
        # "… but the loss over the whole training set became non-finite (nan)": its value
        but = found.what()
        return f"training diverged at step {step}: every value of the step was finite, but {but}"
    return (
        f"training diverged at step {step}: the first quantity to become non-finite (NaN or "
        f"infinity) was {found.quantity()} ({found.event_name} event)"
    )


@click.command("train")
@scenario_argument()
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=None,
    help="Train at most N epochs (default: the scenario's training.epochs).",
)
@seed_option
@set_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print only the JSON summary object on stdout."
)
@click.pass_context
def train_command(ctx: click.Context, scenario: str, epochs, seed, overrides, as_json) -> None:
    """Train a scenario (a preset name or a TOML file) without the lab, then report.

    Stops at the first of: the epoch limit, [stop] loss_below, early stopping (patience), or
    divergence (exit status 3).

    \b
    Examples:
      backprop-lab train xor
      backprop-lab train xor --epochs 500 --seed 3
      backprop-lab train my-net.toml --set training.lr=0.05 --set training.batch_size=16
      backprop-lab train xor --json > summary.json
    """
    overrides = list(overrides)
    if epochs is not None:
        overrides.append(f"training.epochs={epochs}")
    loaded, run = load_run(ctx, scenario, seed, overrides)
    run.headless()  # no per-step history; per epoch, the mean step loss and the validation set
    try:
        summary = run.fit() if as_json or not on_terminal() else _fit_with_progress(run)
    except KeyboardInterrupt:
        click.echo(f"backprop-lab: interrupted {interrupted_at(run)}", err=True)
        ctx.exit(130)
    if as_json:
        import json

        summary["epochs"] = epoch_entries(run)
        click.echo(json.dumps(summary, allow_nan=False))
    else:
        for line in report(run, summary):
            click.echo(line)
    if summary["stop_reason"] == "diverged":
        click.echo(f"backprop-lab: {divergence_line(run)}", err=True)
        ctx.exit(EXIT_DIVERGED)


def interrupted_at(run) -> str:
    """Where ctrl+c stopped a run, and its last epoch's figures (``metric_parts``): "after step
    1,234 (epoch 13 of 500); epoch 12: train-set loss 0.635, accuracy 75%"."""
    from engine.number_text import count

    where = (
        f"after step {count(run.steps_done)} (epoch {count(run.epoch)} of {count(run.stop.epochs)})"
    )
    last = run.history.epochs.last
    if last is None:
        return where
    return f"{where}; epoch {count(last.epoch)}: {', '.join(metric_parts(last))}"


def epoch_entries(run) -> list[dict]:
    """The figures measured after each epoch, oldest first (``engine/metrics.py``): epoch, step,
    lr, train_loss (C₀ over the training set in evaluation mode), val_loss, accuracy,
    val_accuracy, mean_step_loss (the mean of the epoch's step losses, penalty included). Every
    epoch of a run up to 4096 epochs; a longer run keeps its older epochs thinned to every other
    (each entry names its epoch), as the lab's loss plot does."""
    from engine.run import json_number

    return [
        {k: v if k in ("epoch", "step") else json_number(v) for k, v in m._asdict().items()}
        for m in run.history.epochs
    ]


def _fit_with_progress(run) -> dict:
    from rich.progress import BarColumn, Progress, TextColumn

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("epoch {task.completed:,.0f}/{task.total:,.0f}"),  # as count() groups them
        TextColumn("{task.fields[metrics]}"),
    )
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(run.name or "train", total=run.stop.epochs, metrics="")
        last = [0.0]

        def update(run, metrics, force=False):
            now = time.monotonic()
            if not force and now - last[0] < REFRESH_SECONDS:
                return
            last[0] = now
            progress.update(task, completed=metrics.epoch, metrics=metric_text(metrics))

        summary = run.fit(callback=update)
        final = run.history.epochs.last
        if final is not None:
            update(run, final, force=True)
    return summary


def metric_text(m) -> str:
    """One epoch's figures for the progress bar (``metric_parts``)."""
    return "  ".join(metric_parts(m))


def metric_parts(m) -> list[str]:
    """One epoch's figures, each under its name (``engine.loss_names``): the train-set loss
    where the epoch measured it, else the epoch mean loss; the val loss; the accuracy."""
    from engine.loss_names import labelled
    from engine.number_text import percent

    if m.train_loss is not None:
        parts = [labelled("train_loss", m.train_loss)]
    else:  # the training set is not evaluated every epoch here (see Run.measure_training_set)
        parts = [labelled("mean_step_loss", m.mean_step_loss)]
    if m.val_loss is not None:
        parts.append(labelled("val_loss", m.val_loss))
    accuracy = m.val_accuracy if m.val_accuracy is not None else m.accuracy
    if accuracy is not None:
        which = "val accuracy" if m.val_accuracy is not None else "accuracy"
        parts.append(f"{which} {percent(accuracy)}")
    return parts


def report(run, summary: dict) -> list[str]:
    """The plain final lines: how the run ended (``stopping.why_stopped``, with its figures),
    the final figures of the network as it is now (the restored one after early stopping with
    ``restore_best``), each under its name (``engine.loss_names``), the speed."""
    from engine.loss_names import LOSS_NAMES, loss_number
    from engine.number_text import count, counted, percent
    from engine.stopping import why_stopped

    final = summary["final"]
    why = why_stopped(
        summary["stop_reason"], run.stop, run.history.epochs.last, run.early, summary["steps"]
    )
    lines = [
        f"{summary['scenario']} (seed {summary['seed']}): stopped after "
        f"{counted(summary['epochs_run'], 'epoch')} ({counted(summary['steps'], 'step')}): {why}"
    ]

    def number(value) -> str:  # "nan"/"inf" arrive as words
        return value if isinstance(value, str) else loss_number(value)

    parts = [f"{LOSS_NAMES['train_loss']} {number(final['train_loss'])}"]
    if final["val_loss"] is not None:
        parts.append(f"{LOSS_NAMES['val_loss']} {number(final['val_loss'])}")
    if final["accuracy"] is not None:
        which = "val accuracy" if run.data.has_validation else "accuracy"
        accuracy = final["accuracy"]
        parts.append(f"{which} {accuracy if isinstance(accuracy, str) else percent(accuracy)}")
    restored = run.restored_epoch
    which = f"final (the weights of epoch {count(restored)})" if restored is not None else "final"
    lines.append(f"{which}: " + ", ".join(parts))
    early = run.early
    if early is not None and early.best_epoch is not None and summary["stop_reason"] != "patience":
        lines.append(
            f"best {LOSS_NAMES['val_loss']} {loss_number(early.best)} at epoch "
            f"{count(early.best_epoch)} (not restored: early stopping did not stop the run)"
        )
    lines.append(f"{counted(round(summary['steps_per_second']), 'step')} per second")
    return lines
