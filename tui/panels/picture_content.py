"""What the network picture shows now: the values at its nodes and on its edges, and why.

The picture follows the debugger's current event (``LabView.event``), so stepping through a
step plays it on the drawing and stepping back plays it back:

===========  =========================================  ==========================  =========
event        nodes                                      edges                       lit
===========  =========================================  ==========================  =========
none, start  a of the chosen example, current weights   W                           —
Forward(l)   a⁰ … aˡ of the step (later: not computed)  W                           layer l
Loss         a⁰ … aᴸ                                    W                           layer L
Delta(l)     δˡ … δᴸ (earlier layers: not computed)     ∂C/∂W of l+1 … L            layer l
Gradient(l)  δˡ … δᴸ                                    ∂C/∂W of l … L              weights l
Clip         δ¹ … δᴸ                                    ∂C/∂W                       —
Update(l)    a of the step                              ΔW of 1 … l (step_W)        weights l
StepEnd      a with the updated weights                 W (updated)                 —
===========  =========================================  ==========================  =========

Once early stopping has restored the best epoch's weights, the picture at the run's last position
draws those, and its caption says so ("epoch 5's weights restored").

ΔW is the step an update subtracts, W_new = W_old − ΔW (the Update event's ``step_W``; η ∂C/∂W for
plain SGD), as in every view of the lab: its colours are those of the gradient it follows.

Values become *tones* in [−1, 1] for the colours: activations relative to their activation's
range (tanh: −1 … 1 around 0; sigmoid: 0 … 1 around ½; unbounded ones: the largest |a| of the
layer), δ, ∂C/∂W, ΔW and W as a fraction of the largest |value| shown of that kind, across all
layers (so a gradient that vanishes towards the input fades there). A display transform only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.debugger.formatting import sup
from engine.unit_maps import layer_outputs
from tui.example import Example, current_example
from tui.view import drawn_net

BACKWARD = ("delta", "gradient", "clip")


@dataclass
class Shown:
    """The picture's numbers at one moment (lists indexed by layer: nodes l = 0 … L, edges
    l = 1 … L at index l − 1; None where the event has not computed the value yet)."""

    node_name: str  # "a" or "δ"
    nodes: list[np.ndarray | None]
    node_tones: list[np.ndarray | None]
    edge_name: str  # "W", "∂C/∂W" or "ΔW"
    edges: list[np.ndarray | None]
    edge_tones: list[np.ndarray | None]
    edge_scale: float  # the largest |value| among the edges shown (tone 1)
    lit_column: int | None
    lit_gap: int | None
    example: Example
    what: str  # one line: what the current event just did, or what is shown


def shown(view, maps=None) -> Shown:
    """The values of the picture for ``view``; ``maps``: the unit maps' raw outputs (which share
    the scale of unbounded activations). Outside a step's events (between steps, while training
    runs) the nodes are computed for the example's row of the training set."""
    net = drawn_net(view)
    L = net.L
    example = current_example(view)
    event = view.event if view.controller is not None else None
    kind = event.kind if event is not None else None
    l = getattr(event, "l", None)
    steps = view.controller.view if kind not in (None, "step_start", "step_end") else None
    i = example.index

    # nodes
    node_name = "a"
    if steps is not None and kind not in ("step_start", "step_end"):
        forward = [steps.find("forward", m) for m in range(1, L + 1)]
        nodes: list = [forward[0].a_prev[i]] + [
            ev.a[i] if ev is not None else None for ev in forward
        ]
        if kind in BACKWARD:
            node_name = "δ"
            deltas = [steps.find("delta", m) for m in range(1, L + 1)]
            nodes = [nodes[0]] + [ev.delta[i] if ev is not None else None for ev in deltas]
    else:
        x = view.run.data.x_train
        row = example.row if example.row is not None else min(i, x.shape[0] - 1)
        nodes = [a[0] for a in layer_outputs(net, x[row : row + 1])]

    # edges
    edge_name = "W"
    if steps is not None and kind in BACKWARD:
        edge_name = "∂C/∂W"
        grads = [steps.find("gradient", m) for m in range(1, L + 1)]
        edges: list = [ev.grad_W if ev is not None else None for ev in grads]
    elif steps is not None and kind == "update":
        edge_name = "ΔW"
        updates = [steps.find("update", m) for m in range(1, L + 1)]
        edges = [ev.step_W if ev is not None else None for ev in updates]
    else:
        edges = [layer.W for layer in net.layers]

    lit_column = l if kind in ("forward", "delta") else L if kind == "loss" else None
    lit_gap = l if kind in ("gradient", "update") else None
    if node_name == "δ":
        node_tones = delta_tones(nodes)
    else:
        node_tones = activation_tones(net, nodes, view.run.data, maps)
    edge_tones, scale = signed_tones(edges)
    return Shown(
        node_name,
        nodes,
        node_tones,
        edge_name,
        edges,
        edge_tones,
        scale,
        lit_column,
        lit_gap,
        example,
        _restored(view, net) or describe(kind, l, L, event),
    )


