"""The scenario picker (``o``): the presets with their title and summary, the lesson rendered as
Markdown, and a field for a preset's name or a scenario file's path, which typing starts (to
open, a saved session's path too). Dismisses with a name or path, or None. A typed name or path
that cannot be loaded is not dismissed with: the picker stays, the text as typed, the reason
under the field."""

from __future__ import annotations

import os

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.dialogs import LabModal


def describe(name: str) -> tuple[str, str]:
    """(one-line label, Markdown page) of preset ``name``; a preset that fails to load says so."""
    from scenarios import ScenarioError, load_scenario
    from scenarios.lesson import plain

    try:
        s = load_scenario(name)
    except ScenarioError as e:
        return f"{name} (cannot load)", f"# {name}\n\n```\n{e}\n```"
    lesson = plain(s.lesson.strip())  # its actions work in the Lesson panel, once opened
    page = f"# {s.title}\n\n*{s.summary}*\n\n{lesson}\n"
    return s.name, page


_described: dict[tuple[str, int, int], tuple[str, str]] = {}


def described(name: str) -> tuple[str, str]:
    """``describe(name)``, kept while the preset's file is unchanged (its modification time and
    size): the picker lists every preset each time it opens, and loading the 24 of them took
    ~35–43 ms of the ~100–150 ms before it was on the screen (spiral, 120×40, measured headless)."""
    from scenarios import ScenarioError, preset_path

    try:
        stat = preset_path(name).stat()
    except (ScenarioError, OSError):
        return describe(name)
    key = (name, stat.st_mtime_ns, stat.st_size)
    if key not in _described:
        _described[key] = describe(name)
    return _described[key]


PLACEHOLDERS = {
    False: "…or type a preset's name or a scenario file's path: ~/mine.toml",
    True: "…or type a preset's name or a path: ~/mine.toml, xor.lab.npz",  # fits at 80x24
}
"""The field's hint, without and with saved sessions."""


class ScenarioPicker(LabModal[str | None]):
    """Choose a preset (enter) or type a name or path (enter in the field); escape cancels.
    With ``sessions`` (``o``, which opens), the path of a session saved with ctrl+s is taken too
    (``tui.launch.names_session``), as ``backprop-lab open FILE.lab.npz`` takes it: the lab loads
    it in place of a scenario. (Compare with… compares scenarios: a session is refused there.)"""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
    ]

    TITLE = "Open a scenario — enter opens, escape cancels"

    def __init__(
        self, current: str | None = None, title: str | None = None, sessions: bool = False
    ) -> None:
        super().__init__()
        self.current = current
        self.sessions = sessions
        self.title_text = title or self.TITLE
        self.pages: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        from scenarios import preset_names

        options = []
        for name in preset_names():
            label, page = described(name)
            self.pages[name] = page
            options.append(Option(label, id=name))
        with Vertical(id="picker", classes="dialog wide-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with Horizontal(id="picker-body"):
                yield OptionList(*options, id="picker-list")
                with VerticalScroll(id="picker-lesson"):
                    yield Markdown(id="picker-page")
            yield Input(
                placeholder=PLACEHOLDERS[self.sessions],
                id="picker-path",
                select_on_focus=False,  # typing goes on after the character that focused it
            )
            yield Static("", id="picker-error", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = list(self.pages)
        index = names.index(self.current) if self.current in names else 0
        if names:
            options.highlighted = index
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        page = self.pages.get(event.option.id or "", "")
        self.query_one("#picker-page", Markdown).update(page)
        self.query_one("#picker-lesson", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#picker-path")
    def _open_path(self, event: Input.Submitted) -> None:
        """The path typed, with ``~`` as the shell reads it (the user's home folder) — once it
        loads: else the reason shows under the field, which keeps the text to correct (the
        picker used to close and say it in a dialog, the path typed lost)."""
        typed = os.path.expanduser(event.value.strip())
        if not typed:
            return
        why = self._refusal(typed)
        if why is not None:
            error = self.query_one("#picker-error", Static)
            error.update(why)
            error.display = True
            return
        self.dismiss(typed)

    def _refusal(self, typed: str) -> str | None:
        """Why ``typed`` cannot be opened, or None: a scenario that does not load; a session
        file (where taken) that is missing, a folder or unreadable, or that does not load — one
        damaged (random bytes, a truncated archive) or of another version (``load_refusal``)."""
        from scenarios import ScenarioError, load_scenario
        from tui.launch import names_session

        if self.sessions and names_session(typed):
            from tui.lab_files import load_refusal

            refused = load_refusal(typed)  # a damaged file too: it is read whole
            return None if refused is None else refused[0]
        try:
            load_scenario(typed)
        except ScenarioError as e:
            return str(e)
        return None

    @on(Input.Changed, "#picker-path")
    def _edited(self) -> None:
        self.query_one("#picker-error", Static).display = False

    def on_key(self, event: events.Key) -> None:
        """A character typed outside the field goes into it, which then has the focus: the list
        answers to its keys alone (arrows, page keys, enter), and typing used to do nothing. "/"
        and "~" too: an absolute path, or one in the home folder, starts with one."""
        field = self.query_one("#picker-path", Input)
        character = event.character
        if field.has_focus or not event.is_printable or not character or character == " ":
            return  # space, enter: the list's
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(character)

    def action_cancel(self) -> None:
        self.dismiss(None)
