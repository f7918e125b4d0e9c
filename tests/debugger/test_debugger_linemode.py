"""The line-mode debugger driven by a script on stdin, and the ``debug`` command."""

import io
import json

import pytest
from click.testing import CliRunner
from debugger_helpers import make_trainer

from engine.debugger import Controller
from engine.debugger.linemode import LineMode
from engine.debugger.linemode_commands import COMMANDS


def drive(script: str, controller=None, **kwargs) -> str:
    out = io.StringIO()
    c = controller or Controller(make_trainer())
    code = LineMode(c, io.StringIO(script), out, **kwargs).run()
    assert code == 0
    return out.getvalue()


def positions(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("> ")]


def test_a_script_prints_the_expected_positions():
    out = drive("s\ns 3\nn\nf\nnb\nback\ne\nr 2\n")
    assert positions(out) == [
        "Step 1, epoch 1, batch 1 — start of the step: StepStart (nothing computed yet).",
        "Step 1, epoch 1, batch 1 — forward pass, layer 1: Forward.",
        "Step 1, epoch 1, batch 1 — forward pass, output: Loss.",
        "Step 1, epoch 1, batch 1 — backward pass, layer 3: Delta.",
        "Step 1, epoch 1, batch 1 — backward pass, layer 1: Gradient.",
        "Step 1, epoch 1, batch 1 — end of the step: StepEnd (updates applied).",
        "Step 1, epoch 1, batch 1 — update, layer 3: Update (computed, not yet applied).",
        "Step 3, epoch 1, batch 3 — end of the step: StepEnd (updates applied).",
        "Step 5, epoch 2, batch 2 — end of the step: StepEnd (updates applied).",
    ]
    assert "(bpl) s 3\n" in out  # commands are echoed when stdin is not a terminal


def test_breakpoints_continue_print_display_explain():
    out = drive("b update@2\nc\np W@2[0,1]\ndisplay loss\nexplain 0,1\nb\nc\nq\n")
    assert "Breakpoint 1: update@2 (stops before Update of layer 2)" in out
    assert "Breakpoint 1 (update@2) at step 1, Update(l=2)." in out
    assert "W@2[0,1] = " in out and "display 1: loss = " in out
    assert "ΔW²₀₁ = η ∂C/∂W²₀₁" in out and "W²₀₁ ← W²₀₁ − ΔW²₀₁" in out
    assert "1   break  enabled  update@2  (hit 1 time)" in out
    assert positions(out)[-1].startswith("Step 2, epoch 1, batch 2 — update, layer 2")


def test_ascii_mode_has_no_unicode_symbols():
    out = drive("s 7\nexplain 1\np grad_norm\n", ascii=True)
    assert "delta[2][1] = (sum_k W[3][k,1] delta[3][k]) * act'(z[2][1])" in out
    assert "δ" not in out and "σ" not in out


def test_bad_input_messages():
    out = drive(
        "frobnicate\nb grad_norm@1 < < 1e-6\nb update@7\nback\nrun\nrun x\nexplain 9\n"
        "clear 5\ns\nexplain 0,0,1\nb\nb los > 1\n"
    )
    assert "*** Unknown command 'frobnicate'. Type 'help' to see the commands." in out
    assert "    grad_norm@1 < < 1e-6\n                  ^\n    error at column 15" in out
    assert (
        "    update@7\n           ^\n    error at column 8: layer 7 does not exist; layers are 1…3"
        in out
    )
    assert "Cannot go back 1 event: that is before the start of the run." in out
    assert "*** run needs a number of steps" in out
    assert "*** run's count must be a whole number, got 'x'" in out
    assert "*** StepStart has no units or weights to select" in out
    assert "*** select a weight with J,K" not in out
    assert "explain takes a unit J or a weight J,K" in out
    assert "*** no breakpoint 5" in out
    assert (
        "error at column 1: unknown name 'los'; did you mean loss?\n"
        "    'help expressions' lists the names and functions." in out
    )
    listing = out[out.rindex("(bpl) b\n") :]
    assert "1   break" not in listing  # the bad breakpoints were not created
    assert len(positions(out)) == 2  # only "s" moved


def test_a_count_too_small_gets_the_same_message_from_every_command():
    """'run -3' said "run's count must be a whole number, got '-3'" (and so did step and
    back), while 'extend 0' said "extend takes a count ≥ 1, got 0"."""
    script = "run -3\nstep -2\nback -1\nextend 0\nextend -5\nrun 0\nb update\nignore 1 -2\n"
    out = drive(script, extend=lambda epochs: f"{epochs} more epochs")
    for command, count in [("run", "-3"), ("step", "-2"), ("back", "-1"), ("extend", "0")]:
        assert f"*** {command} takes a count ≥ 1, got {count}\n" in out
    assert "*** extend takes a count ≥ 1, got -5\n" in out
    assert "*** run takes a count ≥ 1, got 0\n" in out
    assert "*** ignore takes a count ≥ 0, got -2\n" in out
    assert "whole number" not in out
    assert len(positions(out)) == 1  # nothing moved


