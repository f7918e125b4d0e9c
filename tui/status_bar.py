"""The line at the top of the lab: scenario, status, position, loss, and the latest message."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.view import LabView

STATUS_STYLE = {
    "idle": "$text-muted",
    "running": "bold $text-success",
    "paused": "bold $text-accent",
    "stopped": "bold $text-primary",
    "diverged": "bold $text-error",
}


def number(x: float) -> str:
    """Four significant digits; nan/inf as words."""
    if x is None:
        return "—"
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return f"{x:.4g}"


class StatusBar(Vertical):
    """``Backprop Lab │ xor │ paused │ loss 0.6931 │ step 12 · epoch 12 · Loss`` (cut with an
    ellipsis on narrow terminals) and under it, when there is one, the latest message (why
    training stopped, what diverged), wrapped."""

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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.line = Static(id="status-line")
        self.message = Static(id="status-message", markup=False)

    def compose(self) -> ComposeResult:
        yield self.line
        yield self.message

    def show(self, view: LabView) -> None:
        run = view.run
        trainer = run.trainer
        bpe = trainer.batches_per_epoch
        if view.status == "running" or view.controller is None:
            where = f"step {trainer.steps_done} · epoch {trainer.epoch}"
            if bpe > 1:
                where += f" · batch {trainer.batch}/{bpe}"
        else:
            p = view.controller.position
            where = f"step {p.step} · epoch {p.epoch}"
            if bpe > 1:
                where += f" · batch {p.batch}/{bpe}"
            where += f" · {p.event_name()}"
        last = run.history.steps.last()
        loss = number(last[1]) if last is not None else "—"
        parts = [
            Content.styled("Backprop Lab", "bold $text-primary"),
            Content.styled(view.scenario.name, "bold"),
            Content.styled(view.status, STATUS_STYLE.get(view.status, "")),
            Content(f"loss {loss}"),
            Content(where),
        ]
        self.line.update(Content(" │ ").join(parts))
        message = self.message
        message.set_class(bool(view.message), "-shown")
        style = "$text-error" if view.status == "diverged" else "$text-warning"
        message.update(Content.styled(view.message, style))
