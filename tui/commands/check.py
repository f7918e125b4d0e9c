"""``backprop-lab check SCENARIO…``: train headless and report each ``[[expect]]`` claim."""

from __future__ import annotations

import json
import time

import click

from tui.options import scenario_argument, seed_option, set_option


@click.command("check")
@scenario_argument("names", "SCENARIO...", nargs=-1)
@click.option("--all", "all_presets", is_flag=True, help="Check every preset scenario.")
@seed_option
@set_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print only a JSON array: per scenario, its claims held or failed (docs/check-json.md).",
)
@click.pass_context
def check_command(ctx: click.Context, names, all_presets, seed, overrides, as_json) -> None:
    """Train a scenario headless and check its claims ([[expect]]): held or failed, with the
    measured figure. Exit 0 when every claim holds, 1 when one fails, 2 for bad input.

    SCENARIO is a preset name or a scenario file; give several, or --all for every preset.

    \b
    Examples:
      backprop-lab check vanishing-gradients
      backprop-lab check dying-relu --seed 3
      backprop-lab check my-net.toml --set training.lr=0.05
      backprop-lab check --all
    """
    from scenarios import ScenarioError, check_scenario, load_scenario, preset_names

    if all_presets:
        names = (*names, *preset_names())
    if not names:
        raise click.UsageError("give a SCENARIO (a preset name or a file), or --all")
    try:
        scenarios = [load_scenario(name, tuple(overrides)) for name in names]
    except ScenarioError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)
    report, failed = [], 0
    for scenario in scenarios:
        start = time.perf_counter()
        try:
            results = check_scenario(scenario, seed=seed)
        except ScenarioError as e:
            click.echo(f"backprop-lab: {e}", err=True)
            ctx.exit(2)
        elapsed = time.perf_counter() - start
        failed += sum(not r.held for r in results)
        report.append((scenario, results, elapsed))
        if not as_json:
            _print(scenario, results, seed, elapsed)
    if as_json:
        click.echo(json.dumps([_as_dict(s, r, seed) for s, r, _ in report], ensure_ascii=False))
    elif len(report) > 1:
        total = sum(len(r) for _, r, _ in report)
        click.echo(f"{total - failed} of {total} claims held in {len(report)} scenarios")
    ctx.exit(1 if failed else 0)


def _print(scenario, results, seed, elapsed) -> None:
    used = scenario.seed if seed is None else seed
    click.echo(f"{scenario.name} (seed {used}): {scenario.title}")
    if not results:
        click.echo("  (no claims: the scenario has no [[expect]] table)")
    for result in results:
        mark = click.style("held  ", fg="green") if result.held else click.style("FAILED", fg="red")
        click.echo(f"  {mark}  {result.claim}")
        click.echo(f"          {result.measured}")
    failed = sum(not r.held for r in results)
    verdict = "all claims held" if not failed else f"{failed} of {len(results)} claims FAILED"
    click.echo(f"  {verdict} ({elapsed:.1f} s)")


def _as_dict(scenario, results, seed) -> dict:
    return {
        "scenario": scenario.name,
        "seed": scenario.seed if seed is None else seed,
        "held": all(r.held for r in results),
        "claims": [{"claim": r.claim, "held": r.held, "measured": r.measured} for r in results],
    }
