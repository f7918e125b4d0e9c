"""``backprop-lab gradcheck SCENARIO``: backpropagation against finite differences.

Builds the scenario's network (with its initial weights, or after ``--steps`` training steps),
takes a batch of its training data and compares ∂C/∂p from backpropagation with central finite
differences for every parameter (``engine.gradcheck``), then prints the per-layer table.

Exit status: 0 when every layer passes, 1 when one fails, 2 for bad input (one line on stderr).
"""

from __future__ import annotations

import math

import click

from engine.gradcheck import DEFAULT_BATCH
from tui.options import scenario_argument, seed_option, set_option


@click.command("gradcheck")
@scenario_argument()
@seed_option
@set_option
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=None,
    help=(
        f"Examples in the batch (default: the scenario's batch size, at most {DEFAULT_BATCH}); "
        "never more than the training set has."
    ),
)
@click.option(
    "--steps",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Training steps to take before checking.",
)
@click.option(
    "--eps",
    type=click.FloatRange(min=0, min_open=True),
    callback=lambda ctx, param, eps: _finite(eps),
    default=1e-6,
    show_default=True,
    help="Perturbation ε of the central differences.",
)
@click.option(
    "--max-entries",
    type=click.IntRange(min=1),
    default=None,
    help="Check at most N entries per parameter array, chosen at random (default: all).",
)
@click.pass_context
def gradcheck_command(
    ctx: click.Context, scenario: str, seed, overrides, batch, steps, eps, max_entries
) -> None:
    """Check a scenario's gradients: backprop vs central finite differences, every parameter.

    For each layer and parameter (W, b, PReLU's alpha, batch norm's gamma and beta) it prints the
    worst relative error |g_bp − g_fd| / max(|g_bp| + |g_fd|, floor) and passes at 1e-6 or
    below; the floor (2.2e-3 at the default --eps, for a cost up to 1) keeps the differences'
    round-off from failing a gradient near 0. The cost includes the L1/L2 terms; dropout masks
    are held fixed; float32 networks are checked in float64. Exit 0 when every layer passes, 1
    when one fails, 2 for bad input.

    \b
    Examples:
      backprop-lab gradcheck xor
      backprop-lab gradcheck vanishing-gradients --steps 100 --batch 8
      backprop-lab gradcheck my-net.toml --set training.l2=0.01 --max-entries 50
    """
    import numpy as np

    from engine.gradcheck import check_run
    from tui.commands.train import check_steps, load_run

    loaded, run = load_run(ctx, scenario, seed, overrides)
    check_steps(ctx, loaded, run, steps)
    try:
        with np.errstate(all="ignore"):  # a diverged run's NaN and ∞ are the report's to show
            for _ in range(steps):
                run.step()
            report = check_run(run, batch, eps, max_entries)
    except ValueError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)
    from engine.number_text import counted

    click.echo(f"{run.name or scenario} (seed {run.seed}, after {counted(steps, 'step')})")
    click.echo(str(report))
    ctx.exit(0 if report.passed else 1)


def _finite(eps: float) -> float:
    """--eps: inf passed the range and made every error inf (FAIL), nan reached the engine."""
    if not math.isfinite(eps):
        raise click.BadParameter(f"must be a finite number > 0, got {eps}")
    return eps
