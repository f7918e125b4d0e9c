"""The engine against PyTorch (float64, relative 1e-10): activations, losses, optimizers, 5 steps.

The same network is built in torch with the same initial values; each step both take the same
batch and learning rate, and the losses, every gradient and every parameter after the update are
compared. Weight decay applies to W only, so torch gets two parameter groups.
"""

import math

import numpy as np
import pytest

from engine import LayerSpec, Learner, build_network, make_optimizer, one_hot

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.crosscheck

HIDDEN = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu")
PAIRS = [(act, loss) for loss in ("mse", "quadratic") for act in HIDDEN] + [
    ("sigmoid", "bce"),
    ("softmax", "cross_entropy"),
]
OPTIMIZERS = {
    "sgd": ({}, lambda groups: torch.optim.SGD(groups, lr=0.1)),
    "momentum": (
        {"momentum": 0.8},
        lambda groups: torch.optim.SGD(groups, lr=0.1, momentum=0.8),
    ),
    "nesterov": (
        {"momentum": 0.7, "nesterov": True},
        lambda groups: torch.optim.SGD(groups, lr=0.1, momentum=0.7, nesterov=True),
    ),
    "rmsprop": (
        {"rho": 0.9, "eps": 1e-7},
        lambda groups: torch.optim.RMSprop(groups, lr=0.1, alpha=0.9, eps=1e-7),
    ),
    "adam": (
        {"beta1": 0.8, "beta2": 0.99, "eps": 1e-7},
        lambda groups: torch.optim.Adam(groups, lr=0.1, betas=(0.8, 0.99), eps=1e-7),
    ),
    "adagrad": ({"eps": 1e-9}, lambda groups: torch.optim.Adagrad(groups, lr=0.1, eps=1e-9)),
}
LRS = (0.1, 0.05, 0.2, 0.02, 0.1)  # a different rate at each step


def t(array):
    return torch.from_numpy(np.array(array, dtype=np.float64))


class Mirror:
    """The engine's network rebuilt from torch modules, with the same parameter values."""

    def __init__(self, net):
        self.layers = []
        self.params = {}  # (l, name) -> torch parameter, names as in layer.params
        for layer in net.layers:
            linear = torch.nn.Linear(layer.n_in, layer.n_out).double()
            with torch.no_grad():
                linear.weight.copy_(t(layer.params["W"]))
                linear.bias.copy_(t(layer.params["b"]))
            self.params[layer.l, "W"], self.params[layer.l, "b"] = linear.weight, linear.bias
            act = layer.activation
            prelu = norm = None
            if act.name == "prelu":
                prelu = torch.nn.PReLU(num_parameters=layer.n_out, init=act.alpha).double()
                with torch.no_grad():
                    prelu.weight.copy_(t(layer.params["alpha"]))
                self.params[layer.l, "alpha"] = prelu.weight
            if getattr(layer, "batch_norm", False):
                norm = torch.nn.BatchNorm1d(
                    layer.n_out, eps=layer.bn_eps, momentum=layer.bn_momentum
                ).double()
                self.params[layer.l, "gamma"], self.params[layer.l, "beta"] = norm.weight, norm.bias
            self.layers.append((linear, norm, act, prelu))

    def forward(self, x):
        """(zᴸ, aᴸ) in training mode."""
        a = x
        for linear, norm, act, prelu in self.layers:
            z = linear(a)
            u = norm(z) if norm is not None else z
            a = {
                "linear": lambda u: u,
                "sigmoid": torch.sigmoid,
                "tanh": torch.tanh,
                "relu": F.relu,
                "leaky_relu": lambda u, act=act: F.leaky_relu(u, negative_slope=act.alpha),
                "prelu": prelu,
                "elu": lambda u, act=act: F.elu(u, alpha=act.alpha),
                "softmax": lambda u: torch.softmax(u, dim=1),
            }[act.name](u)
        return z, a

    def cost(self, loss, x, y, l1, l2):
        z, a = self.forward(x)
        if loss == "mse":
            c = F.mse_loss(a, y)
        elif loss == "quadratic":
            c = 0.5 * ((a - y) ** 2).sum(dim=1).mean()
        elif loss == "bce":
            c = F.binary_cross_entropy(a, y)
        else:
            c = F.cross_entropy(z, y)  # y: class probabilities (one-hot rows)
        for (_, name), p in self.params.items():
            if name == "W":
                c = c + l1 * p.abs().sum() + 0.5 * l2 * (p * p).sum()
        return c

    def optimizer(self, make, weight_decay):
        weights = [p for (_, name), p in self.params.items() if name == "W"]
        others = [p for (_, name), p in self.params.items() if name != "W"]
        return make(
            [
                {"params": weights, "weight_decay": weight_decay},
                {"params": others, "weight_decay": 0.0},
            ]
        )