def test_a_count_that_is_not_a_number_is_still_called_so():
    out = drive("step x\nrun 1.5\nb update\nignore 1 two\nstep -2x\nignore 1 0\n")
    assert "*** step's count must be a whole number, got 'x'" in out
    assert "*** run's count must be a whole number, got '1.5'" in out
    assert "*** ignore's count must be a whole number, got 'two'" in out
    assert "*** step's count must be a whole number, got '-2x'" in out
    assert "Breakpoint 1 will pass over its next 0 hits." in out


def test_until_and_nan_stop_and_empty_line_repeats():
    c = Controller(
        make_trainer(
            sizes=(8, 8, 1),
            activations=("relu", "relu", "linear"),
            loss="mse",
            lr=1e8,
            n=8,
            batch_size=4,
        )
    )
    out = drive("until step >= 2\n\nc\nw\n", controller=c)
    pos = positions(out)
    assert pos[1].startswith("Step 2,") and pos[2].startswith("Step 3,")  # "" repeats until
    assert "Non-finite value at step 4: the first one is z of layer 2 (Forward)" in out
    assert " >  3 Forward(l=2)" in out  # counted from 1, as the line above the list
    assert "Event 3 of " in out


def test_help_lists_every_command_and_explains_one():
    out = drive("help\nhelp next\nhelp expressions\n")
    for cmd in COMMANDS:
        assert cmd.usage in out
    assert "next    (next, n)" in out and "Delta(l=3) → Delta(l=2)" in out
    assert "name@l selects layer l" in out


def test_help_and_positions_fit_an_80_column_terminal_without_breaking_a_word():
    """At 80 columns the terminal broke help lines inside words ('its numbe' / 'rs') and
    the first position's final '.' went to a line of its own; they are wrapped at spaces now,
    the command list's continuations under its summaries, and no word is lost."""
    script = "help\n" + "".join(f"help {cmd.name}\n" for cmd in COMMANDS) + "help expressions\n"
    narrow, wide = drive(script, width=80), drive(script, width=0)
    assert max(len(line) for line in wide.splitlines()) > 80  # there was something to wrap
    assert all(len(line) <= 80 for line in narrow.splitlines())
    assert narrow.split() == wide.split()
    explain = next(line for line in narrow.splitlines() if line.startswith("  explain "))
    column = explain.index("the current")
    after = narrow.splitlines()[narrow.splitlines().index(explain) + 1]
    assert after.startswith(" " * column) and not after[column].isspace()


def test_list_marks_the_current_layer():
    out = drive("s 7\nl\n")
    assert "> layer 2  sigmoid" in out and "<- Delta(l=2) (backward phase)" in out


def test_end_of_input_exits_zero_and_quit_stops_reading():
    out = drive("s\nq\ns\n")
    assert len(positions(out)) == 2


def test_debug_command_on_a_preset():
    runner = CliRunner()
    from tui.cli import main

    result = runner.invoke(main, ["debug", "xor"], input="s\nnb\nexplain 0,1\nq\n")
    assert result.exit_code == 0, result.output
    assert "Debugging xor" in result.output
    assert (
        "> Step 1, epoch 1, batch 1 — end of the step: StepEnd (updates applied)." in result.output
    )
    result = runner.invoke(main, ["debug", "xor", "--set", "training.lr=-1"], input="q\n")
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = runner.invoke(main, ["debug", "no-such-scenario"], input="q\n")
    assert result.exit_code == 2


def test_debug_command_sets_the_scenario_breakpoints(tmp_path):
    from scenarios import preset_path
    from tui.cli import main

    source = preset_path("xor").read_text()
    good = tmp_path / "xor-break.toml"
    good.write_text(source + '\n[[breakpoints]]\nat = "update@2"\nwhen = "step == 3"\n')
    result = CliRunner().invoke(main, ["debug", str(good)], input="b\nc\nq\n")
    assert result.exit_code == 0, result.output
    assert "1   break  enabled  update@2 if step == 3" in result.output
    assert "> Step 3, epoch 3, batch 1 — update, layer 2: Update" in result.output
    bad = tmp_path / "xor-bad.toml"
    bad.write_text(source + '\n[[breakpoints]]\nat = "update@5"\n')
    result = CliRunner().invoke(main, ["debug", str(bad)], input="q\n")
    assert result.exit_code == 2
    assert "breakpoints[1].at: layer 5 does not exist; layers are 1…2" in result.output


def test_continue_obeys_the_scenarios_stopping_rules_like_train():
    """Early stopping (patience) ends `continue` at the epoch where `train` stops."""
    from tui.cli import main

    runner = CliRunner()
    trained = runner.invoke(main, ["train", "overfitting-fixed-early-stopping", "--json"])
    epochs = json.loads(trained.stdout)["epochs_run"]
    result = runner.invoke(main, ["debug", "overfitting-fixed-early-stopping"], input="c\n")
    assert result.exit_code == 0, result.output
    assert "Training stopped: the val loss has not improved for " in result.stdout
    assert positions(result.stdout)[-1].startswith(f"Step {epochs}, epoch {epochs}, ")


