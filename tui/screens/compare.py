"""The comparison view: two scenarios training side by side (``backprop-lab compare A B``, the
lab's ``c`` key and "Compare with…", a lesson's ``lab:compare``).

At 110×34 and larger everything is on screen: the status of both runs on top, then the loss plot
with both curves beside the gradient bars of both, then the two decision boundaries side by
side. On smaller terminals (down to 80×24) the status stays on top and the three views — Loss,
Gradients, Data (both boundaries, side by side) — are tabs (tab, 1–3).

``+`` and ``-`` set the speed both runs keep to (``tui.comparison``), shown under their
statuses.

Training runs in the lab's one training worker (``LabApp.start_training`` with the
``Comparison`` as what it trains); this screen picks up the runs' published progress on a timer
and redraws at most ``TRAINING_HZ`` times a second, and no more often than keeps its drawing
under ``UI_SHARE`` of the time, so that keys stay quick.
"""

from __future__ import annotations

import time

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, Tab, Tabs

from tui.app import LabApp
from tui.frames import FrameScheduler
from tui.palette import ScreenKeys
from tui.panels.base import Panel
from tui.panels.compare_panels import CompareGradientsPanel, CompareLossPanel, CompareStatus
from tui.panels.data_panel import DataPanel
from tui.speed import faster, slower
from tui.too_small import fits, too_small
from tui.view import STATS

VIEWS = (("loss", "Loss"), ("gradients", "Gradients"), ("data", "Data"))
WIDE = (110, 34)  # the lab's grid breakpoints


