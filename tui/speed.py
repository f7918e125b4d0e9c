"""Playback speed: how many training steps a second the lab takes, and how it keeps to it.

A speed is a whole number of steps per second (1 … 10000, ``[lab] speed`` in a scenario,
declared in ``scenarios.schema.LAB``) or ``"max"``: unthrottled. ``+`` and ``-`` move along
``LADDER``. The training thread keeps to the speed by waiting after each step
(``Pacer.wait``), on an injectable ``clock``, so tests count the steps taken in a window of a
clock they drive instead of timing anything. While training runs the status line measures the
rate reached (``RateMeter``) and gives it where the setting does not: at ``max``, or when the
machine falls short of the speed set (``speed_text``).

At ``ANIMATE_AT_MOST`` steps a second or fewer the lab *animates* each step: the debugger's
controller takes it event by event (``Controller.cont(events=True)``) and the training thread
waits after each event — forward layer by layer, loss, δ backward layer by layer, gradients,
updates — for an equal share of the step's time, so that the network picture and the Debugger
panel, which follow the debugger's current event, show the backward pass as it happens.

While a step is animated, the controller belongs to the training thread except while it waits
between two events; the UI draws from it only then, holding ``LabSession.lock`` (``frozen``).
"""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from typing import cast

from textual.message import Message

from scenarios.schema import LAB
from tui.lab_host import LabHost

MAX = "max"
LADDER: tuple[int | str, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, MAX)
"""The speeds ``+`` and ``-`` step through (a scenario may start between two of them)."""
ANIMATE_AT_MOST = 4
"""At this many steps a second or fewer, each step's events are shown one by one."""
EVENT_FRAME_GAP = 1 / 12
"""Seconds between two frames of an animated step's events, at least: every event is drawn at
1 step a second on a small network (xor: 10 events a second); faster, the screen shows the
latest event each time and keys stay quick (frames of the picture and the Debugger panel take
20–80 ms to compose and render at 120×40)."""
DEFAULT_SPEED = cast(int, LAB["speed"].default)
"""A scenario without ``[lab] speed``: xor, the default scenario, reaches its target in ~30 s."""


RATE_WINDOW = 2.0
"""Seconds of training the measured rate (``RateMeter``) is taken over."""
RATE_SHORT = 0.9
"""A set speed is said to be reached down to this share of it: below, the status line gives the
rate measured beside it."""
RATE_FROM = 20
"""The slowest set speed whose shortfall is told: below it the window holds too few steps to
tell a shortfall from the count's granularity (one step in ten at 5/s)."""


def speed_text(speed: int | str, measured: float | None = None) -> str:
    """``speed 20/s`` or ``speed max``: how the status line writes it. With the rate ``measured``
    while training runs (steps a second, ``RateMeter``), where the speed is ``max`` or the
    machine falls short of it: ``speed 12,000/s of max``, ``speed 7,700/s of 10,000/s`` (two
    significant digits: a figure that flickers in its last digits cannot be read)."""
    if not isinstance(speed, int):  # MAX
        return "speed max" if measured is None else f"speed {_two_digits(measured):,}/s of max"
    if measured is not None and speed >= RATE_FROM and measured < RATE_SHORT * speed:
        return f"speed {_two_digits(measured):,}/s of {speed:,}/s"
    return f"speed {speed:,}/s"


def _two_digits(rate: float) -> int:
    """``rate`` rounded to two significant digits: 12,345 → 12,000, 478 → 480, 7.4 → 7."""
    if rate < 10:
        return round(rate)
    digits = len(str(int(rate))) - 2
    return int(round(rate, -digits))


class RateMeter:
    """The training speed actually reached: steps a second over the last ``RATE_WINDOW``
    seconds, from the step counts the status line shows while training runs (``observe``).
    None until the samples span half the window, so a run's first instants give no figure;
    ``reset`` when training stops, so a new run is not measured with the old one's steps."""

    def __init__(self) -> None:
        self._samples: list[tuple[float, int]] = []  # (seconds, step), oldest first

    def reset(self) -> None:
        self._samples.clear()

    def observe(self, step: int, now: float) -> float | None:
        """Record that ``step`` was the latest at ``now`` (seconds); the rate, or None."""
        samples = self._samples
        if samples and step < samples[-1][1]:  # gone back (a reset): measure afresh
            samples.clear()
        samples.append((now, step))
        while len(samples) > 2 and now - samples[1][0] >= RATE_WINDOW:
            samples.pop(0)
        then, first = samples[0]
        if now - then < RATE_WINDOW / 2:
            return None
        return (step - first) / (now - then)


def faster(speed: int | str) -> int | str:
    """The next speed up ``LADDER`` (``max`` stays ``max``)."""
    if not isinstance(speed, int):  # MAX
        return MAX
    return next(s for s in LADDER if not isinstance(s, int) or s > speed)


