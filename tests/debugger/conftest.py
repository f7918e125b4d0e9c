"""Small trainers for the debugger tests, built directly from the engine (no scenario files)."""

import pytest
from debugger_helpers import make_trainer


@pytest.fixture
def trainer():
    """3 layers (tanh, sigmoid, sigmoid), bce, 6 examples in batches of 2: 15 events a step."""
    return make_trainer()
