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
    """An update rule. ``state_names``: the arrays it keeps from step to step (per parameter);
    ``scratch_names``: the arrays it only uses within a step. ``update`` writes the new parameter,
    the step and the new state into the arrays ``out`` names ("p", "step", a state or scratch
    name) and allocates the others: the fast path passes buffers reused from step to step (for all
    parameters at once, as one flat array), the event stream passes none. The same NumPy calls
    either way, element by element, so both give the same numbers bit for bit.
    """

    name = ""
    defaults: dict[str, float | bool] = {}
    state_names: tuple[str, ...] = ()
    scratch_names: tuple[str, ...] = ()

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
    def update(self, p, g, state: dict, lr: float, t: int, out: dict = EMPTY):
        """Return (p_new, step, new_state) with p_new = p − step."""

    def decayed(self, g, p, out=None, scratch=None):
        """g + λ p: the gradient of a weight matrix with weight decay λ (into ``out``)."""
        return np.add(g, np.multiply(p, self.weight_decay, out=scratch), out)

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{k}={v:g}" if not isinstance(v, bool) else f"{k}={v}" for k, v in self.hyper.items()
        )
        return f"{self.name}({settings})" if settings else self.name


class SGD(Optimizer):
    """p ← p − η g."""

    name = "sgd"

    def update(self, p, g, state, lr, t, out=EMPTY):
        step = np.multiply(g, lr, out.get("step"))
        return np.subtract(p, step, out.get("p")), step, EMPTY


class Momentum(Optimizer):
    """v ← μ v + g;  p ← p − η v  (nesterov: p ← p − η (g + μ v))."""

    name = "momentum"
    defaults = {"momentum": 0.9, "nesterov": False}
    state_names = ("v",)

    def update(self, p, g, state, lr, t, out=EMPTY):
        v_old = state.get("v")
        if v_old is None:  # v = g at the first step
            v = g if "v" not in out else _copied(g, out["v"])
        else:
            v = np.multiply(v_old, self.momentum, out.get("v"))
            np.add(v, g, v)
        if self.nesterov:
            step = np.multiply(v, self.momentum, out.get("step"))
            np.add(g, step, step)
            np.multiply(step, lr, step)
        else:
            step = np.multiply(v, lr, out.get("step"))
        return np.subtract(p, step, out.get("p")), step, {"v": v}


class RMSprop(Optimizer):
    """s ← ρ s + (1 − ρ) g²;  p ← p − η g / (√s + ε)."""

    name = "rmsprop"
    defaults = {"rho": 0.99, "eps": 1e-8}
    state_names = ("s",)
    scratch_names = ("tmp",)

    def update(self, p, g, state, lr, t, out=EMPTY):
        s_old = state.get("s")
        s = np.multiply(g, g, out.get("s"))
        np.multiply(s, 1.0 - self.rho, s)  # (1 − ρ) g²
        if s_old is not None:
            np.add(s, np.multiply(s_old, self.rho, out.get("tmp")), out=s)
        step = _scaled_step(g, s, lr, self.eps, out)
        return np.subtract(p, step, out.get("p")), step, {"s": s}


class Adam(Optimizer):
    """Adam with bias correction: p ← p − η m̂ / (√v̂ + ε)."""

    name = "adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    state_names = ("m", "v")
    scratch_names = ("tmp",)

    def update(self, p, g, state, lr, t, out=EMPTY):
        m_old, v_old = state.get("m"), state.get("v")
        tmp = out.get("tmp")
        m = np.multiply(g, 1.0 - self.beta1, out.get("m"))  # (1 − β₁) g
        if m_old is not None:
            np.add(m, np.multiply(m_old, self.beta1, out=tmp), m)
        v = np.multiply(g, g, out.get("v"))
        np.multiply(v, 1.0 - self.beta2, v)  # (1 − β₂) g²
        if v_old is not None:
            np.add(v, np.multiply(v_old, self.beta2, out=tmp), v)
        v_hat = np.divide(v, 1.0 - self.beta2**t, tmp)
        denominator = np.sqrt(v_hat, v_hat)
        denominator += self.eps
        step = np.divide(m, 1.0 - self.beta1**t, out.get("step"))  # m̂
        np.multiply(step, lr, step)
        np.divide(step, denominator, step)
        return np.subtract(p, step, out.get("p")), step, {"m": m, "v": v}


class Adagrad(Optimizer):
    """s ← s + g²;  p ← p − η g / (√s + ε)."""

    name = "adagrad"
    defaults = {"eps": 1e-10}
    state_names = ("s",)
    scratch_names = ("tmp",)

    def update(self, p, g, state, lr, t, out=EMPTY):
        s_old = state.get("s")
        s = np.multiply(g, g, out.get("s"))
        if s_old is not None:
            np.add(s_old, s, s)
        step = _scaled_step(g, s, lr, self.eps, out)
        return np.subtract(p, step, out.get("p")), step, {"s": s}


def _scaled_step(g, s, lr, eps, out):
    """η g / (√s + ε), the step of RMSprop and Adagrad."""
    denominator = np.sqrt(s, out.get("tmp"))
    denominator += eps
    step = np.multiply(g, lr, out.get("step"))
    return np.divide(step, denominator, step)


def _copied(source, out):
    np.copyto(out, source)
    return out


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam, Adagrad)
}


def make_optimizer(name: str, **settings) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}") from None
    return cls(**settings)
