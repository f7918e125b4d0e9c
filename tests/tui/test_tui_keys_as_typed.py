"""ctrl+s typed as the lab starts reaches it (``tui.tty.keys_as_typed``, used by ``launch``).

Until Textual's driver takes the terminal (~0.4 s after the command) the terminal's line
discipline read the keys: with flow control on (``stty ixon``) it kept ctrl+s as "stop output",
and ctrl+s enter sent in one go right after ``backprop-lab open dying-relu`` saved nothing and
said nothing (a new-user audit). From the launch on, flow control and enter's translation to
ctrl+j are off, and the terminal's settings are as before afterwards.
"""

from __future__ import annotations

import os
import sys

import click
import pytest

termios = pytest.importorskip("termios")

IFLAG = 0


@pytest.fixture
def terminal(monkeypatch):
    """stdin a pseudo-terminal with the usual settings (ixon, icrnl); its attributes."""
    leader, follower = os.openpty()
    attrs = termios.tcgetattr(follower)
    attrs[IFLAG] |= termios.IXON | termios.ICRNL
    termios.tcsetattr(follower, termios.TCSANOW, attrs)
    stdin = os.fdopen(follower, "r")
    monkeypatch.setattr(sys, "stdin", stdin)
    yield lambda: termios.tcgetattr(follower)
    stdin.close()
    os.close(leader)


def test_the_lab_starts_with_flow_control_off_and_leaves_the_terminal_as_it_was(
    terminal, monkeypatch
):
    import tui.launch

    seen = []
    monkeypatch.setattr(tui.launch, "_launch", lambda *args: seen.append(terminal()[IFLAG]))
    before = terminal()
    tui.launch.launch(click.Context(click.Command("open")), "xor")
    (during,) = seen
    assert not during & (termios.IXON | termios.IXOFF | termios.ICRNL)
    assert terminal() == before


def test_a_lab_that_fails_to_start_leaves_the_terminal_as_it_was(terminal, monkeypatch):
    import tui.launch

    def fails(*args):
        raise click.exceptions.Exit(2)

    monkeypatch.setattr(tui.launch, "_launch", fails)
    before = terminal()
    with pytest.raises(click.exceptions.Exit):
        tui.launch.launch(click.Context(click.Command("open")), "no-such-scenario")
    assert terminal() == before


def test_without_a_terminal_nothing_is_set(monkeypatch, tmp_path):
    from tui.tty import keys_as_typed

    with open(tmp_path / "in", "w+") as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        with keys_as_typed():
            pass  # no termios.error: stdin is a file
