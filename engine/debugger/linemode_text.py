"""What the line mode prints about where the debugger is, as plain text lines computed from the
controller (``LineMode`` writes them, in ASCII with ``--ascii``):

- ``event_summary``: the current event's main numbers, under the position's sentence;
- ``step_events``: the step's events with the current one marked (``where``);
- ``network_listing``: the layers with the position and the breakpoints marked (``list``);
- ``breakpoint_place``: which event a breakpoint stops before (``break``).
"""

from __future__ import annotations

import numpy as np

from ..number_text import count, counted
from .formatting import array, num
from .position import KIND_NAMES

PARAMETER_SYMBOLS = {"gamma": "γ", "beta": "β", "alpha": "α"}
"""The symbols of the parameters besides W and b that events keep in ``extra``."""


def event_summary(ctl) -> list[str]:
    """One to three lines with the current event's main numbers (a Gradient's and an Update's
    also for batch norm's γ and β, or PReLU's α, where the layer has them); the Loss's with the
    names ``print`` knows them by (``loss``, ``data_loss``, ``penalty``, ``grad_a``)."""
    ev = ctl.event
    kind = ev.kind
    l = getattr(ev, "l", None)
    sup = _sup(l)
    if kind == "step_start":
        return [f"batch of {counted(ev.batch_size, 'example')}, η = {num(ev.lr)}"]
    if kind == "forward":
        return [f"z{sup} = {_short(ev.z)}", f"a{sup} = {_short(ev.a)}"]
    if kind == "loss":
        text = f"C (loss) = {num(ev.value)}"
        if ev.penalty:
            text += f" = data_loss {num(ev.data_loss)} + penalty {num(ev.penalty)}"
        return [text, f"∇ₐC (grad_a) = {_short(ev.grad_a)}"]
    if kind == "delta":
        return [f"δ{sup} = {_short(ev.delta)}"]
    if kind == "gradient":
        lines = [f"∂C/∂W{sup} = {_short(ev.grad_W)}", f"∂C/∂b{sup} = {_short(ev.grad_b)}"]
        for name, grad in ev.extra.items():  # batch norm's γ and β, PReLU's α
            lines.append(f"∂C/∂{PARAMETER_SYMBOLS.get(name, name)}{sup} = {_short(grad)}")
        return lines
    if kind == "clip":
        changed = ", ".join(map(str, ev.changed)) or "none"
        return [
            f"‖g‖ {num(ev.norm_before)} → {num(ev.norm_after)} (by {ev.mode}, threshold "
            f"{num(ev.threshold)}; layers changed: {changed})"
        ]
    if kind == "update":
        lines = [
            f"W{sup} ← W{sup} − ΔW{sup}, ΔW{sup} = {_short(ev.step_W)}",
            f"b{sup} ← b{sup} − Δb{sup}, Δb{sup} = {_short(ev.step_b)}",
        ]
        for name, (_, _, step) in ev.extra.items():
            p = PARAMETER_SYMBOLS.get(name, name) + sup
            lines.append(f"{p} ← {p} − Δ{p}, Δ{p} = {_short(step)}")
        return lines
    next_lr = ctl.view.next_lr  # as the lab's Network panel and explanation show it
    return [
        f"C = {num(ev.loss)}; ‖∂C/∂W‖ by layer: "
        + ", ".join(f"{s.l}: {num(s.grad_norm)}" for s in ev.stats),
        f"the next step's η = {num(next_lr)}",
    ]


def step_events(ctl) -> list[str]:
    """The position, the current step's events numbered from 1 with the current one marked,
    and how far ``back`` reaches."""
    pos = ctl.position
    lines = [
        f"> {pos.sentence()}",
        f"Event {pos.index + 1} of {pos.n_events} in step {count(pos.step)}:",
    ]
    for i, ev in enumerate(ctl.view.events):
        mark = ">" if i == pos.index else " "
        name = KIND_NAMES[ev.kind]
        l = getattr(ev, "l", None)
        n = i + 1  # counted from 1, as "Event k of N" above
        lines.append(f" {mark} {n:2d} {name}(l={l})" if l is not None else f" {mark} {n:2d} {name}")
    if pos.index + 1 < pos.n_events:
        rest = pos.n_events - pos.index - 1
        lines.append(f"      … {rest} more event{'s' if rest != 1 else ''} to come in this step")
    oldest = ctl.timeline.oldest
    lines.append(
        f"back can reach step {count(oldest)} (the history keeps "
        f"{counted(ctl.timeline.history, 'step')})"
    )
    return lines


def network_listing(ctl) -> list[str]:
    """The network layer by layer, the current layer (or the loss) marked with the event there,
    and the enabled breakpoints of each layer."""
    net = ctl.net
    pos = ctl.position
    mark_layer = pos.layer
    lines = [f"  network: {net.describe()}"]
    head = ">" if pos.kind in ("step_start", "step_end") else " "
    state = {"step_start": "start", "step_end": "end"}.get(pos.kind, "in progress")
    lines.append(
        f"{head} step {count(pos.step)} (epoch {count(pos.epoch)}, batch {count(pos.batch)}): "
        f"{state}"
    )
    lines.append(f"  layer 0  input    {net.n_in:3d} unit{'s' if net.n_in != 1 else ''}")
    bps = [bp for bp in ctl.breakpoints if bp.enabled and bp.layer is not None]
    for layer in net.layers:
        mark = ">" if mark_layer == layer.l else " "
        options = (" batch_norm" if layer.batch_norm else "") + (
            f" dropout={layer.dropout:g}" if layer.dropout else ""
        )
        text = (
            f"{mark} layer {layer.l}  {layer.activation.name:<8} {layer.n_out:3d} "
            f"unit{'s' if layer.n_out != 1 else ' '}  W {layer.n_out}×{layer.n_in}{options}"
        )
        if mark == ">":
            text += f"   <- {pos.event_name()} ({pos.phase} phase)"
        here = [f"b{bp.id} {bp.location()}" for bp in bps if bp.layer == layer.l]
        if here:
            text += "   [" + ", ".join(here) + "]"
        lines.append(text)
    mark = ">" if pos.kind == "loss" else " "
    text = f"{mark} loss     {net.loss.name}"
    if mark == ">":
        text += "   <- Loss (end of the forward pass)"
    lines.append(text)
    return lines


def breakpoint_place(bp) -> str:
    """The event a breakpoint with a location stops before: "Delta of layer 2", "every Update",
    "any event of layer 1"."""
    kind = KIND_NAMES[bp.kind] if bp.kind else "any event"
    if bp.layer is None:
        return f"every {kind}" if bp.kind else kind
    return f"{kind} of layer {bp.layer}" if bp.kind else f"any event of layer {bp.layer}"


def _sup(l) -> str:
    from .formatting import sup

    return "" if l is None else sup(l)


def _short(a) -> str:
    """An array on one line when small, else its first row and shape."""
    a = np.asarray(a)
    if a.size <= 8:
        return array(a).replace("\n", "")
    if a.ndim == 2:
        row = array(a[0], max_items=8).replace("\n", "")
        return f"{row} … (first of {a.shape[0]} rows, shape {a.shape})"
    return f"{array(a, max_items=8)} (shape {a.shape})".replace("\n", "")
