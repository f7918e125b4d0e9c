"""The lab's screen: the app's default screen, which ``LabApp.compose`` fills, started with the
breakpoint classes of the terminal's size (``LabApp.get_default_screen``)."""

from __future__ import annotations

from textual import events
from textual.screen import Screen


def breakpoint_class(cells: int, breakpoints: list[tuple[int, str]]) -> str:
    """The class of the widest of ``breakpoints`` that ``cells`` reaches (as Textual picks it)."""
    return max((b for b in breakpoints if cells >= b[0]), default=(0, ""))[1]


class LabScreen(Screen):
    """The lab's screen (the app's default one, which ``compose`` fills)."""

    _resumed = False

    def __init__(self, *, first_focus: str | None = None, **kwargs) -> None:
        """``first_focus``: the selector of what the screen's first focus goes to (None:
        Textual's rule, the first widget that takes the focus); Textual's rule after that."""
        super().__init__(**kwargs)
        # Textual reads self.AUTO_FOCUS: this screen's, until its first resume
        self.AUTO_FOCUS = first_focus  # type: ignore[misc]

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Its first resume (as the app starts) does not style every widget again: each was
        styled as it was mounted, a moment before, and nothing has changed since (~110 widgets:
        with the first resize's, below, ~180 ms of the time until every panel is drawn, on a
        slow machine). Later resumes are left to Textual."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
            self.AUTO_FOCUS = None  # type: ignore[misc]  # given: Textual's rule from now on
