"""Fixtures for the scenario tests: small scenario files written on the fly."""

from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path):
    """write(text, name="s.toml") -> path of a scenario file holding text."""

    def _write(text: str, name: str = "s.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
