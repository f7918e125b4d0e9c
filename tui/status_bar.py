"""The line at the top of the lab: scenario, status, position, loss, and the latest message."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Static

from engine.debugger.position import event_name
from engine.loss_names import LOSS_NAMES
from tui.once_drawn import OnceDrawn
from tui.panels.format import fmt, fmt_count
from tui.panels.hyphen_breaks import fit_name
from tui.speed import RateMeter, speed_text
from tui.view import LabView, counters, earlier_loss_step, headline_loss

STATUS_STYLE = {
    "idle": "$text-muted",
    "running": "bold $text-success",
    "paused": "bold $text-accent",
    "stopped": "bold $text-primary",
    "diverged": "bold $text-error",
}


TITLE = "Backprop Lab"
SEPARATOR = " │ "
MIN_NAME = 8  # a scenario name is shortened to no fewer characters (and "…"), else left out


def status_line(
    title: str,
    name: str,
    status: str,
    loss: str,
    where: str,
    width: int,
    speed: str = "",
    setting: str = "",
) -> list[Content]:
    """The parts of the status line that fit in ``width`` cells, separators included (``loss``:
    the figure under its name, ``batch loss 0.6931``).

    Status, loss, position and speed (``speed 20/s``) are what matter; when they do not all fit
    with the rest, the title goes first, then the speed is written short (``20/s``), then the
    scenario name is shortened with "…" (after a hyphen where that keeps more than ``MIN_NAME``
    characters: ``overfitting-fixed-…``; else to what fits, at least ``MIN_NAME``), then it goes
    too, then the
    speed — but first, where ``speed`` gives the rate measured (``speed 12,000/s of max``), the
    ``setting`` alone (``max``). Only if the other three alone are too wide is the line cut (by
    the widget, with an ellipsis)."""

    def essential(speed: str) -> list[Content]:
        return [
            Content.styled(status, STATUS_STYLE.get(status, "")),
            Content(loss),
            Content(where),
            *([Content.styled(speed, "$text-muted")] if speed else []),
        ]

    full, short = essential(speed), essential(speed.removeprefix("speed "))
    title_part = Content.styled(title, "bold $text-primary")
    name_part = Content.styled(name, "bold")

    def length(parts: list[Content]) -> int:
        return sum(p.cell_length for p in parts) + len(SEPARATOR) * (len(parts) - 1)

    for parts in ([title_part, name_part, *full], [name_part, *full], [name_part, *short]):
        if length(parts) <= width:
            return parts
    room = width - length(short) - len(SEPARATOR)
    if room >= MIN_NAME + 1:
        cut = fit_name(name, room)  # after a hyphen: "overfitting-fixed-…"
        if cut.endswith("…") and len(cut) > MIN_NAME:
            return [Content.styled(cut, "bold"), *short]
        return [Content.styled(name[: room - 1] + "…", "bold"), *short]
    plain = [essential(setting), essential(setting.removeprefix("speed "))] if setting else []
    for parts in (full, short, *plain):
        if length(parts) <= width:
            return parts
    return essential("")  # the speed, which the widget's ellipsis would cut, goes whole


class StatusLine(Static):
    """The status line's widget, which can say when it has been painted: ``when_painted``."""

    PAINT_TIMEOUT = 0.25  # seconds: the callback runs then if the line was not painted before

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._painted = OnceDrawn(self, self.PAINT_TIMEOUT)  # for after the next paint

    def when_painted(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, after the screen update that paints this line's content as it
        is now (``render_lines`` runs within the update; the call comes after it, so after the
        screen is written) — at once where the line is not on the screen, and at the latest after
        ``PAINT_TIMEOUT`` (e.g. a screen over the lab's that hides it)."""
        if not (self.is_mounted and self.display and self.region):
            callback()
            return
        self._painted.add(callback)

    def render_lines(self, crop) -> list[Strip]:
        lines = super().render_lines(crop)
        self._painted.release()  # after this screen update, which paints the line
        return lines


class StatusBar(Vertical):
    """``Backprop Lab │ xor │ paused │ batch loss 0.6931 │ step 12 · epoch 12 · Loss │ speed 10/s``
    and under it, when there is one, the latest message (why training stopped, what diverged),
    wrapped.

    On a narrow terminal the title, the speed's word and then the scenario name give way to the
    status, loss, position and speed (``status_line``)."""

    DEFAULT_CSS = """
    StatusBar {
        height: auto;
        width: 1fr;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    StatusBar #status-line {
        width: 1fr;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StatusBar #status-message {
        width: 1fr;
        height: auto;
        max-height: 2;
        display: none;
    }
    StatusBar #status-message.-shown {
        display: block;
    }
    """

    _message_shown: tuple[str, str] | None = None
    _view: LabView | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.line = StatusLine(id="status-line")
        self.message = Static(id="status-message", markup=False)
        self.rate = RateMeter()  # the speed reached while training runs

    def compose(self) -> ComposeResult:
        yield self.line
        yield self.message

    def on_resize(self) -> None:
        if self._view is not None:
            self.show(self._view)

    def show(self, view: LabView, *, line_only: bool = False) -> None:
        """Show ``view``'s status, position, loss and speed, and its message below them.
        ``line_only``: the line alone, the message left as it is — the line keeps its size, but
        the message's row appearing or going moves every panel (a layout of the whole screen)."""
        self._view = view
        run = view.run
        bpe = run.trainer.batches_per_epoch
        step, epoch, batch, _ = counters(view)
        if view.status == "running" or view.controller is None:
            where = f"step {fmt_count(step)} · epoch {fmt_count(epoch)}"
            if bpe > 1:
                where += f" · batch {fmt_count(batch)}/{fmt_count(bpe)}"
            event = view.progress.event if view.progress is not None else None
            if event is not None:  # an animated step (tui.speed)
                where += f" · {event_name(event)}"
        else:
            p = view.controller.position
            where = f"step {fmt_count(p.step)} · epoch {fmt_count(p.epoch)}"
            if bpe > 1:
                where += f" · batch {fmt_count(p.batch)}/{fmt_count(bpe)}"
            where += f" · {p.event_name()}"
        field, value = headline_loss(view)
        loss = f"{LOSS_NAMES[field]} {fmt(value)}"  # "—" before the first step
        if field == "batch_loss" and (earlier := earlier_loss_step(view)) is not None:
            loss += f" (step {fmt_count(earlier)})"  # the step shown has none yet
        restored = run.restored_epoch if view.status == "stopped" else None
        if restored is not None:
            where += f" · weights of epoch {fmt_count(restored)}"
        width = self.line.size.width or self.app.size.width - 2
        session = getattr(self.app, "session", None)
        if view.status == "running":
            measured = self.rate.observe(step, monotonic())
        else:
            measured = None
            self.rate.reset()
        speed = setting = ""
        if session is not None:
            speed = speed_text(session.pacer.speed, measured)
            setting = speed_text(session.pacer.speed)
        parts = status_line(
            TITLE, view.scenario.name, view.status, loss, where, width, speed, setting
        )
        self.line.update(Content(SEPARATOR).join(parts), layout=False)  # one row: same size
        if line_only:
            return
        message = self.message
        message.set_class(bool(view.message), "-shown")
        style = "$text-error" if view.status == "diverged" else "$text-warning"
        shown = (view.message, style)
        if shown != self._message_shown:  # a layout pass only when the message changed
            self._message_shown = shown
            message.update(Content.styled(*shown))
