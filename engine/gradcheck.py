"""Gradient check: backpropagation's ∂C/∂p against central finite differences, for every p.

For each entry p of every parameter array of every layer (W, b and whatever the layer adds:
PReLU's α, batch norm's γ and β — whatever ``layer.params`` holds):

    g_fd = (C(p + ε) − C(p − ε)) / ((p + ε) − (p − ε))       (central difference)
    error = |g_bp − g_fd| / max(|g_bp| + |g_fd|, floor)

where C is the whole cost backpropagation differentiates: the data loss on the batch plus the
L1/L2 penalty terms, computed in training mode. The check runs on a float64 copy of the network
(the caller's network is never touched), so a float32 network is checked in float64.

Dropout: masks are drawn from a generator reset to the same state before every evaluation (and
before backpropagation), so every evaluation of C uses the same masks and C is a smooth function
of the parameters. Batch norm: C is evaluated with batch statistics, as backpropagation assumes.

The floor: finite differences cannot resolve a gradient below their own round-off noise,
about ε_machine·|C|/ε (≈ 1e-10 for ε = 1e-6), so where both gradients are tiny the error is
measured against a floor instead of their size. By default the floor is set so that this noise
alone stays ten times below the tolerance: floor = 10·ε_machine·max(|C|, 1)/(ε·tolerance)
(≈ 2.2e-3 with the defaults). A gradient that is exactly zero (e.g. the bias before batch norm)
then passes, while a wrong gradient of any meaningful size still fails. An ε so small that the
floor would pass ``MAX_FLOOR`` (1: a gradient wrong by more than the tolerance would pass; at
ε = 1e-300 every one did) is refused with a ValueError naming the smallest ε that works.

Kinks: relu, leaky_relu, prelu (and elu with α ≠ 1) have no derivative at 0; L1 has none at
W = 0. Where an input of σ lies within 1000·ε of 0, a difference may straddle the kink and
disagree with backpropagation; the report counts such inputs so a failure there can be read.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import cast

import numpy as np

from .arrays import frozen
from .learner import Learner
from .network import Network
from .optimizers import make_optimizer

TOLERANCE = 1e-6
MAX_FLOOR = 1.0
"""The largest floor a check may use: past it (ε below ~2e-9·max(|C|, 1)) a gradient wrong by
more than the tolerance would pass; at ε = 1e-300 every gradient passed with error 0."""


@dataclass(frozen=True)
class ParamCheck:
    """The check of one parameter array of one layer."""

    l: int
    name: str  # "W", "b", "alpha", "gamma", "beta"
    shape: tuple[int, ...]
    n_checked: int
    n_total: int
    worst_error: float
    worst_index: tuple[int, ...]  # where the worst error is
    backprop: float  # g_bp at the worst entry
    finite_difference: float  # g_fd at the worst entry
    tolerance: float

    @property
    def passed(self) -> bool:
        return bool(self.worst_error <= self.tolerance)  # NaN fails


@dataclass(frozen=True)
class LayerCheck:
    l: int
    params: tuple[ParamCheck, ...]
    near_kink: int  # inputs of σ within 1000·ε of a kink (0 for smooth activations)

    @property
    def worst_error(self) -> float:
        return _worst(p.worst_error for p in self.params)

    @property
    def n_checked(self) -> int:
        return sum(p.n_checked for p in self.params)

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.params)


@dataclass(frozen=True)
class GradCheckReport:
    layers: tuple[LayerCheck, ...]
    eps: float
    tolerance: float
    floor: float  # denominators below it are replaced by it (see the module docstring)
    loss: float  # C (data + penalty) at the unperturbed parameters
    batch_size: int
    notes: tuple[str, ...]  # float32 cast, dropout masks, penalties, sampling

    @property
    def passed(self) -> bool:
        return all(layer.passed for layer in self.layers)

    @property
    def worst_error(self) -> float:
        return _worst(layer.worst_error for layer in self.layers)

    @property
    def n_checked(self) -> int:
        return sum(layer.n_checked for layer in self.layers)

    @property
    def params(self) -> tuple[ParamCheck, ...]:
        return tuple(p for layer in self.layers for p in layer.params)

    def __str__(self) -> str:
        return self.text()

    def text(self, width: int | None = None) -> str:
        """The report: its head, a table of every parameter array, each layer's verdict. Within
        ``width`` cells, when given, the table is made narrower as needed: one space between
        its columns, then the gradients to 5 significant digits (from 7), then without the
        shape column (the network's table shows it); the prose around it is left to wrap."""
        head = (
            f"Gradient check: backprop vs central differences (ε = {self.eps:g}), "
            f"batch of {self.batch_size}, C = {self.loss:.6g}\n"
            f"error = |g_bp − g_fd| / max(|g_bp| + |g_fd|, {self.floor:.1e}), "
            f"pass when ≤ {self.tolerance:g}"
        )
        for gap, digits, shape in ((2, 6, True), (1, 6, True), (1, 4, True), (1, 4, False)):
            table = self._table(gap, digits, shape)
            if width is None or max(map(len, table)) <= width:
                break
        lines = [head, "", *table]
        lines.append("")
        for layer in self.layers:
            inputs = "input" if layer.near_kink == 1 else "inputs"
            kink = f", {layer.near_kink} {inputs} of σ near a kink" if layer.near_kink else ""
            verdict = "pass" if layer.passed else "FAIL"
            lines.append(
                f"layer {layer.l}: worst error {layer.worst_error:.2e} over {layer.n_checked} "
                f"parameters — {verdict}{kink}"
            )
        lines.extend(self.notes)
        if any(not layer.passed and layer.near_kink for layer in self.layers):
            lines.append(
                "A layer with inputs of σ near a kink can fail without a bug: a difference that "
                "straddles the kink measures neither side's slope."
            )
        n_failed = sum(not layer.passed for layer in self.layers)
        if n_failed:
            lines.append(
                f"{n_failed} of {len(self.layers)} layers FAIL (error > {self.tolerance:g})."
            )
        else:
            which = (
                "The layer passes"
                if len(self.layers) == 1
                else f"All {len(self.layers)} layers pass"
            )
            lines.append(f"{which} (worst error {self.worst_error:.2e} ≤ {self.tolerance:g}).")
        return "\n".join(lines)

    def _table(self, gap: int, digits: int, shape: bool) -> list[str]:
        """The table's lines: columns ``gap`` spaces apart, the gradients to ``digits`` + 1
        significant digits, with the shape column or without."""
        columns = ["layer", "param", "shape", "checked", "worst error"]
        columns += ["backprop", "finite diff.", "result"]
        rows = []
        for layer in self.layers:
            for p in layer.params:
                checked = f"{p.n_checked}" + (f"/{p.n_total}" if p.n_checked < p.n_total else "")
                rows.append(
                    [
                        str(p.l),
                        p.name,
                        "×".join(map(str, p.shape)),
                        checked,
                        f"{p.worst_error:.2e}",
                        f"{p.backprop:.{digits}e}",
                        f"{p.finite_difference:.{digits}e}",
                        "pass" if p.passed else "FAIL",
                    ]
                )
        if not shape:
            for row in (columns, *rows):
                del row[2]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        sep = " " * gap
        return [sep.join(v.rjust(w) for v, w in zip(r, widths)) for r in (columns, *rows)]


def gradient_check(
    learner_or_net,
    x,
    y,
    eps: float = 1e-6,
    *,
    tolerance: float = TOLERANCE,
    floor: float | None = None,
    rng: np.random.Generator | None = None,
    max_entries: int | None = None,
) -> GradCheckReport:
    """Compare backprop's gradient with central finite differences on the batch (x, y).

    ``learner_or_net``: a ``Learner`` (its L1/L2 terms are included), a ``Network`` (no penalty)
    or anything with a ``learner`` attribute (a run). ``rng``: dropout masks are drawn from a
    copy of its state (default: a generator seeded with 0); it is not advanced.
    ``max_entries``: check at most this many entries per parameter array, chosen at random
    (default: all of them). ``floor``: see the module docstring (default: from the noise).
    """
    learner = getattr(learner_or_net, "learner", learner_or_net)
    if isinstance(learner, Learner):
        net, l1, l2 = learner.net, learner.l1, learner.l2
    elif isinstance(learner, Network):
        net, l1, l2 = learner, 0.0, 0.0
    else:
        raise TypeError(
            f"gradient_check needs a Learner or a Network, not {type(learner).__name__}"
        )
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"eps must be a finite number > 0, got {eps}")
    if max_entries is not None and max_entries < 1:
        raise ValueError(f"max_entries must be ≥ 1, got {max_entries}")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != net.n_in or x.shape[0] == 0:
        raise ValueError(f"x must have shape (batch ≥ 1, {net.n_in}), got {x.shape}")
    if y.ndim != 2 or y.shape != (x.shape[0], net.layers[-1].n_out):
        raise ValueError(
            f"y must have shape ({x.shape[0]}, {net.layers[-1].n_out}) (one-hot or targets), "
            f"got {y.shape}"
        )

    net64 = _float64_copy(net)
    check = Learner(net64, make_optimizer("sgd"), l1=l1, l2=l2)
    state = (rng if rng is not None else np.random.default_rng(0)).bit_generator.state
    generator = np.random.default_rng()

    def fixed_rng():
        generator.bit_generator.state = state
        return generator

    backprop = _backprop_gradients(check, x, y, fixed_rng())
    base = _Forward(net64, x, fixed_rng())
    loss = base.cost(check, y, 1)
    if floor is None:
        noise = 10 * float(np.finfo(np.float64).eps) * max(abs(loss), 1.0) / tolerance
        smallest = noise / MAX_FLOOR  # the ε at which the floor reaches MAX_FLOOR
        if math.isfinite(loss) and eps < smallest:
            use = (
                f"use ε ≥ {smallest:.2g} (the default is 1e-6)"
                if smallest <= 1e-3
                else "no ε resolves gradients of a cost this large (has training diverged?)"
            )
            raise ValueError(
                f"ε = {eps:.3g} is too small for C = {loss:.6g}: the round-off of finite "
                f"differences (about ε_machine·|C|/ε) would let gradients wrong by more than the "
                f"tolerance pass; {use}"
            )
        floor = noise / eps
    sampler = np.random.default_rng(0)

    layers = []
    for layer in net64.layers:
        results = []
        for name, p in layer.params.items():
            g_bp = backprop[layer.l - 1][name]
            idx = np.arange(p.size)
            if max_entries is not None and p.size > max_entries:
                idx = np.sort(sampler.choice(p.size, max_entries, replace=False))
            g_fd = _finite_differences(check, base, layer, name, idx, y, eps)
            results.append(
                _compare(layer.l, name, p, idx, g_bp.ravel()[idx], g_fd, floor, tolerance)
            )
        layers.append(LayerCheck(layer.l, tuple(results), _near_kink(layer, base, eps)))

    notes = []
    if net.dtype != np.float64:
        notes.append(f"The {net.dtype} network was checked on a float64 copy.")
    if any(getattr(layer, "dropout", 0) for layer in net.layers):
        notes.append("Dropout masks were drawn once and kept fixed for every evaluation of C.")
    if l1 or l2:
        notes.append(f"C includes the penalty terms (l1 = {l1:g}, l2 = {l2:g}).")
    if max_entries is not None:
        notes.append(f"At most {max_entries} entries per parameter array were checked.")
    return GradCheckReport(tuple(layers), eps, tolerance, floor, loss, x.shape[0], tuple(notes))


