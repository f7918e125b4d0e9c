"""The benchmark networks and their data: one definition shared by every implementation.

Each case is built once per dtype: the engine's network (from ``build_network`` with a fixed seed),
a data set and the learning rate. The hand-written NumPy loop and PyTorch start from copies of the
engine's initial weights and draw the same batches (the engine ``Trainer``'s shuffling: one
``rng.permutation(n)`` per epoch from ``default_rng(seed)``), so all three do the same work.

Cases:
- tiny: 2-8-8-1 tanh, batch 32, MSE
- deep: 16 → 10×32 sigmoid, batch 64, MSE
- medium: 64-256-256-10 relu, softmax output, batch 128, cross-entropy
- large: 784-1024-1024-10 relu, softmax output, batch 256, cross-entropy
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import LayerSpec, Learner, Trainer, build_network, make_optimizer, one_hot

SEED = 0


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    n_in: int
    sizes: tuple[int, ...]
    hidden: str  # activation of the hidden layers
    output: str  # activation of the output layer
    loss: str  # "mse" or "cross_entropy"
    batch: int
    lr: float
    init: str

    @property
    def n(self) -> int:
        """Training-set rows: eight batches per epoch, so shuffling happens during a run."""
        return 8 * self.batch

    @property
    def n_params(self) -> int:
        sizes = (self.n_in, *self.sizes)
        return sum(sizes[i + 1] * (sizes[i] + 1) for i in range(len(self.sizes)))

    def activations(self) -> list[str]:
        return [self.hidden] * (len(self.sizes) - 1) + [self.output]


CASES = {
    case.name: case
    for case in (
        Case("tiny", "tiny 2-8-8-1 tanh, batch 32, MSE", 2, (8, 8, 1), "tanh", "tanh", "mse", 32,
             0.05, "xavier_uniform"),
        Case("deep", "deep-narrow 16 → 10×32 sigmoid, batch 64, MSE", 16, (32,) * 10, "sigmoid",
             "sigmoid", "mse", 64, 0.5, "xavier_uniform"),
        Case("medium", "medium 64-256-256-10 relu, batch 128, cross-entropy", 64, (256, 256, 10),
             "relu", "softmax", "cross_entropy", 128, 0.05, "he_uniform"),
        Case("large", "large 784-1024-1024-10 relu, batch 256, cross-entropy", 784,
             (1024, 1024, 10), "relu", "softmax", "cross_entropy", 256, 0.01, "he_uniform"),
    )
}  # fmt: skip


@dataclass
class Built:
    """A case made concrete for one dtype: data, the engine's trainer and the initial weights."""

    case: Case
    dtype: str
    x: np.ndarray
    y: np.ndarray  # targets as the engine takes them (one-hot rows for cross-entropy)
    labels: np.ndarray | None  # class indices for cross-entropy (PyTorch's form)
    weights: list[np.ndarray]  # initial W per layer, shape (n_out, n_in)
    biases: list[np.ndarray]

    def trainer(self, learner_class=Learner) -> Trainer:
        """A fresh engine trainer from the initial weights (plain SGD, shuffled batches)."""
        net = build_network(
            self.case.n_in,
            [
                LayerSpec(size, act, weights=W, bias=b)
                for size, act, W, b in zip(
                    self.case.sizes, self.case.activations(), self.weights, self.biases
                )
            ],
            self.case.loss,
            np.random.default_rng(SEED),
            dtype=self.dtype,
        )
        learner = learner_class(net, make_optimizer("sgd"))
        return Trainer(
            learner,
            self.x,
            self.y,
            batch_size=self.case.batch,
            lr=self.case.lr,
            shuffle=True,
            rng=np.random.default_rng(SEED),
        )


def build(case: Case, dtype: str = "float64") -> Built:
    """Data and initial weights of ``case`` in ``dtype`` (the same for every implementation)."""
    rng = np.random.default_rng(SEED)
    net = build_network(
        case.n_in,
        [LayerSpec(size, act, init=case.init) for size, act in zip(case.sizes, case.activations())],
        case.loss,
        rng,
        dtype=dtype,
    )
    weights = [layer.params["W"].astype(np.float64) for layer in net.layers]
    biases = [rng.uniform(-0.1, 0.1, layer.n_out) for layer in net.layers]
    np_dtype = np.dtype(dtype)
    x = rng.normal(size=(case.n, case.n_in))
    labels = None
    n_out = case.sizes[-1]
    if case.loss == "cross_entropy":
        labels = np.argmax(x @ rng.normal(size=(case.n_in, n_out)), axis=1)
        y = one_hot(labels, n_out, dtype=np_dtype)
    elif case.output == "tanh":
        y = 0.8 * np.tanh(x @ rng.normal(size=(case.n_in, n_out)))
    else:  # sigmoid outputs: targets in (0, 1)
        y = 1.0 / (1.0 + np.exp(-(x @ rng.normal(size=(case.n_in, n_out)) / 4.0)))
    # Weights are rounded to the dtype once, so every implementation starts from the same values.
    return Built(
        case,
        dtype,
        x.astype(np_dtype),
        y.astype(np_dtype),
        labels,
        [W.astype(np_dtype) for W in weights],
        [b.astype(np_dtype) for b in biases],
    )


class BatchOrder:
    """The engine Trainer's batches: ``rng.permutation(n)`` per epoch, consecutive slices of it."""

    def __init__(self, n: int, batch: int, seed: int = SEED):
        self.n, self.batch = n, batch
        self.rng = np.random.default_rng(seed)
        self.per_epoch = -(-n // batch)
        self.k = self.per_epoch  # batches of the current epoch already taken
        self.order = None

    def next(self) -> np.ndarray:
        if self.k == self.per_epoch:
            self.order, self.k = self.rng.permutation(self.n), 0
        start = self.k * self.batch
        self.k += 1
        return self.order[start : start + self.batch]
