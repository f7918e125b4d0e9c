"""The ``backprop-lab`` command line: a click group whose sub-commands load lazily.

Adding a sub-command is its module in ``tui/commands/`` plus one line in ``COMMANDS``; a command's
module is imported only when that command runs or its help is shown, so ``backprop-lab --version``,
``--help`` and the launch of the lab stay fast.
"""

import difflib
import importlib
import importlib.util
import re
from pathlib import Path

import click

from tui import __version__
from tui.launch import lab_options, launch
from tui.options import refuse_unused
from tui.tty import NOT_A_TERMINAL, is_interactive

# Sub-command name -> "module:attribute". Each command lives in tui/commands/<name>.py; this line
# is all its registration. `backprop-lab --help` lists the commands with the first sentence of each
# one's help, read from its module's source (summary()), so listing them imports none of them.
COMMANDS: dict[str, str] = {
    "open": "tui.commands.open:open_command",
    "scenarios": "tui.commands.scenarios:scenarios_command",
    "trace": "tui.commands.trace:trace_command",
    "train": "tui.commands.train:train_command",
    "check": "tui.commands.check:check_command",
    "compare": "tui.commands.compare:compare_command",
    "gradcheck": "tui.commands.gradcheck:gradcheck_command",
    "debug": "tui.commands.debug:debug_command",
    "export": "tui.commands.export:export_command",
    "serve": "tui.commands.serve:serve_command",
}


SYNONYMS = {"list": "scenarios", "ls": "scenarios", "presets": "scenarios", "run": "open"}
"""Words a new user tries for a command, and the command they are after."""


def summary(name: str) -> str:
    """The first sentence of command ``name``'s help (what click's short help is), read from the
    docstring of its function in its module's source without importing the module."""
    module_name, _, attribute = COMMANDS[name].partition(":")
    try:
        spec = importlib.util.find_spec(module_name)
        if spec is None or spec.origin is None:
            raise ValueError(f"{module_name}: no source file")
        source = Path(spec.origin).read_text(encoding="utf-8")
        opening = source.index('"""', source.index(f"def {attribute}(")) + 3
        docstring = source[opening : source.index('"""', opening)]
    except (AttributeError, OSError, TypeError, ValueError):  # no source: import it after all
        command = getattr(importlib.import_module(module_name), attribute)
        return command.get_short_help_str(limit=1000)
    words = []
    for word in re.split(r"\n[ \t]*\n", docstring.strip(), maxsplit=1)[0].split():
        words.append(word)
        if word.endswith("."):
            break
    return " ".join(words)


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

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """Click's, with a suggestion for a command that does not exist (``list`` →
        ``scenarios``, ``trian`` → ``train``)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            guess = SYNONYMS.get(name) or (close[0] if close else None)
            if guess is not None:
                ctx.fail(
                    f"No such command '{name}'. Did you mean '{guess}'? "
                    "(backprop-lab --help lists the commands)"
                )
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the sub-commands with their summaries, without importing them."""
        rows = [
            (name, summary(name) if name in self.lazy_subcommands else "")
            for name in self.list_commands(ctx)
        ]
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

    With no command, opens the lab in this terminal on the default scenario, xor.

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
        assert isinstance(ctx.command, click.Group)  # a subcommand was invoked: this is a group
        command = ctx.command.get_command(ctx, ctx.invoked_subcommand)
        # (click resolved the command before this runs: it is found)
        if command is not None and not isinstance(command, click.Group):  # a group checks its own
            refuse_unused(ctx, command, ctx.invoked_subcommand)
        return
    if not is_interactive():
        click.echo(NOT_A_TERMINAL, err=True)
        ctx.exit(2)

    launch(ctx, None, theme=theme, seed=seed, overrides=overrides, terminal_checked=True)