# --- the pieces ----------------------------------------------------------------------------------


def _float64_copy(net: Network) -> Network:
    """An independent copy of ``net`` with float64 parameters (and batch-norm buffers)."""
    layers = []
    for layer in net.layers:
        twin = copy.copy(layer)
        twin.params = {k: frozen(np.array(v, dtype=np.float64)) for k, v in layer.params.items()}
        buffers = getattr(layer, "buffers", None)
        if buffers:
            twin.buffers = {k: frozen(np.array(v, dtype=np.float64)) for k, v in buffers.items()}
        layers.append(twin)
    return Network(net.n_in, layers, net.loss, np.float64)


def _backprop_gradients(learner: Learner, x, y, rng) -> list[dict[str, np.ndarray]]:
    """∂C/∂p of every parameter from the Gradient events (before clipping); nothing is applied."""
    grads: list[dict[str, np.ndarray] | None] = [None] * learner.net.L
    events = learner.events(x, y, 1.0, rng=rng)
    try:
        for event in events:
            if event.kind == "gradient":
                grads[event.l - 1] = {"W": event.grad_W, "b": event.grad_b, **event.extra}
            elif event.phase == "update":
                break
    finally:
        events.close()  # abandon the step: parameters and optimizer state stay as they were
    return cast(list[dict[str, np.ndarray]], grads)  # each layer's Gradient precedes any Update


