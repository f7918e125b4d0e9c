"""The Lesson panel's text: the scenario's lesson as Markdown, each paragraph's long names broken
after a hyphen (``hyphen_breaks``), its links the lesson's actions.

A module of its own, imported when the panel first shows a lesson, after the lab's first frame
(``LessonPanel._show_page``): Textual's Markdown widget brings markdown-it and Pygments with it
(~28 ms of imports; with the widget's mounting, ~55 ms of the first frame), and the first
frame has no lesson text to show anyway — the widget builds its blocks in the background after
``update``.
"""

from __future__ import annotations

from textual.content import Content
from textual.selection import Selection
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

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


class LessonMarkdown(Markdown):
    """The lesson's Markdown; its links are the lesson's actions, never URLs to open."""

    def __init__(self, **kwargs) -> None:
        super().__init__(open_links=False, **kwargs)

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        if block_name == "paragraph_open":
            return LessonParagraph
        return super().get_block_class(block_name)
