"""Options shared by every command that takes a SCENARIO: ``--seed`` and ``--set``."""

import click

seed_option = click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Seed instead of the scenario's (data, initial weights, shuffling, dropout).",
)

set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="Override a scenario value, e.g. --set training.lr=0.1 (repeatable).",
)
