"""Optimizers, with PyTorch's conventions so results can be cross-checked.

An optimizer never mutates anything: ``update(p, g, state, lr, t)`` returns the new parameter,
the step taken (``step_W`` = p_old − p_new … as "ΔW applied", sign included so p_new = p − step)
and the new state. The network commits them only when the training step completes, so an
abandoned step leaves parameters and optimizer state untouched, and old states can be kept for
step-back without copying.

- sgd:      p ← p − η g
- momentum: v ← μ v + g;  p ← p − η v            (nesterov: p ← p − η (g + μ v))
- rmsprop:  s ← ρ s + (1 − ρ) g²;  p ← p − η g / (√s + ε)
- adam:     m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ)
            p ← p − η m̂ / (√v̂ + ε)     (t counts optimizer steps from 1)
- adagrad:  s ← s + g²;  p ← p − η g / (√s + ε)

``weight_decay`` λ adds λ p to the gradient of weight matrices (not biases) before the rule, as
PyTorch's ``weight_decay`` does for the parameters it is given.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

EMPTY: dict = {}


class Optimizer(ABC):
    name = ""
    defaults: dict[str, float | bool] = {}

    def __init__(self, weight_decay: float = 0.0, **hyper):
        unknown = set(hyper) - set(self.defaults)
        if unknown:
            allowed = ", ".join(["weight_decay", *self.defaults]) or "none"
            raise ValueError(
                f"optimizer {self.name!r} has no setting {', '.join(sorted(unknown))}; "
                f"allowed: {allowed}"
            )
        self.weight_decay = float(weight_decay)
        self.hyper = {**self.defaults, **hyper}
        for key, value in self.hyper.items():
            setattr(self, key, value)

    @abstractmethod
    def update(self, p, g, state: dict, lr: float, t: int):
        """Return (p_new, step, new_state) with p_new = p − step."""

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{k}={v:g}" if not isinstance(v, bool) else f"{k}={v}" for k, v in self.hyper.items()
        )
        return f"{self.name}({settings})" if settings else self.name


class SGD(Optimizer):
    """p ← p − η g."""

    name = "sgd"

    def update(self, p, g, state, lr, t):
        step = lr * g
        return p - step, step, EMPTY


class Momentum(Optimizer):
    """v ← μ v + g;  p ← p − η v  (nesterov: p ← p − η (g + μ v))."""

    name = "momentum"
    defaults = {"momentum": 0.9, "nesterov": False}

    def update(self, p, g, state, lr, t):
        v_old = state.get("v")
        v = g if v_old is None else self.momentum * v_old + g
        direction = g + self.momentum * v if self.nesterov else v
        step = lr * direction
        return p - step, step, {"v": v}


class RMSprop(Optimizer):
    """s ← ρ s + (1 − ρ) g²;  p ← p − η g / (√s + ε)."""

    name = "rmsprop"
    defaults = {"rho": 0.99, "eps": 1e-8}

    def update(self, p, g, state, lr, t):
        s_old = state.get("s")
        g2 = (1.0 - self.rho) * (g * g)
        s = g2 if s_old is None else self.rho * s_old + g2
        step = lr * g / (np.sqrt(s) + self.eps)
        return p - step, step, {"s": s}


class Adam(Optimizer):
    """Adam with bias correction: p ← p − η m̂ / (√v̂ + ε)."""

    name = "adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

    def update(self, p, g, state, lr, t):
        m_old, v_old = state.get("m"), state.get("v")
        m = (1.0 - self.beta1) * g if m_old is None else self.beta1 * m_old + (1.0 - self.beta1) * g
        g2 = (1.0 - self.beta2) * (g * g)
        v = g2 if v_old is None else self.beta2 * v_old + g2
        m_hat = m / (1.0 - self.beta1**t)
        v_hat = v / (1.0 - self.beta2**t)
        step = lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return p - step, step, {"m": m, "v": v}


class Adagrad(Optimizer):
    """s ← s + g²;  p ← p − η g / (√s + ε)."""

    name = "adagrad"
    defaults = {"eps": 1e-10}

    def update(self, p, g, state, lr, t):
        s_old = state.get("s")
        s = g * g if s_old is None else s_old + g * g
        step = lr * g / (np.sqrt(s) + self.eps)
        return p - step, step, {"s": s}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam, Adagrad)
}


def make_optimizer(name: str, **settings) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}") from None
    return cls(**settings)
