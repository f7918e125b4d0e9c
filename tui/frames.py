"""When the lab draws: a frame at once for what the user asked, rationed frames for training.

``FrameScheduler`` keeps the set of panels to redraw ("stale") and draws them in frames on the
app's main thread. What the user asked for (``mark_dirty(urgent=True)``: a key, a click, a new
session) is drawn at once and first. While training runs, its progress is drawn in rationed
frames that take turns: the status line alone, then one moving item (the loss, gradients, data
or network panel, or the Debugger panel's position line), then the status line again, … — apart,
because a screen update renders everything in the box around what it changed (``_progress``).
At a speed slow enough to read the numbers (``TOGETHER_AT_MOST`` steps a second) a progress
frame draws them all together instead, so that every panel names the same step: such frames come
``Panel.THROTTLE`` apart (the loss plot and the data picture are never redrawn sooner, and one
drawn later, alone, would name a later step) and may take ``READABLE_SHARE`` of the time
(paced training leaves the processor mostly idle). Faster:

- the next such frame comes no sooner than ``1/TRAINING_HZ`` after the last one, and no sooner
  than the last one's cost divided by ``UI_SHARE`` — so drawing takes at most that share of the
  time. Both threads need Python's interpreter lock: every millisecond a frame spends in Python is
  a millisecond the training thread waits, so the share is what the lab's training speed loses
  to its pictures (the target is ≥ 0.9× headless). The cost is the UI thread's CPU time
  (``time.thread_time``) from the frame's start until it is on the screen: its wall time would
  count the time it waited for the training thread too;
- the training thread never waits for a frame: it publishes an immutable snapshot of its
  progress now and then (``tui.session.LabSession.published``), which the app picks up on its
  refresh timer (``REFRESH_HZ``), and the panels draw from it and from the run's thread-safe
  histories.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from tui.panels.base import Panel
from tui.speed import MAX

PANEL_NAMES = ("network", "loss", "data", "lesson", "debugger", "gradients")
RUNNING_PANELS = ("loss", "gradients", "data", "network")  # what changes while training runs


class FrameScheduler:
    """The lab's frames (see the module docstring); ``app`` is the ``LabApp``."""

    TRAINING_HZ = 8  # progress frames a second at most while training (the user's: at once)
    UI_SHARE = 0.08  # the share of the time progress frames may take while training
    TOGETHER_AT_MOST = 100  # steps a second: up to this speed a progress frame draws everything
    READABLE_SHARE = 0.25  # … and may take this share: paced, training leaves the CPU idle

    def __init__(self, app) -> None:
        self.app = app
        self.stale: set[str] = set(PANEL_NAMES)  # panels to redraw
        self.urgent: set[str] = set()  # stale because of the user: drawn at once, first
        self.dirty = False
        self.asked = False  # a call of ``frame_now`` is queued
        self.laid_out = False  # the first layout is done (panels have their sizes)
        self.turn = 0  # which moving item the next progress frame draws
        self.status_turn = False  # the last progress frame drew the status line alone
        self.next_frame = 0.0  # no progress frame before this (monotonic seconds)
        self.frames = 0  # progress frames drawn (for tests and measurements)
        self.line_pending = False  # status_first's line is not painted yet: no frame till then

    def mark_dirty(self, panels: Iterable[str] | None = None, *, urgent: bool = True) -> None:
        """Ask for a redraw of ``panels`` (all of them by default) at the next frame.

        ``urgent`` (what the user asked for): the frame comes at once, even while training,
        and draws these panels before the ones training moves. Training's progress is not urgent.
        """
        panels = PANEL_NAMES if panels is None else tuple(panels)
        self.mark_moved(panels)
        if urgent:
            self.urgent.update(panels)
        if self.laid_out and not self.asked:
            self.asked = True
            self.app.call_later(self.frame_now)

    def mark_moved(self, panels: Iterable[str]) -> None:
        """Training moved ``panels``: redraw them in its rationed frames. For a caller that calls
        ``frame()`` itself straight after (the app's refresh timer), so that no frame is asked
        for besides: a call handed to the event loop 15 times a second cost the UI thread ~0.3 ms
        each (measured while spiral trained), time the training thread waits."""
        self.stale.update(panels)
        self.dirty = True

    def status_first(self, first: Iterable[str] = (), *, urgent: bool = True) -> None:
        """The status line changed because of the user (a pause, a resume, a debugger command):
        draw it now, alone — with the panels ``first`` (the Debugger panel for a step: what the
        key moves) — and the other panels in the next frame, once the line is on the screen.
        ``urgent``: they follow at once; else (training resumed) in training's rationed frames.

        The user looks at the status line for the pause; drawn in one frame with all the panels
        it waited for their redraw and the screen update of the whole lab (spiral at max,
        120×40: ~50 ms of the ~60 ms from the key to "paused" on the screen, measured headless).
        The line alone: the message under it ("Paused at step 53.") comes with the panels, since
        its row appearing or going moves them all (a layout and render of the whole screen,
        ~20 ms; on resume it was ~35 of the ~40 ms to "running", measured headless).
        Nothing is marked stale before the line is painted (``StatusLine.when_painted``: Textual's
        ``call_after_refresh`` may run before the screen update), and no frame comes before it
        either (``line_pending``): the refresh timer's (``_tick``) would draw into it the
        panels training moved since its last frame, or its progress frames (the next of which
        ``next_frame`` also holds back until then, while training runs)."""
        app = self.app
        first = [name for name in first if self.visible(name)] if self.laid_out else []
        rest = [name for name in PANEL_NAMES if name not in first]
        if not self.laid_out or app.session is None or not app.is_running:
            self.line_pending = False  # (held by ``hold_for_line``): no line of its own here
            self.mark_dirty(urgent=urgent)
            return
        self.line_pending = True  # until the line is painted (_status_painted)
        if app.training:
            self.next_frame = math.inf
        view = app.session.view
        with app.session.frozen():
            app.status_bar.show(view, line_only=True)
            for name in first:
                self.stale.discard(name)
                app.panels[name].refresh_view(view)
        app.status_bar.line.when_painted(lambda: self._status_painted(rest, urgent))

    def hold_for_line(self, hold: bool = True) -> None:
        """No frame from now until ``status_first``'s line is painted (``hold=False``: frames
        again, no line coming): training being stopped for a pause or a dialog, a progress frame
        queued meanwhile would draw the panels training moved before the line and the dialog."""
        self.line_pending = hold

    def _status_painted(self, panels: list[str], urgent: bool) -> None:
        """``status_first``'s line is on the screen: the ``panels`` now, or in training's turn."""
        self.line_pending = False
        if self.next_frame == math.inf:
            self.next_frame = 0.0
        self.mark_dirty(panels, urgent=urgent)

    def frame_now(self) -> None:
        self.asked = False
        self.frame()

    def frame(self) -> None:
        """Draw a frame if anything changed: the status line and the stale visible panels.

        While training runs, a frame not asked for by the user comes only when ``next_frame``
        has passed, and draws one of the panels that change while training (in turn) besides
        the status line and the debugger's position line.
        """
        app = self.app
        if not self.dirty or self.line_pending or app.session is None or not app.is_running:
            return
        training = app.training
        urgent = self.urgent
        if training and not urgent and time.monotonic() < self.next_frame:
            return
        self.dirty = False
        with app.session.frozen():  # the controller holds still while panels read it
            self._draw(app, training, urgent)

    def _draw(self, app, training: bool, urgent: set[str]) -> None:
        view = app.session.view
        view.tick += 1
        visible = [name for name in PANEL_NAMES if self.visible(name)]
        stale = [name for name in visible if name in self.stale]
        started = time.thread_time()
        status, position = True, False  # the status line; the Debugger panel's position line
        if training:
            draw = [name for name in stale if name in urgent]
            rest = [name for name in stale if name not in draw]
            # a progress frame's panels also join an urgent frame when one is due, so that
            # urgent frames in a row (an animated step's events) never starve them
            if not draw or time.monotonic() >= self.next_frame:
                status, position = self._progress(draw, rest, "debugger" in visible)
                self.frames += 1
                app.call_after_refresh(self._frame_done, started)
                self.next_frame = time.monotonic() + 1 / self.TRAINING_HZ  # until _frame_done
        else:
            draw = stale
        urgent.clear()
        if status:
            app.status_bar.show(view)
        if position:
            app.panels["debugger"].show_position(view)  # its counters, in turn with the panels
        for name in draw:
            self.stale.discard(name)
            app.panels[name].refresh_view(view)
        if any(name in self.stale for name in visible):
            self.dirty = True  # the rest in the next frames

    def _progress(self, draw: list[str], rest: list[str], debugger: bool) -> tuple[bool, bool]:
        """What a progress frame draws besides the urgent panels ``draw`` (appended to it):
        the stale panels that training does not move (``rest``'s others) with the status line
        when there are any, else — in turn — the status line alone, or one of the moving items:
        a stale panel that training moves, or the Debugger panel's position line (``debugger``:
        it is visible). Returns (the status line, the position line) to draw.

        The status line and a panel are drawn in different frames on purpose: a screen update
        renders every widget in the box around all the regions it changed, so the status line
        at the top and a panel further down cost the whole screen above that panel (~4.5 ms at
        120×40 against ~1–2 ms apart, measured while spiral trains)."""
        quiet = [name for name in rest if name not in RUNNING_PANELS]
        if quiet:
            draw += quiet
            return True, False
        moving = [name for name in RUNNING_PANELS if name in rest]
        if self.readable_speed():  # every item in one frame: one step across the screen
            draw += moving
            return True, debugger and "debugger" not in draw
        if debugger and "debugger" not in draw:
            moving.append("position")
        self.status_turn = not self.status_turn or not moving
        if self.status_turn:
            return True, False
        asked = bool(draw)  # urgent panels: the status line with them, as always
        self.turn = (self.turn + 1) % len(moving)
        item = moving[self.turn]
        if item != "position":
            draw.append(item)
        return asked, item == "position"

    def readable_speed(self) -> bool:
        """Training goes slowly enough (``TOGETHER_AT_MOST`` steps a second or fewer) for a
        learner to read the numbers as they change: each progress frame then draws the status
        line, every moving panel and the Debugger panel's position line together, so that they
        name the same step. Faster, they take turns (``_progress``), and a panel drawn a few
        frames ago names an earlier step than the status line: the numbers move too fast to
        read there, and the turns keep the frames' cost to the training thread small."""
        session = self.app.session
        speed = session.pacer.speed if session is not None else MAX
        return isinstance(speed, int) and speed <= self.TOGETHER_AT_MOST

    def _frame_done(self, started: float) -> None:
        """A progress frame is on the screen: the next one waits in proportion to its cost."""
        cost = time.thread_time() - started
        if self.readable_speed():  # every panel in each frame: none of them drawn too soon
            gap = max(Panel.THROTTLE, cost / self.READABLE_SHARE)
        else:
            gap = max(1 / self.TRAINING_HZ, cost / self.UI_SHARE)
        self.next_frame = time.monotonic() + gap

    def visible(self, name: str) -> bool:
        app = self.app
        panel = app.panels[name]
        if not panel.is_mounted:  # drawn once its own widgets exist
            return False
        width, height = self.breakpoints()
        if width == "-w-tiny" or height == "-h-tiny":
            return False
        grid = width == "-w-wide" and height == "-h-tall"
        if grid and name == "lesson":
            return app.lesson_open
        return grid or name == app.current_tab

    def breakpoints(self) -> tuple[str, str]:
        """The lab screen's width and height classes (``HORIZONTAL_BREAKPOINTS``, …); before the
        screen has them (its first resize, after the first frame is composed) the terminal's."""
        app = self.app
        screen = app.screen_stack[0]  # the lab's screen, under any dialog
        found = []
        for breakpoints, size in (
            (app.HORIZONTAL_BREAKPOINTS, app.size.width),
            (app.VERTICAL_BREAKPOINTS, app.size.height),
        ):
            names = [name for _, name in breakpoints]
            have = [name for name in names if screen.has_class(name)]
            fits = [name for at_least, name in breakpoints if size >= at_least]
            found.append(have[0] if have else fits[-1])
        return found[0], found[1]