def _restored(view, net) -> str:
    """ "epoch 5's weights restored" when the picture draws the network early stopping brought
    back — not the last step's updated weights that StepEnd's "updates applied" would name."""
    epoch = view.run.restored_epoch if view.status == "stopped" else None
    if epoch is None or net is not view.run.net:
        return ""
    return f"epoch {epoch:,}'s weights restored"


def describe(kind: str | None, l: int | None, L: int, event=None) -> str:
    """What the current event did, in a few words (``l``: the event's layer, if it has one).
    A Forward event states its layer's rule (``engine/layers.py``), as its fields show it:

        aˡ = σ(Wˡaˡ⁻¹ + bˡ)                   (plain)
        aˡ = σ(Wˡaˡ⁻¹ + bˡ) ⊙ mˡ              (dropout: mask entries 0 or 1/(1 − p))
        aˡ = σ(γˡ ⊙ ẑˡ + βˡ) [⊙ mˡ]           (batch norm: ẑˡ is zˡ normalized over the batch)
    """
    s = sup
    if l is not None:
        if kind == "forward":
            inner = f"W{s(l)}a{s(l - 1)} + b{s(l)}"
            if getattr(event, "z_hat", None) is not None:  # σ is applied to uˡ = γˡ ⊙ ẑˡ + βˡ
                inner = f"γ{s(l)} ⊙ ẑ{s(l)} + β{s(l)}"
            mask = f" ⊙ m{s(l)}" if getattr(event, "mask", None) is not None else ""
            return f"forward: a{s(l)} = σ({inner}){mask}"
        if kind == "delta":
            return f"backward: δ{s(l)} = ∂C/∂z{s(l)}"
        if kind == "gradient":
            return f"backward: ∂C/∂W{s(l)} = δ{s(l)}a{s(l - 1)}ᵀ"
        if kind == "update":
            return f"update: W{s(l)} ← W{s(l)} − ΔW{s(l)}"
    if kind == "loss":
        return f"loss: output a{s(L)} vs target y"
    if kind == "clip":
        return "gradients clipped"
    if kind == "step_end":
        return "step done: updates applied"
    return ""


# --- tones: values → [-1, 1] -------------------------------------------------------------------


def signed_tones(arrays: list[np.ndarray | None]) -> tuple[list[np.ndarray | None], float]:
    """Each array divided by the largest |value| of all of them (non-finite values: 0), and
    that largest value."""
    finite = [np.abs(a[np.isfinite(a)]) for a in arrays if a is not None]
    scale = max((float(a.max()) for a in finite if a.size), default=0.0)
    tones: list[np.ndarray | None] = []
    for a in arrays:
        if a is None:
            tones.append(None)
            continue
        t = np.nan_to_num(np.asarray(a, dtype=np.float64), nan=0.0, posinf=scale, neginf=-scale)
        tones.append(np.clip(t / scale, -1.0, 1.0) if scale > 0 else np.zeros_like(t))
    return tones, scale


