"""``backprop-lab compare A B``: two scenarios trained side by side — a problem beside its fix.

On a terminal it opens the lab's comparison view (``tui/screens/compare.py``): both runs train in
lockstep, with both loss curves in one plot, the per-layer gradient bars of both, both decision
boundaries and each run's status. ``--json`` trains both headless and prints the comparison
object (``docs/compare-json.md``); without a terminal (piped, over a plain ssh command) the same
figures are printed as a table.

Where the two ``[data]`` sections agree both runs use one seed and so the same data and batches
(``scenarios/compare.py``); where they differ each trains on its own data, and a line says so.

Exit status: 0; 2 for a scenario that cannot be loaded or built (one line on stderr, with a
did-you-mean for a misspelt preset); 130 when interrupted.
"""

from __future__ import annotations

import json

import click

from engine.number_text import counted, percent, short
from tui.launch import lab_options
from tui.options import scenario_argument
from tui.tty import is_interactive


@click.command("compare")
@scenario_argument("first", "A")
@scenario_argument("second", "B")
@lab_options
@click.option(
    "--json", "as_json", is_flag=True, help="Train both headless; print only the JSON object."
)
@click.pass_context
def compare_command(ctx, first, second, theme, seed, overrides, as_json) -> None:
    """Train two scenarios side by side: a problem beside its fix.

    Both train in lockstep; where their [data] sections agree they share the data and the seed
    (--seed, else A's). --set applies to both.

    \b
    Examples:
      backprop-lab compare vanishing-gradients vanishing-fixed-relu-he
      backprop-lab compare dying-relu dying-relu-fixed-leaky --seed 3
      backprop-lab compare overfitting overfitting-fixed-l2 --json > slide.json
    """
    from scenarios import ScenarioError
    from scenarios.compare import pair

    try:
        p = pair(first, second, seed, tuple(overrides))
        runs = p.runs()  # the check that both can be built
    except ScenarioError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)
    if not as_json and is_interactive():
        _open_lab(ctx, p, runs, theme)
        return
    try:
        result = p.headless()
    except KeyboardInterrupt:
        click.echo("backprop-lab: interrupted", err=True)
        ctx.exit(130)
    if as_json:
        click.echo(json.dumps(result, allow_nan=False))
    else:
        for line in table(result):
            click.echo(line)


def _open_lab(ctx, p, runs, theme) -> None:
    from tui.app import LabApp
    from tui.comparison import Comparison

    comparison = Comparison.of_pair(p, runs)
    app = LabApp(scenario=p.a.name, theme=theme, session=comparison.sessions[0])
    app.open_comparison_at_start = comparison
    app.run()
    ctx.exit(app.return_code or 0)


def table(result: dict) -> list[str]:
    """The comparison as plain lines: each run's outcome, then the per-layer statistics."""
    a, b = result["a"], result["b"]
    lines = [f"A  {_outcome(a)}", f"B  {_outcome(b)}"]
    if result["note"]:
        lines.append(result["note"])
    for moment, title in (("first_step", "after step 1"), ("final", "at the end")):
        lines.append("")
        lines.append(f"‖∂C/∂W‖ per layer {title}")
        lines.append(f"  {'layer':<9} {'A':>14} {'B':>12} {'B/A':>10}")
        for row in result["layers"][moment]:
            ga = row["a"]["grad_norm"] if row["a"] else None
            gb = row["b"]["grad_norm"] if row["b"] else None
            ratio = row["b_over_a"]["grad_norm"]
            lines.append(f"  layer {row['l']:<3} {_num(ga):>14} {_num(gb):>12} {_num(ratio):>10}")
    return lines


def _outcome(summary: dict) -> str:
    """How a run ended and its final figures, in ``train``'s words: each loss under its name
    (``engine.loss_names``), the accuracy as a percentage, on the validation set when there is
    one (then named so), as ``train``'s final line writes them."""
    from engine.loss_names import LOSS_NAMES

    final = summary["final"]
    parts = [f"{LOSS_NAMES['train_loss']} {_num(final['train_loss'])}"]
    if final["val_loss"] is not None:  # null exactly when there is no validation set
        parts.append(f"{LOSS_NAMES['val_loss']} {_num(final['val_loss'])}")
    if final["accuracy"] is not None:
        which = "val accuracy" if final["val_loss"] is not None else "accuracy"
        parts.append(f"{which} {_percent(final['accuracy'])}")
    return (
        f"{summary['scenario']} (seed {summary['seed']}): stopped ({summary['stop_reason']}) after "
        f"{counted(summary['epochs_run'], 'epoch')}, {counted(summary['steps'], 'step')}; "
        + ", ".join(parts)
    )


def _num(value) -> str:
    """A figure as the lab's panels write it (``number_text.short``: four significant digits,
    thousands grouped); a missing one as "—"; "nan"/"inf" arrive as words (JSON)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return short(value)


def _percent(value) -> str:
    return value if isinstance(value, str) else percent(value)
