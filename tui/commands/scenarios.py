"""``backprop-lab scenarios`` (list the presets) and ``backprop-lab scenarios show NAME``."""

from __future__ import annotations

import sys

import click

from tui.options import refuse_unused, scenario_argument, set_option


def on_terminal() -> bool:
    """True when stdout is a terminal (rich output); plain text otherwise."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _load(ctx: click.Context, name_or_path: str, overrides=()):
    from scenarios import ScenarioError, load_scenario

    try:
        return load_scenario(name_or_path, tuple(overrides))
    except ScenarioError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)


class ScenariosGroup(click.Group):
    """``scenarios``: a word after it that is no sub-command is most likely a scenario to show
    (``backprop-lab scenarios xor``), so the usage error names ``scenarios show WORD``."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            if not args or args[0].startswith("-"):
                raise
            import shlex

            raise click.UsageError(
                f"No such command {args[0]!r}; to print a scenario: backprop-lab scenarios show "
                f"{shlex.quote(args[0])}",
                ctx,
            ) from None


@click.group("scenarios", cls=ScenariosGroup, invoke_without_command=True)
@click.pass_context
def scenarios_command(ctx: click.Context) -> None:
    """List the preset scenarios: name, title and what each shows.

    \b
    Examples:
      backprop-lab scenarios                          the list of presets
      backprop-lab scenarios show vanishing-gradients  one preset with its lesson
      backprop-lab scenarios show my-net.toml         any scenario file
    """
    if ctx.invoked_subcommand is not None:
        assert isinstance(ctx.command, click.Group)  # a subcommand was invoked: this is a group
        command = ctx.command.get_command(ctx, ctx.invoked_subcommand)
        if command is not None:  # (click resolved it before this runs)
            refuse_unused(ctx, command, f"scenarios {ctx.invoked_subcommand}")
        return
    refuse_unused(ctx, ctx.command, "scenarios")
    from scenarios import ScenarioError, load_scenario, preset_names
    from scenarios.describe import first_sentence

    rows = []
    for name in preset_names():
        try:
            scenario = load_scenario(name)
        except ScenarioError as e:  # a broken preset is a bug, but must not hide the others
            rows.append((name, "(cannot be loaded)", str(e)))
            continue
        rows.append((name, scenario.title, first_sentence(scenario.summary)))
    if on_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table("name", "title", "shows", box=None, header_style="bold")
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    width = max(len(name) for name, _, _ in rows)
    for name, title, summary in rows:
        click.echo(f"{name:<{width}}  {title}")
        click.echo(f"{'':<{width}}  {summary}")


@scenarios_command.command("show")
@scenario_argument("name_or_path")
@set_option
@click.option(
    "--toml",
    "raw",
    is_flag=True,
    help="Print the scenario file itself, as written (--set does not change it).",
)
@click.pass_context
def show_command(ctx: click.Context, name_or_path: str, overrides, raw: bool) -> None:
    """Print a scenario (a preset name or a file): settings, claims and lesson.

    \b
    Examples:
      backprop-lab scenarios show dying-relu
      backprop-lab scenarios show dying-relu --toml > my-relu.toml
      backprop-lab scenarios show my-net.toml --set training.lr=0.5
    """
    if raw and overrides:  # the file is printed as written: an override would be lost unsaid
        raise click.UsageError(
            "--toml prints the scenario file as written, which --set does not change; give one "
            "or the other (without --toml, show prints the settings with the overrides)",
            ctx,
        )
    scenario = _load(ctx, name_or_path, overrides)
    if raw:
        click.echo(scenario.source, nl=False)
        return
    from scenarios.describe import sections, text

    if not on_terminal():
        click.echo(text(scenario), nl=False)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    console.print(f"[bold]{scenario.name}[/bold]: {scenario.title}", highlight=False)
    console.print(scenario.summary.strip(), highlight=False)
    console.print(f"[dim]seed = {scenario.seed}    file: {scenario.path}[/dim]", highlight=False)
    for heading, lines in sections(scenario):
        console.print(f"\n[bold]{heading}[/bold]")
        for line in lines:
            console.print(f"  {line}", highlight=False, markup=False)
    if scenario.lesson.strip():
        console.print("\n[bold]Lesson[/bold]")
        console.print(Markdown(scenario.lesson.strip()))
