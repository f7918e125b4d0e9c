"""The lean path's buffers: reused while nothing else holds them, never written while anything
does, and not reallocated at every step when checkpoints hold some for a while."""

import numpy as np
import pytest

import engine.lean as lean
from engine import LayerSpec, Learner, Trainer, build_network, make_optimizer


def trainer(optimizer="adam", batch_size=8):
    rng = np.random.default_rng(0)
    net = build_network(3, [LayerSpec(6, "tanh"), LayerSpec(2, "sigmoid")], "bce", rng)
    x, y = rng.normal(size=(40, 3)), (rng.random((40, 2)) > 0.5).astype(float)
    learner = Learner(net, make_optimizer(optimizer))
    return Trainer(learner, x, y, batch_size=batch_size, rng=np.random.default_rng(1))


@pytest.fixture
def made(monkeypatch):
    """How many flat parameter arrays and optimizer-state sets get built."""
    counts = {"Flat": 0, "StateSet": 0}
    for cls in (lean.Flat, lean.StateSet):
        init = cls.__init__

        def counted(self, *args, _init=init, _name=cls.__name__, **kwargs):
            counts[_name] += 1
            _init(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    return counts


def test_plain_training_reuses_two_parameter_arrays(made):
    tr = trainer()
    for _ in range(500):
        tr.step()
    # parameters: in force and spare; Adam's m and v: in force and spare; ∂C/∂p, the step and
    # Adam's scratch array
    assert made["StateSet"] == 2 and made["Flat"] == 2 + 2 * 2 + 3


def test_checkpoints_hold_buffers_for_a_while_then_let_them_go(made):
    """As the debugger does: a snapshot every 16 steps, the oldest dropped after 13."""
    tr = trainer()
    kept = []
    for step in range(1, 3001):
        tr.step()
        if step % 16 == 0:
            snapshot = tr.snapshot()
            (params, states, _), *_ = snapshot
            values = [p.copy() for layer, _ in params for p in layer.values()]
            values += [a.copy() for s in states for d in s.values() for a in d.values()]
            kept.append((snapshot, values))
            del kept[:-13]
    assert made["StateSet"] <= 2 + 16  # the held ones come back: no new set every 16 steps
    for snapshot, values in kept:  # and what the snapshots hold is what they held
        (params, states, _), *_ = snapshot
        held = [p for layer, _ in params for p in layer.values()]
        held += [a for s in states for d in s.values() for a in d.values()]
        assert all(np.array_equal(a, b) for a, b in zip(held, values, strict=True))


def big_trainer():
    """Parameters of 740 KB: their flat arrays are views into huge-page allocations."""
    rng = np.random.default_rng(0)
    net = build_network(3, [LayerSpec(300, "relu"), LayerSpec(300, "tanh")], "mse", rng)
    learner = Learner(net, make_optimizer("sgd"))
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 300))
    return Trainer(learner, x, y, batch_size=8, lr=0.01, rng=np.random.default_rng(1))


HOLDS = {
    "the layer's dict": lambda layer: layer.params,
    "W itself": lambda layer: layer.params["W"],
    "a view of W": lambda layer: layer.params["W"][1:, :5],
    "Wᵀ": lambda layer: layer.params["W"].T,
    "b's base": lambda layer: layer.params["b"].base,
}


@pytest.mark.parametrize("make", [trainer, big_trainer], ids=["small", "huge pages"])
@pytest.mark.parametrize("hold", HOLDS.values(), ids=HOLDS.keys())
def test_anything_held_of_the_parameters_is_never_written(make, hold):
    tr = make()
    for _ in range(3):
        tr.step()
    layer = tr.learner.net.layers[1]
    held = hold(layer)
    arrays = list(held.values()) if isinstance(held, dict) else [held]
    then = [a.copy() for a in arrays]
    W_then = layer.params["W"].copy()
    for _ in range(20):
        tr.step()
    assert all(np.array_equal(a, b) for a, b in zip(arrays, then, strict=True))
    assert not np.array_equal(layer.params["W"], W_then)  # it trained on meanwhile


def test_huge_page_buffers_are_reused_once_let_go(made):
    tr = big_trainer()
    for _ in range(3):
        tr.step()
    held = tr.learner.net.layers[0].params["W"][:2]  # a view of a view: refers to the allocation
    for _ in range(3):
        tr.step()
    del held
    for _ in range(200):
        tr.step()
    assert made["Flat"] <= 2 + 2 + 1  # ∂C/∂p, the step, in force and spare, one while held


def test_large_buffers_start_on_a_huge_page_of_an_allocation_numpy_advises():
    from engine.arrays import HUGE_PAGE, HUGE_PAGE_FROM, buffer

    large = buffer(HUGE_PAGE_FROM // 8, np.float64)
    assert large.ctypes.data % HUGE_PAGE == 0 and large.flags.c_contiguous
    assert large.base is not None and large.base.nbytes >= 4 << 20
    small = buffer(HUGE_PAGE_FROM // 8 - 1, np.float32)
    assert small.base is None and small.dtype == np.float32
