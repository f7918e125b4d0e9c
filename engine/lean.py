"""The fast path: ``Learner.events``' step without events, on buffers reused from step to step.

Nothing here is a second copy of the math: every value is computed by the same rules the event
stream uses — ``engine.layers``' equations (``linear``, ``hidden_delta``, ``gradients``,
``backpropagate``), the activations' σ and σ′, the loss's value, ∇ₐC or fused
δᴸ, the learner's penalty and clipping, the optimizer's rule — in the same order, on the same
inputs. What differs is where the results go:

- every intermediate is written with ``out=`` into buffers allocated once per batch size, as
  few as the values kept need: zˡ, aˡ and δˡ per layer (the statistics read them after the
  step), and one scratch array for ∂C/∂aˡ on its way down; σ′(zˡ) is written into δˡ's buffer
  and multiplied in place (computed again, by the same function, when statistics are read);
- all parameters live in ONE flat array whose views are the layers' W and b, and so do the
  gradients, the steps and each optimizer state: the update is one call of the optimizer's rule
  for the whole network (two NumPy calls for plain SGD, whatever the number of layers; SGD's
  step ηg is written where the new parameters go, as the statistics need no copy of it);
- the transposed views Wᵀ are made once per parameter array;
- buffers of 256 KiB or more lie on transparent huge pages (``engine.arrays.buffer``): the
  larger networks' steps then need few TLB entries.

Parameters are still never modified in place where anybody can see it. There are two flat
parameter arrays: the one in force (its views are ``layer.params``) and a spare, into which the
next step writes. The spare is reused only when nothing outside holds it or any view of it —
checked with ``sys.getrefcount`` against the references this module holds itself — and a new one
is allocated otherwise (after a checkpoint, an event, a snapshot kept it). So arrays handed out
stay valid forever, as the rest of the engine assumes. Optimizer states work the same way.

Anything that replaces the parameters or the optimizer state from outside (``restore``, a step
of the event stream) is noticed at the next step, which copies them into a free flat array.

Networks with layers this module does not specialise — dropout, batch norm, PReLU (learnable
slopes) — take their steps by draining the event stream instead (``lean_refusal`` says why).
"""

from __future__ import annotations

import math
from operator import attrgetter, is_
from sys import getrefcount

import numpy as np

from .arrays import buffer, frozen, ones, product_for, vdot
from .layers import backpropagate, gradients, hidden_delta, linear
from .learner import StepResult, global_norm
from .optimizers import EMPTY
from .stats import StepArrays


def lean_refusal(learner) -> str | None:
    """None when ``LeanStep`` can take the learner's steps, else why not (e.g. "layer 2 has
    batch norm")."""
    for layer in learner.net.layers:
        if layer.batch_norm:
            return f"layer {layer.l} has batch norm"
        if layer.dropout:
            return f"layer {layer.l} has dropout"
        if layer.activation.learnable or set(layer.params) != {"W", "b"}:
            return f"layer {layer.l}'s activation ({layer.activation.name}) has parameters"
    return None


