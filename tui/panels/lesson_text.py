"""The text the Lesson panel shows: the lesson as Markdown with its actions numbered, and an
exercise's prompt as flowing paragraphs."""

from __future__ import annotations

import re

from scenarios.lesson import LINK

NO_LESSON = "*This scenario has no lesson.* Its summary:\n\n"


def lesson_page(scenario) -> str:
    """The Markdown the panel shows: the title, and the lesson with numbered actions whose links
    are ``lab:N`` (the action's number); the summary when there is no lesson."""
    count = 0

    def number(m: re.Match) -> str:
        nonlocal count
        count += 1
        text = " ".join(m.group("text").split())
        return f"[{count} ▸ {text}](lab:{count})"

    lesson = scenario.lesson.strip()
    body = LINK.sub(number, lesson) if lesson else NO_LESSON + scenario.summary.strip()
    return f"**{scenario.title}**\n\n{body}\n"


def flowing(text: str) -> str:
    """``text`` with the line breaks of its source joined into spaces, paragraphs (split at
    blank lines) kept: an exercise's prompt is wrapped in the scenario file at ~100 columns,
    and those breaks, kept in a narrower column, left a word or two alone on a line."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)
