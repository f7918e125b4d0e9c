"""The lab's Lesson panel and the ways into the comparison view, as app actions.

A mixin of ``LabApp`` (``tui/app.py``): ``L`` and the lesson's column or tab, the lesson's actions
(carried out by ``tui/lesson_actions.py``), exercises answered, and ``c`` / "Compare with…" /
``lab:compare`` (``tui/compare_actions.py``).
"""

from __future__ import annotations

from textual import work

from tui import messages as msg
from tui.lab_host import LabHost


class LessonActions(LabHost):
    """The lesson and the comparison, as actions of the lab (see the module docstring)."""

    def show_lesson(self, show: bool = True) -> None:
        """Open (or close) the Lesson panel: a column of the grid, or its tab. Opened, it takes
        the focus, so that the keys it offers (↑↓ enter) work at once."""
        self.lesson_open = show
        self.query_one("#panels").set_class(show, "-lesson")
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