def slower(speed: int | str) -> int | str:
    """The next speed down ``LADDER`` (1 stays 1)."""
    if not isinstance(speed, int):  # MAX
        return LADDER[-2]
    below = [s for s in LADDER if isinstance(s, int) and s < speed]
    return below[-1] if below else LADDER[0]


def animated(speed: int | str) -> bool:
    """Whether steps at ``speed`` are shown event by event."""
    return isinstance(speed, int) and speed <= ANIMATE_AT_MOST  # (not MAX)


class MonotonicClock:
    """The real clock: ``time.monotonic``, and sleeps that ``wake`` cuts short."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, wake: threading.Event) -> None:
        wake.wait(seconds)


class Pacer:
    """Keeps the training thread at ``speed`` steps a second (see the module docstring).

    ``wait(share)`` is called by the training thread after a step (share 1) or after one of an
    animated step's events (its share of the step); ``set(speed)`` and ``halt()`` come from the
    UI thread and cut a wait short at once: a new speed applies from the wait in progress, a
    halt (pause) ends it. ``clock`` has ``now()`` and ``sleep(seconds, wake)``.
    """

    def __init__(self, speed: int | str = DEFAULT_SPEED, clock=None) -> None:
        self.speed = speed
        self.clock = clock if clock is not None else MonotonicClock()
        self._wake = threading.Event()
        self._halted = False
        self.last = 0.0  # when the last wait ended (the clock's seconds)

    @property
    def animating(self) -> bool:
        return animated(self.speed)

    def set(self, speed: int | str) -> None:
        """A new speed, from the next moment on (safe from another thread)."""
        self.speed = speed
        self._wake.set()

    def begin(self) -> None:
        """Training starts (on the training thread): no debt, no halt."""
        self._halted = False
        self.last = self.clock.now()

    def halt(self) -> None:
        """Stop waiting at once (safe from another thread); ``begin`` undoes it."""
        self._halted = True
        self._wake.set()

    def wait(self, share: float = 1.0) -> None:
        """Wait until ``share / speed`` seconds have passed since the last wait ended.

        A wait that comes late by its own length or more forgives the debt, so a stall (a heavy
        frame, a busy machine) never turns into a burst of steps afterwards."""
        clock = self.clock
        while not self._halted:
            speed = self.speed
            now = clock.now()
            if not isinstance(speed, int):  # MAX
                self.last = now
                return
            length = share / speed
            due = self.last + length
            if now >= due:
                self.last = due if now - due < length else now
                return
            self._wake.clear()
            if self._halted or self.speed != speed:  # came between the checks and the clear
                continue
            clock.sleep(due - now, self._wake)


def frozen(app):
    """A context in which the UI thread may read the debugger's controller (``LabSession.frozen``;
    nothing to hold before there is a session)."""
    session = getattr(app, "session", None)
    return session.frozen() if session is not None else nullcontext()


class EventShown(Message):
    """The training thread published an animated step's next event (``LabSession.train``)."""


class SpeedActions(LabHost):
    """The app's speed keys (``+``, ``-``, also in the command palette) and the drawing of an
    animated step's events; mixed into ``LabApp``."""

    _event_pending = False  # an EventShown message is on its way
    _event_timer = None  # the next event frame, when it had to wait
    _last_event_frame = 0.0

    def announce_event(self) -> None:
        """From the training thread: an event to draw. The app draws it as soon as it reads
        the message — a tick of its refresh timer (15 a second) would miss some at 2 steps a
        second, whose events last 50 ms each — and the thread does not wait for it. One such
        message at a time: a key never queues behind a backlog of them."""
        if not self._event_pending:
            self._event_pending = True
            self.post_message(EventShown())

    def on_event_shown(self, message: EventShown) -> None:
        """Draw the latest event now, or — within ``EVENT_FRAME_GAP`` of the last such frame —
        when the gap is over (then the latest event at that moment: a fast animation skips
        events on the screen rather than keys waiting behind frames)."""
        message.stop()
        self._event_pending = False
        if self._event_timer is not None:
            return
        wait = self._last_event_frame + EVENT_FRAME_GAP - time.monotonic()
        if wait > 0:
            self._event_timer = self.set_timer(wait, self._event_frame)
        else:
            self._event_frame()

    def _event_frame(self) -> None:
        self._event_timer = None
        self._last_event_frame = time.monotonic()
        self._tick()

    def action_faster(self) -> None:
        self._set_speed(faster(self.lab_session.pacer.speed))

    def action_slower(self) -> None:
        self._set_speed(slower(self.lab_session.pacer.speed))

    def _set_speed(self, speed: int | str) -> None:
        """The training thread takes the new speed at once: a wait in progress is recomputed,
        and it switches between animated and whole steps at the next event or step."""
        self.lab_session.pacer.set(speed)
        with frozen(self):
            self.status_bar.show(self.lab_session.view)  # now: no panel changes with the speed
