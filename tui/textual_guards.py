"""Guards around Textual behaviour that would otherwise end the lab (or, served to a browser,
break its connection).

``OptionList._move_page`` (Textual 8.2.8) reads ``_index_to_line[highlighted]``, which is empty
until the list has been laid out: ``ctrl+p`` and ``PageUp`` arriving in one read from the
terminal (a paste, a fast typist, tmux ``send-keys``) raised ``KeyError: 0`` inside the command
palette and the app died. Until the list has a size there is no page to move by, so the key does
nothing, as Textual's own ``scroll_to_highlight`` does in the same case.

``WebDriver`` (Textual 8.2.8, the driver of an app served to a browser) writes its packets to the
server's pipe with one ``os.write`` each, from two threads: the screen from the app's thread, a
file being downloaded (64 KiB chunks) from its input thread. A write to a pipe larger than
``PIPE_BUF`` (4 KiB) is not atomic, so a chunk and a screen update interleaved, the server read a
corrupt packet and the lab's connection and download broke (seen with "Save screenshot" while the
screen redrew). Its writes are made whole and one at a time, under a lock.

``Monochrome`` (Textual 8.2.8, the filter that draws the app in greys under ``NO_COLOR``) reads
``style.color`` of every segment, but a segment may have no style (``Strip.blank(width)``, the
plain text of a plot): the lab died at its first frame (``AttributeError: 'NoneType' object has
no attribute 'color'``, from the network picture's blank last row, at 110×34 and larger). A
segment without a style has no colour to remove and is kept as it is, as Textual's ``NoColor``
filter already does.
"""

from __future__ import annotations

import os
import threading

from textual import filter as textual_filter
from textual.widgets import OptionList

from tui.tty import WEB_DRIVER

_move_page = OptionList._move_page


def _move_page_once_laid_out(self: OptionList, direction) -> None:
    if self._options and (self.highlighted or 0) not in self._index_to_line:
        return  # not laid out yet
    _move_page(self, direction)


_monochrome_style = textual_filter.monochrome_style


def _monochrome_style_or_none(style):
    return None if style is None else _monochrome_style(style)


def whole_writes(fileno: int):
    """``write(data)``: all of ``data`` to ``fileno``, one caller at a time."""
    lock = threading.Lock()

    def write(data: bytes) -> int:
        with lock:
            view = memoryview(data)
            while view:
                view = view[os.write(fileno, view) :]
        return len(data)

    return write


def _serialize_web_driver_writes() -> None:
    from textual.drivers.web_driver import WebDriver

    if getattr(WebDriver.__init__, "guarded", False):
        return
    init = WebDriver.__init__

    def __init__(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self._write = whole_writes(self.fileno)

    # a deliberate patch of Textual's class (marked so that it is made once)
    __init__.guarded = True  # type: ignore[attr-defined]
    WebDriver.__init__ = __init__  # type: ignore[method-assign]


def install() -> None:
    """Install the guards (idempotent)."""
    OptionList._move_page = _move_page_once_laid_out  # type: ignore[method-assign]  # the guard
    textual_filter.monochrome_style = _monochrome_style_or_none  # type: ignore[assignment]  # read by Monochrome.apply
    if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:
        _serialize_web_driver_writes()
