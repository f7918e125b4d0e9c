"""Start-up does no work the first frame does not show (issue 17): what the lab imports before
its first frame, checked in a fresh process as ``backprop-lab open`` starts it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST_FRAME_MODULES = """
import json, sys
from textual.screen import Screen
from tui.app import LabApp
from tui.session import LabSession

seen = {}
update = Screen._compositor_refresh

def first_update(screen):
    update(screen)
    if not seen:
        seen["modules"] = sorted(sys.modules)
        seen["text_mounted"] = bool(screen.app.panels["lesson"].query("#lesson-markdown"))
        screen.app.exit()

Screen._compositor_refresh = first_update
LabApp(session=LabSession.open("xor"), resume_gc=True).run(headless=True, size=(120, 40))
print(json.dumps(seen))
"""


def test_the_first_frame_does_not_import_the_lessons_markdown_widget():
    """The lesson's text is Textual's Markdown widget, which imports markdown-it and Pygments
    (~28 ms, ~55 ms of the first frame in all): the first frame has no lesson text to show (the
    widget builds its blocks in the background), so the widget is made after it."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_MODULES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = set(seen["modules"])
    assert "tui.app" in loaded and "tui.panels.lesson_panel" in loaded  # the lab was up
    late = {"markdown_it", "pygments", "textual.widgets._markdown", "tui.panels.lesson_markdown"}
    assert not late & loaded, sorted(late & loaded)
    assert not seen["text_mounted"]
