"""BLAS threads: 1 by default, BACKPROP_LAB_THREADS or an explicit count otherwise."""

import subprocess
import sys

import pytest

from engine.threads import ENV_VAR, blas_threads, configure_blas_threads, threads_from_env

threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture
def restore_threads():
    before = blas_threads()
    yield
    if before is not None:
        threadpoolctl.threadpool_limits(limits=before, user_api="blas")


def test_env_parsing():
    assert threads_from_env({}) is None
    assert threads_from_env({ENV_VAR: ""}) is None
    assert threads_from_env({ENV_VAR: " 3 "}) == 3
    for bad in ("0", "-2", "two", "1.5"):
        with pytest.raises(ValueError, match=f"{ENV_VAR}=.*positive integer"):
            threads_from_env({ENV_VAR: bad})


def test_default_is_one_thread(monkeypatch, restore_threads):
    if blas_threads() is None:
        pytest.skip("threadpoolctl finds no BLAS library")
    monkeypatch.delenv(ENV_VAR, raising=False)
    threadpoolctl.threadpool_limits(limits=2, user_api="blas")
    assert configure_blas_threads() == 1
    assert blas_threads() == 1


def test_env_and_explicit(monkeypatch, restore_threads):
    if blas_threads() is None:
        pytest.skip("threadpoolctl finds no BLAS library")
    monkeypatch.setenv(ENV_VAR, "2")
    assert configure_blas_threads() == 2 == blas_threads()
    assert configure_blas_threads(1) == 1 == blas_threads()  # explicit wins over the environment


def test_bad_count():
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="positive integer"):
            configure_blas_threads(bad)


def test_fresh_process_env():
    """In a new process, the variable is what configure_blas_threads() puts in force."""
    code = (
        "from engine.threads import configure_blas_threads, blas_threads;"
        "n = configure_blas_threads(); print(n, blas_threads())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={ENV_VAR: "2", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if out[1] == "None":
        pytest.skip("threadpoolctl finds no BLAS library")
    assert out == ["2", "2"]


@pytest.mark.parametrize("command", [["train", "xor"], ["check", "xor"], ["trace", "xor"]])
def test_a_bad_variable_is_named_alone_not_as_the_scenario_files_fault(monkeypatch, command):
    """``BACKPROP_LAB_THREADS=abc backprop-lab train xor`` said ``xor.toml: BACKPROP_LAB_THREADS=
    'abc': …``, as if the scenario file held the bad value (new-user audit)."""
    from click.testing import CliRunner

    from tui.cli import main

    monkeypatch.setenv(ENV_VAR, "abc")
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert result.stderr == (
        f"backprop-lab: {ENV_VAR}='abc': must be a positive integer, the number of BLAS threads "
        "(unset: 1)\n"
    )
