"""``backprop-lab open NAME_OR_PATH``: the lab on a given scenario (or a saved session)."""

from __future__ import annotations

import click

from tui.launch import lab_options, launch, session_argument
from tui.options import scenario_argument


@click.command("open")
@scenario_argument("name_or_path", "[NAME_OR_PATH]", sessions=True, required=False)
@lab_options
@click.option(
    "--session",
    "session",
    type=click.Path(dir_okay=False),
    default=None,
    help="Resume a session saved with ctrl+s (NAME_OR_PATH may name it too).",
)
@click.pass_context
def open_command(ctx, name_or_path, theme, seed, overrides, session) -> None:
    """Open the lab on a scenario: a preset name or a scenario file (none: xor), or resume a
    session saved with ctrl+s (a .lab.npz file).

    \b
    Examples:
      backprop-lab open xor
      backprop-lab open vanishing-gradients --theme textual-light
      backprop-lab open my-net.toml --seed 3 --set training.lr=0.1
      backprop-lab open xor-step120.lab.npz
    """
    name_or_path, session = session_argument(name_or_path, session, seed, overrides)
    launch(ctx, name_or_path, theme=theme, seed=seed, overrides=overrides, session=session)