class Flat:
    """One flat array holding an array per (layer, parameter) — W¹, b¹, W², b², … — as views.

    ``handed_out``: the views are read-only and ``dicts`` holds one ``{"W": …, "b": …}`` per
    layer, the layers' ``params`` while these parameters are in force (parameters and optimizer
    states are values the rest of the engine keeps); the flat array itself stays writable for the
    update. ``free()``: nothing outside holds the array, a view or one of those dicts.
    """

    def __init__(self, shapes, dtype, handed_out: bool = False):
        sizes = [math.prod(shape) for shape in shapes]
        self.data = buffer(sum(sizes), dtype)
        # what views of ``data`` refer to: the allocation ``data`` may be a view of
        self._owner = self.data if self.data.base is None else self.data.base
        self.allocated = self._owner.nbytes  # bytes (a huge-page allocation is larger)
        self.views = []
        self._slices = []
        offset = 0
        for shape, size in zip(shapes, sizes, strict=True):
            self._slices.append((slice(offset, offset + size), shape))
            view = self.data[offset : offset + size].reshape(shape)
            self.views.append(frozen(view) if handed_out else view)
            offset += size
        del view  # the references counted below are this object's only
        self.W, self.b = self.views[0::2], self.views[1::2]
        self.W_T = [W.T for W in self.W]
        self.dicts = [{"W": W, "b": b} for W, b in zip(self.W, self.b, strict=True)]
        self._counted = (*self.views, *self.dicts)
        self.rebase()

    def rebase(self) -> None:
        """Count the references held now as this object's own (after building on it)."""
        self._base_refs = getrefcount(self._owner)
        self._refs = list(map(getrefcount, self._counted))

    def load(self, arrays) -> None:
        """Copy ``arrays`` (W¹, b¹, W², b², …) in."""
        for (where, shape), array in zip(self._slices, arrays, strict=True):
            np.copyto(self.data[where].reshape(shape), array)

    def free(self) -> bool:
        """Nothing but this object holds the array, a view of it or one of its dicts."""
        return (
            getrefcount(self._owner) == self._base_refs
            and list(map(getrefcount, self._counted)) == self._refs
        )


class StateSet:
    """An optimizer's state for every parameter: one flat array per state name (momentum's v,
    Adam's m and v, …) with read-only views, and the learner's ``opt_state`` built over them
    once — ``[{"W": {"v": …}, "b": {"v": …}}, …]``, one entry per layer. ``free()``: nothing
    outside holds any of it (a snapshot copies the per-layer dicts, so it holds the inner ones)."""

    def __init__(self, names, shapes, dtype, L: int):
        self.flats = {name: Flat(shapes, dtype, handed_out=True) for name in names}
        self.data = {name: flat.data for name, flat in self.flats.items()}  # for the rule
        self.opt_state = [
            {p: {name: getattr(flat, p)[l] for name, flat in self.flats.items()} for p in "Wb"}
            for l in range(L)
        ]
        inner = [d for layer in self.opt_state for d in layer.values()]
        self._counted = (self.opt_state, *self.opt_state, *inner)
        del inner
        for flat in self.flats.values():
            flat.rebase()
        self._refs = list(map(getrefcount, self._counted))

    def load(self, states) -> None:
        """Copy a learner's ``opt_state`` in."""
        for name, flat in self.flats.items():
            flat.load([s[p][name] for s in states for p in ("W", "b")])

    def free(self) -> bool:
        return list(map(getrefcount, self._counted)) == self._refs and all(
            flat.free() for flat in self.flats.values()
        )


_params = attrgetter("params")  # a layer's parameter dict

POOL = 24  # flat arrays held elsewhere (checkpoints: the debugger keeps ~13), kept for reuse
POOL_BYTES = 1 << 27  # … as long as they are small: a free one costs its memory until reused


def _carve(block, rows: int, sizes) -> list[np.ndarray]:
    """Consecutive (rows, n) arrays at the start of ``block``, one per n in ``sizes``."""
    ends = np.cumsum([0, *sizes]) * rows
    return [block[i:j].reshape(rows, n) for i, j, n in zip(ends, ends[1:], sizes)]


