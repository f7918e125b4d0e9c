"""Launching the lab from the command line: shared by ``backprop-lab open`` and the bare
``backprop-lab`` (the default scenario).

Both take ``--theme``, ``--seed`` and ``--set`` like the headless commands. The scenario is loaded
and checked before the full-screen app starts, so a bad name, file or override is a one-line
message and exit 2. Kept light (click only) because the command line imports it at start-up.
"""

from __future__ import annotations

import gc

import click

from tui.options import seed_option, set_option, theme_option
from tui.tty import NOT_A_TERMINAL, is_interactive


def lab_options(command):
    """``--theme``, ``--seed``, ``--set``: the lab's options (bare launch, ``open``, ``serve``)."""
    return theme_option(seed_option(set_option(command)))


def launch(
    ctx: click.Context,
    scenario: str | None,
    *,
    theme: str | None = None,
    seed: int | None = None,
    overrides=(),
    session: str | None = None,
    terminal_checked: bool = False,
) -> None:
    """Check the scenario (or session file) and the terminal, then run the lab until it quits.

    The lab's session is built here, once: building it is the check of the input, and the app
    starts on it. Start-up runs without the garbage collector (its ~170 collections while
    textual and numpy load and the screen is composed cost ~45 ms before the first frame); the
    lab turns it back on after its first frame, and it is back on here whatever happens.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        _launch(ctx, scenario, theme, seed, overrides, session, terminal_checked, collecting)
    finally:
        if collecting:
            gc.enable()


def _launch(ctx, scenario, theme, seed, overrides, session, terminal_checked, collecting) -> None:
    from tui.session import LabSession, SessionError

    try:
        if session is None:
            lab_session = LabSession.open(scenario, overrides=tuple(overrides), seed=seed)
        else:
            lab_session = LabSession.load(session)
    except SessionError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)
    if not terminal_checked and not is_interactive():
        click.echo(NOT_A_TERMINAL, err=True)
        ctx.exit(2)

    from tui.app import LabApp  # imported here: textual is slow to import

    app = LabApp(
        scenario=scenario,
        seed=seed,
        overrides=tuple(overrides),
        theme=theme,
        session_file=session,
        session=lab_session,
        resume_gc=collecting,
    )
    app.run()
    ctx.exit(app.return_code or 0)
