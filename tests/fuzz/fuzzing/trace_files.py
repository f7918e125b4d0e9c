"""Trace files (``backprop-lab trace``): a real trace's JSON with fields deleted or replaced by
values of the wrong type or size, its text cut or nested deeply; read back by ``read_trace``."""

from __future__ import annotations

import copy
import io
import json

from hypothesis import strategies as st

from . import bounded, one_line

_BASE: list[dict] = []


def trace_base() -> dict:
    """The trace of xor's first two steps, as JSON (made once)."""
    if not _BASE:
        from engine import trace
        from scenarios import build_run, load_scenario

        _BASE.append(json.loads(trace.dumps(build_run(load_scenario("xor")), 2)))
    return _BASE[0]


def _spots(node, prefix=()):
    """Every key path of ``node`` (the first three entries of an array: the rest are alike)."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _spots(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:3]):
            yield from _spots(value, (*prefix, i))


wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**100, -(10**30), 2**63, "nan", "-inf", "x", "object", "V8", "float16"]),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(-3, 3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([[[1, 2], [3]], {"old": 1}, [[[[[[[[1]]]]]]]], [{"kind": "forward"}]]),
)


@st.composite
def trace_texts(draw) -> str:
    """A damaged trace: one or two fields deleted or replaced, or the text cut or nested."""
    document = copy.deepcopy(trace_base())
    action = draw(st.sampled_from(["field", "field", "field", "cut", "nest"]))
    if action == "field":
        spots = list(_spots(document))[1:]
        for _ in range(draw(st.integers(1, 2))):
            path = draw(st.sampled_from(spots))
            parent = document
            try:
                for part in path[:-1]:
                    parent = parent[part]
                if isinstance(parent, dict) and draw(st.booleans()):
                    del parent[path[-1]]
                else:
                    parent[path[-1]] = draw(wrong_values)
            except (KeyError, IndexError, TypeError):
                pass  # the first change removed the way to the second
        return json.dumps(document)
    text = json.dumps(document)
    if action == "cut":
        return text[: draw(st.integers(0, len(text)))]
    depth = draw(st.sampled_from([100, 5000, 100_000]))
    return text.replace('"steps": [', '"steps": ' + "[" * depth + "[", 1).replace(
        "]}", "]" * depth + "]}", 1
    )


def trace_target(text: str) -> None:
    """Read ``text`` as a trace: a Trace, or one ValueError line naming it."""
    from engine.trace import read_trace

    with bounded("trace file"):
        try:
            read_trace(io.StringIO(text))
        except ValueError as e:
            one_line(e, starts="the trace")
