"""``backprop-lab serve``: the lab in web browsers, each tab its own lab (textual-serve)."""

from __future__ import annotations

import os
import sys

import click

from tui.launch import build_session, lab_options, session_argument
from tui.options import scenario_argument

WEB_EXTRA = (
    "backprop-lab: serve needs the optional 'web' extra (textual-serve): "
    "pip install 'backprop-lab[web]', or pip install '.[web]' in a clone"
)


@click.command("serve")
@scenario_argument("name_or_path", "[SCENARIO]", sessions=True, required=False)
@click.option(
    "--session",
    type=click.Path(dir_okay=False),
    default=None,
    help="Start every lab on a session saved with ctrl+s (a file on this machine; SCENARIO may "
    "name it too).",
)
@lab_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. 0.0.0.0 (or ::) lets other machines in: there is no password.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Labs running at once (one per browser tab); each uses about a core while it trains.",
)
@click.pass_context
def serve_command(
    ctx, name_or_path, session, theme, seed, overrides, host, port, max_sessions
) -> None:
    """Serve the lab to web browsers: each browser tab gets its own lab.

    Prints the address to open; ctrl+c stops the server and every lab it started. It listens on
    this machine only (127.0.0.1) unless --host says otherwise. In the browser, ctrl+s and Save
    screenshot download the file; sessions and scenario files are opened by their path on this
    machine. Needs the 'web' extra: pip install 'backprop-lab[web]'.

    \b
    Examples:
      backprop-lab serve                        the default scenario on http://127.0.0.1:8000
      backprop-lab serve spiral --port 8080
      backprop-lab serve xor --theme textual-light --max-sessions 2
      backprop-lab serve --host 0.0.0.0         for a classroom network (no password!)
      backprop-lab serve --session xor-step120.lab.npz
    """
    try:
        from tui.web.server import AddressError, LabServer, bind, urls
    except ImportError:
        click.echo(WEB_EXTRA, err=True)
        ctx.exit(2)
    name_or_path, session = session_argument(name_or_path, session, seed, overrides)
    first = build_session(ctx, name_or_path, seed, overrides, session)  # the check of the input
    argv = lab_command(name_or_path, session, theme, seed, overrides)
    server = LabServer(argv, host=host, max_sessions=max_sessions, title="Backprop Lab")
    try:
        sock = bind(host, port)
    except AddressError as e:
        click.echo(f"backprop-lab: {e}", err=True)
        ctx.exit(2)
    here, elsewhere = urls(sock, host)
    what = first.scenario.name if session is None else os.path.basename(session)
    del first  # built to check the input; each tab builds its own

    def announce() -> None:
        click.echo(f"Backprop Lab ({what}) is served at {here}")
        if elsewhere:
            click.echo(
                f"Other machines: {elsewhere} (no password: anyone who can reach this port "
                "can open a lab)"
            )
        click.echo(
            f"Each browser tab gets its own lab, {max_sessions} at most. "
            "ctrl+c stops the server and every lab.",
        )

    server.run(sock, announce)


def lab_command(scenario, session, theme, seed, overrides) -> list[str]:
    """The command line of one tab's lab: ``backprop-lab open`` with the options given here,
    run by this Python in this folder (relative paths mean the same to every lab)."""
    argv = [sys.executable, "-m", "tui", "open"]
    if session is not None:
        argv += ["--session", session]
    elif scenario is not None:
        argv.append(scenario)
    if seed is not None:
        argv += ["--seed", str(seed)]
    for override in overrides:
        argv += ["--set", override]
    if theme is not None:
        argv += ["--theme", theme]
    return argv
