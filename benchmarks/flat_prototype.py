"""What would meet the fast-path target on small networks: a step on flat, reused buffers.

Not part of the lab: a measured sketch of a different engine design, for the benchmark's
"why not met, what would meet it" (section a, column "flat prototype"). It trains the same
networks as the engine with plain SGD and computes the same per-layer statistics, but

- all parameters live in ONE flat array, the layers' W and b being views into it: the update is
  two NumPy calls for the whole network (η·g, then p − η·g into a fresh array, so old parameters
  stay valid, as the engine's snapshots need), whatever the number of layers;
- the step's intermediates (z, a, σ′, δ, ∂C/∂a, gradients) are written with ``out=`` into
  buffers allocated once per batch shape, laid out layer after layer in flat arrays;
- so each statistic of the activations and deltas is ONE call for all layers
  (``np.add.reduceat`` over the flat buffers) instead of one or two per layer (the norms of
  W-sized arrays stay one BLAS dot product per layer: it reads each array once, writes nothing).

The engine cannot simply do this: its events hand out every array as an immutable value that
consumers may keep (so buffers could not be reused on the event path), and its layers are
separate objects (dropout, batch norm, PReLU) each owning its parameters. A production version
would allocate fresh flat buffers per step on the event path (views into them are as immutable
as today's arrays) and reuse them on the fast path, with layers as views into the flat arrays.
"""

from __future__ import annotations

import math

import numpy as np

from .cases import BatchOrder, Built

_SATURATION = {"tanh": 0.01, "sigmoid": 0.0025, "softmax": 0.01}  # 1% of the max σ′


