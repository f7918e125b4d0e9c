"""Exercises: the learner computes one number of a training step by hand; the debugger checks it.

An exercise names a quantity of one event and the step it belongs to::

    delta@2[0,1]   δ²₁ of example 0: the Delta event of layer 2
    z@1[0,0]       z¹₀ of example 0: the Forward event of layer 1 (a@1[0,0]: a¹₀)
    loss           the loss C: the Loss event
    grad_W@2[0,1]  ∂C/∂W²₀₁: the Gradient event of layer 2 (grad_b@2[0]: ∂C/∂b²₀)
    step_W@2[0,1]  ΔW²₀₁, the step the update subtracts (W ← W − ΔW): the Update event
    W_new@2[0,1]   W²₀₁ after the update (b_new@2[0], step_b@2[0] for the bias)

The names and indices are the debugger's expressions' (``p delta@2[0,1]``): layers from 1, and
every index from 0 — ``[example, unit]`` for the per-example arrays z, a and δ, ``[j, k]`` (row j,
column k) for a weight, ``[j]`` for a bias. The quantity fixes the event; the exercise adds the
step (from 1) and a relative tolerance.

``start(controller, exercise)`` poses an exercise: it moves the debugger to the event, reads
the engine's value and the debugger's own explanation of it there (the equation with its
numbers, ``worked``), and steps back one event, so that what the quantity is computed from is on
screen and the quantity itself is not. It returns an ``Attempt``: ``answer(text)`` judges a
typed answer (``check`` → ``Verdict``: "enter a number", right, or wrong and how far),
``reveal()`` gives up; ``show(controller, exercise)`` then moves onto the event. The lab's
Lesson pane and the line mode's ``exercise`` command are two views of these.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import DebuggerError
from .formatting import DIGITS, num, symbol, to_ascii
from .position import KIND_NAMES

QUANTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "z": ("forward", ("example", "unit")),
    "a": ("forward", ("example", "unit")),
    "loss": ("loss", ()),
    "delta": ("delta", ("example", "unit")),
    "grad_W": ("gradient", ("j", "k")),
    "grad_b": ("gradient", ("j",)),
    "step_W": ("update", ("j", "k")),
    "W_new": ("update", ("j", "k")),
    "step_b": ("update", ("j",)),
    "b_new": ("update", ("j",)),
}
"""Quantity name → (the event it belongs to, the meaning of its indices)."""

DEFAULT_TOLERANCE = 1e-3
"""Relative: an answer written with four significant digits passes."""

_QUANTITY = re.compile(
    r"^\s*(?P<name>[A-Za-z_]+)\s*(?:@\s*(?P<l>\d+))?\s*"
    r"(?:\[\s*(?P<idx>\d+(?:\s*,\s*\d+)*)\s*\])?\s*$"
)
_MAX_INDEX = 10**9


def _names() -> str:
    return ", ".join(QUANTITIES)


@dataclass(frozen=True)
class Quantity:
    """One number of one event: ``name`` (a key of QUANTITIES), layer ``l`` (None for the
    loss) and ``index`` (0-based)."""

    name: str
    l: int | None
    index: tuple[int, ...]

    @property
    def kind(self) -> str:
        """The event kind the quantity belongs to."""
        return QUANTITIES[self.name][0]

    def event_name(self) -> str:
        """``Delta(l=2)``, ``Loss``: the event as the debugger names it."""
        name = KIND_NAMES[self.kind]
        return name if self.l is None else f"{name}(l={self.l})"

    def text(self) -> str:
        """As written in a scenario and in the debugger's expressions: ``delta@2[0,1]``."""
        if self.l is None:
            return self.name
        return f"{self.name}@{self.l}[{','.join(map(str, self.index))}]"

    @property
    def example(self) -> int | None:
        """The batch row of a per-example quantity (z, a, δ); None for the others."""
        return self.index[0] if QUANTITIES[self.name][1][:1] == ("example",) else None

    @property
    def select(self) -> tuple[int, ...] | None:
        """The unit or weight the debugger's explanation is about (``Controller.explain``)."""
        if self.name == "loss":
            return None
        return self.index[1:] if self.example is not None else self.index

    def symbol(self, ascii: bool = False) -> str:
        """``δ²₁ (example 0)``, ``∂C/∂W²₀₁``, ``ΔW²₀₁``, ``W²₀₁ after the update``, ``C``."""
        n, l, select = self.name, self.l, self.select
        if n == "loss":
            text = "C"
        elif n in ("z", "a", "delta"):
            text = symbol("δ" if n == "delta" else n, l, select)
        elif n in ("grad_W", "grad_b"):
            text = "∂C/∂" + symbol(n[-1], l, select)
        elif n in ("step_W", "step_b"):
            text = "Δ" + symbol(n[-1], l, select)
        else:
            text = symbol(n[0], l, select) + " after the update"
        if self.example is not None:
            text += f" (example {self.example})"
        return to_ascii(text) if ascii else text

    def value(self, event) -> float:
        """The quantity in ``event`` (the event of ``kind``; its arrays are the engine's)."""
        if self.name == "loss":
            return float(event.value)
        return float(getattr(event, self.name)[self.index])

    def check_sizes(self, sizes: tuple[int | None, ...], batch: int | None = None) -> None:
        """DebuggerError when an index does not exist: ``sizes`` are n⁰ (inputs), n¹, …, nᴸ;
        ``batch`` the examples of a step (None: unknown, not checked)."""
        L = len(sizes) - 1
        if self.l is None:
            return
        if self.l > L:
            raise DebuggerError(
                f"{self.text()}: layer {self.l} does not exist; the network has layers 1…{L}"
            )
        meaning = QUANTITIES[self.name][1]
        bounds = {"example": batch, "unit": sizes[self.l], "j": sizes[self.l]}
        bounds["k"] = sizes[self.l - 1]
        words = {
            "example": "examples in a step",
            "unit": f"units in layer {self.l}",
            "j": f"units in layer {self.l}",
            "k": f"inputs to layer {self.l}",
        }
        for i, what in zip(self.index, meaning):
            n = bounds[what]
            if n is not None and i >= n:
                raise DebuggerError(
                    f"{self.text()}: {what} {i} does not exist; there are {n} {words[what]} "
                    f"(0…{n - 1})"
                )