class _Evaluation:
    """The buffers of ``output`` for one row count: zˡ, and aˡ only where it cannot be written
    over zˡ (σ not ``in_place``, and the output layer, whose zᴸ the loss reads) — a forward pass
    over the whole training set needs no σ′, δ or ∂C/∂a, and its arrays are the most memory a
    run touches at once. ``extra`` elements follow them in the same allocation (``rest``). ``P``:
    each layer's matrix product for this row count (``arrays.product_for``).

    Its memory is plain pages (``np.empty``), not ``buffer``'s huge pages: an evaluation's
    buffers are written a few times a run (every epoch's validation pass, the training set at
    the end), and on a virtual machine the first touch of fresh huge pages can cost more than
    all those passes gain from them — 4–13 ms of a 500 ms fit on digits at some runs, measured
    (the first validation pass 6.5 ms instead of 2, the final training-set pass 21 instead of 8)."""

    @staticmethod
    def allocate(size: int, dtype) -> np.ndarray:
        return np.empty(size, dtype)

    def __init__(self, layers, rows: int, dtype, extra: int = 0):
        L = len(layers)
        self.P = [product_for(rows * layer.n_in * layer.n_out) for layer in layers]
        sizes = [layer.n_out for layer in layers]
        own_a = [not layer.activation.in_place or layer.l == L for layer in layers]
        a_sizes = [n for n, own in zip(sizes, own_a) if own]
        used = rows * (sum(sizes) + sum(a_sizes))
        block = self.allocate(used + extra, dtype)  # one allocation for all
        arrays = iter(_carve(block, rows, sizes + a_sizes))
        self.Z = [next(arrays) for _ in layers]
        self.A = [next(arrays) if own else z for z, own in zip(self.Z, own_a)]
        self.rest = block[used:]


class _Workspace(_Evaluation):
    """The buffers of one batch size: zˡ, aˡ and δˡ for l = 1…L, and one scratch array shared by
    the layers, which holds ∂C/∂aˡ on its way to δˡ = ∂C/∂aˡ ⊙ σ′(zˡ) (σ′ is written into δˡ's
    buffer first). Fewer buffers than values: what the step touches stays in the cache. A hidden
    layer whose σ is ``in_place`` writes aˡ over zˡ (``A[l] is Z[l]``): its σ′, computed from aˡ,
    is the same, and nothing else reads zˡ. σ′ is computed again, by the same function, when the
    statistics are read: into ``slopes()``, and the scratch, free after the step, holds |δˡ|.
    Reused every step, it lies on huge pages from 256 KiB (``arrays.buffer``)."""

    allocate = staticmethod(buffer)

    def __init__(self, layers, B: int, dtype):
        sizes = [layer.n_out for layer in layers]
        super().__init__(layers, B, dtype, extra=B * (sum(sizes) + max(sizes)))
        self.D = _carve(self.rest, B, sizes)
        self.scratch = self.rest[B * sum(sizes) :]
        self.GA = [self.scratch[: B * n].reshape(B, n) for n in sizes]
        self.ones = ones(B, dtype)  # for Σ_batch δ as 1ᵀδ
        self._slopes: list[np.ndarray] | None = None

    def slopes(self) -> list[np.ndarray]:
        """σ′(zˡ) buffers for the statistics, made when first asked for."""
        if self._slopes is None:
            sizes = [z.shape[1] for z in self.Z]
            B, dtype = self.Z[0].shape[0], self.Z[0].dtype
            self._slopes = _carve(buffer(B * sum(sizes), dtype), B, sizes)
        return self._slopes