class FlatLoop:
    def __init__(self, built: Built):
        case = built.case
        self.case = case
        self.x, self.y = built.x, built.y
        self.dtype = built.x.dtype
        self.lr = case.lr
        self.acts = case.activations()
        self.sizes = (case.n_in, *case.sizes)
        self.L = len(case.sizes)
        # parameters: W1, b1, W2, b2, … in one flat array
        self.p_offsets = []
        offset = 0
        for l in range(self.L):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            self.p_offsets += [offset, offset + n_out * n_in]
            offset += n_out * n_in + n_out
        self.P = np.concatenate(
            [np.concatenate([W.ravel(), b]) for W, b in zip(built.weights, built.biases)]
        ).astype(self.dtype)
        self.P.setflags(False)
        self.W, self.b = self._views(self.P)
        self.batches = BatchOrder(case.n, case.batch)
        self.B = None
        self.norm_W_old = self._w_norms(self.P)

    # --- layout ---------------------------------------------------------------------------

    def _views(self, flat):
        Ws, bs = [], []
        for l in range(self.L):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            w0, b0 = self.p_offsets[2 * l], self.p_offsets[2 * l + 1]
            Ws.append(flat[w0:b0].reshape(n_out, n_in))
            bs.append(flat[b0 : b0 + n_out])
        return Ws, bs

    def _blocks(self, flat, B):
        """Per-layer (B, n_l) views of a flat activation-shaped buffer."""
        out, start = [], 0
        for n in self.sizes[1:]:
            out.append(flat[start : start + B * n].reshape(B, n))
            start += B * n
        return out

    def _workspace(self, B):
        dt, total = self.dtype, B * sum(self.sizes[1:])
        self.B = B
        self.Zf, self.Af, self.Sf, self.Df, self.Tf, self.Mf = (
            np.empty(total, dt) for _ in range(6)
        )
        self.Z, self.A = self._blocks(self.Zf, B), self._blocks(self.Af, B)
        self.S, self.D = self._blocks(self.Sf, B), self._blocks(self.Df, B)
        self.A2 = self._blocks(self.Tf, B)  # a², reused below for |δ|
        self.GA = [np.empty((B, n), dt) for n in self.sizes[1:]]  # ∂C/∂a per layer
        self.G = np.empty_like(self.P)
        self.GW, self.Gb = self._views(self.G)
        self.STEP = np.empty_like(self.G)
        self.ones = np.ones(B, dt)
        self.a_offsets = np.cumsum([0] + [B * n for n in self.sizes[1:-1]])
        thr = [_SATURATION.get(act, -1.0) for act in self.acts]  # −1: never saturated
        self.THR = np.concatenate([np.full(B * n, t, dt) for t, n in zip(thr, self.sizes[1:])])
        self.sat_on = [act in _SATURATION for act in self.acts]
        self.counts = [B * n for n in self.sizes[1:]]
        self.dead_on = [act == "relu" for act in self.acts]

    def _w_norms(self, flat):
        sq = np.add.reduceat(flat * flat, self.p_offsets)
        return np.sqrt(sq[0::2]).tolist()

    # --- one step -------------------------------------------------------------------------

    def step(self):
        idx = self.batches.next()
        x, y = self.x[idx], self.y[idx]
        B = x.shape[0]
        if B != self.B:
            self._workspace(B)
        W, b, Z, A, S, D, GA = self.W, self.b, self.Z, self.A, self.S, self.D, self.GA
        L, acts = self.L, self.acts
        a = x
        with np.errstate(over="ignore"):  # sigmoid: e^{−z} → ∞ gives σ = 0 exactly
            for l in range(L):
                z = Z[l]
                np.matmul(a, W[l].T, out=z)
                np.add(z, b[l], out=z)
                _activate(acts[l], z, A[l])
                a = A[l]
        z, a = Z[-1], A[-1]
        if self.case.loss == "cross_entropy":
            m = z.max(axis=1, keepdims=True)
            e = np.subtract(z, m, out=self.S[-1])
            np.exp(e, out=e)
            s = e.sum(axis=1, keepdims=True)
            np.divide(e, s, out=a)
            lse = np.log(s)
            lse += m
            loss = float(np.vdot(y, np.subtract(lse, z, out=D[-1]))) / B
            np.subtract(a, y, out=D[-1])
            D[-1] *= 1.0 / B
            np.multiply(a, np.subtract(1.0, a, out=S[-1]), out=S[-1])  # softmax σ′ (statistics)
        else:  # mse
            r = np.subtract(a, y, out=GA[-1])
            loss = float(np.vdot(r, r)) / r.size
            r *= 2.0 / r.size
            _slope(acts[-1], Z[-1], a, S[-1], self.A2[-1])
            np.multiply(r, S[-1], out=D[-1])
        for l in range(L - 1, -1, -1):
            a_prev = A[l - 1] if l else x
            np.matmul(D[l].T, a_prev, out=self.GW[l])
            np.matmul(self.ones, D[l], out=self.Gb[l])
            if l:
                g = np.matmul(D[l], W[l], out=GA[l - 1])
                _slope(acts[l - 1], Z[l - 1], A[l - 1], S[l - 1], self.A2[l - 1])
                np.multiply(g, S[l - 1], out=D[l - 1])
        # update: two calls for the whole network; the new parameters are a fresh array
        np.multiply(self.G, self.lr, out=self.STEP)
        P_new = np.subtract(self.P, self.STEP)
        P_new.setflags(False)
        self.W, self.b = self._views(P_new)
        stats = self._stats(P_new, x)
        self.P = P_new
        return loss, stats

    def _stats(self, P_new, x):
        """The engine's LayerStats fields, each computed for all layers in one or two calls."""
        offs, Tf = self.a_offsets, self.Tf
        W_new = self.W
        # norms of W-sized arrays: a BLAS dot per layer reads each array once and writes nothing
        grad_sq = [float(np.vdot(g, g)) for g in self.GW]
        w_sq = [float(np.vdot(W, W)) for W in W_new]
        sum_a = np.add.reduceat(self.Af, offs).tolist()
        sum_a2 = np.add.reduceat(np.multiply(self.Af, self.Af, out=Tf), offs).tolist()
        abs_d = np.add.reduceat(np.abs(self.Df, out=Tf), offs).tolist()
        sat = np.add.reduceat(np.less(self.Sf, self.THR, out=Tf), offs).tolist()
        stats, lr, old = [], self.lr, self.norm_W_old
        new = []
        for l, n in enumerate(self.sizes[1:]):
            count = self.counts[l]
            g, w = math.sqrt(grad_sq[l]), math.sqrt(w_sq[l])
            mean = sum_a[l] / count
            dead = 0.0
            if self.dead_on[l]:
                dead = (n - np.count_nonzero(self.ones @ self.S[l])) / n
            stats.append(
                (
                    l + 1,
                    g,
                    abs_d[l] / count,
                    w,
                    lr * g / old[l] if old[l] > 0 else 0.0,
                    sat[l] / count if self.sat_on[l] else 0.0,
                    dead,
                    mean,
                    math.sqrt(max(sum_a2[l] / count - mean * mean, 0.0)),
                )
            )
            new.append(w)
        self.norm_W_old = new
        return stats

    def weights(self):
        return [W.copy() for W in self.W]


def _activate(name, z, out):
    if name == "tanh":
        np.tanh(z, out=out)
    elif name == "sigmoid":
        np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
    elif name == "relu":
        np.maximum(z, 0.0, out=out)
    # softmax: the loss computes it


def _slope(name, z, a, out, a2):
    if name == "tanh":
        np.multiply(a, a, out=a2)
        np.subtract(1.0, a2, out=out)
    elif name == "sigmoid":
        np.subtract(1.0, a, out=out)
        out *= a
    else:  # relu
        np.greater(z, 0.0, out=out)


def check_against_engine(built, steps: int = 5) -> float:
    """Largest relative difference of loss, weights and statistics vs the engine after ``steps``."""
    trainer, flat = built.trainer(), FlatLoop(built)
    worst = 0.0
    for _ in range(steps):
        result = trainer.step()
        loss, stats = flat.step()
        worst = max(worst, abs(result.loss - loss) / max(abs(result.loss), 1e-300))
        for mine, theirs in zip(stats, result.stats):
            for u, v in zip(mine, theirs):
                worst = max(worst, abs(u - v) / max(abs(v), 1e-12) if math.isfinite(v) else 0.0)
    for layer, W in zip(trainer.learner.net.layers, flat.W):
        worst = max(worst, float(np.max(np.abs(layer.params["W"] - W))) / float(np.max(np.abs(W))))
    return worst
