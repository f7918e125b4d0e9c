"""Launching the lab from the command line: shared by ``backprop-lab open`` and the bare
``backprop-lab`` (the default scenario).

Both take ``--theme``, ``--seed`` and ``--set`` like the headless commands. The scenario is loaded
and checked before the full-screen app starts, so a bad name, file or override is a one-line
message and exit 2. Kept light (click only) because the command line imports it at start-up.
"""

from __future__ import annotations

import gc
import os

import click

from tui.options import SESSION_SUFFIX, seed_option, set_option, theme_option
from tui.tty import NOT_A_TERMINAL, is_interactive, keys_as_typed

ZIP_MAGIC = b"PK\x03\x04"  # a session is an .npz, a zip archive; a scenario file is TOML text


def names_session(name_or_path: str | None) -> bool:
    """Whether the scenario argument names a saved session: a name ending in ``.lab.npz`` (as
    ctrl+s names one), or a regular file that begins as a zip archive."""
    if name_or_path is None:
        return False
    if name_or_path.endswith(SESSION_SUFFIX):
        return True
    if not os.path.isfile(name_or_path):  # a folder, a device or a pipe is not read here
        return False
    try:
        with open(name_or_path, "rb") as f:
            return f.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except OSError:
        return False


def session_argument(name_or_path: str | None, session: str | None, seed, overrides):
    """(scenario, session file) of the command line: a scenario argument that names a saved
    session (``names_session``) is opened as the session, as ``--session FILE`` is. ``--seed``
    or ``--set`` with it is a usage error (a session keeps its own)."""
    if session is not None or not names_session(name_or_path):
        return name_or_path, session
    if seed is not None or overrides:
        given = "--seed" if seed is not None else "--set"
        raise click.UsageError(
            f"{name_or_path} is a saved session: give it or {given}, not both "
            "(a session keeps its own)"
        )
    return None, name_or_path


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
        with keys_as_typed():  # ctrl+s typed as the lab starts is the lab's (tui/tty.py)
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
