"""``backprop-lab serve`` on the command line: its bad input, its options, and the terminal check
that lets a lab served to a browser start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.tty import WEB_DRIVER


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


@pytest.fixture
def served(monkeypatch):
    """Record the server instead of running it: (lab command, host, max_sessions, socket)."""
    pytest.importorskip("textual_serve")
    from tui.web import server

    runs = []

    def run(self, sock, announce):
        announce()
        runs.append((self.lab_argv, self.host, self.max_sessions, sock.getsockname()))
        sock.close()

    monkeypatch.setattr(server.LabServer, "run", run)
    return runs


def one_line_error(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_serve_prints_the_url_and_runs_the_lab_of_each_tab_with_the_options(served):
    result = invoke(
        "--seed", "3", "serve", "xor", "--port", "0", "--theme", "nord", "--set", "training.lr=0.5"
    )
    assert result.exit_code == 0, result.output
    ((argv, host, max_sessions, (_, port)),) = served
    assert argv[:4] == [sys.executable, "-m", "tui", "open"]
    assert argv[4:] == ["xor", "--seed", "3", "--set", "training.lr=0.5", "--theme", "nord"]
    assert (host, max_sessions) == ("127.0.0.1", 4)
    assert f"Backprop Lab (xor) is served at http://127.0.0.1:{port}" in result.stdout
    assert "ctrl+c stops the server and every lab" in result.stdout
    assert "no password" not in result.stdout  # only this machine can reach it


def test_serving_other_machines_says_that_there_is_no_password(served):
    result = invoke("serve", "--host", "0.0.0.0", "--port", "0", "--max-sessions", "2")
    assert result.exit_code == 0, result.output
    ((argv, host, max_sessions, _),) = served
    assert argv[4:] == [] and (host, max_sessions) == ("0.0.0.0", 2)
    assert "Other machines: http://" in result.stdout and "no password" in result.stdout


def test_serving_other_machines_gives_this_machine_s_address_before_its_name(served, monkeypatch):
    """With --host 0.0.0.0 the address for the class was http://NAME:PORT alone (``http://vm:
    8110`` here), which other machines reach only where a name server knows NAME; a classroom
    network often has none. The machine's network address comes first."""
    from tui.web import server

    monkeypatch.setattr(server, "network_addresses", lambda: ["192.0.2.7"], raising=False)
    result = invoke("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 0, result.output
    ((*_, (_, port)),) = served
    named = f"http://192.0.2.7:{port} or http://{socket.gethostname()}:{port}"
    assert f"Other machines: {named} (no password" in result.stdout


def test_network_addresses_are_this_machine_s_and_not_loopback():
    pytest.importorskip("textual_serve")
    from tui.web.server import network_addresses

    for address in network_addresses():  # none on a machine without a network
        assert socket.inet_aton(address) and not address.startswith("127.")
        with socket.socket() as sock:
            sock.bind((address, 0))  # an address of this machine: it can listen there


def test_serve_a_saved_session(served, tmp_path):
    from tui.session import LabSession

    path = LabSession.open("xor").save(tmp_path / "s.lab.npz")
    result = invoke("serve", "--session", str(path), "--port", "0")
    assert result.exit_code == 0, result.output
    assert served[0][0][4:] == ["--session", str(path)]
    assert "(s.lab.npz) is served at" in result.stdout


def test_a_port_in_use_is_one_line_naming_it():
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "xor", "--port", str(port))
    one_line_error(result, f"port {port} is in use", "--port")


def test_an_address_that_is_not_this_machine_s_is_one_line():
    pytest.importorskip("textual_serve")
    result = invoke("serve", "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never local
    one_line_error(result, "192.0.2.1", "not an address of this machine")


@pytest.mark.parametrize("host", ["a" * 64, "a..b", "x" * 300])
def test_a_host_name_that_cannot_be_looked_up_is_one_line(host):
    """A part of the name longer than 63 characters, or an empty one, was a traceback:
    Python's lookup cannot encode it (UnicodeError: label too long)."""
    pytest.importorskip("textual_serve")
    result = invoke("serve", "--host", host, "--port", "0")
    one_line_error(result, repr(host[:80]), "not a host name or address", "at most 63")


@pytest.mark.parametrize(
    "args,words",
    [
        (["serve", "no-such-scenario"], ["no preset scenario"]),
        (["serve", "xor", "--set", "training.lr=-1"], ["training.lr"]),
        (["serve", "--session", "missing.lab.npz"], ["missing.lab.npz", "does not exist"]),
    ],
)
def test_bad_input_is_one_line_before_anything_listens(served, args, words):
    one_line_error(invoke(*args), *words)
    assert served == []


@pytest.mark.parametrize(
    "args,given",
    [
        (["serve", "xor", "--session", "s.lab.npz"], "a scenario"),
        (["serve", "--session", "s.lab.npz", "--seed", "2"], "--seed"),
        (["--set", "training.lr=0.1", "open", "--session", "s.lab.npz"], "--set"),
    ],
)
def test_a_session_keeps_its_own_scenario_seed_and_values(served, args, given):
    result = invoke(*args)
    assert result.exit_code == 2
    assert f"give {given} or --session, not both" in result.stderr


def test_without_the_web_extra_serve_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tui.web.server", None)  # import fails as if not installed
    line = one_line_error(invoke("serve", "xor"), "pip install", "[web]")
    assert "backprop-lab[web]" in line


def test_a_lab_under_textual_s_web_driver_passes_the_terminal_check(tmp_path):
    """textual-serve runs the lab with pipes for stdin and stdout and TEXTUAL_DRIVER set: the lab
    starts and speaks the web driver's protocol; without the driver a pipe is still refused."""
    env = {**os.environ, "TEXTUAL_DRIVER": WEB_DRIVER, "COLUMNS": "100", "ROWS": "30"}
    lab = subprocess.Popen(
        [sys.executable, "-m", "tui", "open", "xor"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert lab.stdout.readline() == b"__GANGLION__\n"  # the web driver's greeting
    finally:
        lab.kill()
        lab.wait(timeout=10)
    refused = subprocess.run(
        [sys.executable, "-m", "tui", "open", "xor"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"},
        stdin=subprocess.PIPE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "backprop-lab: the lab needs an interactive terminal; run it in a terminal, "
        "or use the headless commands (backprop-lab --help)"
    ]