class LeanStep:
    """``Learner.step`` for the networks ``lean_refusal`` accepts (see the module docstring)."""

    def __init__(self, learner):
        self.learner = learner
        net = learner.net
        self.layers = net.layers
        self.L = net.L
        self.dtype = net.dtype
        self.fused = net.fused_output
        self.shapes = []
        for layer in self.layers:
            self.shapes += [(layer.n_out, layer.n_in), (layer.n_out,)]
        self.sigma = [layer.activation for layer in self.layers]  # σ, called with ``out``
        self.slope = [layer.activation.slope for layer in self.layers]
        self.quiet = {}
        for layer in self.layers:
            self.quiet.update(layer.activation.quiet)
        opt = learner.optimizer
        self.state_names = opt.state_names
        self.G = self._flat()  # ∂C/∂p
        self.G_used = None  # the gradient the optimizer uses, when it is not G (clip, decay)
        self.STEP = self._flat()  # the step ΔP taken
        self.out = {"step": self.STEP.data}  # the optimizer's buffers; "p" and states per step
        for name in opt.scratch_names:
            self.out[name] = self._flat().data
        self.W_scratch = None  # W-shaped scratch for penalties and weight decay
        self.workspaces: dict[int, _Workspace] = {}
        self.evaluations: dict[int, _Evaluation] = {}  # buffers of ``output``, per row count
        self.cur: Flat | None = None  # the parameters in force
        self.spare: Flat | None = None
        self.state_cur: StateSet | None = None  # the optimizer state in force
        self.state_spare: StateSet | None = None
        self.pools: dict[type, list] = {Flat: [], StateSet: []}  # held elsewhere for now
        self.opt_list = None  # the learner.opt_state list this installed
        self.no_state = [{"W": EMPTY, "b": EMPTY} for _ in self.layers]  # a rule without state
        self.ws: _Workspace | None = None  # the workspace of the last step
        self.prev: Flat | None = None  # the parameters before the last step
        self.lr, self.clipped = 0.0, False  # the last step's rate, and whether it clipped
        self.rate = (math.nan, None)  # (η, η as a 0-d array of the parameters' dtype)

    def _flat(self) -> Flat:
        return Flat(self.shapes, self.dtype)

    # --- taking over what others changed -------------------------------------------------------

    def _free(self, kind, *candidates):
        """The first candidate nothing else holds, else one of the pool's (``kind``: Flat for
        parameters, StateSet), else a new one. Candidates found held go to the pool: a
        checkpoint or a snapshot holds them for a while, then lets go."""
        pool = self.pools[kind]
        for f in candidates:
            if f is not None and f.free():
                return f
        found = next((i for i, f in enumerate(pool) if f.free()), None)
        found = pool.pop(found) if found is not None else None
        for f in candidates:
            if f is not None and f not in pool:
                pool.append(f)
        del pool[: -min(POOL, max(1, POOL_BYTES // self.G.allocated))]
        if found is not None:
            return found
        if kind is Flat:
            return Flat(self.shapes, self.dtype, handed_out=True)
        return StateSet(self.state_names, self.shapes, self.dtype, self.L)

    def _take_over(self) -> bool:
        """Copy the parameters and optimizer state in force into free flat arrays; False when
        the optimizer state cannot be taken over (some layers have it, others not)."""
        layers = self.layers
        for layer, d in zip(layers, self.cur.dicts if self.cur else ()):
            if layer.params is not d:
                break
        else:
            if self.cur is not None:
                return self._take_state()
        flat = self._free(Flat, self.spare, self.cur)
        flat.load([layer.params[name] for layer in layers for name in ("W", "b")])
        self.spare = self.cur if flat is not self.cur else self.spare
        self.cur = flat
        for layer, d in zip(layers, flat.dicts):
            layer.params = d
        return self._take_state()

    def _take_state(self) -> bool:
        names = self.state_names
        states = self.learner.opt_state
        if states is self.opt_list:
            return True
        have = [name in s.get(p, EMPTY) for s in states for p in ("W", "b") for name in names]
        if not any(have):
            self.state_cur = None  # before the optimizer's first step
        elif all(have):
            target = self._free(StateSet, self.state_spare, self.state_cur)
            target.load(states)
            if target is not self.state_cur:
                self.state_spare, self.state_cur = self.state_cur, target
        else:
            return False
        self.opt_list = states
        return True

    def _install_state(self) -> None:
        """The optimizer state in force as the learner's ``opt_state`` (a rule that keeps
        nothing: the same empty states every step)."""
        states = self.no_state
        if self.state_names:
            assert self.state_cur is not None  # the step just made it
            states = self.state_cur.opt_state
        self.learner.opt_state = self.opt_list = states

    # --- evaluation ----------------------------------------------------------------------------

    def output(self, x):
        """(zᴸ, aᴸ) for the rows x with the parameters in force (evaluation mode is training mode
        for these layers), computed as ``Network.output_z`` does, into buffers kept per row count
        (apart from the training step's): valid until the next call for as many rows."""
        cur = self.cur
        if cur is None or not all(map(is_, map(_params, self.layers), cur.dicts)):
            return self.learner.net.output_z(x)  # parameters from elsewhere (a restore): as is
        ws = self.evaluations.get(x.shape[0])
        if ws is None:
            if len(self.evaluations) >= 4:  # the training set, the validation set, a grid
                self.evaluations.clear()
            ws = self.evaluations[x.shape[0]] = _Evaluation(self.layers, x.shape[0], self.dtype)
        W_T, b, P = cur.W_T, cur.b, ws.P
        with np.errstate(**self.quiet):
            a = x
            for l, sigma in enumerate(self.sigma):
                z = linear(a, W_T[l], b[l], ws.Z[l], P[l])
                a = sigma(z, ws.A[l])
        return z, a

    # --- one step ------------------------------------------------------------------------------

    def step(self, x, y, lr: float) -> StepResult:
        learner, cur = self.learner, self.cur
        in_force = (
            cur is not None
            and learner.opt_state is self.opt_list
            and all(map(is_, map(_params, self.layers), cur.dicts))
        )
        if not in_force and not self._take_over():
            learner._lean = None  # a state no engine step leaves; stay correct anyway
            try:
                return learner.step(x, y, lr)
            finally:
                learner._lean = self
        if self.quiet:
            with np.errstate(**self.quiet):
                return self._step(learner, x, y, lr)
        return self._step(learner, x, y, lr)

    def _step(self, learner, x, y, lr: float) -> StepResult:
        L, opt = self.L, learner.optimizer
        t = learner.t + 1
        ws = self.workspaces.get(x.shape[0])
        if ws is None:
            ws = self.workspaces[x.shape[0]] = _Workspace(self.layers, x.shape[0], self.dtype)
        Z, A, D, GA, P = ws.Z, ws.A, ws.D, ws.GA, ws.P
        old, G, slope = self.cur, self.G, self.slope
        assert old is not None  # step() took over the parameters in force
        spare = self.spare
        new = spare if spare is not None and spare.free() else self._free(Flat, spare)

        # forward: zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ, aˡ = σ(zˡ)
        a = x
        W_T, b = old.W_T, old.b
        for l, sigma in enumerate(self.sigma):
            z = linear(a, W_T[l], b[l], Z[l], P[l])
            a = sigma(z, A[l])

        # loss C and δᴸ
        loss_fn = learner.net.loss
        if self.fused:
            data_loss = loss_fn.value(z, a, y)
            delta = loss_fn.fused_delta(z, a, y, D[-1])
        else:
            data_loss, g = loss_fn.value_and_grad_a(z, a, y, GA[-1])
            delta = hidden_delta(g, slope[-1](z, a, D[-1]), D[-1])
        regularized = learner.l1 or learner.l2
        penalty = learner.penalty() if regularized else 0.0

        # backward: ∂C/∂Wˡ, ∂C/∂bˡ, then δˡ⁻¹ = (δˡ Wˡ) ⊙ σ′(zˡ⁻¹)
        GW, Gb, W, ones_B = G.W, G.b, old.W, ws.ones
        for l in range(L - 1, -1, -1):
            gradients(delta, A[l - 1] if l else x, GW[l], Gb[l], ones_B, P[l])
            if regularized:
                pen, pen2 = self._w_scratch()
                np.add(GW[l], learner.penalty_grad(W[l], pen.W[l], pen2.W[l]), GW[l])
            if l:
                g = backpropagate(delta, W[l], GA[l - 1], P[l])
                delta = hidden_delta(g, slope[l - 1](Z[l - 1], A[l - 1], D[l - 1]), D[l - 1])

        # clipping, weight decay
        used, before, clipped = G.data, 0.0, False
        if learner.clip_value is not None or learner.clip_norm is not None:
            used, before, clipped = self._clip(learner)
        if opt.weight_decay:
            used = self._decay(opt, used, W)

        # the optimizer's rule, once for all parameters
        out = self.out
        out["p"] = new.data
        # ΔP = η g needs no array of its own when the statistics derive ‖ΔW‖ from ‖∂C/∂W‖
        # (plain SGD): the rule writes it where the new parameters go, then subtracts in place
        out["step"] = self.STEP.data if learner.step_scale(clipped, lr) is None else new.data
        state_new = None
        if self.state_names:
            state_new = self._state_buffers(out)
        state_old = self.state_cur.data if self.state_cur is not None else EMPTY
        if self.rate[0] != lr:  # η as a 0-d array of the parameters' dtype (``arrays.Constant``)
            self.rate = (lr, frozen(np.array(lr, self.dtype)))
        opt.update(old.data, used, state_old, self.rate[1], t, out)
        # the non-finite check (see Learner): loss, ‖P‖² after the update, ‖g‖² before clipping
        loss = data_loss + penalty
        check = loss + float(vdot(new.data, new.data)) + before * before

        # commit
        for layer, d in zip(self.layers, new.dicts):
            layer.params = d
        self.spare, self.cur, self.prev = old, new, old
        if state_new is not None:
            self.state_spare, self.state_cur = self.state_cur, state_new
        self._install_state()
        learner.t = t
        self.ws, self.lr, self.clipped = ws, lr, clipped
        learner._arrays, learner._stats = self._arrays, None
        learner.finite = finite = math.isfinite(check)
        if not finite:
            learner._failed_check = (loss, before)
        return StepResult(loss, finite)

    def _clip(self, learner):
        """(the gradient after clipping, ‖g‖ before, whether it changed), as ``Learner._clip``."""
        G = self.G
        before = global_norm(G.views)
        if learner.clip_value is not None:
            c = learner.clip_value
            return np.clip(G.data, -c, c, out=self._g_used().data), before, True
        scale = learner.clip_factor(before)
        if scale is None:
            return G.data, before, False
        return np.multiply(G.data, scale, self._g_used().data), before, True

    def _decay(self, opt, used, W):
        """g + λW for every weight matrix, as ``Optimizer.decayed`` (G keeps ∂C/∂W)."""
        target = self._g_used()
        if used is self.G.data:
            np.copyto(target.data, used)
        scratch = self._w_scratch()[0]
        for l in range(self.L):
            opt.decayed(target.W[l], W[l], target.W[l], scratch.W[l])
        return target.data

    def _state_buffers(self, out) -> StateSet:
        spare = self.state_spare
        state_new = spare if spare is not None and spare.free() else self._free(StateSet, spare)
        out.update(state_new.data)
        return state_new

    def _g_used(self) -> Flat:
        if self.G_used is None:
            self.G_used = self._flat()
        return self.G_used

    def _w_scratch(self) -> tuple[Flat, Flat]:
        if self.W_scratch is None:
            self.W_scratch = (self._flat(), self._flat())
        return self.W_scratch

    def _arrays(self) -> StepArrays:
        """What the last step's statistics are computed from (valid until the next step)."""
        ws, prev, cur = self.ws, self.prev, self.cur
        assert ws is not None and prev is not None and cur is not None  # a step was taken
        # σ′(zˡ) again, as the backward pass computed it (None at a fused output: not used there)
        hidden = self.L - 1 if self.fused else self.L
        S = ws.slopes()
        slopes: list[np.ndarray | None] = [
            self.slope[l](ws.Z[l], ws.A[l], S[l]) for l in range(hidden)
        ] + [None] * (self.L - hidden)
        scale = self.learner.step_scale(self.clipped, self.lr)
        step_W = self.STEP.W if scale is None else [None] * self.L  # ΔW = η ∂C/∂W: not kept
        G = self.G
        return StepArrays(ws.A, ws.Z, slopes, ws.D, G.W, prev.W, cur.W, step_W, scale, ws.scratch)
