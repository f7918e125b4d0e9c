"""What a session file's state holds besides plain values, in both directions: the engine's
records (tagged by name, rebuilt only from a closed set of types), the plain JSON form of the
header's sections, older formats' state, and the stopping rules an extended run saved.

A file names one of ``RECORDS``'s keys, never code: each record is rebuilt by its own
constructor from exactly its fields, and any other name is refused (issue 16, point 1).
"""

from __future__ import annotations

import math

from engine.blowup import BlowUp
from engine.metrics import EpochMetrics
from engine.stats import LayerStats
from engine.stopping import NonFinite, StopRules
from tui import session_file
from tui.session_schema import StateMismatch, check_record


def stop_rules(run, saved: dict) -> None:
    """The stopping rules a saved session had (``extend`` moves the epoch limit and drops the
    rule that ended training), validated like a scenario's."""
    if not isinstance(saved, dict):
        raise StateMismatch("stop: expected the stopping rules")
    saved = dict(saved)
    epochs = saved.pop("epochs", None)
    try:
        rules = StopRules.from_section(saved, epochs)
    except ValueError as e:
        raise StateMismatch(f"stop: {e}") from None
    if rules.epochs < run.stop.epochs:  # extend only adds epochs
        scenario = run.stop.epochs
        raise StateMismatch(f"stop.epochs: {rules.epochs} is below the scenario's {scenario}")
    run.stop = rules
    if rules.patience is None:
        run.early = None


# --- records -----------------------------------------------------------------

_NAMED = "$named"

# The only classes a session file can name: the engine's records held in a run's state, by the
# names earlier versions wrote. A file names one of these keys, never code: each is rebuilt by its
# own constructor from exactly its fields, and any other name is refused.
RECORDS = {
    f"{cls.__module__}:{cls.__qualname__}": cls
    for cls in (LayerStats, EpochMetrics, NonFinite, BlowUp)
}


def encodable(tree):
    """``tree`` with the engine's records (LayerStats, EpochMetrics, NonFinite) tagged by name."""
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        name = f"{type(tree).__module__}:{type(tree).__qualname__}"
        if name not in RECORDS:
            raise TypeError(f"cannot store a {name} in a session file")
        return {_NAMED: name, "fields": list(map(encodable, tree))}
    if type(tree) is tuple:
        return tuple(encodable(x) for x in tree)
    if type(tree) is list:
        return [encodable(x) for x in tree]
    if type(tree) is dict:
        return {k: encodable(v) for k, v in tree.items()}
    return tree


def decoded(tree):
    """The inverse of ``encodable``: a tagged record is rebuilt only if its name is one of
    ``RECORDS`` and it has exactly that record's fields; ValueError otherwise."""
    if type(tree) is dict and _NAMED in tree:
        name, fields = tree[_NAMED], tree.get("fields")
        cls = RECORDS.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"unknown record {str(name)[:60]!r}")
        if type(fields) is not list or len(fields) != len(cls._fields):
            raise ValueError(f"{cls.__name__} needs the {len(cls._fields)} fields {cls._fields}")
        record = cls._make(map(decoded, fields))
        check_record(record)
        return record
    if type(tree) is tuple:
        return tuple(decoded(x) for x in tree)
    if type(tree) is list:
        return [decoded(x) for x in tree]
    if type(tree) is dict:
        return {k: decoded(v) for k, v in tree.items()}
    return tree


def upgraded(format: str, state: dict) -> dict:
    """The state of an older session file in the current layout (``state`` decoded).

    Format 1 stored the histories as their attribute dictionaries: ``steps`` the whole
    preallocated arrays of ``StatsHistory`` (``_rows`` of which ``_n_recent`` were in use,
    ``_sums``/``_count``/``_loss_min``/``_loss_max``/``_last`` of which ``_n_coarse``,
    ``_width``, …), ``epochs`` the ``EpochLog``'s ``capacity`` and ``_items``.
    """
    if format != session_file.FORMAT_1:
        raise ValueError(f"no upgrade from format {format!r}")
    old, nr, nc = state["steps"], state["steps"]["_n_recent"], state["steps"]["_n_coarse"]
    steps = {
        "n_layers": old["n_layers"],
        "recent": old["recent"],
        "coarse": old["coarse"],
        "width": old["_width"],
        "n_recorded": old["n_recorded"],
        "rows": old["_rows"][:nr],
        **{k: old[f"_{k}"][:nc] for k in ("sums", "count", "loss_min", "loss_max", "last")},
    }
    epochs = {"capacity": state["epochs"]["capacity"], "items": state["epochs"]["_items"]}
    return {**state, "steps": steps, "epochs": epochs}


def plain(tree):
    """Sections as plain JSON-able values (tuples → lists)."""
    if isinstance(tree, dict):
        return {k: plain(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return [plain(x) for x in tree]
    if isinstance(tree, float) and not math.isfinite(tree):
        return repr(tree)
    return tree
