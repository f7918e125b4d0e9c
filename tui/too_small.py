"""Under the lab's smallest size (``SMALLEST``) a message stands in for the lab and its views:
of the terminal and its font, or in a browser tab (``backprop-lab serve``) of the window and the
browser's zoom."""

from __future__ import annotations

from textual.app import App

SMALLEST = (80, 24)  # columns, rows: below, a message instead of the lab (and its views)
TOO_SMALL = (
    "[b]Backprop Lab needs a terminal of at least 80×24.[/b]\n\n"
    "Please enlarge this window (or reduce the font size).\n\n"
)
TOO_SMALL_WEB = (  # in a browser tab (backprop-lab serve): its window and the browser's zoom
    "[b]Backprop Lab needs room for at least 80×24 characters.[/b]\n\n"
    "Please make the browser window larger, or zoom out (ctrl+minus; cmd+minus on a Mac).\n\n"
)


def too_small(app: App) -> str:
    """The message shown instead of the lab under ``SMALLEST``: of the browser's window and
    zoom when ``app`` runs in a browser tab (Textual's web driver, which ``backprop-lab serve``
    starts each tab's lab with), else of the terminal and its font."""
    return TOO_SMALL_WEB if app.is_web else TOO_SMALL


def fits(size) -> bool:
    """Whether a terminal of ``size`` is large enough for the lab (``SMALLEST``)."""
    return size.width >= SMALLEST[0] and size.height >= SMALLEST[1]
