"""The help screen (``?``): every key, what the panels show, and how to drive the debugger."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Label, Markdown, Static

from tui.keys import KEYS, PALETTE_ONLY, key_label
from tui.screens.dialogs import LabModal

GUIDE = """
## Panels
- **Network**: a picture of the network, input on the left. Units are nodes with their value
  (and, for 2-D data, a map of their output over the input plane); weights are lines between
  them, or a shaded band when a layer is too wide to draw unit by unit. Orange is positive,
  blue negative; the stronger the colour, the larger the value. While you step it follows the
  debugger: the layer just computed is highlighted, δ and ∂C/∂W fill in from the output back,
  an update shows the step ΔW it subtracts (W ← W − ΔW). Click a unit or a weight (or focus
  the picture and use the arrows and enter) to have the Debugger explain it; `[` and `]`
  choose the example of the batch. `t` switches to the layer table (size, activation, init,
  parameters) and back. "Edit…" edits it: η, the batch size, the regularization and the
  optimizer's settings change from the next step; a new shape rebuilds it, keeping the weights
  that fit.
- **Loss**: the *batch loss* of every step (and the *val loss* of every epoch); `l` switches to
  a log scale. Each figure is named for what it is, as `train` and `check` name it: *batch
  loss* (the last step's batch, before its update, with the L1/L2 penalty when the run has one:
  "batch loss + L2 penalty"), *train-set loss* and *val loss* (the
  whole training or validation set after the last epoch), *epoch mean loss* (the mean of an
  epoch's batch losses). After early stopping with `restore_best` they are the restored
  network's, and the status bar says which epoch's weights those are.
- **Gradients**: one bar per layer, coloured by its band; the legend under the bars names the
  bands and their thresholds, which are each statistic's own. `g` switches the statistic:
  ‖∂C/∂W‖ (log scale: *vanishing* below 1e-5, *exploding* above 1e2); mean |δ| (log:
  *vanishing* below 1e-6, *exploding* above 1 — δ carries the batch mean's 1/B, so it lies
  below ‖∂C/∂W‖). Below its threshold a layer is *vanishing* only when it is also at least 100
  times under a later layer's value (nearer the output), the legend's "≪ later": the error
  shrank on its way back. Otherwise it is *small*, drawn muted: the layers after it are small
  too, so nothing vanished on the way back — a trained network (the Loss panel says so); the
  output layer, with none after it, is never vanishing. Exactly 0 there is *zero*, a warning:
  no gradient reaches the layer at all (dying-relu: its dead units, the dead fraction says so).
  ‖ΔW‖/‖W‖, the update's size beside the weights' before it (log: near 1e-3 is the usual healthy
  rate, *frozen* below 1e-6, *large step* above 0.1, where each step rewrites a tenth of the
  layer or more — usual in the first steps, not exploding gradients); the dead fraction (ReLU
  units with z ≤ 0 for every example of the batch); the saturated fraction (of the batch's
  (example, unit) pairs, those with σ′ below 1% of its peak); *high* above 50% and *very high*
  above 90% of either.
- **Debugger**: where training is paused (step, epoch, batch, phase, layer, event; where the
  line is narrow it leaves out the layer, then the phase, which the event's name says:
  `Update(l=1)`), the arrays of the current event and the equation with its numbers.
- **Data**: the training points and what the network predicts between them. A point in another
  class's area — one the network gets wrong — is drawn as its class's mark (`○` class 0, `●`
  class 1, `▲` class 2) on the plain background, so that it stands out without its colour.
- **Lesson** (`L`): the scenario's lesson. Its numbered actions drive the lab — a statistic, the
  log scale, an event and its equation, a breakpoint, training to a step — by a click, with
  `↑` `↓` and `enter` in its list, or by its number (`1`–`9`, `0` for the tenth; an eleventh
  by `↑` `↓` only) while the lesson is on screen (on a small terminal: on its tab; elsewhere a
  number shows a panel). An exercise asks for one number of the step and checks it; `escape`
  leaves its answer box for the lab's keys (`s`, `b`, `4` the Debugger's tab), `L` returns to
  it, `escape` again closes the exercise.
- **Comparison** (`c`, *Compare with…*): this scenario and its counterpart (a problem and its
  fix) training side by side in lockstep — both loss curves in one plot (A blue, B orange), the
  gradient bars of both, both decision boundaries, each run's status. `space` trains both,
  `+` `-` set their speed, `r` resets both, `l` log scale, `g` the gradient statistic, `1`–`3`
  or `tab` the views on a small terminal, `escape` (or `c`) returns to the lab as it was.