def close(ours, theirs, what):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-13, err_msg=what)


def crosscheck(specs, loss, opt_name, *, n_in=3, n_out=None, l1=0.0, l2=0.0, wd=0.0, seed=0):
    rng = np.random.default_rng(seed)
    net = build_network(n_in, specs, loss, rng)
    settings, make = OPTIMIZERS[opt_name]
    opt_kind = "momentum" if opt_name == "nesterov" else opt_name
    learner = Learner(net, make_optimizer(opt_kind, weight_decay=wd, **settings), l1=l1, l2=l2)
    mirror = Mirror(net)
    torch_opt = mirror.optimizer(make, wd)
    n_out = specs[-1].size
    for step, lr in enumerate(LRS, start=1):
        batch = 4 + step % 3
        x = rng.normal(size=(batch, n_in))
        if loss == "cross_entropy":
            y = one_hot(rng.integers(0, n_out, batch), n_out)
        elif loss == "bce":
            y = (rng.random((batch, n_out)) > 0.5).astype(float)
        else:
            y = rng.normal(size=(batch, n_out))
        events = list(learner.events(x, y, lr))
        grads = {}
        for e in events:
            if e.kind == "gradient":
                grads[e.l, "W"], grads[e.l, "b"] = e.grad_W, e.grad_b
                grads.update({(e.l, k): v for k, v in e.extra.items()})
        ours_loss = next(e for e in events if e.kind == "loss").value

        torch_opt.zero_grad()
        c = mirror.cost(loss, t(x), t(y), l1, l2)
        c.backward()
        assert ours_loss == pytest.approx(c.item(), rel=1e-10), f"loss at step {step}"
        assert set(grads) == set(mirror.params)
        for key, p in mirror.params.items():
            close(grads[key], p.grad, f"gradient {key} at step {step}")
        for group in torch_opt.param_groups:
            group["lr"] = lr
        torch_opt.step()
        for (l, name), p in mirror.params.items():
            close(net.layer(l).params[name], p, f"{name} of layer {l} after step {step}")
    return net, mirror


@pytest.mark.parametrize("opt_name", OPTIMIZERS)
@pytest.mark.parametrize(("output", "loss"), PAIRS)
def test_against_torch(output, loss, opt_name):
    i = PAIRS.index((output, loss)) + list(OPTIMIZERS).index(opt_name)
    hidden = (HIDDEN[i % 7], HIDDEN[(i + 3) % 7])
    n_out = 3 if loss == "cross_entropy" else 2
    specs = [
        LayerSpec(4, hidden[0], alpha=0.2 if hidden[0] != "elu" else 0.7),
        LayerSpec(3, hidden[1], alpha=0.3 if hidden[1] != "elu" else 1.3),
        LayerSpec(n_out, output, alpha=0.1 if output != "elu" else 0.9),
    ]
    regularized = i % 2 == 0
    crosscheck(
        specs,
        loss,
        opt_name,
        l1=0.01 if regularized else 0.0,
        l2=0.05 if regularized else 0.0,
        wd=0.0 if regularized else 0.03,
        seed=i,
    )


