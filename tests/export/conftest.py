"""Fixtures of the export tests; their helper modules (export_helpers, export_cases) are
imported by name (this folder is on pytest's ``pythonpath``, pyproject.toml)."""

import numpy as np
import pytest


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

        def explain_slope(self, t):
            return "σ(z) + z σ(z)(1 − σ(z))", "σ(z) + z σ(z)(1 − σ(z))"

    monkeypatch.setitem(activations.ACTIVATIONS, "swish", Swish)
    return Swish