## Without colours
With `NO_COLOR=1` (a monochrome terminal, some projectors and ssh sessions) every colour is a
grey, and what the colours tell apart is drawn apart:
- Network: a negative weight's line dashed (`━+ ╍−` in the caption), a negative cell of a band
  or a negative input dotted (`⠢⠭⠿⣿` for `░▒▓█`, `◌` for `●`), a negative pixel of a unit's map
  or of a strip checkered (`▚` for `▀`; `▙` and `▜` when one of a cell's two pixels is).
- Gradients: a number outside the ok band, and a history column outside it, in reverse video
  (a reversed column's bar is its dark part); the axis draws the low band `╌`, the ok band `─`,
  the high band `━`.
- Loss: the val loss in dots `•`; in the comparison, run B's loss in `×`, its val loss `○`.
- Data: each class its mark for its points and its fill for its area (`○·` class 0, `●░` class
  1, `▲▒` class 2), named under the picture.
- The panel that has the keys has a heavy border.

## Numbering
Layers count from 1 (the input is layer 0); units, examples and matrix indices from 0, as in
the arrays and the debugger's expressions (W²₀₁ is `W@2[0,1]`); steps, epochs, batches and the
events of a step from 1.

## One example, or the batch
The picture writes a layer's rules for one example, with column vectors, as the equations are
usually written; the Debugger writes them for the arrays it shows, one row per example of the
batch (δ²ᵀ a¹ is the sum of δ²a¹ᵀ over the examples). The same rules and numbers, transposed:
- picture: a² = σ(W²a¹ + b²), ∂C/∂W² = δ²a¹ᵀ
- Debugger: z² = a¹W²ᵀ + b², ∂C/∂W² = δ²ᵀ a¹

## Stepping through backpropagation
One training step is a sequence of events: forward (layer 1 → L), loss, then for each layer
L → 1 its δ = ∂C/∂z and its gradient ∂C/∂W, then the updates W ← W − ΔW, where ΔW is the
optimizer's step (η·∂C/∂W for plain SGD).
`s` moves one event, `n` to the next layer, `f` to the end of the phase, `b` one event back
(in the line-mode debugger, `backprop-lab debug`, `b` sets a breakpoint as in pdb and `back`
steps back).
`space` trains at the speed in the status line (`+` `-` change it; at 4 steps a second or fewer
each step plays event by event) until a breakpoint fires (`B` to set them), the loss target is
reached or the epochs run out; a value becoming nan or inf always pauses and says where. Where
training ends, nothing trains past it: `x` extends it by the scenario's number of epochs.
`escape` dismisses the notices in the lower right (training diverged, a file saved) before
anything else.

## Changes while it trains
`<` and `>` halve and double η; `(` `)` remove and add a unit of the selected hidden layer,
`{` `}` a hidden layer; they ask first when the rebuild loses work: once a step is done, the
run's history (the run starts again at step 1); before it, weights that are not the seed's draw
(trained ones an earlier rebuild kept). The seed's own draw is not lost (`r` draws it again), so
before the first step an edit of it applies at once. Every setting that can change from the
next step (η, the batch size, μ, β₁, β₂, ρ, ε, L1, L2, weight decay, clipping, the schedule,
dropout) is in the command palette as "Change … while it trains"; a value out of range is
refused with the reason. The loss plot marks each change with a vertical line.

All actions are also in the command palette (ctrl+p).
"""


KEY_WIDTH = 8  # " ctrl+s "
PALETTE_HEADING = " Without a key, in the command palette (ctrl+p):"
TITLE_WIDTH = max(len(a.title) for a in (*KEYS, *PALETTE_ONLY)) + 2  # the longest, 2 spaces


def keys_table(width: int | None = None) -> Content:
    """One line per action: its key, its name, what it does; then, under a heading saying they
    are in the command palette (ctrl+p), the actions that have no key, with an empty key column
    (ctrl+p in it read as if it were their key).

    With ``width``, a description too long for the line continues under itself (a hanging
    indent), so the three columns stay aligned on a narrow terminal."""
    indent = KEY_WIDTH + TITLE_WIDTH
    room = max(width - indent, 20) if width else None
    lines = []
    for action in (*KEYS, *PALETTE_ONLY):
        if action is PALETTE_ONLY[0]:
            lines.append(Content.assemble((PALETTE_HEADING, "bold $text-accent")))
        key = key_label(action) if action.key else ""
        help_lines = textwrap.wrap(action.help, room) if room else [action.help]
        lines.append(
            Content.assemble(
                (f" {key:<{KEY_WIDTH - 1}}", "bold $text-accent"),
                (f"{action.title:<{TITLE_WIDTH}}", "bold"),
                help_lines[0] if help_lines else "",
            )
        )
        lines.extend(Content(" " * indent + more) for more in help_lines[1:])
    return Content("\n").join(lines)


class KeysTable(Static):
    """``keys_table`` wrapped to the widget's width (again when it is resized); ``painted`` is
    called once, after the screen update that first paints the table."""

    def __init__(self, content, *, id: str, painted: Callable[[], object]) -> None:
        super().__init__(content, id=id)
        self._painted: Callable[[], object] | None = painted

    def on_resize(self) -> None:
        self.update(keys_table(self.size.width))

    def render_lines(self, crop) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._painted is not None:
            painted, self._painted = self._painted, None
            self.app.call_later(painted)  # after this screen update, which paints the table
        return lines


class HelpScreen(LabModal[None]):
    """Keys and a short guide; any of escape, q or ? closes it.

    The guide (``GUIDE``, below the keys: out of sight until scrolled to, at 120×40 and 80×24
    alike) is mounted once the keys are on the screen: Textual's Markdown took ~150–250 ms to
    parse and mount its blocks (spiral, 120×40, measured headless), which the screen's first
    frame waited for — ``?`` took ~200–330 ms to show the help, now ~40 ms."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog wide-dialog"):
            yield Label("Backprop Lab — help   (escape closes)", classes="dialog-title")
            with VerticalScroll():
                yield KeysTable(keys_table(), id="help-keys", painted=self._add_guide)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def _add_guide(self) -> None:
        if self.is_attached:  # not closed meanwhile
            self.query_one(VerticalScroll).mount(Markdown(GUIDE))

    def action_close(self) -> None:
        self.dismiss(None)
