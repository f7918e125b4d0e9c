"""Breakpoints: where (an event kind and/or a layer) and when (a condition) the debugger stops.

Syntax of a breakpoint (the line mode's ``break`` argument, a scenario's ``at`` / ``when``)::

    update@2                 before the Update of layer 2 (stop when it is the next event shown)
    delta                    before every Delta event
    @3                       before any event of layer 3
    update@2 if loss > 1     the same, only when the condition holds (evaluated at that event)
    grad_norm@1 < 1e-6       a condition alone: evaluated at the end of every step

Event kinds: ``step_start`` (``start``), ``forward``, ``loss``, ``delta``, ``gradient`` (``grad``),
``clip``, ``update``, ``step_end`` (``end``).

When a condition is evaluated: a condition alone at each StepEnd, with that step's statistics
and loss; a condition after ``if`` when its event arrives, with the values known at that point
(``loss`` of the current step once its Loss event has passed, statistics of the last completed
step — see ``conditions.py``).

Each breakpoint has an id, ``enabled``, ``temporary`` (deleted after its first stop), an
``ignore`` count (hits to pass over) and a ``hits`` count, as in pdb: a hit counts when the
location matches and the condition is true; a condition that cannot be evaluated counts as a hit
and stops, showing its error. Breakpoint 0 is built in: stop at the first non-finite value (NaN or
±∞) of a step, naming the layer and the quantity; it can be disabled, not deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..events import EVENT_KINDS
from .conditions import ALL_NAMES, Expression, parse_condition
from .errors import ConditionError, DebuggerError
from .position import KIND_NAMES

KIND_ALIASES = {kind: kind for kind in EVENT_KINDS} | {
    "start": "step_start",
    "end": "step_end",
    "grad": "gradient",
}
PER_STEP_KINDS = {"step_start", "loss", "clip", "step_end"}  # no layer
KIND_WORDS = ("start", "forward", "loss", "delta", "gradient", "clip", "update", "end")
"""The kinds as the help and the breakpoints screen list them (``KIND_ALIASES``' keys)."""


def kinds_to_events(per_line: int = len(KIND_WORDS)) -> list[str]:
    """The kinds beside the events they stop before, as the status line and ``where`` name
    them: ``start=StepStart forward=Forward … end=StepEnd``, ``per_line`` pairs a line."""
    pairs = [f"{word}={KIND_NAMES[KIND_ALIASES[word]]}" for word in KIND_WORDS]
    return [" ".join(pairs[i : i + per_line]) for i in range(0, len(pairs), per_line)]


NAN_ID = 0

_LOCATION = re.compile(r"\s*(?P<kind>[A-Za-z_]+)?\s*(?:(?P<at>@)\s*(?P<layer>-?\d+)?)?")


@dataclass(eq=False)
class Breakpoint:
    """One breakpoint (see the module docstring). ``kind``/``layer`` None mean any."""

    id: int
    kind: str | None = None
    layer: int | None = None
    condition: Expression | None = None
    enabled: bool = True
    temporary: bool = False
    ignore: int = 0
    hits: int = 0
    builtin: str | None = None  # "nan" for breakpoint 0

    @property
    def has_location(self) -> bool:
        return self.kind is not None or self.layer is not None

    @property
    def needs_events(self) -> bool:
        """True when only the event stream can show whether it fires (not the fast path)."""
        if self.builtin:
            return False
        return self.has_location or (self.condition is not None and self.condition.needs_events)

    def location(self) -> str:
        """``update@2``, ``delta``, ``@3`` or ``""`` (a condition alone)."""
        if not self.has_location:
            return ""
        text = self.kind or ""
        return text + (f"@{self.layer}" if self.layer is not None else "")

    def spec(self) -> str:
        """The breakpoint as it would be typed: ``update@2 if loss > 1``."""
        if self.builtin == "nan":
            return "first non-finite value (NaN or ±inf)"
        where = self.location()
        if self.condition is None:
            return where
        return f"{where} if {self.condition}" if where else str(self.condition)

    def matches(self, event) -> bool:
        """The location part: this event is of the kind and layer the breakpoint names."""
        if self.kind is not None and event.kind != self.kind:
            return False
        return self.layer is None or getattr(event, "l", None) == self.layer

    def describe(self) -> str:
        """One line of the breakpoint list."""
        kind = "tbreak" if self.temporary else "break"
        state = "enabled " if self.enabled else "disabled"
        text = f"{self.id:<3} {kind:<6} {state} {self.spec()}"
        if self.hits:
            text += f"  (hit {self.hits} time{'s' if self.hits != 1 else ''})"
        if self.ignore:
            text += f"  (ignore next {self.ignore} hit{'s' if self.ignore != 1 else ''})"
        return text


def parse_location(text: str, L: int | None = None) -> tuple[str | None, int | None, int]:
    """``update@2`` → (``"update"``, 2, end column); (None, None, 0) when ``text`` is no location.

    ConditionError (with the column) for a layer outside 1…L or a layer on a per-step kind.
    """
    m = _LOCATION.match(text)
    assert m is not None  # every part of _LOCATION is optional: it matches any text
    word = m.group("kind")
    if word is not None and word.lower() not in KIND_ALIASES:
        return None, None, 0
    if word is None and not m.group("at"):
        return None, None, 0
    kind = KIND_ALIASES[word.lower()] if word else None
    layer = None
    if m.group("at"):
        if m.group("layer") is None:
            raise ConditionError("expected a layer number after @", text, m.end("at"))
        layer = int(m.group("layer"))
        col = m.start("layer")
        if kind in PER_STEP_KINDS:
            raise ConditionError(
                f"{kind} happens once per step, not per layer; write it without @", text, col
            )
        if layer < 1 or (L is not None and layer > L):
            valid = f"1…{L}" if L is not None else "1 or more"
            raise ConditionError(f"layer {layer} does not exist; layers are {valid}", text, col)
    return kind, layer, m.end()


def parse_breakpoint(text: str, L: int | None = None):
    """``"update@2 if loss > 1"`` → (kind, layer, condition or None); ConditionError if bad."""
    source = text.strip()
    if not source:
        raise ConditionError("empty breakpoint: give an event (update@2) or a condition", text, 0)
    kind, layer, end = parse_location(source, L)
    if kind is None and layer is None:
        if re.match(r"if\b", source):  # "b if loss > 1" read 'if' as a name it did not know
            raise ConditionError(
                "'if' follows an event (update@2 if loss > 1, checked when the event comes);"
                " a condition alone takes no 'if' (loss > 1, checked at the end of each step)",
                source,
                0,
            )
        return None, None, _condition(source, source, 0, L)
    rest = source[end:]
    if not rest.strip():
        return kind, layer, None
    m = re.match(r"\s*if\b", rest)
    word = re.match(r"[A-Za-z_]+", source)
    if not m and layer is None and word and word.group() in ALL_NAMES:
        return None, None, _condition(source, source, 0, L)  # "loss > 1": the name, not the kind
    if not m:
        col = end + len(rest) - len(rest.lstrip())
        raise ConditionError("expected 'if CONDITION' or the end after the location", source, col)
    offset = end + m.end()
    return kind, layer, _condition(source[offset:], source, offset, L)


def _condition(part: str, whole: str, offset: int, L):
    """Parse the condition ``part`` of ``whole``; error columns count in ``whole``."""
    stripped = part.lstrip()
    lead = offset + len(part) - len(stripped)
    try:
        return parse_condition(stripped.rstrip(), L)
    except ConditionError as e:
        raise ConditionError(e.message, whole, lead + e.column) from None


class Breakpoints:
    """The breakpoints of one session, by id (0 = the built-in non-finite breakpoint)."""

    def __init__(self, L: int | None = None, *, nan: bool = True):
        self.L = L
        self._by_id: dict[int, Breakpoint] = {
            NAN_ID: Breakpoint(NAN_ID, enabled=nan, builtin="nan")
        }
        self._next_id = 1
        self.version = 0  # changes whenever the set of breakpoints or a flag changes

    def __iter__(self) -> Iterator[Breakpoint]:
        return iter(sorted(self._by_id.values(), key=lambda bp: bp.id))

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def nan(self) -> Breakpoint:
        return self._by_id[NAN_ID]

    def get(self, bp_id: int) -> Breakpoint:
        try:
            return self._by_id[bp_id]
        except KeyError:
            ids = ", ".join(str(i) for i in sorted(self._by_id))
            raise DebuggerError(f"no breakpoint {bp_id}; breakpoints: {ids}") from None

    def add(
        self,
        text: str | None = None,
        *,
        at: str | None = None,
        when: str | None = None,
        temporary: bool = False,
        ignore: int = 0,
        enabled: bool = True,
    ) -> Breakpoint:
        """Add a breakpoint from its text (``update@2 if loss > 1``) or from ``at`` + ``when``.

        Raises ConditionError (with the column) for a bad location or condition; nothing is
        added then.
        """
        if text is not None:
            kind, layer, condition = parse_breakpoint(text, self.L)
        else:
            if not at and not when:
                raise DebuggerError("a breakpoint needs a location (at) or a condition (when)")
            kind, layer = None, None
            if at:
                kind, layer, end = parse_location(at, self.L)
                if (kind is None and layer is None) or at[end:].strip():
                    raise ConditionError(
                        "expected an event kind, optionally with a layer (e.g. update@2); "
                        f"kinds: {', '.join(EVENT_KINDS)}",
                        at,
                        end,
                    )
            condition = _condition(when, when, 0, self.L) if when else None
        if isinstance(ignore, bool) or not isinstance(ignore, int) or ignore < 0:
            raise DebuggerError(f"ignore must be a whole number ≥ 0, got {ignore!r}")
        bp = Breakpoint(
            self._next_id, kind, layer, condition, bool(enabled), bool(temporary), ignore
        )
        self._by_id[bp.id] = bp
        self._next_id += 1
        self.version += 1
        return bp

    def clear(self, bp_id: int) -> Breakpoint:
        bp = self.get(bp_id)
        if bp.builtin:
            raise DebuggerError(
                "breakpoint 0 (non-finite values) is built in; use 'disable 0' to turn it off"
            )
        del self._by_id[bp_id]
        self.version += 1
        return bp

    def clear_all(self) -> None:
        for bp_id in [i for i, bp in self._by_id.items() if not bp.builtin]:
            del self._by_id[bp_id]
        self.version += 1

    def set_enabled(self, bp_id: int, enabled: bool) -> Breakpoint:
        bp = self.get(bp_id)
        bp.enabled = enabled
        self.version += 1
        return bp

    def set_ignore(self, bp_id: int, count: int) -> Breakpoint:
        if count < 0:
            raise DebuggerError(f"the ignore count must be ≥ 0, got {count}")
        bp = self.get(bp_id)
        bp.ignore = count
        return bp

    # --- what the controller checks -------------------------------------------------------

    def at_events(self) -> list[Breakpoint]:
        """Enabled breakpoints with a location (checked as each event arrives)."""
        return [bp for bp in self if bp.enabled and bp.has_location]

    def at_step_end(self) -> list[Breakpoint]:
        """Enabled conditions without a location (checked at each StepEnd)."""
        return [
            bp
            for bp in self
            if bp.enabled and not bp.has_location and not bp.builtin and bp.condition
        ]

    def need_events(self) -> bool:
        return any(bp.enabled and bp.needs_events for bp in self)


def breakpoints_from_scenario(entries: Iterable[dict], L: int | None = None) -> list[dict]:
    """Check a scenario's ``[[breakpoints]]`` tables; return keyword arguments for ``add``.

    Keys: ``at`` (e.g. ``"update@2"``), ``when`` (a condition), ``temporary``, ``ignore``,
    ``enabled``. DebuggerError names the entry (1-based) and key, with the caret line.
    """
    table = Breakpoints(L)
    out = []
    for i, entry in enumerate(entries, start=1):
        unknown = set(entry) - {"at", "when", "temporary", "ignore", "enabled"}
        if unknown:
            raise DebuggerError(
                f"breakpoints[{i}]: unknown key {sorted(unknown)[0]!r}; "
                "allowed: at, when, temporary, ignore, enabled"
            )
        kwargs = {
            "at": entry.get("at"),
            "when": entry.get("when"),
            "temporary": bool(entry.get("temporary", False)),
            "ignore": entry.get("ignore", 0),
            "enabled": bool(entry.get("enabled", True)),
        }
        try:
            table.add(**kwargs)
        except ConditionError as e:
            key = "at" if kwargs["at"] is not None and e.text == kwargs["at"] else "when"
            raise DebuggerError(f"breakpoints[{i}].{key}: {e.message}\n{e.caret('  ')}") from None
        except DebuggerError as e:
            raise DebuggerError(f"breakpoints[{i}]: {e}") from None
        out.append(kwargs)
    return out
