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

Each optimizer declares its hyper-parameters as ``settings`` (``engine.settings.Setting``:
default, range, label, symbol, meaning); everything that offers them — the scenario format, the
network editor, the Network panel — reads them there. Each also writes its rule for the
debugger's explanations (``explain_update``), beside the ``update`` it explains: the equations
with one parameter's numbers in, which must compute the engine's values (tested for every
registered optimizer). ``OPTIMIZERS`` is the registry: adding an optimizer is one class here and
one entry there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from .settings import TRAINING, Setting, training

EMPTY: dict = {}


def _decay_rate(name: str, default: float, label: str, meaning: str, symbol: str) -> Setting:
    """A rate in [0, 1): μ, ρ, β₁, β₂."""
    return training(
        name, "float", default, label, meaning, symbol=symbol, lo=0.0, hi=1.0, hi_open=True
    )


def _eps(default: float) -> Setting:
    return training(
        "eps",
        "float",
        default,
        "epsilon",
        "added to the root in the denominator, so that it is never 0",
        symbol="ε",
        lo=0.0,
        lo_open=True,
    )


class Optimizer(ABC):
    """An update rule. ``settings``: its hyper-parameters besides η and weight decay;
    ``defaults`` (derived): their default values by name. ``state_names``: the arrays it keeps
    from step to step (per parameter); ``scratch_names``: the arrays it only uses within a step.
    ``update`` writes the new parameter, the step and the new state into the arrays ``out`` names
    ("p", "step", a state or scratch name) and allocates the others: the fast path passes buffers
    reused from step to step (for all parameters at once, as one flat array), the event stream
    passes none. The same NumPy calls either way, element by element, so both give the same
    numbers bit for bit.
    """

    name = ""
    settings: tuple[Setting, ...] = ()
    defaults: dict[str, float | bool] = {}
    state_names: tuple[str, ...] = ()
    scratch_names: tuple[str, ...] = ()
    nonnegative: tuple[str, ...] = ()  # state that sums or averages g²: never below 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.defaults = {s.name: s.default for s in cls.settings}

    def __init__(self, weight_decay: float = 0.0, **hyper):
        unknown = set(hyper) - set(self.defaults)
        if unknown:
            allowed = ", ".join(["weight_decay", *self.defaults]) or "none"
            raise ValueError(
                f"optimizer {self.name!r} has no setting {', '.join(sorted(unknown))}; "
                f"allowed: {allowed}"
            )
        self.weight_decay = TRAINING["weight_decay"].validate(weight_decay)
        own = {s.name: s for s in self.settings}
        self.hyper = {**self.defaults, **{k: own[k].validate(v) for k, v in hyper.items()}}
        for key, value in self.hyper.items():
            setattr(self, key, value)

    @abstractmethod
    def update(self, p, g, state: dict, lr: float, t: int, out: dict = EMPTY):
        """Return (p_new, step, new_state) with p_new = p − step."""

    @abstractmethod
    def explain_update(self, u) -> None:
        """Write the rule for one parameter with its numbers, ending with ``u.step`` (the step
        ΔW subtracted, as ``update`` returns it); ``u`` is
        an ``engine.debugger.explain.update.UpdateTerms`` (the parameter ``u.p``, ``u.old``, the
        gradient ``u.g`` / ``u.g_value``, ``u.lr``, ``u.t``, the optimizer state
        ``u.old_state(key)`` / ``u.new_state(key)``, and ``u.term``, ``u.line``, ``u.note``)."""

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

    def explain_update(self, u):
        u.step("η " + u.g, u.lr + " × " + u.g_value)


class Momentum(Optimizer):
    """v ← μ v + g;  p ← p − η v  (nesterov: p ← p − η (g + μ v))."""

    name = "momentum"
    settings = (
        _decay_rate(
            "momentum", 0.9, "momentum", "fraction of the previous velocity v kept each step", "μ"
        ),
        training(
            "nesterov",
            "bool",
            False,
            "Nesterov",
            "Nesterov's variant: step along g + μ v instead of v",
        ),
    )
    state_names = ("v",)
    momentum: float  # the settings' values, set by Optimizer.__init__
    nesterov: bool

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

    def explain_update(self, u):
        mu = u.term("μ", "momentum", self.momentum)
        v = u.new_state("v")
        vo = u.term("v_old", "v_old", u.old_state("v"))
        u.line("v", "μ v_old + " + u.g, mu + " × " + vo + " + " + u.g_value, u.number(v), result=v)
        u.term("v", "v", v)
        if self.nesterov:
            u.step(
                "η (" + u.g + " + μ v)",
                u.lr + " × (" + u.g_value + " + " + mu + " × " + u.signed(v) + ")",
            )
        else:
            u.step("η v", u.lr + " × " + u.signed(v))