def test_step_and_epoch_print_as_whole_numbers():
    out = drive("b step == 3\nc\np epoch\np step\n")
    assert "at step 3, StepEnd: step = 3." in out
    assert "epoch = 1\n" in out and "step = 3\n" in out


def test_a_terminal_reads_through_input_for_line_editing(monkeypatch):
    """At a terminal, commands come through input() (readline: arrow keys, history)."""
    import sys

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty_in, tty_out = Tty(), Tty()
    monkeypatch.setattr(sys, "stdin", tty_in)
    monkeypatch.setattr(sys, "stdout", tty_out)
    lines = iter(["s", "w"])
    prompts = []

    def fake_input(prompt):
        prompts.append(prompt)
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    code = LineMode(Controller(make_trainer()), sys.stdin, sys.stdout).run()
    assert code == 0 and prompts == ["(bpl) "] * 3
    assert "Event 2 of 15 in step 1:" in tty_out.getvalue()


def test_numbers_of_thousands_of_digits_are_one_line_errors():
    """`ignore 1 <5000 digits>` and `explain <5000 digits>` hit Python's int-string limit."""
    huge = "9" * 5000
    chain = "loss" + "*loss" * 3000
    out = drive(
        f"b loss > 100\nignore 1 {huge}\nexplain {huge},0\ns {huge}\np {'(' * 100}loss\n"
        f"p {chain}\nb step_end if {chain} > 0\n"
    )
    assert "Traceback" not in out
    assert out.count("at most 12 are allowed") == 3
    assert "nested too deeply" in out
    assert out.count("too long: at most 100 of") == 2


def test_explain_wraps_equations_at_the_line_modes_width():
    """At 40 columns no line of an explanation is wider; equations break at their
    operators, so joining their lines gives the unwrapped text back."""
    from engine.debugger.formatting import cells

    script = "b update@1\nc\nexplain 0,1\nexplain\nq\n"
    narrow = drive(script, Controller(make_trainer()), width=40)
    wide = drive(script, Controller(make_trainer()), width=0)
    shown = narrow.split("(bpl) explain 0,1\n")[1].split("(bpl) q")[0]
    assert all(cells(line) <= 40 for line in shown.splitlines())
    unwrapped = wide.split("(bpl) explain 0,1\n")[1].split("(bpl) q")[0]
    assert max(cells(line) for line in unwrapped.splitlines()) > 40  # there was something to wrap
    assert " ".join(shown.split()) == " ".join(unwrapped.split())


@pytest.mark.parametrize("columns", ["²", "٣", "9" * 5000, "abc", "0", ""], ids=range(6))
def test_a_columns_variable_that_is_no_width_is_ignored(monkeypatch, columns):
    """$COLUMNS=² (a digit to str.isdigit, not to int) ended the debugger in a traceback
    before its first prompt; any value that is not a width leaves lines unwrapped."""
    from engine.debugger.linemode import _width

    monkeypatch.setenv("COLUMNS", columns)
    assert _width(io.StringIO()) == 0
    monkeypatch.setenv("COLUMNS", "72")
    assert _width(io.StringIO()) == 72


def test_a_bad_display_number_is_called_a_display_number():
    """'undisplay x' said 'a breakpoint number must be a whole number'."""
    out = drive("display loss\nundisplay x\nundisplay 1\nq\n")
    assert "*** a display number must be a whole number, got 'x'" in out
    assert "breakpoint" not in out.split("(bpl) undisplay x")[1].split("(bpl)")[0]


@pytest.mark.parametrize(("scenario", "layers"), [("linear-regression", 1), ("xor", 2)])
def test_every_example_help_gives_is_accepted_on_the_open_network(scenario, layers):
    """help's examples were fixed text for a 3-layer network: on xor 'update@3' and '@3' were
    refused ('layer 3 does not exist'), on a one-layer network 'W@2[0,1]' too. They name the
    open network's last layer and layer 1, and each is accepted as a breakpoint or printed."""
    from engine.debugger.follow import follow_run
    from scenarios import build_run, load_scenario

    def controller_of_the_preset():
        return follow_run(build_run(load_scenario(scenario)))

    controller = controller_of_the_preset()
    assert layers == controller.L
    text = drive("help break\nhelp print\nhelp expressions\n", controller)
    assert f"update@{layers} (before the Update of" in text and "{" not in text
    wheres = ["update@" + str(layers), "delta", "@1"]
    printed = [f"W@{layers}[0,0]", f"delta@{layers}", "grad_norm", "a@1[0]", f"finite(W@{layers})"]
    for example in printed:
        assert example in text
    script = "".join(f"b {w}\n" for w in wheres) + "clear\ne\n"
    script += "".join(f"p {e}\n" for e in printed)
    out = drive(script, controller_of_the_preset())
    assert out.count("Breakpoint ") == len(wheres) and "***" not in out, out
