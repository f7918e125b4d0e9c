"""``backprop-lab open FILE.lab.npz``: a saved session named as the scenario argument is opened
as ``--session FILE`` opens it (it was refused: "is a zip archive ... use open --session FILE");
a corrupt or foreign file is one line naming it, and exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.session import LabSession


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="backprop-lab")


@pytest.fixture
def saved(tmp_path):
    """A session of xor saved after 3 steps, and its step count."""
    session = LabSession.open("xor")
    for _ in range(3):
        session.run.step()
    return str(session.save(tmp_path / "xor-step3.lab.npz")), session.run.trainer.steps_done


@pytest.mark.parametrize("option", [(), ("--session",)])
def test_open_resumes_a_saved_session_named_with_or_without_session(launched, saved, option):
    path, steps = saved
    result = invoke("open", *option, path)
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert app.session_file == path and app.scenario is None
    assert app._given_session.run.trainer.steps_done == steps  # the saved run, not a new xor


def test_a_session_not_named_lab_npz_is_known_by_its_content(launched, saved, tmp_path):
    path = tmp_path / "renamed"
    path.write_bytes(Path(saved[0]).read_bytes())
    result = invoke("open", str(path))
    assert result.exit_code == 0, result.output
    assert launched[0].session_file == str(path)


def test_a_seed_with_a_session_file_is_a_usage_error(launched, saved):
    result = invoke("open", saved[0], "--seed", "3")
    assert result.exit_code == 2
    assert launched == []
    assert saved[0] in result.stderr and "--seed" in result.stderr
    assert "a session keeps its own" in result.stderr


def one_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_corrupt_or_foreign_file_is_one_line_naming_it(launched, tmp_path):
    corrupt = tmp_path / "cut.lab.npz"
    corrupt.write_bytes(b"PK\x03\x04 not really an archive")
    line = one_line(invoke("open", str(corrupt)))
    assert str(corrupt) in line and "session" in line
    data = tmp_path / "points.npz"  # a data file: a zip archive, not a session
    with open(data, "wb") as f:
        np.savez(f, x=np.zeros((4, 2)), y=np.zeros(4))
    line = one_line(invoke("open", str(data)))
    assert str(data) in line and "not a Backprop Lab session" in line
    missing = tmp_path / "missing.lab.npz"
    line = one_line(invoke("open", str(missing)))
    assert str(missing) in line and "does not exist" in line
    assert launched == []


def test_a_preset_still_opens_as_a_scenario(launched):
    result = invoke("open", "xor")
    assert result.exit_code == 0, result.output
    assert launched[0].scenario == "xor" and launched[0].session_file is None


def test_the_suffix_is_the_one_ctrl_s_writes():
    from tui import session_file
    from tui.launch import SESSION_SUFFIX

    assert SESSION_SUFFIX == session_file.SUFFIX


def test_serve_starts_every_lab_on_a_session_named_as_its_scenario(monkeypatch, saved):
    pytest.importorskip("textual_serve")
    from tui.web import server

    runs = []

    def run(self, sock, announce):
        runs.append(self.lab_argv)
        sock.close()

    monkeypatch.setattr(server.LabServer, "run", run)
    result = invoke("serve", saved[0], "--port", "0")
    assert result.exit_code == 0, result.output
    (argv,) = runs
    assert argv[-2:] == ["--session", saved[0]]
