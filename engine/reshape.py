"""A new network's weights taken from an old one where the shapes allow: the network's shape
changed (a unit or a layer added or removed, a size, an activation or an init changed).

Levels are the unit columns of a network: level 0 the inputs, level l the outputs of layer l.
``carry(old, new, origins, unit_maps)`` fills the freshly built ``new`` network from ``old``:

- ``origins[l - 1]`` is the old layer that new layer l continues (None: a new layer, its
  weights stay as drawn by its init). A layer whose activation or init changed is a new layer
  for this purpose: the caller passes None.
- ``unit_maps[i]`` maps each unit of new level i to a unit of the old level it continues, or
  None for a new unit (default: unit j continues unit j, as far as both levels have units).

Then for each continued layer l (old layer l′), when its inputs continue l′'s inputs:
    Wˡ[j, k] = Wˡ′[j′, k′]   for a continued unit j (from j′) and a continued input k (from k′)
    Wˡ[j, k] = 0             for a continued unit j and a new input k: the new unit of the level
                             below starts with no effect on this one, so the network computes
                             the same function as before the change, and learns from there
    Wˡ[j, :] = as drawn      for a new unit j (its incoming weights, from the layer's init)
    bˡ[j] = bˡ′[j′], and the same for per-unit parameters and buffers (PReLU's α, batch norm's
    γ, β and running statistics)
A continued layer whose inputs are other units (the layer below it was added, removed or
replaced) keeps its weights as they are when it has as many inputs as before, and is drawn anew
otherwise. ``carry`` returns a ``Carried``: what was kept, and in words what was lost.

``outcome(old_shapes, new_shapes, origins, unit_maps)`` gives the same ``Carried`` from the
layers' shapes (nˡ⁻¹, nˡ) alone, before anything is built: ``carry`` follows it, so what the lab
says will be lost (before a rebuild, and after it) is what ``carry`` then does. Lost are, per old
layer l′: all its weights when no new layer continues it (or its inputs changed), else the units
of l′ that no unit continues (a unit's incoming weights and bias, and its outgoing weights).

The operations the lab offers are ``add_unit``, ``remove_unit``, ``add_layer`` and
``remove_layer``; each gives the new ``[[network.layers]]`` tables and the ``origins`` and
``unit_maps`` for ``carry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .arrays import frozen

WEIGHT_KEYS = ("weights", "bias")  # explicit values in a layer table: dropped when it changes


@dataclass
class Carried:
    """What ``carry`` did: ``kept`` layers (new l) entirely kept, ``lost`` phrases naming every
    weight the old network had that the new one does not."""

    kept: list[int] = field(default_factory=list)
    partly: list[int] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reshape:
    """A change of the network's shape: the new layer tables and how they continue the old."""

    layers: list[dict]
    origins: list[int | None]
    unit_maps: dict[int, list[int | None]]
    what: str  # "add a unit to layer 1 (4 → 5 units)"

    @property
    def done(self) -> str:
        """``what`` as done: "added a unit to layer 1 (4 → 5 units)"."""
        verb, _, rest = self.what.partition(" ")
        return f"{PAST[verb]} {rest}"


PAST = {"add": "added", "remove": "removed"}  # the operations' verbs (``Reshape.what``)


def carry(old, new, origins, unit_maps=None) -> Carried:
    """Fill ``new`` (a built ``Network``) from ``old`` where shapes allow (module docstring)."""
    plan = _plan(_shapes(old), _shapes(new), origins, unit_maps)
    for l, (lo, rows, cols) in plan.fills.items():
        _fill(new.layers[l - 1], old.layers[lo - 1], rows, cols)
    return plan.carried


def outcome(old_shapes, new_shapes, origins, unit_maps=None, why=None) -> Carried:
    """What ``carry`` will keep and lose, from the layers' (nˡ⁻¹, nˡ) alone (module docstring);
    ``why``: old layer → the reason it is not continued, said after its weights."""
    return _plan(old_shapes, new_shapes, origins, unit_maps, why).carried


