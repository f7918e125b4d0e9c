"""The limit: a minimal hand-written NumPy training loop, as one would write it for one network.

Same layout as the engine (W of shape (n_out, n_in), batches as rows), same initial values, same
batches (drawn by fancy indexing, as the engine's Trainer does), the loss value computed at every
step, plain SGD updating the weights in place. No events, no statistics, no checks:

    forward   z = a_prev @ W.T + b,  a = σ(z)
    backward  δᴸ = ∇ₐC ⊙ σ′ (or (a − y)/B for softmax + cross-entropy),  δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ σ′(zˡ)
    update    W −= η δᵀ a_prev,  b −= η Σ δ
"""

from __future__ import annotations

import numpy as np

from .cases import BatchOrder, Built


class HandLoop:
    def __init__(self, built: Built):
        case = built.case
        self.x, self.y = built.x, built.y
        self.W = [W.copy() for W in built.weights]
        self.b = [b.copy() for b in built.biases]
        self.lr = case.lr
        self.hidden, self.output, self.loss = case.hidden, case.output, case.loss
        self.batches = BatchOrder(case.n, case.batch)

    def step(self) -> float:
        idx = self.batches.next()
        x, y = self.x[idx], self.y[idx]
        W, b, lr = self.W, self.b, self.lr
        L = len(W)

        acts, zs = [x], []
        a = x
        for l in range(L - 1):
            z = a @ W[l].T + b[l]
            a = _forward(self.hidden, z)
            zs.append(z)
            acts.append(a)
        z = a @ W[-1].T + b[-1]
        B = x.shape[0]
        if self.loss == "cross_entropy":  # softmax output
            e = np.exp(z - z.max(axis=1, keepdims=True))
            s = e.sum(axis=1, keepdims=True)
            a = e / s
            loss = -float((y * np.log(a)).sum()) / B
            delta = (a - y) / B
        else:  # mse
            a = _forward(self.output, z)
            r = a - y
            loss = float((r * r).sum()) / r.size
            delta = (2.0 / r.size) * r * _slope(self.output, z, a)

        for l in range(L - 1, -1, -1):
            grad_W = delta.T @ acts[l]
            grad_b = delta.sum(axis=0)
            if l > 0:
                delta = (delta @ W[l]) * _slope(self.hidden, zs[l - 1], acts[l])
            W[l] -= lr * grad_W
            b[l] -= lr * grad_b
        return loss


def _forward(name, z):
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return np.maximum(z, 0.0)  # relu


def _slope(name, z, a):
    if name == "tanh":
        return 1.0 - a * a
    if name == "sigmoid":
        return a * (1.0 - a)
    return z > 0  # relu
