"""(a, end to end) ``backprop-lab train`` against its own fast path and a PyTorch loop.

For each benchmark scenario (``benchmarks/scenarios/``: the digits 64-256-256-10 ReLU network and
the tiny 2-8-8-1 tanh one), three runners do the same training from the same initial weights
with the same batches, timed in CPU seconds, interleaved, a fresh run each time:

- ``train``: ``Run.fit()`` as ``backprop-lab train --json`` runs it (``Run.headless()``: no
  per-step history, nothing reads it there), the epoch-end evaluations included;
- the fast path alone: ``Trainer.step()`` for the same number of steps, nothing else;
- PyTorch: ``torch.optim.SGD`` on the same batches (the trainer's shuffling, replayed from a
  copy of its generator), and the same evaluations: the loss and the accuracy on the validation
  set after every epoch, and on both sets at the end, under ``torch.no_grad()``.

``train`` evaluates what it reports: at every epoch's end the validation set (its loss and
accuracy are shown and early stopping reads them) — the training set's figure there is the
epoch's mean step loss, which the epoch computed anyway — and the whole training set only for a
``loss_below`` rule (not set in these scenarios) and once at the end, for the summary.

Targets: train ≥ 0.9× its fast path; ≥ 1.0× PyTorch on digits, ≥ 4× on tiny.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from . import torch_loop
from .report import Table, at_least

HERE = Path(__file__).resolve().parent
SCENARIOS = {
    "digits": HERE / "scenarios" / "digits.toml",
    "tiny": HERE / "scenarios" / "tiny.toml",
}
TARGET_VS_FAST = 0.9
TARGET_VS_TORCH = {"digits": 1.0, "tiny": 4.0}


def build(name: str, epochs: int | None = None):
    from scenarios import build_run, load_scenario

    overrides = () if epochs is None else (f"training.epochs={epochs}",)
    return build_run(load_scenario(str(SCENARIOS[name]), overrides)).headless()  # as `train`


def time_fit(name: str, epochs: int | None) -> tuple[float, int]:
    run = build(name, epochs)
    start = time.process_time()
    run.fit()
    return time.process_time() - start, run.steps_done


def time_fast_path(name: str, epochs: int | None, steps: int) -> float:
    trainer = build(name, epochs).trainer
    step = trainer.step
    start = time.process_time()
    for _ in range(steps):
        step()
    return time.process_time() - start


class TorchScenario:
    """The scenario's training in PyTorch: same weights, batches, rate and epoch-end work."""

    def __init__(self, run):
        import torch
        from torch import nn

        self.torch = torch
        net, data, trainer = run.net, run.data, run.trainer
        dtype = getattr(torch, str(net.dtype))
        acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        modules = []
        for layer in net.layers:
            linear = nn.Linear(layer.n_in, layer.n_out, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(np.array(layer.params["W"])))
                linear.bias.copy_(torch.from_numpy(np.array(layer.params["b"])))
            modules.append(linear)
            name = layer.activation.name
            if name not in ("linear", "softmax"):  # softmax: inside CrossEntropyLoss
                modules.append(acts[name]())
        self.model = nn.Sequential(*modules)
        self.classes = net.loss.name == "cross_entropy"
        self.loss_fn = nn.CrossEntropyLoss() if self.classes else nn.MSELoss()
        self.x = torch.from_numpy(np.array(data.x_train))
        self.y = torch.from_numpy(
            np.array(data.labels_train) if self.classes else np.array(data.y_train)
        )
        self.x_val = torch.from_numpy(np.array(data.x_val))
        self.y_val = torch.from_numpy(
            np.array(data.labels_val) if self.classes else np.array(data.y_val)
        )
        self.lr = run.schedule(1, 1)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=self.lr)
        self.rng = np.random.Generator(np.random.PCG64())
        self.rng.bit_generator.state = trainer.rng.bit_generator.state
        self.batch, self.n, self.shuffle = trainer.batch_size, trainer.n, trainer.shuffle
        self.epochs = run.stop.epochs

    def evaluate(self, x, y) -> tuple[float, float | None]:
        if x.shape[0] == 0:
            return 0.0, None
        out = self.model(x)
        accuracy = float((out.argmax(1) == y).float().mean()) if self.classes else None
        return float(self.loss_fn(out, y)), accuracy

    def fit(self) -> int:
        torch, steps = self.torch, 0
        for _ in range(self.epochs):
            order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
            for start in range(0, self.n, self.batch):
                rows = torch.from_numpy(order[start : start + self.batch])
                self.opt.zero_grad(set_to_none=True)
                loss = self.loss_fn(self.model(self.x[rows]), self.y[rows])
                loss.backward()
                self.opt.step()
                loss.item()
                steps += 1
            with torch.no_grad():  # what `train` evaluates at an epoch's end
                self.evaluate(self.x_val, self.y_val)
        with torch.no_grad():  # and at the end, for its summary
            self.evaluate(self.x, self.y)
            self.evaluate(self.x_val, self.y_val)
        return steps


def time_torch(name: str, epochs: int | None) -> float:
    loop = TorchScenario(build(name, epochs))
    start = time.process_time()
    loop.fit()
    return time.process_time() - start


def run(names, repeats: int, epochs: int | None = None, log=print) -> Table:
    has_torch = torch_loop.available()
    table = Table(
        "(a) End to end: `backprop-lab train --json` vs its fast path and a PyTorch loop",
        [
            "scenario",
            "steps (epochs)",
            "train steps/s",
            "fast path steps/s",
            "PyTorch steps/s",
            "train / fast path (target)",
            "train / PyTorch (target)",
        ],
    )
    for name in names:
        fits, fasts, torches = [], [], []
        steps = 0
        for _ in range(repeats):
            fit, steps = time_fit(name, epochs)
            fits.append(fit)
            fasts.append(time_fast_path(name, epochs, steps))
            if has_torch:
                torches.append(time_torch(name, epochs))
        vs_fast = statistics.median(b / a for a, b in zip(fits, fasts, strict=True))  # speeds

        def rate_of(seconds, steps=steps):
            return f"{steps / statistics.median(seconds):,.0f}"

        row = [
            name,
            f"{steps:,} ({build(name, epochs).stop.epochs})",
            rate_of(fits),
            rate_of(fasts),
            rate_of(torches) if has_torch else "not installed",
            at_least(vs_fast, TARGET_VS_FAST),
        ]
        if has_torch:
            vs_torch = statistics.median(t / f for f, t in zip(fits, torches, strict=True))
            row.append(at_least(vs_torch, TARGET_VS_TORCH[name]))
        else:
            row.append("not installed")
        table.rows.append(row)
        log(f"  {name}: fit {fits}, fast {fasts}, torch {torches}")
    table.notes.append(
        f"CPU seconds of the training only (runs built beforehand), {repeats} interleaved "
        "repeats, medians of per-repeat ratios. `train` evaluates the validation set at every "
        "epoch's end and the training set at the end (its per-epoch training figure is the "
        "epoch's mean step loss), on buffers reused from epoch to epoch; the PyTorch loop "
        "does the same evaluations."
    )
    return table
