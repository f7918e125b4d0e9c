"""``backprop-lab debug SCENARIO``: the line-mode debugger (pdb's style) on a scenario.

Reads commands from stdin (a terminal or a script) and prints plain text: usable over ssh, in a
pipe and with a screen reader. At the end of input it exits with status 0. The scenario's
``[[breakpoints]]`` are set at the start; ``continue`` stops where ``train`` would: at the end
of training (``training.epochs``), at ``stop.loss_below``, on ``stop.patience`` (early stopping)
and on divergence (``engine/debugger/follow.py`` keeps the run's history and stopping rules in
step with the debugger, ``back`` included).

Exit status: 0 at ``quit`` or the end of input; 2 for a scenario (or preset breakpoint) that
cannot be loaded, with one message on stderr.
"""

from __future__ import annotations

import sys

import click

from tui.options import scenario_argument, seed_option, set_option


@click.command("debug")
@scenario_argument()
@seed_option
@set_option
@click.option(
    "--history",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="How many recent steps 'back' can reach.",
)
@click.option("--ascii", "ascii_", is_flag=True, help="ASCII symbols (delta[2][1]) instead of δ²₁.")
@click.option(
    "--no-nan-break", is_flag=True, help="Start with breakpoint 0 (first NaN/inf) disabled."
)
@click.pass_context
def debug_command(ctx: click.Context, scenario, seed, overrides, history, ascii_, no_nan_break):
    """Step through training of SCENARIO (a preset name or a TOML file) one event at a time.

    \b
    Commands: s(tep), n(ext), f(inish), nb (next batch), e(poch), c(ontinue),
    r(un) N, u(ntil) COND, back [N], restart, extend N, b(reak) [WHERE] [if COND],
    cl(ear), p(rint) EXPR, display EXPR, explain [J | J,K], exercise [N], w(here),
    l(ist), help, q(uit).

    \b
    Examples:
      backprop-lab debug xor
      backprop-lab debug xor --set training.lr=50
      printf 'b update@2\\nc\\nexplain 0,1\\n' | backprop-lab debug xor
    """
    from engine.debugger import DebuggerError
    from engine.debugger.follow import extend, follow_run
    from engine.debugger.linemode import LineMode
    from tui.commands.train import load_run

    loaded, run = load_run(ctx, scenario, seed, overrides)
    try:
        controller = follow_run(
            run,
            history=history,
            nan_breakpoint=not no_nan_break,
            history_field=f"--history {history:,}",
        )
    except ValueError as e:  # the memory limit
        click.echo(f"backprop-lab: {loaded.label or loaded.path}: {e}", err=True)
        ctx.exit(2)
    try:
        controller.load_breakpoints(loaded.breakpoints)
    except DebuggerError as e:
        click.echo(f"backprop-lab: {loaded.path}: {e}", err=True)
        ctx.exit(2)
    from scenarios.exercises import exercises_of

    title = f"Debugging {loaded.name}: {loaded.title} (seed {run.seed})\n{run.net.describe()}"
    exercises = exercises_of(loaded)
    if exercises:
        plural = "s" if len(exercises) != 1 else ""
        title += f"\n{len(exercises)} exercise{plural}: 'exercise' lists them."
    mode = LineMode(
        controller,
        sys.stdin,
        sys.stdout,
        ascii=ascii_,
        title=title,
        exercises=exercises,
        extend=lambda epochs: extend(run, controller, epochs),
    )
    ctx.exit(mode.run())
