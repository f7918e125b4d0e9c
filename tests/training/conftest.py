"""Fixtures for the training tests; helper functions are in training_helpers.py."""

import numpy as np
import pytest


@pytest.fixture
def batch():
    rng = np.random.default_rng(42)
    return rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