@dataclass
class _Plan:
    carried: Carried
    fills: dict[int, tuple[int, list, list]]  # new l → (old l′, rows, cols) to fill it from


def _shapes(net) -> list[tuple[int, int]]:
    return [(layer.n_in, layer.n_out) for layer in net.layers]


def _plan(old_shapes, new_shapes, origins, unit_maps=None, why=None) -> _Plan:
    unit_maps = dict(unit_maps or {})
    why = dict(why or {})
    L_old, L_new = len(old_shapes), len(new_shapes)
    if len(origins) != L_new:
        raise ValueError(f"origins: one entry per new layer ({L_new}), got {len(origins)}")
    done = Carried()
    fills: dict[int, tuple[int, list, list]] = {}
    lost: dict[int, str] = {}  # old l′ → what of it is lost
    continued_units: dict[int, set] = {}
    for l, (n_in, n_out) in enumerate(new_shapes, start=1):
        lo = origins[l - 1]
        if lo is None:
            continue
        if not 1 <= lo <= L_old:
            raise ValueError(f"origins[{l - 1}]: old layer {lo} does not exist (1…{L_old})")
        old_in, old_out = old_shapes[lo - 1]
        below = 0 if l == 1 else origins[l - 2]
        if below != lo - 1 and n_in != old_in:  # other inputs, another shape
            lost[lo] = f"layer {lo}'s weights (its inputs changed from {old_in} to {n_in})"
            continue
        rows = _units(unit_maps, l, n_out, old_out)
        # inputs from other units (as many as before): the matrix as it is
        cols = _units(unit_maps, l - 1, n_in, old_in) if below == lo - 1 else list(range(n_in))
        fills[l] = (lo, rows, cols)
        continued_units.setdefault(lo, set()).update(j for j in rows if j is not None)
        whole = rows == list(range(old_out)) and cols == list(range(old_in))
        (done.kept if whole else done.partly).append(l)
    for lo in range(1, L_old + 1):
        if lo in lost:
            continue
        if lo not in continued_units:
            reason = f" ({why[lo]})" if lo in why else ""
            lost[lo] = f"layer {lo}'s weights{reason}"
            continue
        gone = [j for j in range(old_shapes[lo - 1][1]) if j not in continued_units[lo]]
        if gone:
            lost[lo] = f"{_unit_words(gone)} of layer {lo}"
    done.lost = [lost[lo] for lo in sorted(lost)]
    return _Plan(done, fills)


def _unit_words(units: list[int]) -> str:
    """``unit 3``, ``units 2, 5``, ``units 4…7`` (a run of three or more)."""
    if len(units) == 1:
        return f"unit {units[0]}"
    if len(units) >= 3 and units == list(range(units[0], units[-1] + 1)):
        return f"units {units[0]}…{units[-1]}"
    return "units " + ", ".join(str(j) for j in units)


def _units(unit_maps, level: int, n_new: int, n_old: int) -> list[int | None]:
    given = unit_maps.get(level)
    if given is not None:
        if len(given) != n_new:
            raise ValueError(f"unit_maps[{level}]: one entry per unit ({n_new}), got {len(given)}")
        return list(given)
    return [j if j < n_old else None for j in range(n_new)]


def _fill(layer, old_layer, rows, cols) -> None:
    """Layer's parameters from ``old_layer``'s, rows and columns mapped (module docstring)."""
    params = dict(layer.params)
    keep_rows = [(j, jo) for j, jo in enumerate(rows) if jo is not None]
    keep_cols = [(k, ko) for k, ko in enumerate(cols) if ko is not None]
    new_cols = [k for k, ko in enumerate(cols) if ko is None]
    W = np.array(params["W"])
    if keep_rows:
        r_new, r_old = map(list, zip(*keep_rows))
        if new_cols:
            W[np.ix_(r_new, new_cols)] = 0.0
        if keep_cols:
            c_new, c_old = map(list, zip(*keep_cols))
            W[np.ix_(r_new, c_new)] = old_layer.params["W"][np.ix_(r_old, c_old)]
    params["W"] = frozen(W)
    for name, p in layer.params.items():
        if name != "W" and name in old_layer.params:
            params[name] = _rows(p, old_layer.params[name], keep_rows)
    layer.params = params
    layer.buffers = {
        name: _rows(b, old_layer.buffers[name], keep_rows) if name in old_layer.buffers else b
        for name, b in layer.buffers.items()
    }


