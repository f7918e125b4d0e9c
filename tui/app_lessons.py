"""The lab's Lesson panel and the ways into the comparison view, as app actions.

A mixin of ``LabApp`` (``tui/app.py``): ``L`` and the lesson's column or tab, the lesson's actions
(carried out by ``tui/lesson_actions.py``), exercises answered, and ``c`` / "Compare with…" /
``lab:compare`` (``tui/compare_actions.py``).
"""

from __future__ import annotations

from textual import work

from tui import messages as msg
from tui.lab_host import LabHost
from tui.lab_screen import LabScreen
from tui.shallow_class import update_classes_shallow


class LessonActions(LabHost):
    """The lesson and the comparison, as actions of the lab (see the module docstring)."""

    def show_lesson(self, show: bool = True) -> None:
        """Open (or close) the Lesson panel: a column of the grid, or its tab. Opened, it takes
        the focus, so that the keys it offers (↑↓ enter) work at once."""
        self.lesson_open = show
        self._lesson_column(show)
        panel = self.panels["lesson"]
        if show:
            if self.current_tab != "lesson":
                self._tab_before_lesson = self.current_tab
            self.action_show_tab("lesson")
            self._show_panel("lesson")  # at once: the tab's own message comes later
            panel.refresh_view(self.lab_session.view)  # its actions, before it is first drawn
        elif self.current_tab == "lesson":
            self.action_show_tab(self._tab_before_lesson)
            self._show_panel(self._tab_before_lesson)
        self.focus_follows_lesson(show)
        self.mark_dirty(["lesson"])

    def _lesson_column(self, show: bool) -> None:
        """The grid with the lesson's column (``#panels.-lesson``) or without — on the lab's
        screen in two frames: the lesson's column alone first, the other panels at their new
        widths in the next one.

        The column changes the width of every panel: one frame laid out the whole grid and
        rendered every panel at its new width (~50 ms of Python, paused, 120×40; twice that
        while training takes its share of the interpreter), so the lesson came 170–280 ms after
        ``L``. First, the lesson shown comes over the grid's right quarter, where its column will
        be (``-lesson-over``: a layer of its own), the panels under it as they were; the lesson
        hidden leaves its column empty (``-lesson-leaving``): nothing else is laid out or rendered
        anew (the other panels' lines are Textual's cached ones). Then, once that is on the
        screen (``LabScreen.after_update``), the grid itself (``_lesson_settled``); the panels,
        resized, redraw for their new widths as ever.
        Elsewhere (the tabs, a screen over the lab, before the first layout): in one."""
        panels = self.query_one("#panels")
        screen = self.screen_stack[0]
        grid = self.frames.breakpoints() == ("-w-wide", "-h-tall")
        if not (
            grid and self.frames.laid_out and isinstance(screen, LabScreen) and screen.is_current
        ):
            update_classes_shallow(
                panels, {"-lesson": show, "-lesson-over": False, "-lesson-leaving": False}
            )
            return
        column = panels.has_class("-lesson")  # the grid has it now (the last frame's)
        update_classes_shallow(
            panels, {"-lesson-over": show and not column, "-lesson-leaving": column and not show}
        )
        screen.after_update(self._lesson_settled)

    def _lesson_settled(self) -> None:
        """``_lesson_column``'s second frame: the grid as the lesson is now (open or not)."""
        update_classes_shallow(
            self.query_one("#panels"),
            {"-lesson": self.lesson_open, "-lesson-over": False, "-lesson-leaving": False},
        )

    def focus_follows_lesson(self, shown: bool) -> None:
        """The lesson just ``shown`` takes the focus, so that its keys (↑↓ enter) work at once;
        out of sight, it gives the focus to the tabs (←→ switch them), where keys act on what is
        on screen instead of on its hidden list."""
        panel = self.panels["lesson"]
        if shown and self.frames.visible("lesson"):
            panel.focus_actions()
        elif panel.has_focus_within and not self.frames.visible("lesson"):
            self.tabs.focus()

    def action_lesson(self) -> None:
        """L: the lesson, focused (its actions, or an open exercise's answer box), or — when
        they have the focus — hidden again (in the tab layout: back to the panel shown before)."""
        panel = self.panels["lesson"]
        grid = self.frames.breakpoints() == ("-w-wide", "-h-tall")
        showing = self.lesson_open and (grid or self.current_tab == "lesson")
        if showing and not panel.keys_focused():
            panel.focus_actions()
            return
        self.show_lesson(not showing)

    @work(group="dialog")
    async def on_run_lesson_action(self, message: msg.RunLessonAction) -> None:
        from tui import lesson_actions

        actions = self.lab_session.scenario.actions
        try:
            if 1 <= message.number <= len(actions):
                await lesson_actions.run(self, actions[message.number - 1])
        finally:
            self.release_keys()  # typed while an exercise was posed: now to its box

    def on_exercise_answered(self, message: msg.ExerciseAnswered) -> None:
        from tui import lesson_actions

        message.stop()
        lesson_actions.exercise_answered(self, message.number)

    @work(group="dialog", exit_on_error=False)
    async def action_compare(self) -> None:
        from tui import compare_actions

        await compare_actions.compare_counterpart(self)

    @work(group="dialog", exit_on_error=False)
    async def action_compare_with(self) -> None:
        from tui import compare_actions

        await compare_actions.compare_with(self)

    @work(group="dialog", exit_on_error=False)
    async def show_comparison(self, comparison) -> None:
        from tui.screens.compare import CompareScreen

        await self.push_screen_wait(CompareScreen(comparison))
        # the lab again: after `backprop-lab compare A B` its run is A's, trained meanwhile
        self.lab_session.sync_view()
        self.mark_dirty()
