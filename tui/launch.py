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


def build_session(ctx: click.Context, scenario: str | None, seed, overrides, session):
    """The lab's first session: the scenario with its seed and overrides, or the saved session.

    Building it is the check of the input: a bad name, file, value or session file is one line
    and exit 2, as is ``--seed`` or ``--set`` with ``--session`` (a saved session keeps its own)."""
    from tui.session import LabSession
    from tui.session_errors import SessionError

    if session is not None and (scenario is not None or seed is not None or overrides):
        given = "a scenario" if scenario is not None else "--seed" if seed is not None else "--set"
        raise click.UsageError(f"give {given} or --session, not both (a session keeps its own)")
    try:
        if session is None:
            return LabSession.open(scenario, overrides=tuple(overrides), seed=seed)
        return LabSession.load(session)
    except SessionError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)


def _launch(ctx, scenario, theme, seed, overrides, session, terminal_checked, collecting) -> None:
    lab_session = build_session(ctx, scenario, seed, overrides, session)
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
