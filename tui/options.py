"""Options shared by every command that takes a SCENARIO: ``--seed`` and ``--set``."""

import click
from click.shell_completion import CompletionItem

seed_option = click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
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
    help="Override a scenario value, e.g. --set training.lr=0.1 (repeatable).",
    shell_complete=complete_set,
)
