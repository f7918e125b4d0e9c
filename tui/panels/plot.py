"""A plotext plot that builds its picture only when the data, the size or the theme changed.

``PlotextPlot.render`` rebuilds the whole plot (several ms) every time the widget is painted,
and a panel around it repaints whenever a neighbouring line of text changes. ``CachedPlot``
keeps the last picture until ``replot()`` says the data changed.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual_plotext import PlotextPlot


class CachedPlot(PlotextPlot):
    """A ``PlotextPlot`` whose picture is rebuilt only after ``replot()`` or a resize."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.version = 0
        self.builds = 0  # pictures built (for tests)
        self._key: tuple | None = None
        self._picture: RenderResult | None = None

    def replot(self) -> None:
        """The data changed: build the picture again at the next paint."""
        self.version += 1
        self.refresh()

    def render(self) -> RenderResult:
        key = (self.version, self.size, self.app.theme, self.theme)
        if key != self._key or self._picture is None:
            self._key = key
            self._picture = super().render()
            self.builds += 1
        return self._picture
