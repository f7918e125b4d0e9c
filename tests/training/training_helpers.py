"""Helpers for the training tests: small learners, runs and scenario files."""

import numpy as np

from engine import Learner, build_network, make_optimizer
from engine.build import build_run


def make_learner(specs, n_in=3, loss="mse", seed=0, optimizer="sgd", **learner_kw):
    net = build_network(n_in, specs, loss, np.random.default_rng(seed))
    return Learner(net, make_optimizer(optimizer), **learner_kw)


def small_run(**overrides):
    """A 2-8-1 tanh/sigmoid run on 40 xor points, with section overrides."""
    sections = {
        "data": {"kind": "xor", "n": 40, "noise": 0.0},
        "network": {
            "loss": "bce",
            "layers": [{"size": 8, "activation": "tanh"}, {"size": 1, "activation": "sigmoid"}],
        },
        "training": {"optimizer": "sgd", "lr": 0.5, "batch_size": "full", "epochs": 20},
        "schedule": None,
        "stop": None,
        "seed": 0,
    }
    sections.update(overrides)
    return build_run(**sections)
