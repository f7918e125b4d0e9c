"""``backprop-lab trace SCENARIO --steps N``: every event of the first N steps, as JSON.

The format is ``backprop-lab-trace/1`` (``docs/trace-format.md``; reader:
``engine.trace.read_trace``): numbers exact to the last bit, NaN and ±Inf as "nan", "inf", "-inf".
Written to stdout, or with ``-o FILE`` to a file (atomically: a temporary file in the same folder,
then renamed). ``--steps`` is at most the steps the scenario trains (epochs × batches per epoch).
"""

from __future__ import annotations

import sys

import click

from tui.commands.train import check_steps, load_run
from tui.options import scenario_argument, seed_option, set_option


@click.command("trace")
@scenario_argument()
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Number of training steps to record.",
)
@seed_option
@set_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the trace to FILE instead of stdout.",
)
@click.pass_context
def trace_command(ctx: click.Context, scenario: str, steps: int, seed, overrides, output) -> None:
    """Record the events of the first N training steps of a scenario as a JSON trace.

    Every forward value, loss, delta, gradient and update is written exactly, so another program
    can check it (e.g. against PyTorch).

    \b
    Examples:
      backprop-lab trace xor --steps 3
      backprop-lab trace worked-example --steps 1 -o step1.json
      backprop-lab trace my-net.toml --steps 10 --seed 2 --set training.lr=0.1 -o t.json
    """
    from engine.trace import write_trace, write_trace_file

    loaded, run = load_run(ctx, scenario, seed, overrides)
    check_steps(ctx, loaded, run, steps)
    try:
        if output is None:
            write_trace(run, steps, sys.stdout)
        else:
            write_trace_file(run, steps, output)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        _silence_stdout()
        ctx.exit(1)
    except OSError as e:
        where = output if output is not None else "stdout"
        click.echo(f"backprop-lab: cannot write {where}: {e.strerror or e}", err=True)
        ctx.exit(2)
    except KeyboardInterrupt:
        click.echo("backprop-lab: interrupted", err=True)
        ctx.exit(130)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not fail again (see the Python
    documentation on SIGPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
