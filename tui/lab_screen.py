"""The lab's screen: the app's default screen, which ``LabApp.compose`` fills, started with the
breakpoint classes of the terminal's size (``LabApp.get_default_screen``)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.screen import Screen

from tui.key_hold import KeyHold
from tui.once_drawn import OnceDrawn


def breakpoint_class(cells: int, breakpoints: list[tuple[int, str]]) -> str:
    """The class of the widest of ``breakpoints`` that ``cells`` reaches (as Textual picks it)."""
    return max((b for b in breakpoints if cells >= b[0]), default=(0, ""))[1]


class LabScreen(Screen):
    """The lab's screen (the app's default one, which ``compose`` fills)."""

    # before the focused widget's escape (the lesson's answer box, the network editor): the
    # topmost thing on the screen goes first; with no notification shown, escape does that
    BINDINGS = [Binding("escape", "dismiss_notifications", show=False, priority=True)]

    _resumed = False
    _after_update: OnceDrawn  # callbacks for after the next update (``after_update``)
    UPDATE_TIMEOUT = 0.25  # seconds: ``after_update``'s callback runs then if no update came

    def after_update(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, after the next update of this screen on the terminal (its
        compositor's refresh: a layout of the screen, or a repaint of what changed) — at the
        latest after ``UPDATE_TIMEOUT`` (a dialog over the lab: the lab's screen is not updated
        while it is not the current one)."""
        self._after_update.add(callback)

    def _compositor_refresh(self) -> None:
        """Textual's screen update (Textual 8.2.8: ``Screen._compositor_refresh``, the screen
        composed and written), then ``after_update``'s callbacks, in the app's next turn."""
        super()._compositor_refresh()
        if self.is_current:
            self._after_update.release()

    def check_action(self, action: str, parameters) -> bool | None:
        """Escape dismisses notifications only while there are some: otherwise its binding is
        off, the key goes on to its other meanings and the footer shows theirs (a priority
        binding, even hidden, takes the key's place in the footer: "esc Lab keys" went)."""
        if action == "dismiss_notifications":
            return bool(self.query("Toast"))
        return True

    def action_dismiss_notifications(self) -> None:
        """Escape over the lab while notifications are shown (Textual's toasts: "Training
        diverged" stays 8 s over the lower right of the Debugger panel): dismiss them all, and
        nothing else. Without any (``check_action``; one that expired meanwhile: ``SkipAction``)
        the key goes on to its other meanings. A dialog over the lab is another screen: its
        escape closes it, as before."""
        if not self.query("Toast"):
            raise SkipAction()
        self.app.clear_notifications()

    def __init__(self, *, first_focus: str | None = None, **kwargs) -> None:
        """``first_focus``: the selector of what the screen's first focus goes to (None:
        Textual's rule, the first widget that takes the focus); Textual's rule after that."""
        super().__init__(**kwargs)
        self._after_update = OnceDrawn(self, self.UPDATE_TIMEOUT)
        # Textual reads self.AUTO_FOCUS: this screen's, until its first resume
        self.AUTO_FOCUS = first_focus  # type: ignore[misc]

    def on_screen_suspend(self) -> None:
        """A dialog over the lab (an exercise past the kept steps asks before going back): the
        keys held while the exercise was being posed go to it (``tui/key_hold.py``)."""
        if isinstance(self.app, KeyHold):
            self.app.release_keys()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Its first resume (as the app starts) does not style every widget again: each was
        styled as it was mounted, a moment before, and nothing has changed since (~110 widgets:
        with the first resize's, below, ~180 ms of the time until every panel is drawn, on a
        slow machine). Later resumes are left to Textual."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
            self.AUTO_FOCUS = None  # type: ignore[misc]  # given: Textual's rule from now on
