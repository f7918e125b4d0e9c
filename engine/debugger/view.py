"""The values visible at a position: what conditions, watches and explanations read.

A ``View`` looks at one step's events up to the current one — never past it: at ``Forward(l=1)``
the deltas of this step do not exist yet. ``W`` and ``b`` are the parameters in force (the ones
the step computes with; after ``StepEnd``, the updated ones). Statistics are those of the last
completed step (at ``StepEnd``, of this step). ``loss`` is this step's once its Loss event has
passed, else the previous step's; ``loss_change`` is the loss minus the loss of the step before it.
Where one is not known yet (the loss before step 1's Loss event, the change before step 2's)
reading it raises ``NotKnownYet``: ``print`` says so, and a condition on it is false there.

``FastContext`` gives the same names on the fast path, where a step is only its result (loss and
statistics) and there are no events; only conditions that need no event arrays run there.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..number_text import count
from .conditions import LAYER_ARRAYS, PARAMETERS
from .errors import EvalError, NotKnownYet
from .formatting import sup
from .position import KIND_NAMES

# array name → (event kind, field)
ARRAY_SOURCES = {
    "z": ("forward", "z"),
    "a": ("forward", "a"),
    "a_prev": ("forward", "a_prev"),
    "mask": ("forward", "mask"),
    "delta": ("delta", "delta"),
    "from_above": ("delta", "from_above"),
    "local_slope": ("delta", "local_slope"),
    "z_hat": ("forward", "z_hat"),
    "batch_mean": ("forward", "batch_mean"),
    "batch_var": ("forward", "batch_var"),
    "grad_z_hat": ("delta", "grad_z_hat"),
    "grad_W": ("gradient", "grad_W"),
    "grad_b": ("gradient", "grad_b"),
    "grad_W_penalty": ("gradient", "grad_W_penalty"),
    "W_new": ("update", "W_new"),
    "b_new": ("update", "b_new"),
    "step_W": ("update", "step_W"),
    "step_b": ("update", "step_b"),
    "y": ("loss", "y"),
    "grad_a": ("loss", "grad_a"),
}
# batch norm's arrays that events keep in ``extra``: name → (event kind, parameter, item of
# the Update's (old, new, step), None for the Gradient's array itself)
EXTRA_SOURCES = {
    "grad_gamma": ("gradient", "gamma", None),
    "grad_beta": ("gradient", "beta", None),
    "step_gamma": ("update", "gamma", 2),
    "step_beta": ("update", "beta", 2),
    "gamma_new": ("update", "gamma", 1),
    "beta_new": ("update", "beta", 1),
    "grad_alpha": ("gradient", "alpha", None),
    "step_alpha": ("update", "alpha", 2),
    "alpha_new": ("update", "alpha", 1),
}
# numbers of the step's events (``EVENT_SCALARS``): name → event kind (the field has the name)
SCALAR_SOURCES = {
    "batch_size": "step_start",
    "data_loss": "loss",
    "penalty": "loss",
    "threshold": "clip",
    "norm_before": "clip",
    "norm_after": "clip",
    "t": "update",
}


def parameter(params: dict, name: str, l: int) -> np.ndarray:
    """Parameter ``name`` of layer ``l`` from its ``params``; EvalError when the layer has
    none of that name (γ and β: a layer without batch norm; α: one without PReLU)."""
    value = params.get(name)
    if value is None:
        raise EvalError(f"{name}@{l} does not exist: {lacking(name, l)}")
    return value


def lacking(param: str, l: int) -> str:
    """What layer ``l`` lacks for a parameter ``param`` it does not have (γ, β or α)."""
    if param == "alpha":
        return f"layer {l} does not learn an α (only a prelu activation does)"
    return f"layer {l} has no batch norm"


def _event_scalar(name: str) -> property:
    """The View's property ``name``: the field of that name of this step's event that has it
    (``SCALAR_SOURCES``), once the event has come."""
    return property(lambda view: view.event_scalar(name), doc=f"{name} of this step's events")


BATCH_NORM_ARRAYS = frozenset({"z_hat", "batch_mean", "batch_var", "grad_z_hat"})


def absent(name: str, l: int, view) -> str | None:
    """Why the array ``name`` of layer ``l`` does not exist in any step of this network, in
    the learner's terms — the fused output δ has no σ′ factor, a layer without dropout has no
    mask, one without batch norm no ẑ, μ, σ² or ∂C/∂ẑ, and without L1/L2 there is no penalty
    part; None where it does exist."""
    layer = view.net.layer(l)
    label = f"{name}@{l}"
    if name == "local_slope" and l == view.L and view.net.fused_output:
        return (
            f"{label} does not exist: δ{sup(l)} of a {layer.activation.name} output with the "
            f"{view.net.loss.name} loss is computed from a{sup(l)} − y in one piece (the fused, "
            "stable form), so no σ′ factor is computed"
        )
    if name == "mask" and not layer.dropout:
        return f"{label} does not exist: layer {l} has no dropout"
    if name in BATCH_NORM_ARRAYS and not layer.batch_norm:
        return f"{label} does not exist: layer {l} has no batch norm"
    if name == "grad_W_penalty" and not (view.learner.l1 or view.learner.l2):
        return f"{label} does not exist: no L1/L2 penalty is on (training.l1, training.l2)"
    return None


def loss_unknown(name: str, step: int) -> str:
    """Why ``loss`` or ``loss_change`` has no value yet: ``loss is not known yet: the loss
    comes with the Loss event of step 1`` (the statistics' words, ``condition_nodes``)."""
    what = "the loss" if name == "loss" else "the change of the loss (this step's minus the last)"
    return f"{name} is not known yet: {what} comes with the Loss event of step {count(step)}"


class View:
    """The values at event ``index`` of step record ``rec`` of controller ``ctl``."""

    def __init__(self, ctl, rec, index: int):
        self._ctl = ctl
        self.rec = rec
        self.index = index
        self.L = ctl.L
        self.net = ctl.net
        self.learner = ctl.learner
        self.step, self.epoch, self.batch = rec.step, rec.epoch, rec.batch

    # --- the step's events ------------------------------------------------------------------

    @property
    def at_step_end(self) -> bool:
        return self.index == self._ctl._last_index(self.rec)

    @cached_property
    def events(self) -> list:
        """The step's events from StepStart up to and including the current one."""
        return self._ctl._events_of(self.rec)[: self.index + 1]

    @property
    def event(self):
        if self.at_step_end and self.rec.events is None:
            self._ctl.stats_of(self.rec)
            return self.rec.end
        return self.events[-1]

    def find(self, kind: str, l: int | None = None):
        """The event of ``kind`` (and layer ``l``) of this step, if it has happened yet."""
        for ev in reversed(self.events):
            if ev.kind == kind and (l is None or getattr(ev, "l", None) == l):
                return ev
        return None

    # --- scalars ----------------------------------------------------------------------------

    def _record(self, step: int):
        return self._ctl.timeline.get(step)

    def _loss_of(self, step: int) -> float | None:
        """The loss of step ``step``, None where it is not known (before step 1, or a step
        the history no longer keeps)."""
        rec = self._record(step)
        return rec.loss if rec is not None and rec.loss is not None else None

    @cached_property
    def _loss_passed(self) -> bool:
        if self.at_step_end:
            return True
        return self.find("loss") is not None

    @cached_property
    def loss(self) -> float:
        if self.at_step_end:
            return self.rec.loss
        if self._loss_passed:
            return self.find("loss").value
        before = self._loss_of(self.step - 1)
        if before is None:
            raise NotKnownYet(loss_unknown("loss", self.step))
        return before

    @cached_property
    def loss_change(self) -> float:
        now: float | None
        if self._loss_passed:
            now, step = self.loss, self.step
        else:
            now, step = self._loss_of(self.step - 1), self.step - 1
        before = self._loss_of(step - 1)
        if now is None or before is None:
            raise NotKnownYet(loss_unknown("loss_change", max(self.step + self._loss_passed, 2)))
        return now - before

    @property
    def stats(self):
        if self.at_step_end:
            return self._ctl.stats_of(self.rec)
        prev = self._record(self.step - 1)
        return self._ctl.stats_of(prev) if prev is not None else None

    @property
    def lr(self) -> float:
        return self.events[0].lr

    @property
    def next_lr(self) -> float:
        """η of the step after this one (``Trainer.rate_after``): at an epoch's last batch with
        a schedule, the next epoch's rate — what the next StepStart will show."""
        rec = self.rec
        return self._ctl.trainer.rate_after(rec.step, rec.epoch, rec.batch)

    # --- parameters and arrays -------------------------------------------------------------

    @property
    def params_before(self):
        """The parameters in force during this step, one dict per layer (by reference)."""
        if self.rec.params_before is None:
            self._ctl._events_of(self.rec, force=True)
        return self.rec.params_before

    @property
    def opt_before(self):
        """The optimizer state before this step, one dict per layer."""
        if self.rec.opt_before is None:
            self._ctl._events_of(self.rec, force=True)
        return self.rec.opt_before

    def params(self, l: int) -> dict:
        """Parameters of layer l in force at this position (after StepEnd: the updated ones)."""
        if self.at_step_end:
            update = self.find("update", l)
            params = dict(self.params_before[l - 1])
            params["W"], params["b"] = update.W_new, update.b_new
            for name, (_, new, _) in update.extra.items():
                params[name] = new
            return params
        return self.params_before[l - 1]

    def array(self, name: str, l: int | None):
        """The array ``name`` (of layer ``l``) at this position; EvalError if not computed yet."""
        if name in PARAMETERS:
            assert l is not None  # parameters are named with their layer (the parser checks)
            return parameter(self.params(l), name, l)
        if name == "x" or (name == "a" and l == 0):
            return self.batch_x()
        if name in EXTRA_SOURCES:
            return self._extra_array(name, l)
        kind, field = ARRAY_SOURCES[name]
        layered = name in LAYER_ARRAYS
        why = absent(name, l, self) if layered and l is not None else None
        if why is not None:
            raise EvalError(why)
        ev = self.find(kind, l if layered else None)
        label = f"{name}@{l}" if layered else name
        if ev is None:
            where = KIND_NAMES[kind] + (f"(l={l})" if layered else "")
            raise EvalError(
                f"{label} is not computed yet in step {self.step} (it comes with {where})"
            )
        value = getattr(ev, field)
        if value is None:
            raise EvalError(
                f"{label} does not exist in this step (no {field} on {KIND_NAMES[kind]})"
            )
        return value

    def event_scalar(self, name: str):
        """The number ``name`` of this step's events (``SCALAR_SOURCES``: the field of that
        name); EvalError before its event, or where the step has none (no clipping)."""
        kind = SCALAR_SOURCES[name]
        ev = self.find(kind)
        if ev is not None:
            return getattr(ev, name)
        if kind == "clip" and self.learner.clip_value is None and self.learner.clip_norm is None:
            raise EvalError(
                f"{name} does not exist: gradient clipping is off "
                "(training.clip_norm or training.clip_value turns it on)"
            )
        where = KIND_NAMES[kind] + ("(l=1)" if kind == "update" else "")
        raise EvalError(f"{name} is not computed yet in step {self.step} (it comes with {where})")

    batch_size = _event_scalar("batch_size")
    data_loss = _event_scalar("data_loss")
    penalty = _event_scalar("penalty")
    threshold = _event_scalar("threshold")
    norm_before = _event_scalar("norm_before")
    norm_after = _event_scalar("norm_after")
    t = _event_scalar("t")

    def _extra_array(self, name: str, l: int | None) -> np.ndarray:
        """An array of batch norm's γ and β or PReLU's α that the Gradient or Update event of
        layer ``l`` keeps in its ``extra`` (``EXTRA_SOURCES``)."""
        assert l is not None  # per-layer names are evaluated with a layer
        kind, param, item = EXTRA_SOURCES[name]
        if param not in self.net.layer(l).params:
            raise EvalError(f"{name}@{l} does not exist: {lacking(param, l)}")
        ev = self.find(kind, l)
        if ev is None:
            raise EvalError(
                f"{name}@{l} is not computed yet in step {self.step} "
                f"(it comes with {KIND_NAMES[kind]}(l={l}))"
            )
        value = ev.extra[param]
        return value if item is None else value[item]

    def batch_x(self) -> np.ndarray:
        """The step's input batch x = a⁰: Forward(l=1)'s a_prev, or before it the rows of the
        training set that StepStart names (the same array the forward pass is given)."""
        forward = self.find("forward", 1)
        if forward is not None:
            return forward.a_prev
        start = self.find("step_start")
        trainer = self._ctl.trainer
        if start is None or start.indices is None:
            raise EvalError(f"x is not available before the forward pass of step {self.step}")
        indices = start.indices
        if indices.shape[0] == trainer.n and not trainer.shuffle:
            return trainer.x
        x = trainer.x[indices]
        x.setflags(write=False)
        return x


class FastContext:
    """The names of ``conditions.py`` at the end of a step taken on the fast path."""

    __slots__ = (
        "L",
        "net",
        "trainer",
        "ctl",
        "rec",
        "loss",
        "prev_loss",
        "step",
        "epoch",
        "batch",
    )

    def __init__(self, ctl):
        self.L = ctl.L
        self.net = ctl.net
        self.trainer = ctl.trainer
        self.ctl = ctl

    @property
    def stats(self):
        """The step's statistics, computed only when a condition names one."""
        return self.ctl.stats_of(self.rec)

    def set(self, rec, prev_loss: float | None) -> None:
        self.rec, self.loss, self.prev_loss = rec, rec.loss, prev_loss
        self.step, self.epoch, self.batch = rec.step, rec.epoch, rec.batch

    @property
    def loss_change(self) -> float:
        """The loss minus the step before's, as ``View.loss_change`` at a StepEnd (NotKnownYet
        where that step's is not known: at step 1)."""
        prev = self.prev_loss
        if prev is None:
            raise NotKnownYet(loss_unknown("loss_change", self.step + 1))
        return self.loss - prev

    @property
    def lr(self) -> float:
        return float(self.trainer.lr(self.step, self.epoch))

    def array(self, name: str, l: int | None) -> np.ndarray:
        if name in PARAMETERS:
            assert l is not None  # parameters are named with their layer (the parser checks)
            return parameter(self.net.layers[l - 1].params, name, l)
        raise EvalError(f"{name} needs the step's events")
