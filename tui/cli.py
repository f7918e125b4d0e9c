"""The ``backprop-lab`` command line: a click group whose sub-commands load lazily.

Adding a sub-command is one line in ``COMMANDS`` plus its module; a command's module is imported
only when that command runs or its help is shown, so ``backprop-lab --version`` and the launch of
the lab stay fast.
"""

import importlib

import click

from tui import __version__
from tui.launch import lab_options, launch
from tui.options import refuse_unused
from tui.tty import NOT_A_TERMINAL, is_interactive

# Sub-command name -> "module:attribute". Each command lives in tui/commands/<name>.py.
# Its one-line summary for `backprop-lab --help` is in SUMMARIES, so listing the commands imports
# none of them (a test checks each summary against the command's own help).
COMMANDS: dict[str, str] = {
    "open": "tui.commands.open:open_command",
    "scenarios": "tui.commands.scenarios:scenarios_command",
    "trace": "tui.commands.trace:trace_command",
    "train": "tui.commands.train:train_command",
    "check": "tui.commands.check:check_command",
    "gradcheck": "tui.commands.gradcheck:gradcheck_command",
    "debug": "tui.commands.debug:debug_command",
    "serve": "tui.commands.serve:serve_command",
}
SUMMARIES: dict[str, str] = {
    "open": "Open the lab on a scenario: a preset name or a scenario file.",
    "scenarios": "List the preset scenarios: name, title and what each shows.",
    "trace": "Record the events of the first N training steps of a scenario as a JSON trace.",
    "train": "Train a scenario (a preset name or a TOML file) without the lab, then report.",
    "check": (
        "Train a scenario headless and check its claims ([[expect]]): held or failed, "
        "with the measured figure."
    ),
    "gradcheck": (
        "Check a scenario's gradients: backprop vs central finite differences, every parameter."
    ),
    "debug": (
        "Step through training of SCENARIO (a preset name or a TOML file) one event at a time."
    ),
    "serve": "Serve the lab to web browsers: each browser tab gets its own lab.",
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when the command is needed.

    See click's documentation, "Lazily Loading Subcommands".
    """

    def __init__(self, *args, lazy_subcommands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands if lazy_subcommands is not None else {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the sub-commands with their summaries, without importing them."""
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_subcommands[cmd_name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command


@click.group(
    cls=LazyGroup,
    lazy_subcommands=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", "-V", prog_name="backprop-lab")
@lab_options
@click.pass_context
def main(ctx: click.Context, theme=None, seed=None, overrides=()) -> None:
    """Train small neural networks and step through backpropagation.

    With no command, opens the lab in this terminal on the default scenario.

    \b
    Examples:
      backprop-lab                         open the lab on the default scenario
      backprop-lab --theme textual-light   the same, in a light theme
      backprop-lab --seed 7 open xor       --theme, --seed, --set: before or after COMMAND
      backprop-lab serve                   the lab in a browser: one lab per tab
      backprop-lab --version               print the version
      backprop-lab COMMAND --help          options and examples of one command
    """
    if ctx.invoked_subcommand is not None:
        command = ctx.command.get_command(ctx, ctx.invoked_subcommand)
        if not isinstance(command, click.Group):  # a group checks for its own command
            refuse_unused(ctx, command, ctx.invoked_subcommand)
        return
    if not is_interactive():
        click.echo(NOT_A_TERMINAL, err=True)
        ctx.exit(2)

    launch(ctx, None, theme=theme, seed=seed, overrides=overrides, terminal_checked=True)
