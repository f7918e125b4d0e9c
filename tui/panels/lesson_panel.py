"""The Lesson panel: the opened scenario's lesson, its actions and its exercises.

- **Text**: the scenario's title, summary and lesson, rendered as Markdown and scrollable. Each
  action of the lesson (a ``[text](lab:…)`` link, ``scenarios/lesson.py``) is numbered in the
  text (``1 ▸ show the dead fraction``); a click on it triggers it.
- **Actions**: the same actions as a list: ↑/↓ choose one (the text scrolls to it), enter
  triggers it; while the lesson is on screen, an action's number triggers it too (the app's
  number keys ask ``offers``; 0 is the tenth action's, and a lesson's eleventh and later are
  reached by ↑/↓ only, as the list's title says). Each posts a ``RunLessonAction`` that the app
  carries out (``tui/lesson_actions.py``); an exercise's holds the keys typed after it until its
  answer box has the focus (``tui/key_hold.py``): "6" and "0.0321" typed in one go put 0.0321
  in the box.
- **Exercise** (while one is open, in place of the list): the question, where the Debugger
  stands, a box for the answer, the verdict, and — once answered right or revealed — the worked
  equation with its numbers. The checking is the engine's (``engine.debugger.exercises``); the
  panel only shows it. The answer box takes every character typed; escape leaves it for the
  exercise's text, where the lab's keys work (s, b, a panel's number) and L returns to the box;
  escape there closes the exercise.

The panel is the one toggled with ``L``: beside the other panels in the grid layout, a tab of
its own in the tab layout. Wherever it shows a preset's name or another hyphenated word — the
text, the action list, the name under its border — a word longer than the line breaks after a
hyphen, never inside a word (``saturation-fixed-`` / ``cross-entropy``; ``hyphen_breaks``).
"""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from engine.debugger.exercises import Attempt
from tui.key_hold import KeyHold
from tui.messages import ExerciseAnswered, RunLessonAction
from tui.panels.base import ACCENT, ERROR, MUTED, SUCCESS, Panel, Show
from tui.panels.exercise_verdict import Verdict
from tui.panels.hyphen_breaks import HyphenBreaks, fit_name
from tui.panels.lesson_text import flowing, lesson_page
from tui.view import LabView

BORDER_LABEL = 6
"""Cells of a panel's width that are not its border's label: the two corners, a line beside
each, a space each side (Textual's ``render_border_label``)."""


