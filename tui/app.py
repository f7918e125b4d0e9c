"""The lab's Textual application: five panels around one training session.

The app owns a ``LabSession`` (scenario → run → debugger controller, ``tui/session.py``) and one
``LabView`` that every panel draws from. Keys and panel requests become session commands; long
training runs in a thread worker that never waits for the UI: it publishes snapshots of its
progress, which a timer picks up ``REFRESH_HZ`` times a second, and ``tui.frames`` decides when
to draw what.

Layout: at 110×34 and larger the five panels share a grid; smaller, one panel at a time behind a
row of tabs (keys 1–6, but on the Lesson tab a number is its action's); under 80×24 a message
asks for a larger terminal (in a browser tab: a larger window, or the browser zoomed out).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs

from tui import messages as msg
from tui import textual_guards
from tui.app_lessons import LessonActions
from tui.footer import LabFooter
from tui.frames import RUNNING_PANELS, FrameScheduler
from tui.gate import ThreadYield
from tui.key_hold import KeyHold
from tui.keys import bindings
from tui.lab_files import LabFiles
from tui.lab_screen import LabScreen, breakpoint_class
from tui.live_actions import LiveActions
from tui.live_palette import LiveCommands
from tui.palette import LabCommandPalette, LabCommands
from tui.panels.data_panel import DataPanel
from tui.panels.debugger_panel import DebuggerPanel
from tui.panels.gradients_panel import GradientsPanel
from tui.panels.lesson_panel import LessonPanel
from tui.panels.loss_panel import LossPanel
from tui.panels.network_panel import NetworkPanel
from tui.screens.dialogs import ErrorDialog
from tui.session import LabSession
from tui.session_errors import SessionError, SessionFailure
from tui.session_questions import SessionQuestions
from tui.shallow_class import set_class_shallow
from tui.speed import SpeedActions
from tui.status_bar import StatusBar
from tui.too_small import fits, too_small
from tui.training_worker import TrainingWorker
from tui.view import STATS, Selection
from tui.worker_errors import WorkerErrors

if TYPE_CHECKING:
    from tui.comparison import Comparison

textual_guards.install()

PANELS = (  # (id, tab label, class), in tui.frames.PANEL_NAMES' order: grid order is row by row,
    # the debugger spans two columns
    ("network", "Network", NetworkPanel),
    ("loss", "Loss", LossPanel),
    ("data", "Data", DataPanel),
    ("lesson", "Lesson", LessonPanel),  # in the grid: a column of its own, when open (L)
    ("debugger", "Debugger", DebuggerPanel),
    ("gradients", "Gradients", GradientsPanel),
)
TAB_ORDER = ("network", "loss", "gradients", "debugger", "data", "lesson")
EVENT_PANELS = ("network", "debugger")  # what follows an animated step event by event
INPUT_EVENTS = (events.Key, events.MouseDown, events.MouseUp)  # the user acting, not hovering


class LabApp(
    SpeedActions,
    TrainingWorker,
    LessonActions,
    KeyHold,
    LabFiles,
    SessionQuestions,
    WorkerErrors,
    LiveActions,
    App[None],
):
    """The full-screen lab."""

    TITLE = "Backprop Lab"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {LabCommands, LiveCommands}
    BINDINGS = [
        *bindings(),
        # the lesson's action of that number while the lesson is on screen, else a tab; 0 is
        # the tenth action, as on the keyboard's row of digits (no tab 10)
        *(Binding(str(i), f"number({i})", show=False) for i in range(1, 10)),
        Binding("0", "number(10)", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-w-tiny"), (80, "-w-narrow"), (110, "-w-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-h-tiny"), (24, "-h-narrow"), (34, "-h-tall")]
    REFRESH_HZ = 15  # how often training's published progress is picked up

    def __init__(
        self,
        scenario: str | None = None,
        seed: int | None = None,
        overrides: Iterable[str] = (),
        theme: str | None = None,
        session_file: str | None = None,
        session: LabSession | None = None,
        resume_gc: bool = False,
    ) -> None:
        """``session``: the session to start with, already built (the command line builds it to
        check the input); otherwise it is opened from ``session_file`` or ``scenario``.
        ``resume_gc``: the garbage collector was turned off for the start-up; turn it back on
        after the first frame."""
        super().__init__()
        self.scenario = scenario  # the name or path asked for (None: the default)
        self.seed = seed
        self.overrides = tuple(overrides)
        self.session_file = session_file
        if theme is not None:
            self.theme = theme
        self._given_session = session
        self._resume_gc = resume_gc
        self.session: LabSession | None = None
        self.frames = FrameScheduler(self)
        self.yielder = ThreadYield()  # the training thread's instants for the other threads
        self._train_done = threading.Event()
        self._train_done.set()
        self._train_token = 0
        self.trainee = None  # what the training worker trains: the session or a comparison
        # a Comparison to show over the lab (compare A B)
        self.open_comparison_at_start: Comparison | None = None
        self.current_tab = TAB_ORDER[0]
        self.lesson_open = False  # the Lesson panel is shown (a column of the grid, or its tab)
        self._tab_before_lesson = TAB_ORDER[0]

    # --- layout ---------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The lab's screen, with the breakpoint classes of the terminal's size already: else
        the first resize adds them and every widget is styled again. Textual keeps them up to
        date from then on.

        A session given opens with its lesson shown and focused (``on_mount``): the screen's
        first focus goes to the lesson's list (or text) at once, where Textual's would go to
        the first focusable widget, the tabs — each change of focus restyles the widget and
        its ancestors (~4 ms before the first frame). Not in a tiny terminal, where the lesson
        is out of sight and keeps no focus."""
        width, height = self.size
        classes = (
            breakpoint_class(width, self.HORIZONTAL_BREAKPOINTS),
            breakpoint_class(height, self.VERTICAL_BREAKPOINTS),
        )
        given = self._given_session
        first_focus = None
        tiny = "-w-tiny" in classes or "-h-tiny" in classes
        if given is not None and self._has_lesson(given) and not tiny:
            # what LessonPanel.focus_actions gives the focus to (it still does, on mount)
            first_focus = "#lesson-actions" if given.scenario.actions else "#lesson-text"
        return LabScreen(id="_default", classes=" ".join(classes), first_focus=first_focus)

    def compose(self) -> ComposeResult:
        # A session given opens with its lesson shown (``on_mount``): composed that way, the
        # first frame needs no second styling of every panel for the lesson's column or tab.
        given = self._given_session
        lesson = given is not None and self._has_lesson(given)
        if lesson:
            self.lesson_open, self.current_tab = True, "lesson"
        # kept by reference: while a dialog is open, the app's queries see the dialog's screen
        self.status_bar = StatusBar(id="status")
        self.panels = {
            name: cls(id=name, classes="" if name == self.current_tab else "-off")
            for name, _, cls in PANELS
        }
        labels = {name: label for name, label, _ in PANELS}
        self.tabs = Tabs(
            *(Tab(labels[name], id=f"tab-{name}") for name in TAB_ORDER),
            active=f"tab-{self.current_tab}",
            id="tabs",
        )
        yield self.status_bar
        yield self.tabs
        with Container(id="panels", classes="-lesson" if lesson else ""):
            yield from self.panels.values()
        quits = "q ends the lab." if self.is_web else "q quits."
        yield Static(too_small(self) + quits, id="too-small")
        yield LabFooter()

    def on_mount(self) -> None:
        self.session = self._first_session()
        self.show_lesson(self._has_lesson(self.session))
        self.mark_dirty()
        self._refresh_if_dirty()  # the first frame shows the lab; plots follow (_first_frame)
        self.call_after_refresh(self._first_frame)
        self.set_interval(1 / self.REFRESH_HZ, self._tick)
        if self.open_comparison_at_start is not None:
            self.show_comparison(self.open_comparison_at_start)

    def _first_frame(self) -> None:
        """The first frame is out and the panels have their sizes: the pictures that need them
        (loss plot, data) are drawn now, by the panels' resize redraws; from now on a change the
        user asks for is drawn at once (``mark_dirty``)."""
        self.frames.laid_out = True
        self._refresh_if_dirty()
        self.call_after_refresh(self._settled)

    def _tick(self) -> None:
        """The refresh timer: pick up training's latest published progress, draw if due."""
        session = self.session
        if session is not None and self.training:
            published = session.published
            if published is not None and published is not session.view.progress:
                session.view.progress = published
                self.frames.mark_moved(RUNNING_PANELS)  # drawn below, if due
                if published.event is not None:  # an animated step: each event drawn at once
                    end = published.event.kind == "step_end"  # and every panel once a step
                    self.mark_dirty(RUNNING_PANELS + ("debugger",) if end else EVENT_PANELS)
        self._refresh_if_dirty()

    def _settled(self) -> None:
        """The lab is up: move everything built so far (modules, widgets, the first session) out
        of the garbage collector's reach. A full collection over them took 40–110 ms — a stall
        of the screen and of keys whenever it fell during training; now it scans only what was
        made since."""
        gc.freeze()
        if self._resume_gc:
            gc.enable()

    @property
    def lab_session(self) -> LabSession:
        """The session, which ``on_mount`` opens before any key, message or worker needs it."""
        assert self.session is not None, "the lab's session is opened on mount"
        return self.session

    @staticmethod
    def _has_lesson(session: LabSession) -> bool:
        return bool(session.scenario.lesson.strip())

    def _first_session(self) -> LabSession:
        """The session to start with: the one given, a saved session, the scenario asked for, or
        the default."""
        if self._given_session is not None:
            return self._given_session
        if self.session_file:
            try:
                return LabSession.load(self.session_file)
            except SessionError as e:
                self.call_later(self.push_screen, ErrorDialog("Cannot load the session", str(e)))
        try:
            return LabSession.open(self.scenario, overrides=self.overrides, seed=self.seed)
        except SessionError as e:
            self.call_later(self.push_screen, ErrorDialog("Cannot open the scenario", str(e)))
            return LabSession.open(None)

    @on(Tabs.TabActivated)
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id:
            name = event.tab.id.removeprefix("tab-")
            self._show_panel(name)
            self.focus_follows_lesson(name == "lesson")

    def _show_panel(self, name: str) -> None:
        self.current_tab = name
        for panel_name, _, _ in PANELS:
            set_class_shallow(self.panels[panel_name], panel_name != name, "-off")
        self.mark_dirty([name])

    def action_show_tab(self, name: str) -> None:
        self.tabs.active = f"tab-{name}"

    def action_number(self, number: int) -> None:
        """A number key (0: ``number`` 10): the lesson's action ``number`` while the lesson is on
        screen and lists it (its column, or the Lesson tab); else the panel of tab ``number``
        (``TAB_ORDER``)."""
        lesson = self.panels["lesson"]
        if lesson.offers(number):
            lesson.action_run_action(number)
        elif number <= len(TAB_ORDER):
            self.action_show_tab(TAB_ORDER[number - 1])

    def action_next_tab(self) -> None:
        i = TAB_ORDER.index(self.current_tab)
        self.action_show_tab(TAB_ORDER[(i + 1) % len(TAB_ORDER)])

    # --- drawing (tui.frames) -----------------------------------------------------------------

    def mark_dirty(self, panels: Iterable[str] | None = None, *, urgent: bool = True) -> None:
        """Ask for a redraw of ``panels`` (all by default); see ``FrameScheduler.mark_dirty``."""
        self.frames.mark_dirty(panels, urgent=urgent)

    def _refresh_if_dirty(self) -> None:
        self.frames.frame()

    def post_message(self, message) -> bool:
        """Messages to the app; a key or a click while training makes the training thread yield
        after every step for a moment, so that its picture comes quickly (``ThreadYield``)."""
        if isinstance(message, INPUT_EVENTS) and self.training:
            self.yielder.hurry()
        return super().post_message(message)

    def _install(self, session: LabSession) -> None:
        """Make ``session`` the current one (a new scenario, a rebuilt network, a loaded file)."""
        old = self.session
        session.view.generation = (old.view.generation + 1) if old is not None else 0
        if old is not None:
            session.view.log_scale = old.view.log_scale
            session.view.stat = old.view.stat
            if session.run.net.sizes == old.run.net.sizes:  # the same units: keep the choice
                session.view.selection = old.view.selection
                session.view.example = old.view.example
        self.session = session
        if old is None or session.scenario.name != old.scenario.name:
            self.show_lesson(bool(session.scenario.lesson.strip()))
        self.mark_dirty()
        self._refresh_if_dirty()

    # --- actions --------------------------------------------------------------------------------

    async def action_run_pause(self) -> None:
        if self.training:
            await self.stop_training(status_first=True)
        else:
            self._start_training("continue", status_first=True)

    async def action_epoch(self) -> None:
        await self.stop_training(draw=False)  # drawn with the run: "running" first
        self._start_training("epoch", status_first=True)

    async def action_extend(self) -> None:
        """After the end of training: extend it by the scenario's epoch count, and run."""
        await self.stop_training()
        try:
            self.lab_session.extend()
        except SessionError as e:
            self.lab_session.view.message = str(e)
            self.mark_dirty()
            return
        self.notify(self.lab_session.view.message, title="Training extended")
        self._start_training("continue")

    async def action_debug(self, name: str, arg=None) -> None:
        """A debugger command (step, next, finish, back, …), run on the main thread. The status
        line and the Debugger panel show where it moved in a frame of their own, the other
        panels follow (``FrameScheduler.status_first``): drawn together, all six panels and
        the screen's layout for the message row took ~50 ms (spiral, 120×40)."""
        await self.stop_training(draw=False)  # drawn below, where the command moved to
        session = self.lab_session
        try:
            session.command(name, arg)
        except SessionFailure as e:
            session.view.message = str(e)
            self.push_screen(ErrorDialog(f"{name.capitalize()} failed", str(e)))
        except SessionError as e:
            session.view.message = str(e)
        self.frames.status_first(["debugger"])

    @work(group="dialog", exit_on_error=False)
    async def action_breakpoints(self) -> None:
        await self.stop_training(status_first=True)  # the dialog before the panels
        from tui.screens.breakpoints import BreakpointsScreen  # imported when first opened

        await self.push_screen_wait(BreakpointsScreen(self.session))
        self.lab_session.sync_view()
        self.mark_dirty(["debugger"])

    def action_log_scale(self) -> None:
        self.lab_session.view.log_scale = not self.lab_session.view.log_scale
        self.mark_dirty(["loss"])

    def action_cycle_stat(self, stat: str | None = None) -> None:
        view = self.lab_session.view
        names = list(STATS)
        if stat not in STATS:
            stat = names[(names.index(view.stat) + 1) % len(names)]
        view.stat = stat
        self.mark_dirty(["gradients"])

    def action_edit_network(self) -> None:
        """The network editor (as the Network panel's "Edit…" button opens it)."""
        # the view itself: behind the Lesson tab the panel may not have been drawn yet
        self.panels["network"].action_edit_network(self.lab_session.view)

    def action_network_view(self) -> None:
        """The Network panel's picture or its layer table (shown, in the narrow layout)."""
        self.panels["network"].toggle_view()
        if self.current_tab != "network":
            self.action_show_tab("network")

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # imported when first opened: start-up

        self.push_screen(HelpScreen())

    @work(group="dialog", exit_on_error=False)
    async def action_gradient_check(self) -> None:
        """Backprop's gradients against finite differences at the current weights, in a dialog."""
        from engine.gradcheck import check_run

        await self.stop_training(status_first=True)  # the dialog before the panels
        try:
            report = check_run(self.lab_session.run, max_entries=64)
        except ValueError as e:
            await self.push_screen_wait(ErrorDialog("Cannot check the gradients", str(e)))
            return
        verdict = "every layer passes" if report.passed else "a layer FAILS"
        look = "report-dialog" if report.passed else "report-dialog error-dialog"
        await self.push_screen_wait(
            ErrorDialog(f"Gradient check: {verdict}", report.text, look=look)
        )

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's palette, with the lab's ctrl+s (``LabCommandPalette``)."""
        if self.use_command_palette and not isinstance(self.screen, LabCommandPalette):
            self.push_screen(LabCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen):
        """Textual's own palette entries, but not its "Quit" over the lab, where the lab's "Quit
        (q)" is offered (the palette listed two); its "Theme" named "Change theme", as the
        README and the lab's other entries name an action."""
        for command in super().get_system_commands(screen):
            if command.title == "Quit" and screen is self.screen_stack[0]:
                continue
            if command.title == "Theme":
                command = command._replace(title="Change theme")
            yield command

    _fitted = True  # whether the terminal was large enough for the lab at its last resize

    def on_resize(self, event: events.Resize) -> None:
        """Crossing ``SMALLEST`` changes what ``check_action`` allows: the footer shows it at
        once (Textual looks again only at a change of focus, which a resize need not bring)."""
        if fits(event.size) != self._fitted:
            self._fitted = not self._fitted
            self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        """While the terminal is too small for the lab (``TOO_SMALL`` is shown instead), only
        quitting: any other key would act unseen (space trained behind the message)."""
        return action == "quit" or fits(self.size)

    # --- requests from the panels -------------------------------------------------------------

    async def on_debug_command(self, message: msg.DebugCommand) -> None:
        message.stop()
        if message.name == "continue":
            if not self.training:
                self._start_training("continue", status_first=True)
        elif message.name == "pause":
            await self.stop_training(status_first=True)
        elif message.name == "epoch":
            await self.action_epoch()
        elif message.name == "reset":
            self.action_reset()  # a worker (it asks first): started, not awaited
        else:
            await self.action_debug(message.name, message.arg)

    @work(group="dialog", exit_on_error=False)
    async def on_apply_network(self, message: msg.ApplyNetwork) -> None:
        """Live when only live settings changed, else a rebuild (``tui.live_actions``)."""
        message.stop()
        origins = message.origins or [None] * len(message.network.get("layers", []))
        await self.apply_edits(message.network, message.training, origins)

    def on_select_unit(self, message: msg.SelectUnit) -> None:
        message.stop()
        self.lab_session.view.selection = Selection(message.l, message.index)
        self.mark_dirty(["network", "debugger"])

    def on_select_weight(self, message: msg.SelectWeight) -> None:
        message.stop()
        self.lab_session.view.selection = Selection(message.l, message.j, (message.j, message.k))
        self.mark_dirty(["network", "debugger"])

    def on_select_example(self, message: msg.SelectExample) -> None:
        message.stop()
        self.lab_session.view.example = max(message.index, 0)
        self.mark_dirty(["network", "debugger"])

    def on_toggle_log_scale(self, message: msg.ToggleLogScale) -> None:
        message.stop()
        self.action_log_scale()

    def on_cycle_stat(self, message: msg.CycleStat) -> None:
        message.stop()
        self.action_cycle_stat(message.stat)
