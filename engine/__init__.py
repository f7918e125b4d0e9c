"""Backprop Lab's engine: pure NumPy networks whose training steps are streams of events.

Nothing here imports the UI. Notation follows ``docs/notation.md``: layers l = 1…L, zˡ, aˡ, δˡ,
∂C/∂Wˡ (``grad_W``), ∂C/∂bˡ (``grad_b``).
"""

from .activations import ACTIVATIONS, make_activation
from .events import (
    EVENT_KINDS,
    Clip,
    Delta,
    Event,
    Forward,
    Gradient,
    Loss,
    StepEnd,
    StepStart,
    Update,
)
from .history import HistoryArrays, StatsHistory
from .initializers import INITIALIZERS
from .learner import Learner, StepResult
from .losses import LOSSES, make_loss, one_hot
from .network import DTYPES, LayerSpec, Network, build_network
from .optimizers import OPTIMIZERS, make_optimizer
from .stats import STAT_NAMES, LayerStats
from .threads import configure_blas_threads
from .trainer import Trainer

__all__ = [
    "ACTIVATIONS",
    "DTYPES",
    "EVENT_KINDS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "STAT_NAMES",
    "Clip",
    "Delta",
    "Event",
    "Forward",
    "GradCheckReport",
    "Gradient",
    "HistoryArrays",
    "LayerSpec",
    "LayerStats",
    "Learner",
    "Loss",
    "Network",
    "StepEnd",
    "StepResult",
    "StepStart",
    "StatsHistory",
    "Trainer",
    "Update",
    "build_network",
    "configure_blas_threads",
    "gradient_check",
    "make_activation",
    "make_loss",
    "make_optimizer",
    "one_hot",
]


def __getattr__(name: str):
    """``gradient_check`` and ``GradCheckReport`` are loaded on first use: training does not
    need them, and the lab's start-up is shorter without (engine.gradcheck takes ~10 ms)."""
    if name in ("GradCheckReport", "gradient_check"):
        from . import gradcheck

        return getattr(gradcheck, name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