@pytest.mark.parametrize("opt_name", OPTIMIZERS)
def test_every_hidden_activation_in_one_network(opt_name):
    specs = [LayerSpec(4, act, init="xavier_normal") for act in HIDDEN] + [LayerSpec(3, "softmax")]
    crosscheck(specs, "cross_entropy", opt_name, l2=0.01, wd=0.02, seed=7)


@pytest.mark.parametrize("opt_name", ["sgd", "momentum"])
def test_batch_norm_against_torch(opt_name):
    """γ, β, the (cancelled) bias and the running statistics, as torch.nn.BatchNorm1d."""
    specs = [
        LayerSpec(4, "relu", batch_norm=True),
        LayerSpec(3, "tanh", batch_norm=True),
        LayerSpec(1, "sigmoid"),
    ]
    net, mirror = crosscheck(specs, "bce", opt_name, seed=11)
    for layer, (_, norm, _, _) in zip(net.layers, mirror.layers):
        if norm is not None:
            close(layer.buffers["running_mean"], norm.running_mean, "running mean")
            close(layer.buffers["running_var"], norm.running_var, "running variance")


@pytest.mark.parametrize("clip_norm", [0.5, 1e-3])
def test_norm_clipping_as_torch_clip_grad_norm(clip_norm):
    """The gradients after clipping by global norm are torch.nn.utils.clip_grad_norm_'s."""
    rng = np.random.default_rng(5)
    specs = [LayerSpec(4, "tanh"), LayerSpec(2, "linear")]
    net = build_network(3, specs, "mse", rng)
    mirror = Mirror(net)
    learner = Learner(net, make_optimizer("sgd"), clip_norm=clip_norm)
    x, y = rng.normal(size=(6, 3)), 3.0 * rng.normal(size=(6, 2))
    events = list(learner.events(x, y, 0.1))
    mirror.cost("mse", t(x), t(y), 0.0, 0.0).backward()
    params = list(mirror.params.values())
    torch.nn.utils.clip_grad_norm_(params, clip_norm)
    for u in (e for e in events if e.kind == "update"):
        close(u.grad_W, mirror.params[u.l, "W"].grad, f"clipped grad_W of layer {u.l}")
        close(u.grad_b, mirror.params[u.l, "b"].grad, f"clipped grad_b of layer {u.l}")
    clip = next(e for e in events if e.kind == "clip")
    total = math.sqrt(sum(float((p.grad**2).sum()) for p in params))
    assert clip.norm_after == pytest.approx(total, rel=1e-12) and clip.norm_after < clip_norm


def test_soft_targets_as_torch_cross_entropy_with_probabilities():
    """Rows summing to 1 only approximately (0.33333 × 3): the loss and ∂C/∂z of
    CrossEntropyLoss with class probabilities, i.e. δᴸ = (a·Σⱼyⱼ − y)/B."""
    rng = np.random.default_rng(2)
    net = build_network(3, [LayerSpec(4, "tanh"), LayerSpec(3, "softmax")], "cross_entropy", rng)
    mirror = Mirror(net)
    x = rng.normal(size=(5, 3))
    y = np.full((5, 3), 0.33333)
    y[0] = (0.2, 0.3, 0.49)
    events = list(Learner(net, make_optimizer("sgd")).events(x, y, 0.1))
    c = mirror.cost("cross_entropy", t(x), t(y), 0.0, 0.0)
    c.backward()
    loss = next(e for e in events if e.kind == "loss")
    assert loss.value == pytest.approx(c.item(), rel=1e-12)
    for g in (e for e in events if e.kind == "gradient"):
        close(g.grad_W, mirror.params[g.l, "W"].grad, f"grad_W of layer {g.l}")
        close(g.grad_b, mirror.params[g.l, "b"].grad, f"grad_b of layer {g.l}")