class _Forward:
    """The unperturbed training-mode forward pass, kept so layer l's check starts at layer l."""

    def __init__(self, net: Network, x, rng):
        self.net = net
        self.a_prevs, self.rng_states, self.inputs = [], [], []
        a = x
        for layer in net.layers:
            self.a_prevs.append(a)
            self.rng_states.append(rng.bit_generator.state)
            z, a, extra = layer.forward(a, rng, True)
            self.inputs.append(z if extra is None else extra.get("u", z))
        self.rng = rng

    def cost(self, learner: Learner, y, l: int) -> float:
        """C = data loss + penalty, recomputing the forward pass from layer l up."""
        rng = self.rng
        rng.bit_generator.state = self.rng_states[l - 1]
        a = self.a_prevs[l - 1]
        z = a
        for layer in self.net.layers[l - 1 :]:
            z, a, _ = layer.forward(a, rng, True)
        penalty = learner.penalty() if (learner.l1 or learner.l2) else 0.0
        return self.net.loss.value(z, a, y) + penalty


def _finite_differences(learner, base: _Forward, layer, name, idx, y, eps) -> np.ndarray:
    """(C(p + ε) − C(p − ε)) / ((p + ε) − (p − ε)) for the entries ``idx`` of layer.params[name]."""
    params = layer.params
    work = np.array(params[name])
    flat = work.reshape(-1)
    layer.params = {**params, name: work}
    g = np.empty(len(idx))
    try:
        # a huge ε overflows C(p ± ε) or p ± ε: the NaN or ∞ fails the entry (``_compare``)
        with np.errstate(all="ignore"):
            for k, i in enumerate(idx):
                p = flat[i]
                flat[i] = up = p + eps
                c_up = base.cost(learner, y, layer.l)
                flat[i] = down = p - eps
                c_down = base.cost(learner, y, layer.l)
                flat[i] = p
                g[k] = (c_up - c_down) / (up - down)
    finally:
        layer.params = params
    return g


