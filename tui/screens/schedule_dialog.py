"""The dialog of a live change of the learning-rate schedule's kind (command palette: "Change
schedule while it trains"): the kind, and under it the parameters that kind reads — ``every``
and ``factor`` for a step schedule, ``gamma`` for an exponential one, ``lr_min`` for a cosine
one (``engine.schedules.OWN_PARAMETERS``) — applied together, from the next step.

A kind's parameters are needed with it (``Schedule``: "schedule.every is needed by kind =
'step'"), and a one-value dialog could not give them: a constant schedule could not become a
step or an exponential one. The fields of the kind typed are shown as it is typed, filled with
the run's values where it has them; a refused change keeps the dialog open with the reason."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from engine.schedules import OWN_PARAMETERS
from engine.settings import SCHEDULE
from scenarios.overrides import parse_value
from tui.screens.setting_dialog import SettingDialog

KIND = "schedule.kind"


class ScheduleDialog(SettingDialog):
    """Ask for a schedule kind and its parameters; ``apply(values)`` gets
    ``{"schedule.kind": …, "schedule.every": …, …}`` (the typed kind's parameters that are
    filled in) and returns the lab's message, or raises ValueError with the reason."""

    def __init__(self, title: str, values: dict[str, str], note: str, apply: Callable) -> None:
        super().__init__(KIND, title, values.get(KIND, ""), note, apply)
        self.values = values  # key path → the text its field starts with

    DIALOG_CLASSES = "dialog schedule-dialog"

    def more_fields(self) -> ComposeResult:
        """A row for each parameter of one kind (shown while that kind is typed)."""
        for kind, names in OWN_PARAMETERS.items():
            for name in names:
                setting = SCHEDULE[name]
                meaning = setting.meaning.removeprefix(f"{kind}: ")
                with Horizontal(classes=f"schedule-parameter kind-{kind}", id=f"row-{name}"):
                    yield Label(f"{name}: {meaning}, {setting.requirement()}")
                    yield Input(
                        value=self.values.get(f"schedule.{name}", ""),
                        id=f"parameter-{name}",
                        select_on_focus=True,
                    )

    def on_mount(self) -> None:
        super().on_mount()
        self._show_fields(self.value)

    @on(Input.Changed, "#path")
    def _kind_typed(self, event: Input.Changed) -> None:
        self._show_fields(event.value)

    def _show_fields(self, text: str) -> None:
        """Only the rows of the parameters the typed kind reads."""
        kind = _kind_of(text)
        for own, names in OWN_PARAMETERS.items():
            for name in names:
                self.query_one(f"#row-{name}").display = own == kind

    def applied(self, text: str) -> str:
        """Enter in any field, or Change: the kind and its parameters as the fields hold them
        (``text`` is the field Enter was pressed in, not necessarily the kind's)."""
        return self.apply(self._typed(self.query_one("#path", Input).value))

    def _typed(self, text: str) -> dict:
        """The kind typed and the parameters of that kind filled in, read as in a scenario file
        (ValueError naming the key for a value that is not valid TOML)."""
        values = {KIND: _value(KIND, text)}
        for name in OWN_PARAMETERS.get(_kind_of(text), ()):
            typed = self.query_one(f"#parameter-{name}", Input).value
            if typed.strip():
                values[f"schedule.{name}"] = _value(f"schedule.{name}", typed)
        return values


def _value(key: str, text: str):
    try:
        return parse_value(text.strip())
    except ValueError as e:
        raise ValueError(f"{key}: {e}") from None


def _kind_of(text: str) -> str:
    """The kind named by the kind field's text (``step``, ``"step"``), or "" for none."""
    try:
        value = parse_value(text.strip())
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""
