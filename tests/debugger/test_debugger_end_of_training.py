"""Nothing runs past the end of training: every forward motion stops where
training ends, does not move from there, and ``extend`` is the one explicit way on; x is known
at StepStart."""

import numpy as np
import pytest
from click.testing import CliRunner
from debugger_helpers import make_trainer, where

from engine.debugger import Controller, DebuggerError
from engine.debugger.follow import extend, follow_run
from scenarios import build_run, load_scenario

END = 14  # StepEnd's index in a step of the 3-layer helper network


def motions(c: Controller):
    return {
        "step": lambda: c.step(),
        "step 100000": lambda: c.step(100_000),
        "next": c.next,
        "finish": c.finish,
        "next_batch": c.next_batch,
        "next_epoch": c.next_epoch,
        "cont": c.cont,
        "run 5": lambda: c.run(5),
        "until": lambda: c.until("step > 1000"),
    }


def test_no_motion_moves_past_the_epoch_limit():
    c = Controller(make_trainer(), max_epochs=2)  # 3 batches an epoch: the end is step 6
    stop = c.cont()
    assert stop.reason == "end" and where(c) == (6, END)
    for name, motion in motions(c).items():
        stop = motion()
        assert stop.reason == "finished", name
        assert where(c) == (6, END), name
        assert stop.message == "Training is finished: all 2 epochs done.", name


@pytest.mark.parametrize("name", ["step 100000", "next", "finish", "next_epoch", "run 5"])
def test_event_and_step_motions_stop_at_the_end(name):
    """``s 100000`` walked on past the last epoch: event motions stop at the end too."""
    c = Controller(make_trainer(), max_epochs=2)
    c.run(5)  # the StepEnd of step 5
    if name in ("next", "finish"):
        c.step()  # inside step 6: StepStart
        for _ in range(200):
            if c.position.step == 6 and c.position.at_step_end:
                break
            motions(c)[name]()
    else:
        motions(c)[name]()
    assert where(c) == (6, END)
    assert motions(c)["step"]().reason == "finished"


def test_a_stop_rule_ends_training_until_resumed():
    c = Controller(make_trainer(), stop=lambda rec: "enough" if rec.step >= 4 else None)
    stop = c.cont()
    assert stop.reason == "end" and "enough" in stop.message and where(c) == (4, END)
    assert c.finished() == "enough"
    assert c.run(2).reason == "finished" and where(c) == (4, END)


def test_back_then_forward_reaches_the_end_again():
    c = Controller(make_trainer(), max_epochs=2)
    c.cont()
    c.back(20)  # into step 5
    assert c.finished() is None
    stop = c.step(100)
    assert stop.reason == "end" and where(c) == (6, END)


def test_a_controller_over_a_finished_run_does_not_move():
    """A session saved at the end starts at the StepStart after it: nothing runs from there."""
    run = build_run(load_scenario("xor", ["training.epochs=3"]))
    with np.errstate(all="ignore"):
        run.fit()
    assert run.stop_reason == "epochs"
    c = follow_run(run)
    assert c.position.step == 4 and c.finished() is not None
    assert c.step().reason == "finished" and c.position.step == 4 and c.position.index == 0


def test_after_the_end_an_event_is_shown_in_the_last_step():
    """A lesson's "the Forward event of layer 1" after its "train" only said that training was
    finished: nothing runs past the end. It now goes back to that event of the last step; a
    Clip event without clipping, or a run whose last step is not kept, leave the position."""
    run = build_run(load_scenario("xor", ["training.epochs=3"]))
    c = follow_run(run)
    assert c.step(1000).reason == "end"
    end = c.position
    stop = c.to_event("forward", 1)
    assert stop.reason == "done" and "Training is finished" in stop.message
    assert (c.position.step, c.position.kind, c.position.layer) == (end.step, "forward", 1)
    assert c.to_event("delta", 2).reason == "done" and c.position.step == end.step
    assert c.step(1000).reason == "end" and c.position == end
    assert c.to_event("clip").reason == "finished" and c.position == end
    done = build_run(load_scenario("xor", ["training.epochs=3"]))
    with np.errstate(all="ignore"):
        done.fit()
    c = follow_run(done)  # a session saved at the end: its last step is not kept
    before = c.position
    assert c.to_event("forward", 1).reason == "finished" and c.position == before


def epochs_and_figures(run) -> tuple:
    """What a run reports of its epochs, and its own running figures."""
    epochs = [(m.epoch, m.step, m.mean_step_loss, m.train_loss) for m in run.history.epochs]
    return epochs, run.last_loss, run._epoch_loss_sum, run._epoch_steps


@pytest.mark.parametrize("back_to", [24, 21, 17, 3])  # same epoch, previous ones, the start
def test_going_back_and_on_again_reports_the_same_numbers(back_to):
    """Steps taken again after going back count once: the epoch's mean loss, the last loss and
    the running sums are those of a run that never went back, bit for bit (spiral: ten batches
    an epoch, so the steps gone back over lie inside epochs)."""

    def trained(back: int | None):
        run = build_run(load_scenario("spiral"))
        c = follow_run(run)
        c.run(25)
        if back is not None:
            while c.position.step > back or not c.position.at_step_end:
                c.back()
        c.run(40 - c.position.step)
        assert c.position.step == 40
        return epochs_and_figures(run)

    assert trained(back_to) == trained(None)


def xor_run(*overrides):
    run = build_run(load_scenario("xor", list(overrides)))
    return run, follow_run(run)