def parse_quantity(text: str, L: int | None = None) -> Quantity:
    """``"delta@2[0,1]"`` → Quantity; DebuggerError saying what is allowed."""
    if not isinstance(text, str):
        raise DebuggerError(f"a quantity is text such as delta@2[0,1], got {text!r}")
    m = _QUANTITY.match(text)
    name = m.group("name") if m else None
    if name is None or name not in QUANTITIES:
        word = name if name is not None else text.strip()[:30]
        raise DebuggerError(
            f"{word!r} is not a quantity an exercise can ask for; allowed: {_names()} "
            "(e.g. delta@2[0,1], grad_W@1[0,0], loss)"
        )
    assert m is not None  # a name was matched
    meaning = QUANTITIES[name][1]
    if name == "loss":
        if m.group("l") or m.group("idx"):
            raise DebuggerError("loss is one number for the step: write it without @ or [ ]")
        return Quantity(name, None, ())
    if m.group("l") is None or m.group("idx") is None:
        raise DebuggerError(
            f"{name} needs a layer and {len(meaning)} "
            f"ind{'ices' if len(meaning) > 1 else 'ex'} [{', '.join(meaning)}], "
            f"e.g. {name}@1[{','.join('0' * len(meaning))}]"
        )
    parts = [p.strip() for p in m.group("idx").split(",")]
    if any(len(p) > 9 for p in [m.group("l"), *parts]):
        raise DebuggerError(f"{text.strip()[:40]!r}: a layer or an index is far too large")
    l = int(m.group("l"))
    index = tuple(int(p) for p in parts)
    if len(index) != len(meaning):
        raise DebuggerError(
            f"{name} takes {len(meaning)} ind{'ices' if len(meaning) > 1 else 'ex'} "
            f"[{', '.join(meaning)}], got {len(index)}"
        )
    if l < 1 or (L is not None and l > L):
        valid = f"1…{L}" if L is not None else "1 or more"
        raise DebuggerError(f"{name}@{l}: layer {l} does not exist; layers are {valid}")
    return Quantity(name, l, index)


