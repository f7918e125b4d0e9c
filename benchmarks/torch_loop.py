"""The same training loop in PyTorch on the CPU: what a user would otherwise write.

``nn.Sequential`` of ``nn.Linear`` layers and activations, ``MSELoss`` or ``CrossEntropyLoss``
(class indices, softmax fused into the loss), ``torch.optim.SGD``, the same initial weights, the
same batches (NumPy indexes the rows, ``torch.from_numpy`` shares them) and the same dtype.
``available()`` says whether torch is installed; nothing here imports it before that.
"""

from __future__ import annotations

import importlib.util

from .cases import BatchOrder, Built


def available() -> bool:
    return importlib.util.find_spec("torch") is not None


def version() -> str | None:
    if not available():
        return None
    import torch

    return torch.__version__


def set_threads(n: int) -> None:
    if available():
        import torch

        torch.set_num_threads(n)


class TorchLoop:
    def __init__(self, built: Built):
        import torch
        from torch import nn

        case = built.case
        self.torch = torch
        dtype = getattr(torch, built.dtype)
        layers = []
        sizes = (case.n_in, *case.sizes)
        acts = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}
        for l, (W, b) in enumerate(zip(built.weights, built.biases), start=1):
            linear = nn.Linear(sizes[l - 1], sizes[l], dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(b))
            layers.append(linear)
            act = case.hidden if l < len(case.sizes) else case.output
            if act != "softmax":  # CrossEntropyLoss applies the softmax itself
                layers.append(acts[act]())
        self.model = nn.Sequential(*layers)
        if case.loss == "cross_entropy":
            self.loss_fn = nn.CrossEntropyLoss()
            self.y = built.labels
        else:
            self.loss_fn = nn.MSELoss()
            self.y = built.y
        self.x = built.x
        self.opt = torch.optim.SGD(self.model.parameters(), lr=case.lr)
        self.batches = BatchOrder(case.n, case.batch)

    def step(self) -> float:
        idx = self.batches.next()
        from_numpy = self.torch.from_numpy
        x, y = from_numpy(self.x[idx]), from_numpy(self.y[idx])
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()

    def weights(self):
        """The current weights as NumPy arrays (to check the loops did the same work)."""
        return [m.weight.detach().numpy() for m in self.model if hasattr(m, "weight")]