class CompareScreen(ModalScreen[None]):
    """Two runs side by side (see the module docstring); ``comparison`` is a
    ``tui.comparison.Comparison``."""

    app = getters.app(LabApp)  # (typed as the lab's app: its training and speed)

    DEFAULT_CSS = """
    CompareScreen { background: $background; layout: vertical; }
    CompareScreen #cmp-tabs { display: none; }
    CompareScreen.-narrow #cmp-tabs { display: block; }
    CompareScreen #cmp-top, CompareScreen #cmp-bottom { height: 1fr; }
    CompareScreen.-narrow .-off { display: none; }
    CompareScreen.-w-tiny #cmp-status, CompareScreen.-h-tiny #cmp-status,
    CompareScreen.-w-tiny #cmp-tabs, CompareScreen.-h-tiny #cmp-tabs,
    CompareScreen.-w-tiny #cmp-body, CompareScreen.-h-tiny #cmp-body { display: none; }
    """
    COMMANDS = {ScreenKeys}  # the palette offers this view's keys, not the hidden lab's
    BINDINGS = [
        Binding("space", "run_pause", "Run both", key_display="␣"),
        Binding("r", "reset", "Reset"),
        Binding("l", "log_scale", "Log"),
        Binding("g", "cycle_stat", "Statistic"),
        Binding("plus", "faster", "Faster", show=False),  # the speed's line names them
        Binding("minus", "slower", "Slower", show=False),
        Binding("tab", "next_view", "Next view", show=False),
        *(
            Binding(str(i), f"show_view('{name}')", label, show=False)
            for i, (name, label) in enumerate(VIEWS, 1)
        ),
        Binding("question_mark", "app.help", "Help", show=False),  # with this view's keys
        Binding("ctrl+s", "save", "Save", show=False),  # the lab's key: says where it works
        Binding("escape,c", "close", "Back to the lab"),
        Binding("q", "close", "Back", show=False),
    ]

    def __init__(self, comparison) -> None:
        super().__init__()
        self.comparison = comparison
        self.view_name = "loss"  # the tab shown on a small terminal
        self._next_draw = 0.0
        self._news = False  # published progress picked up and not drawn yet
        self.draws = 0

    def compose(self) -> ComposeResult:
        c = self.comparison
        self.status = CompareStatus(id="cmp-status")
        self.loss = CompareLossPanel(id="cmp-loss")
        self.gradients = CompareGradientsPanel(id="cmp-gradients")
        self.data = (DataPanel(id="cmp-data-a"), DataPanel(id="cmp-data-b"))
        yield self.status
        yield Tabs(*(Tab(label, id=f"cmp-tab-{name}") for name, label in VIEWS), id="cmp-tabs")
        with Vertical(id="cmp-body"):
            with Horizontal(id="cmp-top"):
                yield self.loss
                yield self.gradients
            with Horizontal(id="cmp-bottom"):
                yield from self.data
        yield Footer()
        yield Static(too_small(self.app) + "q returns to the lab.", id="too-small")  # as the lab's
        for i, panel in enumerate(self.data):
            panel.border_title = f"Data: {'AB'[i]} {c.names[i]}"

    def on_mount(self) -> None:
        self._layout(self.app.size.width, self.app.size.height)
        self.set_interval(1 / self.app.REFRESH_HZ, self._tick)
        self.redraw()  # the panels draw their pictures again once laid out (their resize)

    def on_resize(self, event) -> None:
        self._layout(event.size.width, event.size.height)
        self.call_after_refresh(self.redraw)

    def _layout(self, width: int, height: int) -> None:
        narrow = width < WIDE[0] or height < WIDE[1]
        self.set_class(narrow, "-narrow")
        shown: dict[str, list[Panel]] = {
            "loss": [self.loss],
            "gradients": [self.gradients],
            "data": list(self.data),
        }
        for name, panels in shown.items():
            for panel in panels:
                panel.set_class(name != self.view_name, "-off")
        self.query_one("#cmp-top").set_class(self.view_name == "data", "-off")
        self.query_one("#cmp-bottom").set_class(self.view_name != "data", "-off")

    def check_action(self, action: str, parameters) -> bool | None:
        """While the terminal is too small (the lab's message is shown instead), only going
        back: any other key would act unseen."""
        return action == "close" or fits(self.app.size)

    # --- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Draw everything shown from the runs' current state (or their published progress)."""
        started = time.thread_time()
        c = self.comparison
        self.status.refresh_view(c)
        narrow = self.has_class("-narrow")
        if not narrow or self.view_name == "loss":
            self.loss.refresh_view(c)
        if not narrow or self.view_name == "gradients":
            self.gradients.refresh_view(c)
        if not narrow or self.view_name == "data":
            for session, panel in zip(c.sessions, self.data, strict=True):
                panel.refresh_view(session.view)
        self.draws += 1
        self._news = False
        cost = time.thread_time() - started
        self._next_draw = time.monotonic() + max(
            1 / FrameScheduler.TRAINING_HZ, cost / FrameScheduler.UI_SHARE
        )

    def _tick(self) -> None:
        """Pick up the runs' published progress; draw when there is news and it is time."""
        if not self.app.training or self.app.trainee is not self.comparison:
            return
        for session in self.comparison.sessions:
            published = session.published
            if published is not None and published is not session.view.progress:
                session.view.progress = published
                self._news = True
        if self._news and time.monotonic() >= self._next_draw:
            self.redraw()

    # --- actions ------------------------------------------------------------------------------

    async def action_run_pause(self) -> None:
        app = self.app
        if app.training:
            await app.stop_training()
        elif self.comparison.finished:
            app.notify("Both runs have stopped: r resets them.", timeout=4)
        else:
            app.start_training("continue", self.comparison)
        self.redraw()

    async def action_reset(self) -> None:
        await self.app.stop_training()
        self.comparison = self.comparison.reset()
        self.redraw()

    def action_save(self) -> None:
        """ctrl+s saves the lab's session, not the comparison's runs: it says so here (it did
        nothing, silently)."""
        self.app.notify(
            "The comparison is not saved: escape returns to the lab, where ctrl+s saves its "
            "session.",
            timeout=5,
        )

    def action_log_scale(self) -> None:
        self.comparison.log_scale = not self.comparison.log_scale
        self.redraw()

    def action_cycle_stat(self) -> None:
        names = list(STATS)
        c = self.comparison
        c.stat = names[(names.index(c.stat) + 1) % len(names)]
        self.redraw()

    def action_faster(self) -> None:
        self._set_speed(faster(self.comparison.pacer.speed))

    def action_slower(self) -> None:
        self._set_speed(slower(self.comparison.pacer.speed))

    def _set_speed(self, speed: int | str) -> None:
        """Both runs keep to the new speed at once (a wait in progress is recomputed)."""
        self.comparison.pacer.set(speed)
        self.status.refresh_view(self.comparison)

    def action_show_view(self, name: str) -> None:
        self.query_one("#cmp-tabs", Tabs).active = f"cmp-tab-{name}"

    def action_next_view(self) -> None:
        names = [name for name, _ in VIEWS]
        self.action_show_view(names[(names.index(self.view_name) + 1) % len(names)])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if event.tab is not None and event.tab.id:
            self.view_name = event.tab.id.removeprefix("cmp-tab-")
            self._layout(self.app.size.width, self.app.size.height)
            self.call_after_refresh(self.redraw)

    async def action_close(self) -> None:
        await self.app.stop_training()
        self.dismiss(None)

    def training_stopped(self) -> None:
        """The worker ended (both runs stopped, or one diverged and the other too)."""
        self.redraw()
