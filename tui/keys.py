"""The lab's keys and actions, in one table.

The footer, the help screen (``?``) and the command palette (ctrl+p) are all built from ``KEYS``
and ``PALETTE_ONLY``, so a key and its description cannot drift apart between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class LabAction:
    """One action of the lab: the app's ``action_<action>`` method, reached by ``key``."""

    key: str  # Textual key name ("space", "s", "B", "ctrl+s", "question_mark"); "" = palette only
    action: str
    label: str  # short, for the footer
    title: str  # for the command palette and the help screen
    help: str  # one line: what it does
    key_display: str | None = None
    footer: bool = True  # shown in the footer (all keys are in the help and the palette)


KEYS: tuple[LabAction, ...] = (
    LabAction(
        "space",
        "run_pause",
        "Run",
        "Run / pause",
        "Train until a breakpoint, the loss target or the last epoch; again to pause",
        "␣",
    ),
    LabAction(
        "s", "debug('step')", "Step", "Step", "One event forward (forward, loss, δ, ∂C/∂W, …)"
    ),
    LabAction("n", "debug('next')", "Layer", "Next layer", "To the same kind of event, next layer"),
    LabAction(
        "f",
        "debug('finish')",
        "Phase",
        "Finish phase",
        "To the end of the current phase: forward, backward or update",
    ),
    LabAction("b", "debug('back')", "Back", "Step back", "One event back, also across steps"),
    LabAction("e", "epoch", "Epoch", "Next epoch", "Train to the end of the current epoch"),
    LabAction(
        "x",
        "extend",
        "Extend",
        "Extend training",
        "After training has ended: as many epochs again (training.epochs), and run",
        footer=False,
    ),
    LabAction(
        "plus",
        "faster",
        "Faster",
        "Faster",
        "More training steps a second: 1, 2, 5, 10, 20, … 10000, then max",
        "+",
        footer=False,
    ),
    LabAction(
        "minus",
        "slower",
        "Slower",
        "Slower",
        "Fewer steps a second; at 4 or fewer each step plays event by event",
        "-",
        footer=False,
    ),
    LabAction(
        "r",
        "reset",
        "Reset",
        "Reset",
        "Step 1 again, from the initial weights; keeps the edits, changed settings and breakpoints",
    ),
    LabAction("o", "open_scenario", "Open", "Open scenario", "Pick a preset scenario or a file"),
    LabAction(
        "L",
        "lesson",
        "Lesson",
        "Lesson",
        "Show or hide the scenario's lesson, its actions (↑↓ enter, or the number keys: 1–9, "
        "0 the tenth) and exercises",
    ),
    LabAction(
        "c",
        "compare",
        "Compare",
        "Compare side by side",
        "Train this preset beside its counterpart (its fix, or its problem); escape returns",
        footer=False,
    ),
    LabAction(
        "g",
        "cycle_stat",
        "Statistic",
        "Next gradient statistic",
        "The Gradients panel's statistic: ‖∂C/∂W‖, mean |δ|, ‖ΔW‖/‖W‖, …",
        footer=False,
    ),
    LabAction("B", "breakpoints", "Breaks", "Breakpoints", "List, add, toggle and remove"),
    LabAction("l", "log_scale", "Log", "Log scale", "Switch the loss plot to a log scale and back"),
    LabAction(
        "t",
        "network_view",
        "Table",
        "Network: picture / table",
        "The Network panel's picture of the network, or its layer table",
        footer=False,
    ),
    *(
        LabAction(key, action, label, title, help, shown, footer=False)
        for key, action, label, title, help, shown in (
            (
                "less_than_sign",
                "lr(0.5)",
                "η÷2",
                "Halve η",
                "Learning rate ÷ 2 from the next step",
                "<",
            ),
            (
                "greater_than_sign",
                "lr(2)",
                "η×2",
                "Double η",
                "Learning rate × 2 from the next step",
                ">",
            ),
            (
                "right_parenthesis",
                "reshape('add_unit')",
                "+unit",
                "Add a unit",
                "One more unit in the selected (or last) hidden layer, every weight kept; "
                "asks first once a step is done",
                ")",
            ),
            (
                "left_parenthesis",
                "reshape('remove_unit')",
                "−unit",
                "Remove a unit",
                "The last unit of the selected (or last) hidden layer; asks first, unless no "
                "step is done and the weights are the seed's draw",
                "(",
            ),
            (
                "right_curly_bracket",
                "reshape('add_layer')",
                "+layer",
                "Add a layer",
                "A hidden layer before the output, like the last one; asks first once a step "
                "is done, or if it drops weights that are not the seed's draw",
                "}",
            ),
            (
                "left_curly_bracket",
                "reshape('remove_layer')",
                "−layer",
                "Remove a layer",
                "The selected (or last) hidden layer; asks first, unless no step is done and "
                "the weights are the seed's draw",
                "{",
            ),
        )
    ),
    LabAction("ctrl+s", "save_session", "Save", "Save session", "Write the session to a file"),
    LabAction("question_mark", "help", "Help", "Help", "Keys and how to read the lab", "?"),
    LabAction("q", "quit", "Quit", "Quit", "Stop training and leave"),
)
"""Actions with a key, in footer order."""

PALETTE_ONLY: tuple[LabAction, ...] = (
    LabAction(
        "",
        "edit_network",
        "",
        "Edit network",
        "Layers, activations, init, loss, optimizer, learning rate, batch size, regularization",
    ),
    LabAction(
        "",
        "compare_with",
        "",
        "Compare with…",
        "Pick a scenario to train side by side with this one (same data and seed where they agree)",
    ),
    LabAction("", "load_session", "", "Load session", "Read a session file saved with ctrl+s"),
    LabAction(
        "",
        "gradient_check",
        "",
        "Check gradients",
        "Backprop vs finite differences for every parameter, at the current weights",
    ),
    LabAction("", "screenshot_svg", "", "Save screenshot", "Write an SVG of the screen"),
    LabAction(
        "",
        "export_pytorch",
        "",
        "Export as PyTorch script",
        "Write the scenario as a PyTorch training script that reproduces the lab's numbers",
    ),
    LabAction("", "next_tab", "", "Next panel", "Show the next panel (narrow layout)"),
)
"""Actions reached through the command palette only."""


def bindings() -> list[Binding]:
    """The app's key bindings, from ``KEYS``."""
    return [
        Binding(a.key, a.action, a.label, key_display=a.key_display, tooltip=a.help, show=a.footer)
        for a in KEYS
    ]


def key_label(action: LabAction) -> str:
    """How a key is written on screen: ``␣``, ``s``, ``^s``, ``?``."""
    if action.key_display:
        return action.key_display
    return action.key.replace("ctrl+", "^")
