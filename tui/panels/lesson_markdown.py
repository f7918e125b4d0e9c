"""The Lesson panel's text: the scenario's lesson as Markdown, each paragraph's long names broken
after a hyphen (``hyphen_breaks``), its code blocks' long commands as a shell reads them
(``command_lines``), its links the lesson's actions.

A module of its own, imported when the panel first shows a lesson, after the lab's first frame
(``LessonPanel._show_page``): Textual's Markdown widget brings markdown-it and Pygments with it
(~28 ms of imports; with the widget's mounting, ~55 ms of the first frame), and the first
frame has no lesson text to show anyway — the widget builds its blocks in the background after
``update``.
"""

from __future__ import annotations

from contextlib import suppress

from textual.app import ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.selection import Selection
from textual.widgets import Label, Markdown
from textual.widgets.markdown import MarkdownBlock, MarkdownFence

from tui.panels.command_lines import CommandLines
from tui.panels.hyphen_breaks import HyphenBreaks


class LessonParagraph(MarkdownBlock):
    """A paragraph of the lesson (a list item's too), a long name broken after a hyphen: what
    Textual's paragraph block is (it does not export it), drawn through ``HyphenBreaks``."""

    def set_content(self, content: Content) -> None:
        super().set_content(content)  # the block's content, as Textual's Markdown reads it
        self.update(HyphenBreaks(content))

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as the lesson writes it (Textual's reads only plain content)."""
        visual = self.visual
        if isinstance(visual, HyphenBreaks):
            return visual.selected(selection), "\n"
        return super().get_selection(selection)


class CommandLabel(Label):
    """A code block's text, drawn through ``CommandLines``."""

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as drawn (Textual's reads only plain content)."""
        visual = self.visual
        if isinstance(visual, CommandLines):
            return visual.selected(selection), "\n"
        return super().get_selection(selection)


class LessonFence(MarkdownFence):
    """A code block of the lesson (``backprop-lab open …`` commands), its long lines broken as
    a shell reads them (``CommandLines``) where Textual's scrolls sideways, out of reach: in a
    narrow Lesson column a command was cut to ``backprop-lab open grad``. No side padding: at
    120x40 the column has 24 cells, Textual's padding took 4 of them."""

    DEFAULT_CSS = """
    LessonFence {
        overflow: hidden hidden;
        & > Label {
            width: 1fr;
            padding: 1 0;
        }
    }
    """

    @property
    def allow_horizontal_scroll(self) -> bool:
        return False

    def set_content(self, content: Content) -> None:
        self._content = content
        with suppress(NoMatches):
            self.query_one("#code-content", Label).update(CommandLines(content))

    def compose(self) -> ComposeResult:
        yield CommandLabel(CommandLines(self._highlighted_code), id="code-content", expand=True)


class LessonMarkdown(Markdown):
    """The lesson's Markdown; its links are the lesson's actions, never URLs to open."""

    def __init__(self, **kwargs) -> None:
        super().__init__(open_links=False, **kwargs)

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        if block_name == "paragraph_open":
            return LessonParagraph
        if block_name in ("fence", "code_block"):
            return LessonFence
        return super().get_block_class(block_name)