def _compare(l, name, p, idx, g_bp, g_fd, floor, tolerance) -> ParamCheck:
    with np.errstate(invalid="ignore"):
        error = np.abs(g_bp - g_fd) / np.maximum(np.abs(g_bp) + np.abs(g_fd), floor)
    error = np.where(np.isnan(error), np.inf, error)  # NaN in either gradient fails
    k = int(np.argmax(error))
    return ParamCheck(
        l,
        name,
        tuple(p.shape),
        len(idx),
        p.size,
        float(error[k]),
        tuple(int(i) for i in np.unravel_index(idx[k], p.shape)),
        float(g_bp[k]),
        float(g_fd[k]),
        tolerance,
    )


def _near_kink(layer, base: _Forward, eps: float) -> int:
    act = layer.activation
    if not act.kinked:  # σ′ is continuous at 0
        return 0
    return int(np.count_nonzero(np.abs(base.inputs[layer.l - 1]) < 1000 * eps))


def _worst(errors) -> float:
    return max(errors, default=0.0)


DEFAULT_BATCH = 32  # examples checked by default: the run's batch size, at most this many


def check_run(run, batch: int | None = None, eps: float = 1e-6, max_entries: int | None = None):
    """``gradient_check`` of a run's learner at its current parameters, on the first ``batch``
    training examples (default: the run's batch size, at most ``DEFAULT_BATCH``); dropout masks
    come from a generator seeded with the run's seed. Used by the CLI and the lab."""
    trainer = run.trainer
    n = min(batch if batch is not None else min(trainer.batch_size, DEFAULT_BATCH), trainer.n)
    return gradient_check(
        run.learner,
        trainer.x[:n],
        trainer.y[:n],
        eps,
        rng=np.random.default_rng(run.seed),
        max_entries=max_entries,
    )
