"""Small trainers for the debugger tests, built directly from the engine (no scenario files)."""

import numpy as np

from engine import LayerSpec, Learner, Trainer, build_network, make_optimizer


def make_trainer(
    sizes=(3, 2, 1),
    activations=("tanh", "sigmoid", "sigmoid"),
    *,
    loss="bce",
    optimizer="sgd",
    lr=0.5,
    n=6,
    n_in=2,
    batch_size=2,
    shuffle=True,
    seed=0,
    dropout=(),
    batch_norm=(),
    clip_norm=None,
    l2=0.0,
    std=None,
    **hyper,
):
    """A Trainer on random data: layers of ``sizes`` with ``activations``; same seed, same run."""
    rng = np.random.default_rng(seed)
    specs = []
    for i, (size, act) in enumerate(zip(sizes, activations, strict=True)):
        kwargs = {}
        if std is not None:
            kwargs = {"init": "normal", "init_params": {"std": std}}
        specs.append(
            LayerSpec(
                size,
                act,
                dropout=dropout[i] if i < len(dropout) else 0.0,
                batch_norm=bool(batch_norm[i]) if i < len(batch_norm) else False,
                **kwargs,
            )
        )
    net = build_network(n_in, specs, loss, rng)
    x = rng.normal(size=(n, n_in))
    if loss == "cross_entropy":
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif loss == "bce":
        y = (rng.random((n, sizes[-1])) > 0.5).astype(float)
    else:
        y = rng.normal(size=(n, sizes[-1]))
    learner = Learner(net, make_optimizer(optimizer, **hyper), l2=l2, clip_norm=clip_norm)
    return Trainer(learner, x, y, batch_size=batch_size, lr=lr, shuffle=shuffle, rng=rng)


def where(controller):
    """(step, index of the event in the step) of the current position."""
    p = controller.position
    return p.step, p.index


def reference_events(factory, n_steps):
    """The events of the first ``n_steps`` steps of a fresh trainer, by plain iteration."""
    tr = factory()
    return [list(tr.step_events()) for _ in range(n_steps)]


def same_event(a, b) -> bool:
    """Two events are the same kind and layer with bitwise equal arrays and scalars."""
    if type(a) is not type(b) or getattr(a, "l", None) != getattr(b, "l", None):
        return False
    xa, xb = a.arrays(), b.arrays()
    if xa.keys() != xb.keys():
        return False
    if not all(np.array_equal(xa[k], xb[k], equal_nan=True) for k in xa):
        return False
    for name in ("value", "loss", "lr", "step", "epoch", "batch"):
        va, vb = getattr(a, name, None), getattr(b, name, None)
        if va != vb and not (va != va and vb != vb):  # NaN == NaN here
            return False
    return True
