"""Callbacks waiting for a widget's next screen update: each runs once, in the app's turn after
the update (``release``, called from within it), or after a timeout if no update comes first
(a dialog over the lab, which keeps the lab's screen from being updated)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget


class OnceDrawn:
    """The callbacks waiting for ``widget``'s next update (see the module docstring)."""

    def __init__(self, widget: Widget, timeout: float) -> None:
        self.widget = widget
        self.timeout = timeout  # seconds
        self._waiting: list[Callable[[], None]] = []

    def add(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once: after the next ``release``, or after ``timeout``."""
        done = False

        def once() -> None:
            nonlocal done
            if not done:
                done = True
                callback()

        self._waiting.append(once)
        self.widget.set_timer(self.timeout, once)

    def release(self) -> None:
        """The update is being written: the callbacks waiting run in the app's next turn."""
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            for callback in waiting:
                self.widget.app.call_later(callback)