@dataclass(frozen=True)
class Exercise:
    """Compute ``quantity`` at ``step`` (from 1); an answer within ``tolerance`` (relative)
    of the engine's value is right. ``number`` counts the scenario's exercises from 1."""

    number: int
    prompt: str
    quantity: Quantity
    step: int = 1
    tolerance: float = DEFAULT_TOLERANCE
    hint: str = ""

    def where(self) -> str:
        """``step 1, Delta(l=2)``."""
        return f"step {self.step}, {self.quantity.event_name()}"

    def title(self, ascii: bool = False) -> str:
        """``Exercise 2: δ²₀ (example 0) at step 1, Delta(l=2)``."""
        return f"Exercise {self.number}: {self.quantity.symbol(ascii)} at {self.where()}"


def exercise_from_table(number: int, table: dict, L: int | None = None) -> Exercise:
    """The exercise of a validated ``[[exercises]]`` table (keys prompt, quantity, step,
    tolerance, hint). DebuggerError for a quantity that does not parse."""
    return Exercise(
        number,
        table["prompt"].strip(),
        parse_quantity(table["quantity"], L),
        table.get("step", 1),
        table.get("tolerance", DEFAULT_TOLERANCE),
        table.get("hint", "").strip(),
    )


# --- moving there and reading the value ---------------------------------------------------------


def at_event(controller, exercise: Exercise) -> bool:
    """Whether the debugger stands at the exercise's event."""
    pos = controller.position
    q = exercise.quantity
    return pos.step == exercise.step and pos.kind == q.kind and pos.layer == q.l


def is_behind(controller, exercise: Exercise) -> bool:
    """Whether the exercise's event lies before the current position (going back is needed)."""
    if at_event(controller, exercise):
        return False
    pos = controller.position
    if pos.step != exercise.step:
        return exercise.step < pos.step
    q = exercise.quantity
    events = controller.record.events or ()
    return any(
        ev.kind == q.kind and getattr(ev, "l", None) == q.l for ev in events[: pos.index + 1]
    )


def go_to(controller, exercise: Exercise):
    """Move the debugger to the exercise's event: forward (breakpoints on the way do not stop
    it), or back within the history. Returns the last ``Stop``, or None when already there.

    DebuggerError when the event is out of reach: before the oldest step ``back`` can reach
    (``restart`` first), or after the end of training."""
    if at_event(controller, exercise):
        return None
    q = exercise.quantity
    if is_behind(controller, exercise):
        oldest = controller.timeline.oldest
        if oldest is None or exercise.step < oldest:
            raise DebuggerError(
                f"exercise {exercise.number} is at {exercise.where()}, before the oldest step "
                f"kept ({oldest}); restart first (step {controller.start_step + 1} again)"
            )
        stop = None
        while not at_event(controller, exercise):
            stop = controller.back()
            if stop.reason == "history":
                raise DebuggerError(stop.message)
        return stop
    stop = controller.goto(exercise.step, q.kind, q.l)
    if not at_event(controller, exercise):
        why = stop.message or f"the debugger stopped at {controller.position.event_name()}"
        raise DebuggerError(f"cannot reach exercise {exercise.number} ({exercise.where()}): {why}")
    return stop


def expected(controller, exercise: Exercise) -> float:
    """The engine's value of the exercise's quantity; the debugger must be at its event."""
    if not at_event(controller, exercise):
        raise DebuggerError(f"exercise {exercise.number} is answered at {exercise.where()}")
    return exercise.quantity.value(controller.event)


def worked(controller, exercise: Exercise):
    """The debugger's explanation of the quantity (``explain.Explanation``): its equation with
    the numbers, as ``explain`` shows it at that event."""
    q = exercise.quantity
    return controller.explain(q.select, q.example or 0)


# --- judging an answer ---------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_number(text: str) -> float | None:
    """The number a learner typed (``0.1385``, ``-1.2e-3``, ``−0.5``, ``0,25``), or None."""
    t = text.strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")  # a decimal comma
    if not _NUMBER.match(t) or len(t) > 60:
        return None
    value = float(t)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Verdict:
    """How an answer fared: ``status`` is "not_a_number", "right" or "wrong"; ``message`` one
    or two sentences for the learner; ``error`` the relative error (None when not a number)."""

    status: str
    message: str
    answer: float | None = None
    error: float | None = None

    @property
    def right(self) -> bool:
        return self.status == "right"


