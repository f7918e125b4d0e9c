"""Watches: expressions shown at every stop (the line mode's ``display``), e.g. ``W@2[0,1]``,
``delta@3``, ``grad_norm@1``, ``loss``, ``a@1[0]`` — in the language of ``conditions.py``.

A watch that cannot be evaluated at the current position (a delta not computed yet) shows why
instead of a value; it never stops anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from .conditions import Expression, parse_expression
from .errors import DebuggerError, EvalError
from .formatting import value as format_value


@dataclass(frozen=True)
class Watch:
    id: int
    expression: Expression

    @property
    def text(self) -> str:
        return self.expression.text


@dataclass(frozen=True)
class WatchValue:
    """A watch's value at one position: ``value`` or, when it cannot be evaluated, ``error``."""

    watch: Watch
    value: object = None
    error: str | None = None

    def text(self) -> str:
        """``1: W@2[0,1] = 0.4000`` or ``2: delta@3: delta@3 is not computed yet …``."""
        head = f"{self.watch.id}: {self.watch.text}"
        if self.error is not None:
            return f"{head}: {self.error}"
        shown = format_value(self.value)
        return f"{head} =\n{shown}" if "\n" in shown else f"{head} = {shown}"


class Watches:
    def __init__(self, L: int):
        self.L = L
        self._items: dict[int, Watch] = {}
        self._next_id = 1

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def add(self, text: str) -> Watch:
        """Add a watch; ConditionError (with the column) when it does not parse."""
        watch = Watch(self._next_id, parse_expression(text, self.L))
        self._items[watch.id] = watch
        self._next_id += 1
        return watch

    def remove(self, watch_id: int) -> Watch:
        try:
            return self._items.pop(watch_id)
        except KeyError:
            ids = ", ".join(map(str, self._items)) or "none"
            raise DebuggerError(f"no watch {watch_id}; watches: {ids}") from None

    def clear(self) -> None:
        self._items.clear()

    def values(self, ctx) -> list[WatchValue]:
        out = []
        for watch in self._items.values():
            try:
                out.append(WatchValue(watch, watch.expression.evaluate(ctx)))
            except EvalError as e:
                out.append(WatchValue(watch, error=str(e)))
        return out
