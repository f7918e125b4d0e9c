"""What every panel shares: the frame (border with the panel's title) and theme-aware styles."""

from __future__ import annotations

import time
from typing import Any

from textual.containers import Vertical
from textual.content import Content
from textual.visual import visualize
from textual.widgets import Static

from tui.speed import frozen

ACCENT = "bold $text-accent"
MUTED = "$text-muted"
CURRENT_ROW = "bold $text-accent on $accent-muted"
SELECTED = "bold $text-primary"
ERROR = "bold $text-error"
SUCCESS = "$text-success"
WARNING = "$text-warning"


class Show(Static):
    """A Static that ignores updates to the same content and skips the layout pass when the
    new content takes the same room: the same shape, or exactly the widget's present size once
    wrapped to its width — a number growing a digit no longer costs a layout of the screen (a
    panel refreshes many times a second while training)."""

    def update(self, content="", *, layout: bool = True) -> None:
        old = self.content
        if _same(old, content):
            if not self._fits():
                self.refresh(layout=True)  # the same content, but its layout was lost
            return
        if layout and _shape(old) is not None and _shape(old) == _shape(content):
            layout = not self._fits()
        elif layout and self._sized_for(content):
            layout = False
        super().update(content, layout=layout)

    def _sized_for(self, content) -> bool:
        """Whether the widget's present size is exactly the size ``content`` takes (text only)."""
        if not isinstance(content, (str, Content)) or not self.display:
            return False
        styles, size = self.styles, self.size
        if not (size.width and size.height):
            return False
        visual = visualize(self, content, markup=self._render_markup)
        auto_width = styles.width is not None and styles.width.is_auto  # as in _fits
        # (the styles as Textual's Widget passes them: its annotation asks for a RulesMap)
        if auto_width:
            width = visual.get_optimal_width(styles, self.container_size.width)  # type: ignore[arg-type]
            if width != size.width:
                return False
        if styles.height is None or styles.height.is_auto:
            return visual.get_height(styles, size.width) == size.height  # type: ignore[arg-type]
        return True

    def _fits(self) -> bool:
        """Whether the widget's size holds its (current) content, wrapped lines included.

        A layout asked for while the app lays out its first frames can be lost (Textual 8):
        then the old content's shape says nothing about the widget's size, and the next
        update must ask again. (The content height is cached by Textual per width.)"""
        if not self.display:
            return True
        styles, size, container, viewport = (
            self.styles,
            self.size,
            self.container_size,
            self.app.size,
        )
        auto_width = styles.width is not None and styles.width.is_auto
        if auto_width and size.width < self.get_content_width(container, viewport):
            return False
        if styles.height is not None and not styles.height.is_auto:
            return True
        return size.height >= self.get_content_height(container, viewport, size.width)


def _same(a, b) -> bool:
    if isinstance(a, Content) and isinstance(b, Content):
        return a.plain == b.plain and a.spans == b.spans
    return isinstance(a, str) and isinstance(b, str) and a == b


def _shape(content) -> tuple[int, int] | None:
    """(lines, widest line) of text content; None for anything else."""
    if isinstance(content, str):
        content = Content(content)
    if not isinstance(content, Content):
        return None
    lines = content.plain.split("\n")
    return len(lines), max(Content(line).cell_length for line in lines)


def set_border_label(widget, which: str, text: str) -> None:
    """``widget.<which> = text`` (``which``: "border_title" or "border_subtitle") unless it says
    ``text`` already: Textual repaints the whole widget at every assignment, the same text
    included (a panel of the lab's screen: 2-5 ms, several times a second while training)."""
    if getattr(widget, which) != text:
        setattr(widget, which, text)


class Panel(Vertical):
    """A framed panel; subclasses set ``BORDER_TITLE`` and implement ``refresh_view(view)``,
    which starts with ``self.last_view = view`` so the panel can redraw itself when resized."""

    last_view: Any = None  # a LabView; the comparison's panels: its Comparison
    THROTTLE = 0.2
    """Seconds between two redraws of a panel's expensive picture while only the step moves."""

    _last_draw = 0.0
    _deferred = None

    DEFAULT_CSS = """
    Panel {
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        width: 1fr;
        height: 1fr;
        min-width: 20;
        min-height: 6;
    }
    Panel:focus-within {
        border: round $primary;
    }
    Panel:nocolor:focus-within {
        border: heavy $primary;  /* without colours the two greys of the borders look alike */
    }
    Panel .panel-buttons {
        height: auto;
        width: 1fr;
    }
    Panel .panel-buttons Button {
        margin: 0 1 0 0;
        min-width: 4;
        width: auto;
    }
    Panel .panel-note {
        color: $text-muted;
        height: auto;
    }
    """

    waiting_for_size = False
    """Set by a panel that skipped its picture because it had no size yet (drawn before the
    lab's first layout): the first resize then draws it at once."""

    def on_mount(self) -> None:
        # pictures built from theme colours (network, data) are drawn again in the new theme
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self.call_after_refresh(self._redraw)

    def on_resize(self) -> None:
        """Redraw for the new size once the layout has settled (the app only redraws on change);
        a picture waiting for its first size is drawn at once (the sizes are known now). A lab
        panel never drawn was hidden until now (behind a tab, or the whole lab under its
        smallest size: ``FrameScheduler`` draws only the visible panels) and has no view to
        redraw: the lab's next frame draws it, else it stayed empty until a key moved the lab
        (a lab started in a small window, then enlarged)."""
        if self.last_view is None:
            self._ask_for_frame(urgent=True)
            return
        if self.waiting_for_size:
            self.waiting_for_size = False
            self._redraw()
        else:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self.last_view is not None:
            with frozen(self.app):
                self.refresh_view(self.last_view)

    def refresh_view(self, view: Any) -> None:
        """Draw ``view`` (each panel's own)."""
        raise NotImplementedError

    def too_soon(self) -> bool:
        """True when the picture was drawn less than ``THROTTLE`` seconds ago; a redraw is then
        scheduled for when the time is up, so the last state is always drawn."""
        now = time.monotonic()
        wait = self._last_draw + self.THROTTLE - now
        if wait > 0:
            if self._deferred is None:
                self._deferred = self.set_timer(wait, self._deferred_redraw)
            return True
        return False

    def note_drawn(self) -> None:
        """The expensive picture was just drawn (``too_soon`` counts from here)."""
        self._last_draw = time.monotonic()

    def _deferred_redraw(self) -> None:
        """The throttle's time is up: redraw, in the lab's next frame when there is a lab (so
        that, while training runs, it is one of the rationed frames during which the training
        thread waits, not an extra one fighting it for the interpreter)."""
        self._deferred = None
        if not self._ask_for_frame(urgent=False):
            self._redraw()

    def _ask_for_frame(self, urgent: bool) -> bool:
        """Ask the lab (``LabApp.mark_dirty``) to draw this panel in its next frame; False for a
        panel that is not one of the lab's (the comparison's)."""
        ask = getattr(self.app, "mark_dirty", None)
        if ask is None or self.id not in getattr(self.app, "panels", {}):
            return False
        ask([self.id], urgent=urgent)
        return True
