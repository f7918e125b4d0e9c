"""An exercise's text in the Lesson panel reads as prose: the prompt flows to the column (the
scenario file's line breaks, made for ~100 columns, left "cross-entropy" alone on a line at
80×24), and the "where" sentence says where the Debugger stands, then what comes next ("just
before step 1, Delta(l=7), at Loss" read as a list)."""

from __future__ import annotations

from tui.messages import RunLessonAction

NARROW = (80, 24)


def test_flowing_joins_the_source_lines_and_keeps_paragraphs():
    from tui.panels.lesson_text import flowing

    assert flowing("one two\nthree\n  four\n") == "one two three four"
    assert flowing("first line\nsame paragraph\n\nsecond\nparagraph") == (
        "first line same paragraph\n\nsecond paragraph"
    )


async def test_the_prompt_flows_and_the_where_sentence_reads(lab_app, settle):
    app = lab_app("vanishing-gradients")  # action 5: exercise 1, δ⁷₀ at the Loss event
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        app.panels["lesson"].post_message(RunLessonAction(5))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await settle(pilot)
        panel = app.panels["lesson"]
        prompt = panel.query_one("#exercise-prompt")
        assert "\n" not in prompt.content.plain
        assert "the binary cross-entropy the engine computes" in prompt.content.plain
        where = " ".join(str(panel.query_one("#exercise-where").render()).split())
        assert where.startswith("The Debugger stands at Loss, just before Delta(l=7) of step 1,")
        assert "with what you need (4 shows it on a small screen)." in where