def _rows(new, old, keep_rows):
    values = np.array(new)
    for j, jo in keep_rows:
        values[j] = old[jo]
    return frozen(values)


# --- the lab's operations ------------------------------------------------------------------------


def _tables(layers) -> list[dict]:
    return [dict(t) for t in layers]


def _resized(table: dict, size: int) -> dict:
    table = {k: v for k, v in table.items() if k not in WEIGHT_KEYS}
    table["size"] = size
    return table


def _hidden(L: int, l: int, what: str) -> None:
    if not 1 <= l < L:
        raise ValueError(
            f"{what}: layer {l} is not a hidden layer (hidden layers are 1…{L - 1}; the output "
            "layer's size is set by the data)"
            if L > 1
            else f"{what}: the network has no hidden layer (add one first)"
        )


def add_unit(layers: list[dict], l: int) -> Reshape:
    """One more unit in hidden layer l; every weight is kept (module docstring)."""
    L = len(layers)
    _hidden(L, l, "add a unit")
    tables = _tables(layers)
    n = int(tables[l - 1]["size"])
    tables[l - 1] = _resized(tables[l - 1], n + 1)
    return Reshape(
        tables, list(range(1, L + 1)), {}, f"add a unit to layer {l} ({n} → {n + 1} units)"
    )


def remove_unit(layers: list[dict], l: int, j: int | None = None) -> Reshape:
    """Hidden layer l without unit j (0-based; default its last)."""
    L = len(layers)
    _hidden(L, l, "remove a unit")
    tables = _tables(layers)
    n = int(tables[l - 1]["size"])
    if n == 1:
        raise ValueError(f"remove a unit: layer {l} has only one unit (remove the layer: {{)")
    j = n - 1 if j is None else j
    if not 0 <= j < n:
        raise ValueError(f"remove a unit: layer {l} has units 0…{n - 1}, not {j}")
    tables[l - 1] = _resized(tables[l - 1], n - 1)
    units: list[int | None] = [u for u in range(n) if u != j]
    return Reshape(
        tables,
        list(range(1, L + 1)),
        {l: units},
        f"remove unit {j} from layer {l} ({n} → {n - 1} units)",
    )


def add_layer(layers: list[dict]) -> Reshape:
    """A hidden layer before the output layer, like the last hidden one (4 tanh units without
    one). The output layer keeps its weights when the new layer has as many units as its
    inputs had (its inputs are the new layer's units then)."""
    L = len(layers)
    tables = _tables(layers)
    like: dict = tables[-2] if L > 1 else {"size": 4, "activation": "tanh"}
    new = {k: like[k] for k in ("size", "activation", "alpha", "init") if k in like}
    tables.insert(L - 1, new)
    what = f"add layer {L} ({new['size']} units) before the output"
    return Reshape(tables, [*range(1, L), None, L], {}, what)


def remove_layer(layers: list[dict], l: int | None = None) -> Reshape:
    """Without hidden layer l (default the last hidden one). The layer above keeps its weights
    when the layer below l has as many units as l had (``outcome``)."""
    L = len(layers)
    l = L - 1 if l is None else l
    _hidden(L, l, "remove a layer")
    tables = _tables(layers)
    removed = tables.pop(l - 1)
    origins = [*range(1, l), *range(l + 1, L + 1)]
    what = f"remove layer {l} ({removed['size']} units)"
    return Reshape(tables, origins, {}, what)
