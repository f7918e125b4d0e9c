"""Helpers for the tests of keys that show their effect first (``FrameScheduler.status_first``:
pause, resume, the keys that stop training): a run that never stops, at full speed; waiting for a
condition; and a record, in order, of what the status line painted and which panels drew."""

from __future__ import annotations

import asyncio
import time

NEVER_STOP = ["training.epochs=100000000", "stop.loss_below=1e-300", "lab.speed=max"]
WIDE = (120, 40)


async def until(condition, timeout: float = 5.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.002)


def record(app, with_screen: bool = False) -> list[tuple[str, str]]:
    """In order: what the status line painted ("line", its text) and which panel drew ("panel",
    its name; ``with_screen``: with the screen on top then, "debugger over LabScreen")."""
    seen: list[tuple[str, str]] = []
    line = app.status_bar.line
    paint = line.render_lines

    def painted(crop):
        seen.append(("line", line.render().plain))
        return paint(crop)

    line.render_lines = painted
    for name, panel in app.panels.items():

        def drawn(view, name=name, draw=panel.refresh_view) -> None:
            seen.append(
                ("panel", f"{name} over {type(app.screen).__name__}" if with_screen else name)
            )
            draw(view)

        panel.refresh_view = drawn
    return seen


def mark_stop(app, seen: list[tuple[str, str]]) -> None:
    """Record ("interrupt", "") in ``seen`` when the lab asks training to stop: what a key's
    handler does after it is the key's."""
    interrupt = app.session.interrupt

    def marked() -> None:
        seen.append(("interrupt", ""))
        interrupt()

    app.session.interrupt = marked


def frame_due_on_stop(app) -> None:
    """Make a progress frame come due as the lab asks training to stop — the refresh timer's
    frame while the training thread finishes its step — and try to draw it then."""
    interrupt = app.session.interrupt

    def with_a_frame_due() -> None:
        interrupt()
        app.frames.mark_moved(["network", "loss"])
        app.frames.next_frame = 0.0
        app.frames.frame()

    app.session.interrupt = with_a_frame_due