def test_extend_trains_the_epochs_asked_for_and_stops_again():
    run, c = xor_run("training.epochs=5", "stop.loss_below=1e-9")
    assert c.cont().reason == "end" and c.position.epoch == 5
    with pytest.raises(DebuggerError, match="not finished"):
        extend(*xor_run("training.epochs=5"), 3)
    assert extend(run, c, 3) == "Extended by 3 epochs: training now ends after epoch 8."
    stop = c.cont()
    assert stop.reason == "end" and c.position.epoch == 8 and run.stop_reason == "epochs"
    assert stop.message == "Training stopped: all 8 epochs done."
    assert c.cont().reason == "finished" and c.position.epoch == 8


def test_extend_after_loss_below_drops_that_rule():
    run, c = xor_run()  # stops at loss_below 0.01, long before epoch 2000
    stop = c.cont()
    assert stop.reason == "end" and run.stop_reason == "loss_below"
    epoch = c.position.epoch
    message = extend(run, c, 10)
    assert message.endswith(f"after epoch {epoch + 10}; stop.loss_below no longer stops it.")
    c.cont()
    assert c.position.epoch == epoch + 10 and run.stop_reason == "epochs"


def test_extend_after_patience_turns_early_stopping_off():
    run = build_run(load_scenario("overfitting-fixed-early-stopping"))
    c = follow_run(run)
    c.cont()
    assert run.stop_reason == "patience"
    epoch = c.position.epoch
    extend(run, c, 4)
    assert run.stop.patience is None and run.early is None and not run.stop.restore_best
    c.cont()
    assert c.position.epoch == epoch + 4 and run.stop_reason == "epochs"


def test_a_diverged_run_cannot_be_extended():
    run = build_run(load_scenario("exploding-gradients"))
    c = follow_run(run)
    with np.errstate(all="ignore"):
        c.disable_breakpoint(0)
        c.cont()
    assert run.stop_reason == "diverged" and c.step().reason == "finished"
    with pytest.raises(DebuggerError, match="diverged"):
        extend(run, c, 5)


def debug(*args, script: str) -> str:
    from tui.cli import main

    result = CliRunner().invoke(main, ["debug", "xor", *args], input=script)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_line_mode_continue_three_times_stays_at_the_end():
    """``c c c`` ran 118,507 epochs against epochs = 2000."""
    out = debug(
        "--set", "training.epochs=20", "--set", "stop.loss_below=1e-12", script="c\nc\nc\np step\n"
    )
    assert out.count("Training is finished: all 20 epochs done.") == 2
    assert "'extend N' trains N more epochs." in out
    assert "step = 20\n" in out


def test_line_mode_step_count_stops_at_the_end_and_extend_goes_on():
    out = debug("--set", "training.epochs=3", script="s 100000\np step\nextend 2\nc\np epoch\n")
    assert "Training stopped: all 3 epochs done." in out and "step = 3\n" in out
    assert "Extended by 2 epochs: training now ends after epoch 5." in out
    assert "epoch = 5\n" in out


def test_x_at_step_start_is_the_batch_the_forward_pass_gets():
    c = Controller(make_trainer(shuffle=True))
    c.run(4)
    c.step()  # StepStart of step 5 (a shuffled epoch)
    assert c.position.kind == "step_start"
    x = c.evaluate("x")
    assert c.evaluate("a@0").tolist() == x.tolist() and not x.flags.writeable
    c.step()
    assert np.array_equal(c.evaluate("x"), x) and np.array_equal(c.event.a_prev, x)


def test_x_in_a_start_breakpoint_from_a_scenario(tmp_path):
    """``at = "start"`` with ``when = "x[0,0] > 0"`` crashed: 'NoneType' has no 'a_prev'."""
    source = load_scenario("spiral").source
    path = tmp_path / "spiral-x.toml"
    path.write_text(source + '\n[[breakpoints]]\nat = "start"\nwhen = "x[0,0] > 0.5"\n')
    from tui.cli import main

    result = CliRunner().invoke(main, ["debug", str(path)], input="c\np x[0,0] > 0.5\n")
    assert result.exit_code == 0, result.output
    assert "Breakpoint 1 (step_start if x[0,0] > 0.5) at step" in result.stdout
    assert "x[0,0] > 0.5 = true" in result.stdout.lower()


@pytest.mark.parametrize("motion", ["c", "s 100000000"])
def test_ctrl_c_in_line_mode_pauses_a_long_motion(motion):
    """SIGINT during a long continue (fast path) or step count (event path) stops it at the
    next step or event, and the debugger goes on reading commands."""
    import shutil
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    beside = Path(sys.executable).with_name("backprop-lab")
    script = str(beside) if beside.exists() else shutil.which("backprop-lab")
    if script is None:
        pytest.skip("needs the installed backprop-lab script")
    never = ["--set", "training.epochs=100000000", "--set", "stop.loss_below=1e-300"]
    process = subprocess.Popen(
        [script, "debug", "xor", *never],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # started: its greeting is read (a fixed 2 s from the launch was not always enough for a
        # loaded machine to start it, and SIGINT then came before the motion's handler)
        while "Type 'help'" not in (line := process.stdout.readline()):
            assert line, "the debugger ended before its greeting"
        process.stdin.write(f"{motion}\n")
        process.stdin.flush()
        time.sleep(2.0)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate("p step\nq\n", timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, out
    assert "Interrupted." in out and "Traceback" not in out
    step = int(out.split("step = ")[1].split()[0])
    assert step > 1
