"""An exercise's verdict ("Not quite: 0.0321 is off by 200% — the sign is wrong. …"), kept in
view in the exercise's scrolling text.

It comes after the question and the "where" text, which fill the exercise's column on a small
screen or in the 120×40 lesson column: below the visible part, an answer checked looked as if
enter did nothing. So a new verdict is scrolled into view — and again whenever its size changes
while it is shown: its lines wrap anew when the terminal is resized, or when the exercise's text
is laid out only after the answer came (the answer typed in one go with the exercise's number,
``tui/key_hold.py``), and the scroll made for the old size left it cut, only "Not quite: 0.0321
is off" above the answer box.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from tui.panels.base import Show


class Verdict(Show):
    def show(self, content: Content) -> None:
        """Show ``content`` (empty: none), scrolled into view."""
        self.update(content)
        if content:
            self.call_after_refresh(self.into_view)

    def into_view(self) -> None:
        """The exercise's text scrolled so that the verdict is on screen, whole where it fits,
        else from its first line (the worked equation after it stays a scroll away)."""
        body = self.parent
        if not self.content or not isinstance(body, Widget):
            return
        taller = self.outer_size.height >= body.size.height
        body.scroll_to_widget(self, animate=False, top=taller)

    def on_resize(self) -> None:
        if self.content:
            self.call_after_refresh(self.into_view)
