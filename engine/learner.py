"""One training step, as a stream of events or on the fast path — the same math, in one place.

A ``Learner`` is a network plus everything a step changes besides it: the optimizer's state and
its step count t, and the regularization and clipping settings. ``events(x, y, lr)`` yields the
events of one step in the documented order; ``step(x, y, lr)`` does the same computation without
building events. Both call the same per-layer functions in the same order, so their results are
bitwise identical.

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

Layers with dropout or batch norm return an ``extra`` dict from ``forward`` and ``backward``; the
entries that are fields of the Forward / Delta event (mask, z_hat, batch_mean, batch_var,
grad_z_hat) go into the event, the others (batch norm's new running statistics, cached values)
stay with the step: the running statistics are committed with the parameters.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .events import Clip, Delta, Forward, Gradient, Loss, StepEnd, StepStart, Update
from .network import Network
from .optimizers import Optimizer
from .stats import backward_stats, forward_sums, layer_stats, update_norms


class StepResult(NamedTuple):
    loss: float
    stats: tuple


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
        stats: bool = True,
    ):
        """``stats=False`` leaves out the per-layer statistics (``StepResult.stats`` and
        ``StepEnd.stats`` are then empty): only to measure what they cost."""
        if clip_value is not None and clip_norm is not None:
            raise ValueError("clip by value or by norm, not both")
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
        self.track_stats = bool(stats)

    # --- state -----------------------------------------------------------------------------

    def snapshot(self):
        """Parameters, optimizer state and t, by reference (nothing is ever modified in place)."""
        return (self.net.snapshot(), tuple(dict(s) for s in self.opt_state), self.t)

    def restore(self, snapshot) -> None:
        params, opt_state, t = snapshot
        self.net.restore(params)
        self.opt_state = [dict(s) for s in opt_state]
        self.t = t

    # --- the shared pieces of one step ------------------------------------------------------

    def penalty(self) -> float:
        """λ₁ Σ|W| + (λ₂/2) Σ‖W‖² over the weight matrices (biases are not penalized)."""
        total = 0.0
        for layer in self.net.layers:
            W = layer.params["W"]
            if self.l2:
                total += 0.5 * self.l2 * float(np.vdot(W, W))
            if self.l1:
                total += self.l1 * float(np.abs(W).sum())
        return total

    def penalty_grad(self, W):
        """λ₂ W + λ₁ sign(W), or None without regularization."""
        if self.l2 and self.l1:
            return self.l2 * W + self.l1 * np.sign(W)
        if self.l2:
            return self.l2 * W
        if self.l1:
            return self.l1 * np.sign(W)
        return None

    def _clip(self, grads: list[dict]):
        """Clip all gradients; return (clipped grads, Clip event fields) or (grads, None)."""
        if self.clip_value is None and self.clip_norm is None:
            return grads, None
        before = math.sqrt(sum(float(np.vdot(g, g)) for gs in grads for g in gs.values()))
        if self.clip_value is not None:
            c = self.clip_value
            changed = tuple(
                l for l, gs in enumerate(grads, 1) if any(np.abs(g).max() > c for g in gs.values())
            )
            clipped = [{k: np.clip(g, -c, c) for k, g in gs.items()} for gs in grads]
            mode, threshold = "value", c
        else:
            c = self.clip_norm
            scale = c / (before + NORM_CLIP_EPS)  # as torch.nn.utils.clip_grad_norm_
            if scale < 1.0:
                clipped = [{k: g * scale for k, g in gs.items()} for gs in grads]
                changed = tuple(range(1, len(grads) + 1))
            else:
                clipped, changed = grads, ()
            mode, threshold = "norm", c
        after = math.sqrt(sum(float(np.vdot(g, g)) for gs in clipped for g in gs.values()))
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
                g = g + decay * p
            p_new, step, s = update(p, g, old_state.get(name, _NO_STATE), lr, t)
            p_new.setflags(False)  # read-only
            new[name], steps[name], state[name] = p_new, step, s
        return new, steps, state

    def _commit(self, new_params: list[dict], new_state: list[dict], t: int, extras) -> None:
        """Apply the step: parameters, batch norm's running statistics, optimizer state, t."""
        for layer, params, extra in zip(self.net.layers, new_params, extras, strict=True):
            layer.params = params
            if extra is not None and "buffers" in extra:
                layer.buffers = extra["buffers"]
        self.opt_state = new_state
        self.t = t

    # --- the event stream ---------------------------------------------------------------------

    def events(
        self, x, y, lr: float, *, epoch: int = 1, batch: int = 1, indices=None, rng=None, done=None
    ):
        """Yield the events of one training step on the batch (x, y) with learning rate ``lr``;
        ``done()``, when given, is called once the step is applied, before StepEnd is yielded."""
        net, layers, L = self.net, self.net.layers, self.net.L
        t = self.t + 1
        regularized, track = self.l1 or self.l2, self.track_stats
        yield StepStart(t, epoch, batch, x.shape[0], lr, indices)

        a_prevs, zs, acts, extras, sums = [], [], [], [], []
        a = x
        for layer in layers:
            z, a_new, extra = layer.forward(a, rng, True)
            z.setflags(False), a_new.setflags(False)  # read-only
            if track:
                sums.append(forward_sums(a_new))
            if extra is None:
                yield Forward(layer.l, a, z, a_new)
            else:
                yield Forward(layer.l, a, z, a_new, **_fields(extra, FORWARD_EXTRA))
            a_prevs.append(a), zs.append(z), acts.append(a_new), extras.append(extra)
            a = a_new

        z, a = zs[-1], acts[-1]
        data_loss = net.loss.value(z, a, y)
        penalty = self.penalty() if (self.l1 or self.l2) else 0.0
        grad_a = _freeze(net.loss.grad_a(z, a, y))
        fused = net.fused_output
        yield Loss(data_loss + penalty, grad_a, data_loss, penalty, y, fused)

        grads, back = [None] * L, [None] * L
        g = grad_a
        for layer in reversed(layers):
            l = layer.l
            if l == L and fused:
                delta, slope, dx = net.loss.fused_delta(z, a, y), None, None
            else:
                delta, slope, dx = layer.backward(g, zs[l - 1], acts[l - 1], extras[l - 1])
                _freeze(slope)
            _freeze(delta)
            if dx is None:
                yield Delta(l, delta, g, slope, l == L and fused)
            else:
                yield Delta(l, delta, g, slope, l == L and fused, **_fields(dx, DELTA_EXTRA))
            gs = layer.gradients(delta, a_prevs[l - 1], g, zs[l - 1], extras[l - 1], dx)
            pen = self.penalty_grad(layer.params["W"]) if regularized else None
            if pen is not None:
                gs["W"] = gs["W"] + pen
            for arr in gs.values():
                arr.setflags(False)
            _freeze(pen)
            extra_grads = {k: v for k, v in gs.items() if k not in WB} if len(gs) > 2 else {}
            if track:
                z_in = layer.activation_input(zs[l - 1], extras[l - 1])
                back[l - 1] = backward_stats(layer, z_in, acts[l - 1], delta, slope, gs["W"])
            yield Gradient(l, gs["W"], gs["b"], pen, extra_grads)
            grads[l - 1] = gs
            if l > 1:
                g = _freeze(layer.from_above(delta))

        used, clip = self._clip(grads)
        if clip is not None:
            for arr in (g for gs in used for g in gs.values()):
                _freeze(arr)
            yield Clip(*clip)

        scale = self._step_scale(grads, used, lr)
        new_params, new_state, norms = [], [], []
        for layer in layers:
            l = layer.l
            new, steps, state = self._update(l, used[l - 1], lr, t)
            if track:
                norms.append(update_norms(new["W"], steps["W"], back[l - 1][0], scale))
            for arr in steps.values():
                arr.setflags(False)
            for s in state.values():
                for arr in s.values():
                    arr.setflags(False)
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
            new_params.append(new), new_state.append(state)

        stats = self._stats(sums, back, norms, new_params) if track else ()
        self._commit(new_params, new_state, t, extras)
        if done is not None:
            done()
        yield StepEnd(t, epoch, batch, data_loss + penalty, stats)

    # --- the fast path: the same calls, no events -------------------------------------------

    def step(self, x, y, lr: float, rng=None) -> StepResult:
        """One training step without events; bitwise the same result as draining ``events``."""
        net, layers, L = self.net, self.net.layers, self.net.L
        t = self.t + 1
        regularized, track = self.l1 or self.l2, self.track_stats
        a_prevs, zs, acts, extras, sums = [], [], [], [], []
        a = x
        for layer in layers:
            z, a_new, extra = layer.forward(a, rng, True)
            if track:
                sums.append(forward_sums(a_new))
            a_prevs.append(a), zs.append(z), acts.append(a_new), extras.append(extra)
            a = a_new

        z, a = zs[-1], acts[-1]
        data_loss = net.loss.value(z, a, y)
        penalty = self.penalty() if (self.l1 or self.l2) else 0.0
        fused = net.fused_output

        grads, back = [None] * L, [None] * L
        g = None if fused else net.loss.grad_a(z, a, y)
        for layer in reversed(layers):
            l = layer.l
            if l == L and fused:
                delta, slope, dx = net.loss.fused_delta(z, a, y), None, None
            else:
                delta, slope, dx = layer.backward(g, zs[l - 1], acts[l - 1], extras[l - 1])
            gs = layer.gradients(delta, a_prevs[l - 1], g, zs[l - 1], extras[l - 1], dx)
            pen = self.penalty_grad(layer.params["W"]) if regularized else None
            if pen is not None:
                gs["W"] = gs["W"] + pen
            if track:
                z_in = layer.activation_input(zs[l - 1], extras[l - 1])
                back[l - 1] = backward_stats(layer, z_in, acts[l - 1], delta, slope, gs["W"])
            grads[l - 1] = gs
            if l > 1:
                g = layer.from_above(delta)

        used, _ = self._clip(grads)
        scale = self._step_scale(grads, used, lr)
        new_params, new_state, norms = [], [], []
        for layer in layers:
            l = layer.l
            new, steps, state = self._update(l, used[l - 1], lr, t)
            if track:
                norms.append(update_norms(new["W"], steps["W"], back[l - 1][0], scale))
            new_params.append(new), new_state.append(state)

        stats = self._stats(sums, back, norms, new_params) if track else ()
        self._commit(new_params, new_state, t, extras)
        return StepResult(data_loss + penalty, stats)

    # --- statistics, taken where their arrays were just computed (see stats.py) ---------------

    def _step_scale(self, grads, used, lr):
        """η when ΔW = η ∂C/∂W exactly (plain SGD on unclipped gradients), else None."""
        opt = self.optimizer
        return lr if opt.name == "sgd" and not opt.weight_decay and used is grads else None

    def _stats(self, sums, back, norms, new_params) -> tuple:
        return tuple(
            layer_stats(layer, sums[i], back[i], norms[i], layer.params["W"], new_params[i]["W"])
            for i, layer in enumerate(self.net.layers)
        )


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


NORM_CLIP_EPS = 1e-6  # clip_grad_norm_'s ε: the clipped norm is c·‖g‖/(‖g‖ + ε) < c, never c + ulp

_NO_STATE: dict = {}  # an optimizer's state before its first step (optimizers only read it)


def _freeze(array):
    if array is not None:
        array.setflags(False)  # write=False, the fastest way to set it
    return array