def delta_tones(nodes: list[np.ndarray | None]) -> list[np.ndarray | None]:
    """δ of the hidden and output layers against the largest |δ| shown; the input x (layer 0)
    as activations are toned (its own largest |x|)."""
    tones, _ = signed_tones(nodes[1:])
    first, _ = signed_tones(nodes[:1])
    return first + tones


def activation_range(name: str, n: int, values: list[np.ndarray]) -> tuple[float, float]:
    """(centre, half-width) an activation's values are toned against: the range of bounded
    activations (tanh: 0 ± 1, sigmoid: ½ ± ½, softmax: 1/n to 1), else 0 ± the largest |value|
    of ``values`` (1 when there is none)."""
    if name == "tanh":
        return 0.0, 1.0
    if name == "sigmoid":
        return 0.5, 0.5
    if name == "softmax":
        return 1.0 / n, max(1.0 - 1.0 / n, 1.0 / n)
    largest = 0.0
    for v in values:
        v = np.abs(np.asarray(v, dtype=np.float64))
        v = v[np.isfinite(v)]
        if v.size:
            largest = max(largest, float(v.max()))
    return 0.0, largest if largest > 0 else 1.0


def tone(values, centre: float, half: float) -> np.ndarray:
    """(values − centre) / half, clipped to [−1, 1]; non-finite values → 0."""
    t = (np.asarray(values, dtype=np.float64) - centre) / half
    return np.clip(np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0)


def activation_tones(net, nodes, data, maps=None) -> list[np.ndarray | None]:
    """Tones of activations: x against the data's largest |x|, each layer against its range
    (unbounded activations: the layer's largest |a| in ``nodes`` and ``maps``)."""
    x_scale = _largest(data.x_train)
    tones = [tone(nodes[0], 0.0, x_scale) if nodes[0] is not None else None]
    for l, layer in enumerate(net.layers, start=1):
        a = nodes[l]
        if a is None:
            tones.append(None)
            continue
        samples = [a] + ([maps[l]] if maps is not None and maps[l] is not None else [])
        centre, half = activation_range(layer.activation.name, layer.n_out, samples)
        tones.append(tone(a, centre, half))
    return tones


def map_tones(net, outputs: list[np.ndarray], example_nodes=None) -> list[np.ndarray | None]:
    """Tones of the unit maps (``engine.unit_maps``: (rows, cols, nˡ) per layer, row 0 the
    lowest y), flipped so that row 0 is the top of the picture; None for the input layer."""
    tones: list[np.ndarray | None] = [None]
    for l, layer in enumerate(net.layers, start=1):
        values = outputs[l][::-1]
        samples = [values]
        if example_nodes is not None and example_nodes[l] is not None:
            samples.append(example_nodes[l])
        centre, half = activation_range(layer.activation.name, layer.n_out, samples)
        tones.append(tone(values, centre, half))
    return tones


def _largest(x) -> float:
    x = np.abs(np.asarray(x, dtype=np.float64))
    x = x[np.isfinite(x)]
    return float(x.max()) if x.size and x.max() > 0 else 1.0


def short(value: float) -> str:
    """A number in at most five characters: ``0.76``, ``-0.12``, ``12.3``, ``-3e-4``, ``2e5``."""
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    a = abs(v)
    if a < 1e-9:  # nothing a picture can tell from zero
        return "0"
    if a >= 1e99:
        return "huge" if v > 0 else "-huge"
    if a < 0.005 or a >= 1000:
        mantissa, exponent = f"{v:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    if a >= 99.95:
        return f"{v:.0f}"
    if a >= 9.995:
        return f"{v:.1f}"
    return f"{v:.2f}"


def signed(value: float) -> str:
    """``short`` with a space where a minus sign would be (values in a column line up) and zero
    written as ``0.00``."""
    text = short(value) if value != 0 else "0.00"
    return text if text.startswith("-") or len(text) >= 5 else " " + text