class RMSprop(Optimizer):
    """s ← ρ s + (1 − ρ) g²;  p ← p − η g / (√s + ε)."""

    name = "rmsprop"
    settings = (
        _decay_rate("rho", 0.99, "decay", "fraction of the running mean of g² kept each step", "ρ"),
        _eps(1e-8),
    )
    state_names = ("s",)
    scratch_names = ("tmp",)
    nonnegative = ("s",)
    rho: float  # the settings' values, set by Optimizer.__init__
    eps: float

    def update(self, p, g, state, lr, t, out=EMPTY):
        s_old = state.get("s")
        s = np.multiply(g, g, out.get("s"))
        np.multiply(s, 1.0 - self.rho, s)  # (1 − ρ) g²
        if s_old is not None:
            np.add(s, np.multiply(s_old, self.rho, out.get("tmp")), out=s)
        step = _scaled_step(g, s, lr, self.eps, out)
        return np.subtract(p, step, out.get("p")), step, {"s": s}

    def explain_update(self, u):
        s = _explain_average(u, "s", u.term("ρ", "rho", self.rho), "ρ", squared=True)
        _explain_root_step(self, u, s)


class Adam(Optimizer):
    """Adam with bias correction: p ← p − η m̂ / (√v̂ + ε)."""

    name = "adam"
    settings = (
        _decay_rate("beta1", 0.9, "first-moment decay", "fraction of the mean of g kept", "β₁"),
        _decay_rate("beta2", 0.999, "second-moment decay", "fraction of the mean of g² kept", "β₂"),
        _eps(1e-8),
    )
    state_names = ("m", "v")
    scratch_names = ("tmp",)
    nonnegative = ("v",)
    beta1: float  # the settings' values, set by Optimizer.__init__
    beta2: float
    eps: float

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

    def explain_update(self, u):
        t = u.t
        b1 = u.term("β₁", "beta1", self.beta1)
        m = _explain_average(u, "m", b1, "β₁", squared=False)
        b2 = u.term("β₂", "beta2", self.beta2)
        v = _explain_average(u, "v", b2, "β₂", squared=True)
        u.term("m", "m", m), u.term("v", "v", v)
        hats = []
        for name, value, beta, rate, symbol in (
            ("m", m, self.beta1, b1, "β₁"),
            ("v", v, self.beta2, b2, "β₂"),
        ):
            hat = value / (1.0 - beta**t)
            formula = f"{name} / (1 − {symbol}^{t})"
            numbers = u.number(value) + " / (1 − " + rate + f"^{t})"
            u.line(f"{name}̂", formula, numbers, u.number(hat), result=hat)
            hats.append(hat)
        m_hat, v_hat = hats
        root = " / (√" + u.number(v_hat) + " + " + u.term("ε", "eps", self.eps) + ")"
        u.step("η m̂ / (√v̂ + ε)", u.lr + " × " + u.signed(m_hat) + root)
        u.note(f"t = {t} optimizer steps (bias correction)")


class Adagrad(Optimizer):
    """s ← s + g²;  p ← p − η g / (√s + ε)."""

    name = "adagrad"
    settings = (_eps(1e-10),)
    state_names = ("s",)
    scratch_names = ("tmp",)
    nonnegative = ("s",)
    eps: float  # the setting's value, set by Optimizer.__init__

    def update(self, p, g, state, lr, t, out=EMPTY):
        s_old = state.get("s")
        s = np.multiply(g, g, out.get("s"))
        if s_old is not None:
            np.add(s_old, s, s)
        step = _scaled_step(g, s, lr, self.eps, out)
        return np.subtract(p, step, out.get("p")), step, {"s": s}

    def explain_update(self, u):
        s = u.new_state("s")
        so = u.term("s_old", "s_old", u.old_state("s"))
        u.line("s", "s_old + (" + u.g + ")²", so + " + " + u.g_value + u.SQ, u.number(s), result=s)
        _explain_root_step(self, u, s)


def _scaled_step(g, s, lr, eps, out):
    """η g / (√s + ε), the step of RMSprop and Adagrad."""
    denominator = np.sqrt(s, out.get("tmp"))
    denominator += eps
    step = np.multiply(g, lr, out.get("step"))
    return np.divide(step, denominator, step)


def _copied(source, out):
    np.copyto(out, source)
    return out


def _explain_average(u, name: str, rate, symbol: str, squared: bool) -> float:
    """The line of a running average of g (or g²) at rate r — RMSprop's s, Adam's m and v:
    name ← r name_old + (1 − r) g; returns the new value."""
    value = u.new_state(name)
    old = u.term(f"{name}_old", f"{name}_old", u.old_state(name))
    g, g_value = ("(" + u.g + ")²", u.g_value + u.SQ) if squared else (u.g, u.g_value)
    u.line(
        name,
        f"{symbol} {name}_old + (1 − {symbol}) " + g,
        rate + " × " + old + " + (1 − " + rate + ") × " + g_value,
        u.number(value),
        result=value,
    )
    return value


def _explain_root_step(optimizer, u, s: float) -> None:
    """The step of RMSprop and Adagrad: ΔW = η g / (√s + ε), p ← p − ΔW."""
    u.term("s", "s", s)
    eps = u.term("ε", "eps", optimizer.eps)
    u.step(
        "η " + u.g + " / (√s + ε)",
        u.lr + " × " + u.g_value + " / (√" + u.number(s) + " + " + eps + ")",
    )


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam, Adagrad)
}


def make_optimizer(name: str, **settings) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}") from None
    return cls(**settings)
