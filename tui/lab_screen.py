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

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Its first resume (as the app starts) does not style every widget again: each was
        styled as it was mounted, a moment before, and nothing has changed since (~110 widgets:
        with the first resize's, below, ~180 ms of the time until every panel is drawn, on a
        slow machine). Later resumes are left to Textual."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
