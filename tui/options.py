"""Options shared by the commands: ``--seed``, ``--set``, ``--theme`` and the SCENARIO argument.

``--seed``, ``--set`` and ``--theme`` are also options of ``backprop-lab`` itself (for the bare
launch), so they may come before the command as well as after it: ``backprop-lab --seed 7 open
xor`` is ``backprop-lab open xor --seed 7``. Each command's option merges the value given before
the command (``--set`` values before it come first, so the ones after it win); ``--seed`` or
``--theme`` given on both sides with different values is a usage error, and one given before a
command that has no such option is refused by ``refuse_unused``, never ignored.

Kept light (click only): the command line imports it at start-up and on every shell completion.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path

import click
from click.shell_completion import CompletionItem

SESSION_SUFFIX = ".lab.npz"  # what ctrl+s names a session (``tui.session_file.SUFFIX``)

LAB_OPTIONS = {"seed": "--seed", "overrides": "--set", "theme": "--theme"}
"""Parameter name -> option: the options that may come before the command."""


def _before_command(ctx: click.Context, name: str):
    """The value ``name`` was given before the command (``backprop-lab --seed 7 open``), or None."""
    root = ctx.find_root()
    return None if root is ctx else root.params.get(name)


def _once(ctx: click.Context, param: click.Parameter, value):
    """The value given after the command or before it; both, if they differ: a usage error."""
    before = _before_command(ctx, param.name)
    if before is None:
        return value
    if value is not None and value != before:
        raise click.BadParameter(
            f"given twice, {before} before the command and {value} after it; give it once",
            ctx,
            param,
        )
    return before


def _check_theme(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A Textual theme name, or a usage error listing them (textual is imported only if given)."""
    if value is not None:
        from textual.theme import BUILTIN_THEMES

        if value not in BUILTIN_THEMES:
            raise click.BadParameter(
                f"unknown theme {value!r}; allowed: {', '.join(BUILTIN_THEMES)}", ctx, param
            )
    return _once(ctx, param, value)


def _all_overrides(ctx: click.Context, param: click.Parameter, value) -> tuple[str, ...]:
    return (*(_before_command(ctx, param.name) or ()), *value)


seed_option = click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    callback=_once,
    help="Seed instead of the scenario's (data, initial weights, shuffling, dropout).",
)


def complete_set(ctx, param, incomplete: str) -> list[CompletionItem]:
    """Shell completion of ``--set``: the scenario format's key paths, then a key's values."""
    from scenarios.overrides import completions

    return [CompletionItem(text, type="plain") for text in completions(incomplete)]


set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    callback=_all_overrides,
    help="Override a scenario value, e.g. --set training.lr=0.1 (repeatable).",
    shell_complete=complete_set,
)

theme_option = click.option(
    "--theme",
    callback=_check_theme,
    default=None,
    metavar="THEME",
    help="A Textual theme, e.g. textual-dark (default), textual-light, nord, gruvbox.",
)


def refuse_unused(ctx: click.Context, command: click.Command, name: str) -> None:
    """A usage error if an option given before the command is not one of ``command``'s.

    ``ctx`` is the context of the group that is about to run ``command`` (called ``name``).
    Sub-groups (``scenarios``) call it again for their own command."""
    root = ctx.find_root()
    taken = {p.name for p in command.params}
    for param, option in LAB_OPTIONS.items():
        if root.params.get(param) in (None, ()) or param in taken:
            continue
        raise click.UsageError(
            f"{option} does not apply to '{name}'; give it to a command that takes it "
            f"(see backprop-lab {name} --help)",
            ctx,
        )


# --- the SCENARIO argument ----------------------------------------------------------------------


def _presets_folder() -> Path | None:
    """``scenarios/presets`` found without importing ``scenarios`` (which imports numpy: shell
    completion runs the program at every tab and should answer at once)."""
    spec = importlib.util.find_spec("scenarios")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location) / "presets"
        if folder.is_dir():
            return folder
    return None


def _title(path: Path) -> str:
    try:
        return str(tomllib.loads(path.read_text(encoding="utf-8")).get("title", ""))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""


def complete_scenario(ctx: click.Context, param: click.Parameter, incomplete: str):
    """Preset names (with their titles) and ``.toml`` files in this folder that start with
    ``incomplete``; a path (``./``, ``../``, ``~``, ``dir/``), or a word no preset starts with, is
    completed by the shell as a path."""
    return _complete(incomplete, ("*.toml",))


def complete_scenario_or_session(ctx: click.Context, param: click.Parameter, incomplete: str):
    """``complete_scenario``, and the sessions saved with ctrl+s (``.lab.npz``) in this folder:
    the argument of ``open`` and ``serve``, which resume one (``tui.launch.session_argument``)."""
    return _complete(incomplete, ("*.toml", f"*{SESSION_SUFFIX}"))


def _complete(incomplete: str, patterns: tuple[str, ...]) -> list[CompletionItem]:
    """Preset names, then the files of this folder matching ``patterns``, that start with
    ``incomplete``; else the word, for the shell to complete as a path."""
    if incomplete.startswith((".", "~", os.sep)) or os.sep in incomplete:
        return [CompletionItem(incomplete, type="file")]
    folder = _presets_folder()
    presets = sorted(folder.glob("*.toml")) if folder else []
    items = [
        CompletionItem(p.stem, help=_title(p)) for p in presets if p.stem.startswith(incomplete)
    ]
    for pattern in patterns:
        try:
            here = sorted(p for p in Path(".").glob(pattern) if p.is_file())
        except OSError:
            here = []
        items += [CompletionItem(p.name) for p in here if p.name.startswith(incomplete)]
    return items or [CompletionItem(incomplete, type="file")]


def scenario_argument(name: str = "scenario", metavar: str = "SCENARIO", sessions=False, **kwargs):
    """The SCENARIO argument (a preset name or a TOML file), completed in bash, zsh and fish;
    with ``sessions``, saved sessions complete too (for the commands that open one)."""
    complete = complete_scenario_or_session if sessions else complete_scenario
    return click.argument(name, metavar=metavar, shell_complete=complete, **kwargs)
