"""The lab's Textual application.

A placeholder until the TUI issue replaces it: a header, a welcome text and a footer. It already
accepts the keyword arguments the command line will pass.
"""

from collections.abc import Iterable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

WELCOME = (
    "[b]Backprop Lab[/b]\n\n"
    "Train small neural networks and step through backpropagation.\n\n"
    "Press [b]q[/b] to quit."
)


class LabApp(App[None]):
    """The full-screen lab."""

    TITLE = "Backprop Lab"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(
        self,
        scenario: str | None = None,
        seed: int | None = None,
        overrides: Iterable[str] = (),
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.seed = seed
        self.overrides = tuple(overrides)
        if theme is not None:
            self.theme = theme

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(WELCOME, id="welcome")
        yield Footer()
