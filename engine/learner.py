"""One training step, as a stream of events or on the fast path — the same math, in one place.

A ``Learner`` is a network plus everything a step changes besides it: the optimizer's state and
its step count t, and the regularization and clipping settings. ``events(x, y, lr)`` yields the
events of one step in the documented order; ``step(x, y, lr)`` takes the same step without
building events. Both compute with the same per-layer rules (``engine.layers``' equations, the
activations', losses' and optimizers' methods) in the same order, so their results are bitwise
identical. ``step`` runs on ``engine.lean.LeanStep`` — buffers reused from step to step, all
parameters in one flat array — for every network it specialises (dense layers without dropout,
batch norm or PReLU); otherwise it drains the event stream without building the statistics.

The step:
    forward   zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ, aˡ = σ(zˡ)                        l = 1…L
    loss      C = C₀(aᴸ, y) + λ₁ Σ|W| + (λ₂/2) Σ‖W‖²;  ∇ₐC₀
    backward  δᴸ = ∇ₐC ⊙ σ′(zᴸ) (or fused);  δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ σ′(zˡ)   l = L…1
              ∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹ + λ₂ Wˡ + λ₁ sign(Wˡ),  ∂C/∂bˡ = Σ δˡ
    clip      by value (g ← clip(g, −c, c)) or by global norm (g ← g·c/(‖g‖ + 10⁻⁶) when that
              factor is < 1, as torch.nn.utils.clip_grad_norm_), optional
    update    p ← optimizer rule(p, g)                                    l = 1…L
    commit    parameters and optimizer state replaced; then StepEnd

Nothing is modified before the commit, so closing the event generator early leaves the learner
exactly as it was.

After a step the learner keeps what its statistics are computed from (``stats.StepArrays``) until
the next step: ``step_stats()`` computes them when something reads them. ``finite`` is the step's
non-finite check: the loss plus ‖P‖² over every parameter after the update (biases included),
plus ‖∂C/∂p‖² before clipping where clipping is on, is finite. A NaN or ∞ in a parameter,
gradient, update or activation reaches one of these at the step it appears (see
``engine.nonfinite``); ``really_non_finite()`` tells a true one from a finite sum that
overflowed. (‖P − ΔP‖² covers Σ‖ΔP‖² — a non-finite update always leaves a non-finite
parameter — and a parameter that was non-finite before the step, in one pass.)

Layers with dropout or batch norm return an ``extra`` dict from ``forward`` and ``backward``; the
entries that are fields of the Forward / Delta event (mask, z_hat, batch_mean, batch_var,
grad_z_hat) go into the event, the others (batch norm's new running statistics, cached values)
stay with the step: the running statistics are committed with the parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .arrays import frozen, vdot
from .events import Clip, Delta, Forward, Gradient, Loss, StepEnd, StepStart, Update
from .network import Network
from .optimizers import Optimizer
from .stats import StepArrays, step_stats


class StepResult(NamedTuple):
    loss: float
    finite: bool  # the step's loss, updates and (with clipping) gradients are finite


NORM_CLIP_EPS = 1e-6  # clip_grad_norm_'s ε: the clipped norm is c·‖g‖/(‖g‖ + ε) < c, never c + ulp


class Learner:
    def __init__(
        self,
        net: Network,
        optimizer: Optimizer,
        *,
        l1: float = 0.0,
        l2: float = 0.0,
        clip_value: float | None = None,
        clip_norm: float | None = None,
    ):
        if clip_value is not None and clip_norm is not None:
            raise ValueError("clip by value or by norm, not both")
        value: float | None
        for name, value in (("l1", l1), ("l2", l2)):
            if value < 0:
                raise ValueError(f"{name} must be ≥ 0, got {value}")
        for name, value in (("clip_value", clip_value), ("clip_norm", clip_norm)):
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        self.net = net
        self.optimizer = optimizer
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.clip_value = clip_value
        self.clip_norm = clip_norm
        self.opt_state: list[dict[str, dict]] = [{} for _ in net.layers]
        self.t = 0  # optimizer steps taken
        self.finite = True  # the last step's check (see the module docstring)
        self._failed_check = (0.0, 0.0)  # (loss, ‖g‖ before clipping) of a step failing it
        # StepArrays of step t, or a function building them; None: unknown
        self._arrays: StepArrays | Callable[[], StepArrays] | None = None
        self._stats: tuple | None = None  # step_stats() of step t, once computed
        self.choose_path()

    def choose_path(self) -> None:
        """Choose the fast path's way for the network as it is now (again when a dropout rate
        changes while it trains): ``path`` is "lean", or why the fast path drains the event
        stream instead (e.g. "layer 2 has batch norm")."""
        from .lean import LeanStep, lean_refusal  # lean imports this module

        path = lean_refusal(self) or "lean"
        if path == getattr(self, "path", None):
            return
        self.path = path
        self._lean = LeanStep(self) if path == "lean" else None

    # --- state -----------------------------------------------------------------------------

    def snapshot(self):
        """Parameters, optimizer state and t, by reference (nothing is ever modified in place:
        the fast path writes only into arrays that nothing else holds)."""
        return (self.net.snapshot(), tuple(dict(s) for s in self.opt_state), self.t)

    def restore(self, snapshot) -> None:
        params, opt_state, t = snapshot
        self.net.restore(params)
        self.opt_state = [dict(s) for s in opt_state]
        self.t = t
        self._arrays = self._stats = None

    # --- the shared pieces of one step ------------------------------------------------------

    def penalty(self) -> float:
        """λ₁ Σ|W| + (λ₂/2) Σ‖W‖² over the weight matrices (biases are not penalized)."""
        total = 0.0
        for layer in self.net.layers:
            W = layer.params["W"]
            if self.l2:
                total += 0.5 * self.l2 * float(vdot(W, W))
            if self.l1:
                total += self.l1 * float(np.abs(W).sum())
        return total

    def penalty_grad(self, W, out=None, scratch=None):
        """λ₂ W + λ₁ sign(W) (into ``out``), or None without regularization."""
        l1, l2 = self.l1, self.l2
        if l2 and l1:
            g = np.multiply(W, l2, out)
            return np.add(g, np.multiply(np.sign(W, scratch), l1, scratch), out=g)
        if l2:
            return np.multiply(W, l2, out)
        if l1:
            s = np.sign(W, out)
            return np.multiply(s, l1, s)
        return None

    def clip_factor(self, norm_before: float) -> float | None:
        """c/(‖g‖ + 10⁻⁶) when clipping by norm changes the gradients (the factor is < 1)."""
        assert self.clip_norm is not None  # asked only when clipping by norm
        scale = self.clip_norm / (norm_before + NORM_CLIP_EPS)  # as clip_grad_norm_
        return scale if scale < 1.0 else None

    def _clip(self, grads: list[dict]):
        """Clip all gradients; return (clipped grads, Clip event fields) or (grads, None)."""
        if self.clip_value is None and self.clip_norm is None:
            return grads, None
        before = global_norm(g for gs in grads for g in gs.values())
        if self.clip_value is not None:
            c = self.clip_value
            changed = tuple(
                l for l, gs in enumerate(grads, 1) if any(np.abs(g).max() > c for g in gs.values())
            )
            clipped = [{k: np.clip(g, -c, c) for k, g in gs.items()} for gs in grads]
            mode, threshold = "value", c
        else:
            assert self.clip_norm is not None  # clip_value is None, both None returned above
            scale = self.clip_factor(before)
            if scale is not None:
                clipped = [{k: np.multiply(g, scale) for k, g in gs.items()} for gs in grads]
                changed = tuple(range(1, len(grads) + 1))
            else:
                clipped, changed = grads, ()
            mode, threshold = "norm", self.clip_norm
        after = global_norm(g for gs in clipped for g in gs.values())
        return clipped, (mode, threshold, before, after, changed)

    def _update(self, l: int, grads: dict, lr: float, t: int):
        """New parameters, steps and optimizer state of layer l (nothing is applied)."""
        opt = self.optimizer
        update, decay = opt.update, opt.weight_decay
        new, steps, state = {}, {}, {}
        old_state = self.opt_state[l - 1]
        for name, p in self.net.layers[l - 1].params.items():
            g = grads[name]
            if decay and name == "W":
                g = opt.decayed(g, p)
            new[name], steps[name], state[name] = update(
                p, g, old_state.get(name, _NO_STATE), lr, t
            )
        return new, steps, state

    def _commit(self, new_params: list[dict], new_state: list[dict], t: int, extras) -> None:
        """Apply the step: parameters, batch norm's running statistics, optimizer state, t."""
        for layer, params, extra in zip(self.net.layers, new_params, extras, strict=True):
            layer.params = params
            if extra is not None and "buffers" in extra:
                layer.buffers = extra["buffers"]
        self.opt_state = new_state
        self.t = t

    def step_scale(self, clipped: bool, lr: float) -> float | None:
        """η when ΔW = η ∂C/∂W exactly (plain SGD on unclipped gradients), else None."""
        opt = self.optimizer
        return lr if opt.name == "sgd" and not opt.weight_decay and not clipped else None

    # --- the event stream ---------------------------------------------------------------------

    def events(
        self, x, y, lr: float, *, epoch: int = 1, batch: int = 1, indices=None, rng=None, done=None
    ):
        """Yield the events of one training step on the batch (x, y) with learning rate ``lr``;
        ``done()``, when given, is called once the step is applied, before StepEnd is yielded."""
        return self._events(x, y, lr, epoch, batch, indices, rng, done, True)

    def _events(self, x, y, lr, epoch, batch, indices, rng, done, with_stats: bool):
        """The event stream; StepEnd carries the statistics when ``with_stats``."""
        net, layers, L = self.net, self.net.layers, self.net.L
        t = self.t + 1
        regularized = self.l1 or self.l2
        yield StepStart(t, epoch, batch, x.shape[0], lr, indices)

        a_prevs, zs, acts, extras = [], [], [], []
        a = x
        for layer in layers:
            z, a_new, extra = layer.forward(a, rng, True)
            frozen(z), frozen(a_new)
            if extra is None:
                yield Forward(layer.l, a, z, a_new)
            else:
                yield Forward(layer.l, a, z, a_new, **_fields(extra, FORWARD_EXTRA))
            a_prevs.append(a)
            zs.append(z)
            acts.append(a_new)
            extras.append(extra)
            a = a_new

        z, a = zs[-1], acts[-1]
        data_loss = net.loss.value(z, a, y)
        penalty = self.penalty() if regularized else 0.0
        grad_a = frozen(net.loss.grad_a(z, a, y))
        fused = net.fused_output
        yield Loss(data_loss + penalty, grad_a, data_loss, penalty, y, fused)

        grads: list = [None] * L  # one dict a layer, filled for l = L…1 below
        slopes: list = [None] * L
        deltas: list = [None] * L
        g = grad_a
        for layer in reversed(layers):
            l = layer.l
            if l == L and fused:
                delta, slope, dx = net.loss.fused_delta(z, a, y), None, None
            else:
                delta, slope, dx = layer.backward(g, zs[l - 1], acts[l - 1], extras[l - 1])
                frozen(slope)
            frozen(delta)
            if dx is None:
                yield Delta(l, delta, g, slope, l == L and fused)
            else:
                yield Delta(l, delta, g, slope, l == L and fused, **_fields(dx, DELTA_EXTRA))
            gs = layer.gradients(delta, a_prevs[l - 1], g, zs[l - 1], extras[l - 1], dx)
            pen = frozen(self.penalty_grad(layer.params["W"])) if regularized else None
            if pen is not None:
                gs["W"] = gs["W"] + pen
            for arr in gs.values():
                frozen(arr)
            extra_grads = {k: v for k, v in gs.items() if k not in WB} if len(gs) > 2 else {}
            yield Gradient(l, gs["W"], gs["b"], pen, extra_grads)
            grads[l - 1], slopes[l - 1], deltas[l - 1] = gs, slope, delta
            if l > 1:
                g = frozen(layer.from_above(delta))

        used, clip = self._clip(grads)
        if clip is not None:
            for arr in (g for gs in used for g in gs.values()):
                frozen(arr)
            yield Clip(*clip)

        new_params, new_state, steps_W, check = [], [], [], data_loss + penalty
        for layer in layers:
            l = layer.l
            new, steps, state = self._update(l, used[l - 1], lr, t)
            for arr in new.values():
                frozen(arr)
                check += float(vdot(arr, arr))
            for arr in steps.values():
                frozen(arr)
            for s in state.values():
                for arr in s.values():
                    frozen(arr)
            old = layer.params
            yield Update(
                l,
                old["W"],
                new["W"],
                steps["W"],
                old["b"],
                new["b"],
                steps["b"],
                used[l - 1]["W"],
                used[l - 1]["b"],
                lr,
                self.optimizer.name,
                t,
                state,
                {k: (old[k], new[k], steps[k]) for k in new if k not in WB} if len(new) > 2 else {},
            )
            new_params.append(new)
            new_state.append(state)
            steps_W.append(steps["W"])

        arrays = StepArrays(
            acts,
            [layer.activation_input(zs[i], extras[i]) for i, layer in enumerate(layers)],
            slopes,
            deltas,
            [gs["W"] for gs in grads],
            [layer.params["W"] for layer in layers],
            [new["W"] for new in new_params],
            steps_W,
            self.step_scale(used is not grads, lr),
        )
        if clip is not None:
            check += clip[2] * clip[2]
        self._commit(new_params, new_state, t, extras)
        self._arrays, self._stats = arrays, None
        self.finite = math.isfinite(check)
        if not self.finite:
            self._failed_check = (data_loss + penalty, clip[2] if clip is not None else 0.0)
        stats = self.step_stats() if with_stats else ()
        assert stats is not None  # known: this step was just taken
        if done is not None:
            done()
        yield StepEnd(t, epoch, batch, data_loss + penalty, stats)

    # --- the fast path: the same rules, no events ------------------------------------------

    def step(self, x, y, lr: float, rng=None) -> StepResult:
        """One training step without events; bitwise the same result as draining ``events``.
        Its statistics: ``step_stats()``, until the next step."""
        if self._lean is not None:
            return self._lean.step(x, y, lr)
        for end in self._events(x, y, lr, 1, 1, None, rng, None, False):  # noqa: B007
            pass
        return StepResult(end.loss, self.finite)

    def output(self, x):
        """(zᴸ, aᴸ) in evaluation mode for the rows x: ``Network.output_z``, on reused buffers
        where the fast path is lean (then valid until the next call for as many rows)."""
        if self._lean is not None:
            return self._lean.output(np.asarray(x, dtype=self.net.dtype))
        return self.net.output_z(x)

    def really_non_finite(self) -> bool:
        """After a step whose check failed: whether it holds a NaN or ∞ (its loss, the gradients'
        norm before clipping, a parameter after the update — a non-finite update leaves one), or
        only a finite sum of squares that overflowed."""
        loss, grad_norm = self._failed_check
        if not (math.isfinite(loss) and math.isfinite(grad_norm)):
            return True
        return any(
            not np.isfinite(p).all() for layer in self.net.layers for p in layer.params.values()
        )

    def step_stats(self) -> tuple | None:
        """The ``LayerStats`` of step ``t`` (the last one taken), computed on the first call; None
        when they cannot be known here (no step since the learner was built or restored)."""
        if self._stats is None:
            arrays = self._arrays
            if arrays is None:
                return None
            if callable(arrays):  # the lean step's buffers, valid until its next step
                arrays = arrays()
            self._stats = step_stats(self.net.layers, arrays)
        return self._stats


def global_norm(arrays) -> float:
    """√(Σ‖g‖²) over the arrays, in their order (the norm clipping compares with its bound)."""
    return math.sqrt(sum(float(vdot(g, g)) for g in arrays))


FORWARD_EXTRA = frozenset(Forward._fields) - {"l", "a_prev", "z", "a"}
DELTA_EXTRA = frozenset(Delta._fields) - {
    "l",
    "delta",
    "from_above",
    "local_slope",
    "fused",
}


WB = ("W", "b")  # the parameters every layer has (the events name them; others go in ``extra``)


def _fields(extra: dict | None, names: frozenset) -> dict:
    """The entries of a layer's ``extra`` dict that are fields of the event (dropout, BN)."""
    if not extra:
        return {}
    return {k: v for k, v in extra.items() if k in names}


_NO_STATE: dict = {}  # an optimizer's state before its first step (optimizers only read it)