def relative_error(answer: float, expected: float) -> float:
    """|answer − expected| / |expected| (inf when expected is 0 and the answer is not)."""
    if expected == 0:
        return 0.0 if answer == 0 else math.inf
    return abs(answer - expected) / abs(expected)


def how_far(error: float) -> str:
    """``12%``, ``3.5%``, ``0.42%``, ``a factor of 25``."""
    if error >= 10:
        return f"a factor of {error + 1:.0f}" if math.isfinite(error) else "everything"
    percent = error * 100
    if percent >= 10:
        return f"{percent:.0f}%"
    if percent >= 1:
        return f"{percent:.1f}%"
    return f"{percent:.2g}%"


def answer_text(exercise: Exercise, value: float) -> str:
    """``value`` as the debugger writes it (``num``: four significant digits), with as many more
    as it takes to lie within the exercise's tolerance, so that the number given as the answer
    is one the check accepts: saturation's new weight 3.49955, not 3.500 (its change, the
    point of the exercise, is in the fourth decimal, and 3.4995 is refused)."""
    for digits in range(DIGITS, 18):
        text = num(value, digits)
        if relative_error(float(text), value) <= exercise.tolerance:
            break
    return text


def check(exercise: Exercise, expected_value: float, answer: str) -> Verdict:
    """Judge the text ``answer`` against the engine's ``expected_value``."""
    value = read_number(answer)
    if value is None:
        return Verdict("not_a_number", "Enter a number (for example 0.1385 or -1.2e-3).")
    error = relative_error(value, expected_value)
    shown = answer_text(exercise, expected_value)
    if error <= exercise.tolerance:
        return Verdict(
            "right",
            f"Right: {exercise.quantity.symbol()} = {shown} (the engine's value: "
            f"{expected_value:.10g}).",
            value,
            error,
        )
    if expected_value == 0:
        message = f"Not quite: the value is much smaller than {value:.10g}."
        return Verdict("wrong", message, value, error)
    message = f"Not quite: {value:.10g} is off by {how_far(error)}"
    if relative_error(-value, expected_value) <= exercise.tolerance:
        message += " — the sign is wrong"
    elif math.isfinite(error) and error < 0.1:
        message += f" (an answer within {how_far(exercise.tolerance)} counts)"
    return Verdict("wrong", message + ".", value, error)


class Attempt:
    """One learner's try at one exercise: answers until right or revealed.

    ``answer(text)`` → Verdict (a non-number leaves the attempt open and counts nothing);
    ``reveal()`` ends it. ``expected`` and ``explanation`` are the engine's value and the
    debugger's worked equation, read at the exercise's event (``start``).
    """

    def __init__(self, exercise: Exercise, expected_value: float, explanation):
        self.exercise = exercise
        self.expected = expected_value
        self.explanation = explanation
        self.tries = 0
        self.solved = False
        self.revealed = False

    @property
    def open(self) -> bool:
        return not (self.solved or self.revealed)

    def answer(self, text: str) -> Verdict:
        verdict = check(self.exercise, self.expected, text)
        if verdict.status != "not_a_number":
            self.tries += 1
            self.solved = self.solved or verdict.right
        return verdict

    def reveal(self) -> str:
        """The answer, as one line."""
        self.revealed = True
        q = self.exercise.quantity
        shown = answer_text(self.exercise, self.expected)
        return f"The answer: {q.symbol()} = {shown} ({self.expected:.10g})."

    def worked_text(self, ascii: bool = False, width: int | None = None) -> str:
        """The worked equation with the numbers (the debugger's explanation as text); with
        ``width``, no line wider (``Explanation.text``)."""
        return self.explanation.text(ascii=ascii, width=width)


def start(controller, exercise: Exercise) -> Attempt:
    """Pose ``exercise``: go to its event, read the engine's value and the worked equation
    there, then step back one event — the debugger stands just before the event, with the
    numbers the quantity is computed from on screen and the quantity itself not yet.
    DebuggerError (from ``go_to``) when the event is out of reach."""
    go_to(controller, exercise)
    attempt = Attempt(exercise, expected(controller, exercise), worked(controller, exercise))
    controller.back()
    return attempt


def show(controller, exercise: Exercise):
    """After the answer: the debugger onto the exercise's event (its equation on screen)."""
    return go_to(controller, exercise)
