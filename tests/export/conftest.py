"""Fixtures of the export tests; their helper modules (export_helpers, export_cases) are
imported by name from this folder, whichever import mode pytest uses."""

import sys
from pathlib import Path

import numpy as np
import pytest

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture
def swish(monkeypatch):
    """An activation the engine has (during the test) and the PyTorch export does not know."""
    from engine import activations

    class Swish(activations.Activation):
        name = "swish"

        def __call__(self, z, **params):
            return z / (1.0 + np.exp(-z))

        def slope(self, z, a, **params):
            s = 1.0 / (1.0 + np.exp(-z))
            return s + z * s * (1.0 - s)

    monkeypatch.setitem(activations.ACTIVATIONS, "swish", Swish)
    return Swish
