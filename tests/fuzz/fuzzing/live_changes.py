"""Changes while it trains (``docs/live-changes.md``): values of the wrong type or size for every
live key — and for keys that are not live, layers that do not exist, the output layer's dropout —
as the lab's dialogs and network editor hand them to ``tui.live_changes.change``, paused and
while training; the session then steps and trains."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from . import bounded, one_line

LIVE_KEYS = [
    "training.lr",
    "training.batch_size",
    "training.l1",
    "training.l2",
    "training.weight_decay",
    "training.clip_value",
    "training.clip_norm",
    "training.momentum",
    "training.nesterov",
    "training.beta1",
    "training.beta2",
    "training.rho",
    "training.eps",
    "schedule.kind",
    "schedule.every",
    "schedule.factor",
    "schedule.gamma",
    "schedule.lr_min",
    "schedule.warmup",
    "network.layers[1].dropout",
    "network.layers[3].dropout",  # the output layer of spiral
]
OTHER_KEYS = ["network.layers[99].dropout", "network.layers[1].size", "training.epochs", "x"]
values = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, -1, 2, 0.5, 0.999, 1e-300, 1e308, 10**100, 2**63, "off", "full"]),
    st.sampled_from(["step", "exp", "cosine", "constant", "x", ""]),
    st.floats(),
    st.integers(-(10**6), 10**6),
    st.lists(st.integers(), max_size=2),
)
live_changes = st.dictionaries(
    st.sampled_from(LIVE_KEYS + OTHER_KEYS), values, min_size=1, max_size=3
)

_SESSION: list = []


def live_change_target(values: dict, running: bool) -> None:
    """Hand ``values`` to the lab's change: put in force or refused with one line (SessionError),
    then a step and a few more; the session is spiral's, shared by the inputs (they pile up,
    as a user's changes do)."""
    from tui import live_changes as changes
    from tui.session import LabSession
    from tui.session_errors import SessionError

    if not _SESSION:
        _SESSION.append(LabSession.open("spiral", ["training.epochs=2"]))
    session = _SESSION[0]
    with bounded("live change"), np.errstate(all="ignore"):
        try:
            changes.change(session, values, running)
        except SessionError as e:
            one_line(e, starts="Refused: ")
        session.command("step")
        session.command("next")
        status, message = session.train("epoch", lambda: False, lambda step: None)
        assert status != "error", message
    if session.run.stop_reason is not None:  # ended: a fresh run, keeping the changes
        with bounded("live change (reset)"):
            _SESSION[0] = session.reset()