class LessonPanel(Panel):
    """The lesson with its actions, and the open exercise (see the module docstring)."""

    last_view: LabView | None

    BORDER_TITLE = "Lesson"
    BINDINGS = [
        Binding("pageup", "scroll_text(-1)", "Page up", show=False),
        Binding("pagedown", "scroll_text(1)", "Page down", show=False),
        # escape in the answer box leaves it (the footer says so: there it shows no other key);
        # out of it, escape closes the exercise
        Binding("escape", "leave_answer", "Lab keys"),
        Binding("escape", "close_exercise", "Close", show=False),
    ]
    DEFAULT_CSS = """
    LessonPanel #lesson-text {
        height: 1fr;
        scrollbar-gutter: stable;  /* text wrapped to one width, scrollbar or not */
        min-height: 3;
    }
    LessonPanel #lesson-markdown {
        margin: 0;
        padding: 0;
    }
    LessonPanel #lesson-markdown LessonParagraph {
        margin: 0 0 1 0;
    }
    LessonPanel #lesson-actions {
        height: auto;
        scrollbar-gutter: stable;  /* else its wrapping and its scrollbar could settle two ways */
        max-height: 30%;
        border: none;
        padding: 0;
        background: transparent;
    }
    LessonPanel .lesson-title {
        color: $text-primary;
        text-style: bold;
        height: 1;
    }
    LessonPanel #lesson-actions-title {
        height: auto;  /* "Actions 1–9, 0 for 10 (L: ↑↓ enter)" is wider than the column */
    }
    LessonPanel #lesson-exercise {
        height: auto;
        max-height: 75%;
        display: none;
    }
    LessonPanel.-exercise #lesson-exercise {
        display: block;
    }
    LessonPanel.-exercise #lesson-actions, LessonPanel.-exercise #lesson-actions-title,
    LessonPanel.-no-actions #lesson-actions, LessonPanel.-no-actions #lesson-actions-title {
        display: none;
    }
    LessonPanel #exercise-body {
        height: 1fr;  /* it scrolls: the answer field and the buttons stay on screen */
    }
    LessonPanel #exercise-body Static {
        height: auto;
    }
    LessonPanel #exercise-title {
        height: auto;  /* "Exercise 2: W¹₀₁ after the update (example 0)" wraps, never cut */
    }
    LessonPanel #exercise-worked {
        width: auto;
        text-wrap: nowrap;  /* its lines are wrapped to the column (``_show_worked``) */
    }
    LessonPanel #exercise-answer {
        width: 1fr;
        height: 3;
    }
    LessonPanel #exercise-buttons {
        height: 1;
    }
    LessonPanel #exercise-buttons Button {
        margin: 0 1 0 0;
        min-width: 4;
        width: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.shown_generation: int | None = None
        self.actions: tuple = ()
        self.attempt: Attempt | None = None  # the open exercise
        self._page = ""  # the Markdown the text shows (``lesson_page``)
        self._text_coming = False  # its widget is to be mounted after the first frame

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="lesson-text")  # its LessonMarkdown: after the first frame
        yield Static("Actions", id="lesson-actions-title", classes="lesson-title")
        yield ActionList(id="lesson-actions")
        yield Vertical(id="lesson-exercise")  # filled when the first exercise opens

    async def _exercise_area(self) -> None:
        """The exercise's widgets, made when the first exercise opens: at start-up they would
        be a dozen widgets more to compose and style before the first frame, which never shows
        them."""
        area = self.query_one("#lesson-exercise", Vertical)
        if area.children:
            return
        await area.mount(
            Show("", id="exercise-title", classes="lesson-title"),
            VerticalScroll(
                Show("", id="exercise-prompt"),
                Show("", id="exercise-where"),
                Verdict("", id="exercise-verdict"),
                Show("", id="exercise-worked"),
                id="exercise-body",
            ),
            Input(placeholder="your answer: a number, enter checks it", id="exercise-answer"),
            Horizontal(
                Button("check", id="exercise-check", compact=True, tooltip="enter"),
                Button("reveal", id="exercise-reveal", compact=True),
                Button("close", id="exercise-close", compact=True, tooltip="escape"),
                id="exercise-buttons",
            ),
        )

    # --- the view -----------------------------------------------------------------------------

    def refresh_view(self, view) -> None:
        self.last_view = view
        if view.generation == self.shown_generation:
            return
        self.shown_generation = view.generation
        scenario = view.scenario
        self.actions = scenario.actions
        self.close_exercise()
        self._show_page(lesson_page(scenario))
        self.query_one("#lesson-text", VerticalScroll).scroll_home(animate=False)
        options = self.query_one("#lesson-actions", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                HyphenBreaks(
                    Content.assemble(f"{a.number} ▸ {a.text}", (f" · {a.describe()}", MUTED))
                ),
                id=str(a.number),
            )
            for a in self.actions
        )
        self.set_class(not self.actions, "-no-actions")
        self._title_actions()
        self._name_below()

    def _markdown(self) -> Widget | None:
        """The text's ``LessonMarkdown``; None until it is mounted, after the first frame."""
        return next(iter(self.query("#lesson-markdown")), None)

    def _show_page(self, page: str) -> None:
        """Show ``page`` in the text. Its widget is made after the lab's first frame, which has
        no text to show (Markdown builds its blocks in the background): made at start-up, it
        cost the first frame ~55 ms (its imports, markdown-it and Pygments, ~28 ms)."""
        self._page = page
        markdown = self._markdown()
        if markdown is not None:
            markdown.update(page)  # type: ignore[attr-defined]
        elif not self._text_coming:
            self._text_coming = True
            self.call_after_refresh(self._mount_text)

    async def _mount_text(self) -> None:
        from tui.panels.lesson_markdown import LessonMarkdown

        text = self.query_one("#lesson-text", VerticalScroll)
        if not text.is_attached:  # the lab closed as its first frame came out
            return
        markdown = LessonMarkdown(id="lesson-markdown")
        await text.mount(markdown)
        markdown.update(self._page)  # the latest page, should it have changed meanwhile

    def _name_below(self) -> None:
        """The scenario's name under the border, cut after a hyphen when it does not fit."""
        if self.last_view is not None:
            room = self.outer_size.width - BORDER_LABEL
            self.border_subtitle = fit_name(self.last_view.scenario.name, room)

    def _title_actions(self) -> None:
        """The list's title: the keys that run an action — its number while the lesson is on
        screen, ↑↓ enter while the list has the focus (else L gives it the focus). The number
        keys are 1–9 and 0 for the tenth action: an eleventh and later (worked-example has 12)
        only ↑↓ enter reach, which the title names for every action."""
        count = len(self.actions)
        numbers = f"1–{min(count, 9)}" if count > 1 else "1"
        if count >= 10:
            numbers += ", 0 for 10"
        if self.query_one("#lesson-actions", OptionList).has_focus:
            keys = f"↑↓ enter, or {numbers}"
        else:
            keys = f"{numbers} (L: ↑↓ enter)"
        self.query_one("#lesson-actions-title", Static).update(f"Actions {keys}")

    def on_descendant_focus(self) -> None:
        self._title_actions()

    def on_descendant_blur(self) -> None:
        self._title_actions()

    def offers(self, number: int) -> bool:
        """Whether the number key ``number`` is this lesson's: its action ``number`` is in the
        list, and the list on screen (an exercise, answered or not, hides it until closed)."""
        shown = self.display and not self.has_class("-exercise")
        return shown and any(a.number == number for a in self.actions)

    def action_run_action(self, number: int) -> None:
        """Run the lesson's action ``number``, as enter on it in the list does."""
        options = self.query_one("#lesson-actions", OptionList)
        options.highlighted = options.get_option_index(str(number))
        self._run(number)

    def _run(self, number: int) -> None:
        """Have the app carry out action ``number``; an exercise's first holds the keys typed
        from now on, for its answer box (``tui/key_hold.py``)."""
        self.hold_keys_for(number)
        self.post_message(RunLessonAction(number))

    def hold_keys_for(self, number: int) -> None:
        """If action ``number`` poses an exercise: the keys typed from now on wait for its
        answer box (``tui/key_hold.py``; the app lets them go once the exercise is open)."""
        action = next((a for a in self.actions if a.number == number), None)
        if action is not None and action.name == "exercise" and isinstance(self.app, KeyHold):
            self.app.hold_keys()

    def _keys_widget(self) -> Widget:
        """What takes the keys when the lesson gets the focus: the answer box of an open
        exercise, the close button of an answered one, else the action list, else the text."""
        if self.attempt is not None:
            name = "#exercise-answer" if self.attempt.open else "#exercise-close"
            return self.query_one(name)
        if self.actions:
            return self.query_one("#lesson-actions", OptionList)
        return self.query_one("#lesson-text", VerticalScroll)

    def focus_actions(self) -> None:
        """Give the focus to what takes the lesson's keys (``_keys_widget``)."""
        widget = self._keys_widget()
        if isinstance(widget, OptionList) and widget.highlighted is None:
            widget.highlighted = 0
        widget.focus()

    def keys_focused(self) -> bool:
        """Whether what takes the lesson's keys has the focus."""
        return self._keys_widget().has_focus

    # --- actions ------------------------------------------------------------------------------

    def on_markdown_link_clicked(self, event) -> None:
        """A link of the text (``Markdown.LinkClicked``, by its handler's name: naming the class
        here would import the Markdown widget at start-up, ``lesson_markdown``)."""
        event.stop()
        m = re.fullmatch(r"lab:(\d+)", event.href)
        if m:
            self._run(int(m.group(1)))
        elif event.href.startswith(("http://", "https://")):
            self.app.open_url(event.href)

    @on(OptionList.OptionSelected, "#lesson-actions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._run(_action_number(event.option))

    @on(OptionList.OptionHighlighted, "#lesson-actions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Scroll the text to the paragraph of the highlighted action."""
        number = _action_number(event.option)
        action = next((a for a in self.actions if a.number == number), None)
        if action is None:
            return
        markdown = self._markdown()
        if markdown is None:  # the text is not there yet (the first frame): it is at its top
            return
        from textual.widgets.markdown import MarkdownBlock  # imported with the text's widget

        for block in markdown.query(MarkdownBlock):
            if f"(lab:{number})" in (block.source or "") and not block.children:
                self.query_one("#lesson-text", VerticalScroll).scroll_to_widget(
                    block, animate=False, top=False
                )
                return

    def action_scroll_text(self, direction: int) -> None:
        text = self.query_one("#lesson-text", VerticalScroll)
        if direction > 0:
            text.scroll_page_down(animate=False)
        else:
            text.scroll_page_up(animate=False)

    # --- the exercise -------------------------------------------------------------------------

    async def open_exercise(self, attempt, where: str) -> None:
        """Show ``attempt``'s question; ``where`` says where the Debugger stands."""
        await self._exercise_area()
        self.attempt = attempt
        ex = attempt.exercise
        self.add_class("-exercise")
        self.query_one("#exercise-title", Static).update(
            Content.styled(f"Exercise {ex.number}: {ex.quantity.symbol()}", ACCENT)
        )
        self.query_one("#exercise-prompt", Static).update(Content(flowing(ex.prompt)))
        self.query_one("#exercise-where", Static).update(Content.styled(where, MUTED))
        self._verdict(Content(""))
        self.query_one("#exercise-worked", Static).update("")
        answer = self.query_one("#exercise-answer", Input)
        answer.value = ""
        answer.disabled = False
        answer.focus()

    def close_exercise(self) -> None:
        self.attempt = None
        self.remove_class("-exercise")

    def _verdict(self, content: Content) -> None:
        """Show ``content`` as the verdict, scrolled into view (``Verdict``)."""
        self.query_one("#exercise-verdict", Verdict).show(content)

    @on(Input.Submitted, "#exercise-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.check_answer(event.value)

    def check_answer(self, text: str) -> None:
        attempt = self.attempt
        if attempt is None or not attempt.open:
            return
        verdict = attempt.answer(text)
        if verdict.status == "not_a_number":
            self._verdict(Content.styled(verdict.message, ERROR))
        elif verdict.right:
            self._verdict(Content.styled(verdict.message, SUCCESS))
            self._done(attempt)
        else:
            tip = f" {attempt.exercise.hint}" if attempt.exercise.hint else ""
            self._verdict(
                Content.assemble(
                    (verdict.message, ERROR),
                    (f"{tip} Try again, or reveal the answer.", MUTED),
                )
            )
            answer = self.query_one("#exercise-answer", Input)
            answer.action_select_all()

    def reveal(self) -> None:
        attempt = self.attempt
        if attempt is None or not attempt.open:
            return
        self._verdict(Content.styled(attempt.reveal(), ACCENT))
        self._done(attempt)

    def _done(self, attempt: Attempt) -> None:
        """Right or revealed: the worked equation, and the Debugger onto the event."""
        self._show_worked()
        self.query_one("#exercise-answer", Input).disabled = True
        self.query_one("#exercise-where", Static).update(
            Content.styled("The Debugger is at the event now; its equation is the same.", MUTED)
        )
        self.query_one("#exercise-close", Button).focus()
        self.post_message(ExerciseAnswered(attempt.exercise.number))

    def _show_worked(self) -> None:
        """The worked equation wrapped to the exercise's column (equations at their operators,
        as in the Debugger): the column scrolls only up and down, so a longer line was cut."""
        if self.attempt is None or self.attempt.open:
            return
        body = self.query_one("#exercise-body", VerticalScroll)
        room = body.content_region.width - body.styles.scrollbar_size_vertical
        worked = self.attempt.worked_text(width=room if room > 10 else None)
        self.query_one("#exercise-worked", Static).update(Content(worked))

    def on_resize(self) -> None:  # besides Panel.on_resize (Textual calls both)
        self._name_below()
        self.call_after_refresh(self._show_worked)

    @on(Button.Pressed, "#exercise-check")
    def _check_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.check_answer(self.query_one("#exercise-answer", Input).value)

    @on(Button.Pressed, "#exercise-reveal")
    def _reveal_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.reveal()

    @on(Button.Pressed, "#exercise-close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close_exercise()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_answer":
            return self.attempt is not None and self.query_one("#exercise-answer").has_focus
        if action == "close_exercise":
            return self.attempt is not None
        return True

    def action_leave_answer(self) -> None:
        """Escape in the answer box: the focus to the exercise's text, where the lab's keys
        work (s, b, a panel's number); the exercise stays open."""
        self.query_one("#exercise-body", VerticalScroll).focus()

    def action_close_exercise(self) -> None:
        """Escape out of the answer box, or the close button: close the exercise, back to the
        lesson's actions."""
        self.close_exercise()
        self.focus_actions()


class ActionList(OptionList):
    """``#lesson-actions``: enter on an exercise's action holds the keys typed after it at once
    (``LessonPanel.hold_keys_for``): its ``OptionSelected`` comes after the keys typed with
    enter, which the app's number keys would take first."""

    def action_select(self) -> None:
        if self.highlighted is not None:
            panel = self.query_ancestor(LessonPanel)
            panel.hold_keys_for(_action_number(self.get_option_at_index(self.highlighted)))
        super().action_select()


def _action_number(option: Option) -> int:
    """The lesson action an option of ``#lesson-actions`` runs: its id is the action's number."""
    assert option.id is not None  # every option there is made with one
    return int(option.id)
