"""Saving and loading a lab session: the same numbers, bit for bit; atomic writes; bad files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from tui import session_file
from tui.screens.dialogs import ConfirmDialog, ErrorDialog, PathDialog
from tui.session import LabSession
from tui.session_errors import SessionError
from tui.view import counters, headline_loss

WIDE = (120, 40)


def params(session: LabSession) -> list[dict[str, np.ndarray]]:
    return [dict(layer.params) for layer in session.run.net.layers]


def assert_same_arrays(a, b) -> None:
    """Same structure, same dtypes, same bits (NaN included)."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same_arrays(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_arrays(x, y)
    else:
        assert a == b or (a != a and b != b)


def assert_same_session(
    a: LabSession, b: LabSession, rng: bool = True, position: bool = True
) -> None:
    """The same state; ``rng=False`` mid-step, where one generator may have drawn the step's
    shuffle and masks already and the other not yet (they agree again once the step is taken)."""
    assert_same_arrays(params(a), params(b))
    assert_same_arrays([l.buffers for l in a.run.net.layers], [l.buffers for l in b.run.net.layers])
    assert_same_arrays(a.run.learner.opt_state, b.run.learner.opt_state)
    assert a.run.learner.t == b.run.learner.t
    ta, tb = a.run.trainer, b.run.trainer
    assert (ta.epoch, ta.batch) == (tb.epoch, tb.batch)
    if rng:
        assert ta.rng.bit_generator.state == tb.rng.bit_generator.state
    assert_same_arrays(ta.order, tb.order)
    ha, hb = a.run.history.steps.snapshot(), b.run.history.steps.snapshot()
    for x, y in zip(ha, hb):
        assert_same_arrays(x, y)
    assert list(a.run.history.epochs) == list(b.run.history.epochs)
    pa, pb = a.controller.position, b.controller.position
    if position:
        assert (pa.step, pa.index, pa.event_name()) == (pb.step, pb.index, pb.event_name())


def advance(session: LabSession, steps: int) -> None:
    session.controller.run(steps)


@pytest.mark.parametrize(
    "scenario,overrides",
    [
        ("xor", []),
        # shuffled mini-batches with dropout and adam: the generator and optimizer state matter
        ("overfitting-fixed-dropout", ["training.optimizer=adam", "training.batch_size=8"]),
        ("vanishing-fixed-batchnorm", []),
    ],
)
def test_save_and_load_restore_the_same_numbers(tmp_path, scenario, overrides):
    session = LabSession.open(scenario, overrides)
    advance(session, 23)
    session.command("step", 5)  # mid-step: inside the forward/backward pass
    path = session.save(tmp_path / "a.lab.npz")
    loaded = LabSession.load(path)
    assert loaded.scenario.name == scenario
    assert_same_session(session, loaded, rng=False)
    # and they go on identically: same batches, same dropout masks, same updates
    for s in (session, loaded):
        s.command("finish")
        advance(s, 17)
    assert_same_session(session, loaded)
    assert session.run.trainer.steps_done == 23 + 17  # run(n) counts the step it is in


@pytest.mark.parametrize("events", [0, 5], ids=["step-end", "mid-step"])
def test_a_reopened_session_shows_the_batch_loss_it_showed(tmp_path, events):
    session = LabSession.open("xor")
    advance(session, 10)
    session.command("step", events)
    session.sync_view()
    shown = headline_loss(session.view)
    # before the next step's Loss event the last step's loss; past it (5 events), that step's
    loss = session.controller.record.events[3].value if events else session.run.last_loss
    assert shown == ("batch_loss", loss) and shown[1] is not None
    assert headline_loss(LabSession.load(session.save(tmp_path / "s.lab.npz")).view) == shown


@pytest.mark.parametrize("back", [2, 9, 40])  # into the last step, two back, past a checkpoint
def test_a_session_saved_after_going_back_into_a_step_opens_where_it_was(tmp_path, back):
    session = LabSession.open("xor")
    advance(session, 30)
    session.command("back", back)
    pa = session.controller.position
    assert not pa.at_step_end
    where = (pa.step, pa.index, pa.event_name())
    loaded = LabSession.load(session.save(tmp_path / "back.lab.npz"))
    pb = loaded.controller.position
    assert (pb.step, pb.index, pb.event_name()) == where
    assert_same_arrays(params(session), params(loaded))  # of before the step (save released it)
    # the loaded history ends before the step (taken again when opened), as after any save
    # in the middle of a step; the session saved from still shows its first taking
    assert loaded.run.history.steps.snapshot().steps[-1] == where[0] - 1
    for s in (session, loaded):  # and both go on to the same numbers
        s.command("finish")
        advance(s, 5)
    assert_same_session(session, loaded)


@pytest.mark.parametrize("back", [3, 33])  # into the last step, into one three steps back
def test_a_session_saved_inside_a_step_gone_back_into_keeps_its_figures(tmp_path, back):
    """The file holds the run as it was before that step (its loss, the epoch's running sum),
    not after it: the reopened session shows what the saved one showed, and the step, taken
    again, is counted once (spiral: ten batches an epoch)."""
    session = LabSession.open("spiral")
    advance(session, 25)
    session.command("back", back)
    session.sync_view()
    assert not session.controller.position.at_step_end
    shown = counters(session.view)
    loaded = LabSession.load(session.save(tmp_path / "back.lab.npz"))
    assert counters(loaded.view) == shown
    for s in (session, loaded):  # to the end of epoch 4, through the end of epoch 3
        s.command("finish")
        advance(s, 40 - s.controller.position.step)
    assert [tuple(m) for m in loaded.run.history.epochs] == [
        tuple(m) for m in session.run.history.epochs
    ]
    assert loaded.run.last_loss == session.run.last_loss


def test_save_at_a_step_boundary_loads_at_the_next_step_start(tmp_path):
    session = LabSession.open("xor")
    advance(session, 10)
    assert session.controller.position.event_name() == "StepEnd"
    loaded = LabSession.load(session.save(tmp_path / "b.lab.npz"))
    assert loaded.run.trainer.steps_done == 10
    assert (loaded.controller.position.step, loaded.controller.position.index) == (11, 0)
    assert_same_arrays(params(session), params(loaded))


@pytest.mark.parametrize("seed", [2**63, 10**30])
def test_a_session_of_any_seed_the_lab_takes_loads_again(tmp_path, seed):
    """``--seed`` and a scenario's ``seed`` take any whole number ≥ 0; a session saved with a
    seed of 2⁶³ or more was refused at load ('seed: expected a whole number ≥ 0'): the work
    was lost."""
    session = LabSession.open("spiral", ["training.epochs=2"], seed=seed)
    advance(session, 3)
    loaded = LabSession.load(session.save(tmp_path / "seed.lab.npz"))
    assert loaded.seed == seed
    for s in (session, loaded):
        advance(s, 4)
    assert_same_session(session, loaded)


def test_breakpoints_and_status_are_saved(tmp_path):
    session = LabSession.open("xor")
    session.command("break", "update@2 if loss > 0.1")
    session.command("break", "grad_norm@1 < 1e-9")
    session.command("toggle", 2)
    advance(session, 1)
    loaded = LabSession.load(session.save(tmp_path / "c.lab.npz"))
    specs = [(bp.spec(), bp.enabled, bp.hits) for bp in loaded.controller.breakpoints]
    assert specs == [(bp.spec(), bp.enabled, bp.hits) for bp in session.controller.breakpoints]


def test_an_edited_network_is_saved_with_the_session(tmp_path):
    session = LabSession.open("xor")
    network = dict(session.scenario.network)
    network["layers"] = [dict(network["layers"][0], size=7), network["layers"][1]]
    edited = session.rebuild(network, session.scenario.training)
    advance(edited, 3)
    loaded = LabSession.load(edited.save(tmp_path / "d.lab.npz"))
    assert loaded.run.net.layer(1).n_out == 7
    assert_same_session(edited, loaded, position=False)  # StepEnd of 3 → StepStart of 4
    assert (loaded.controller.position.step, loaded.controller.position.index) == (4, 0)


def test_writes_are_atomic(tmp_path, monkeypatch):
    session = LabSession.open("xor")
    target = tmp_path / "e.lab.npz"
    session.save(target)
    before = target.read_bytes()
    advance(session, 5)

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_file.os, "replace", fail)
    with pytest.raises(SessionError, match="No space left"):
        session.save(target)
    assert target.read_bytes() == before  # the old file is intact
    assert os.listdir(tmp_path) == ["e.lab.npz"]  # no temporary file left behind


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "not an .npz archive"),
        (b"this is not a session", "not an .npz archive"),
        (None, "format"),  # an npz of another kind
        ("truncated", "not a readable"),
    ],
)
def test_a_bad_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.lab.npz"
    if content is None:
        np.savez(path, header=np.frombuffer(b'{"format": "something-else/9"}', dtype=np.uint8))
    elif content == "truncated":
        good = LabSession.open("xor").save(tmp_path / "good.lab.npz").read_bytes()
        path.write_bytes(good[: len(good) // 2])
    else:
        path.write_bytes(content)
    with pytest.raises(SessionError, match=message) as info:
        LabSession.load(path)
    assert str(path) in str(info.value)


DATA = Path(__file__).parent / "data"


def test_a_format_1_file_still_loads_with_the_same_numbers(tmp_path):
    """xor-format1.lab.npz was written by the format-1 lab (histories saved as attribute
    dictionaries) after 23 steps and 5 events, with breakpoint grad_norm@1 < 1e-9; the expected
    numbers were taken from that session when it was saved."""
    expected = np.load(DATA / "xor-format1-expected.npz")
    loaded = LabSession.load(DATA / "xor-format1.lab.npz")
    assert loaded.controller.position.short().startswith("step 24 · epoch 24 · batch 1 · Delta")
    assert loaded.run.net.layer(1).params["W"].tobytes() == expected["W1"].tobytes()
    history = loaded.run.history.steps.snapshot()
    assert history.loss.tobytes() == expected["loss"].tobytes()
    assert history.stats.tobytes() == expected["stats"].tobytes()
    assert len(loaded.run.history.epochs) == 23
    assert [bp.spec() for bp in loaded.controller.breakpoints][1:] == ["grad_norm@1 < 1e-9"]
    # saved again, it is a current-format file with the same state
    again = LabSession.load(loaded.save(tmp_path / "again.lab.npz"))
    assert_same_session(loaded, again, rng=False)
    assert session_file.read(tmp_path / "again.lab.npz")[0]["format"] == session_file.FORMAT


def test_a_format_2_file_with_the_buffers_written_twice_still_loads(tmp_path):
    """Format-2 files written before the duplicate was dropped hold the batch-norm buffers twice:
    in the run's state and again as "buffers"; they load, and the run's copy is the one used."""
    session = LabSession.open("vanishing-fixed-batchnorm")
    advance(session, 12)
    path = session.save(tmp_path / "old.lab.npz")
    header, state = session_file.read(path)
    assert "buffers" not in state
    layers = session.run.net.layers
    state["buffers"] = tuple(layer.buffers for layer in layers)
    header.pop("format")
    session_file.write(path, header, session_file.encode_records(state))
    loaded = LabSession.load(path)
    assert any(layer.buffers for layer in layers)
    assert_same_session(session, loaded, position=False)  # saved at a StepEnd: loads at 13


def saved_at(tmp_path, step: int, index: int):
    """xor saved after 12 steps, its file's position edited to (``step``, ``index``)."""
    session = LabSession.open("xor")
    advance(session, 12)
    path = session.save(tmp_path / "s.lab.npz")
    header, state = session_file.read(path)
    header["position"] = {"step": step, "index": index}
    session_file.write(path, header, session_file.encode_records(state))
    return path


@pytest.mark.parametrize("step,index", [(99999, 0), (5, 3), (12, 2), (0, 0)])
def test_a_position_that_does_not_fit_the_training_saved_is_refused(tmp_path, step, index):
    """An edited file with position.step = 99999 opened silently at step 2's StepStart."""
    path = saved_at(tmp_path, step, index)
    with pytest.raises(SessionError, match="position.step: .* took 12 steps") as info:
        LabSession.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("step,index", [(12, 0), (13, 0), (13, 4)])
def test_the_positions_a_save_writes_load(tmp_path, step, index):
    loaded = LabSession.load(saved_at(tmp_path, step, index)).controller.position
    assert (loaded.step, loaded.index) == (13, index)


def test_a_newer_format_asks_for_a_newer_lab(tmp_path):
    path = tmp_path / "future.lab.npz"
    header = b'{"format": "backprop-lab-session/99"}'
    np.savez(path, header=np.frombuffer(header, dtype=np.uint8))
    with pytest.raises(SessionError, match="newer version of Backprop Lab") as info:
        LabSession.load(path)
    assert str(path) in str(info.value)


def refusal(path, header: str) -> str:
    """Why a session file at ``path`` holding only the JSON ``header`` is refused."""
    np.savez(path, header=np.frombuffer(header.encode(), dtype=np.uint8))
    with pytest.raises(SessionError) as info:
        LabSession.load(path)
    return str(info.value)


def test_a_format_version_that_is_no_number_is_an_unknown_format(tmp_path):
    """Version '²' (a digit to str.isdigit, not to int) was refused as 'not a readable …
    session file (invalid literal for int() with base 10: '²')'."""
    path = tmp_path / "odd.lab.npz"
    assert refusal(path, '{"format": "backprop-lab-session/²"}') == (
        f"{path}: not a Backprop Lab session file (format: 'backprop-lab-session/²'; "
        "expected 'backprop-lab-session/2')"
    )


def test_a_number_of_thousands_of_digits_in_the_header_is_named(tmp_path):
    """It was refused with Python's advice, cut short: '… (Exceeds the limit (4300 digits) for
    integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() t)'."""
    path = tmp_path / "long.lab.npz"
    header = '{"format": "backprop-lab-session/2", "seed": ' + "9" * 5000 + "}"
    assert refusal(path, header) == (
        f"{path}: not a readable Backprop Lab session file (its header holds a number of "
        "5,000 digits; a session holds none so large)"
    )


def test_a_session_file_holds_only_the_history_in_use(tmp_path):
    """The history's preallocated arrays are not written whole (format 1 wrote 1 MB for xor)."""
    session = LabSession.open("xor")
    advance(session, 30)
    path = session.save(tmp_path / "small.lab.npz")
    assert path.stat().st_size < 100_000
    assert LabSession.load(path).run.history.steps.n_recorded == 30


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SessionError, match="does not exist"):
        LabSession.load(tmp_path / "nothing.lab.npz")


def test_a_fifo_or_a_device_is_refused_as_what_it_is(tmp_path):
    """A FIFO or /dev/zero given as the session was reported as 'does not exist'."""
    fifo = tmp_path / "s.lab.npz"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        with pytest.raises(SessionError, match="a pipe or a device; a session file must be a"):
            LabSession.load(path)
    with pytest.raises(SessionError, match="is a folder, not a session file"):
        LabSession.load(tmp_path)


async def test_ctrl_s_saves_and_the_palette_loads(lab_app, settle, tmp_path):
    app = lab_app("xor")
    path = tmp_path / "lab.lab.npz"
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "e", "e")
        await settle(pilot)
        await pilot.press("s", "s")
        saved_W = app.session.run.net.layer(1).params["W"].copy()
        position = app.session.controller.position.short()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("Input").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert path.is_file()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.session.run.trainer.steps_done == 0
        app.action_load_session()
        await pilot.pause()
        app.screen.query_one("Input").value = str(path)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.run.trainer.steps_done == 3
        assert app.session.controller.position.short() == position
        assert app.session.run.net.layer(1).params["W"].tobytes() == saved_W.tobytes()


async def test_ctrl_s_never_replaces_a_file_unasked(lab_app, settle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = tmp_path / "xor-step2.lab.npz"

    async def save(pilot, expected: str, typed: str | None = None):
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        field = app.screen.query_one("Input")
        assert field.value == expected  # proposed: a name no file has
        if typed is not None:
            field.value = typed
        await pilot.press("enter")
        await pilot.pause()

    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "e")
        await settle(pilot)
        await save(pilot, "xor-step2.lab.npz")
        saved = first.read_bytes()
        await pilot.press("ctrl+s")  # at the same step: the name is taken, another proposed
        await pilot.pause()
        assert app.screen.query_one("Input").value == "xor-step2-2.lab.npz"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s", "s")  # into step 3: its name says where
        await save(pilot, "xor-step3-forward1.lab.npz", typed=first.name)
        assert isinstance(app.screen, ConfirmDialog) and "exists" in app.screen.question
        await pilot.press("n")  # keep it: asked for a name again, with the one typed
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        assert app.screen.query_one("Input").value == str(first.name)
        await pilot.press("escape")
        await pilot.pause()
        assert first.read_bytes() == saved and sorted(tmp_path.iterdir()) == [first]
        await save(pilot, "xor-step3-forward1.lab.npz", typed=first.name)
        await pilot.press("y")  # replace
        await app.workers.wait_for_complete()
        assert first.read_bytes() != saved
        assert LabSession.load(first).controller.position.index > 0  # the mid-step save


async def load_after_two_epochs(app, pilot, settle, path) -> LabSession:
    """Train two epochs in the lab, then load ``path`` there; the session it had before."""
    await pilot.press("e", "e")
    await settle(pilot)
    session = app.session
    app.load_session(str(path))
    await pilot.pause(0.2)
    return session


async def test_load_session_asks_before_it_drops_unsaved_training(lab_app, settle, tmp_path):
    other = LabSession.open("spiral")
    path = other.save(tmp_path / "spiral.lab.npz")
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        session = await load_after_two_epochs(app, pilot, settle, path)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == (
            f"Load {path}? The training on xor up to step 2 will be lost (ctrl+s saves it first)."
        )
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert app.session is session
        app.load_session(str(path))
        await pilot.pause(0.2)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert app.session.scenario.name == "spiral"


async def test_a_corrupt_session_shows_an_error_and_keeps_the_work(lab_app, settle, tmp_path):
    bad = tmp_path / "corrupt.lab.npz"
    bad.write_bytes(b"PK\x03\x04 definitely not a zip archive")
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        session = await load_after_two_epochs(app, pilot, settle, bad)
        assert isinstance(app.screen, ErrorDialog)
        assert "corrupt.lab.npz" in app.screen.message
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is session
        assert app.session.run.trainer.steps_done == 2


async def test_the_load_dialog_refuses_a_damaged_session_under_its_field(lab_app, settle, tmp_path):
    """The palette's "Load session" dialog reads the file whole before it closes: a damaged
    one is refused under the field, naming the file and what is wrong, the dialog and the path
    kept for a fix — it closed and an error box came instead."""
    from textual.widgets import Static

    bad = tmp_path / "corrupt.lab.npz"
    bad.write_bytes(b"PK\x03\x04 definitely not a zip archive")
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        session = app.session
        app.action_load_session()
        await pilot.pause()
        app.screen.query_one("Input").value = str(bad)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, PathDialog)
        why = str(app.screen.query_one("#path-refused", Static).content)
        assert why.startswith(str(bad)) and "session file" in why
        assert app.screen.query_one("Input").value == str(bad)
        assert app.session is session and app.session.run.trainer.steps_done == 1


async def test_a_session_opened_mid_step_draws_the_debugger_for_its_columns(lab_app, tmp_path):
    """The panel's columns are laid out after its first drawing (side by side, then stacked
    below 70 columns): its arrays and equation are drawn again for them."""
    from textual.widgets import Static

    from tui.panels.debugger_panel import DebuggerPanel
    from tui.panels.event_arrays import event_arrays

    session = LabSession.open("xor")
    advance(session, 3)
    session.command("step", 6)  # Gradient(l=2)
    path = session.save(tmp_path / "mid.lab.npz")
    app = lab_app(None, session_file=str(path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.3)
        panel = app.query_one(DebuggerPanel)
        width = panel.widths()[0]
        shown = app.query_one("#debugger-event", Static).content.plain
        assert shown == event_arrays(app.session.view.event, width).plain
        assert "1×4" in shown and "min " not in shown  # the whole 1×4 gradient, no summary


async def test_session_option_opens_the_lab_on_a_saved_session(lab_app, tmp_path):
    session = LabSession.open("xor")
    advance(session, 4)
    path = session.save(tmp_path / "f.lab.npz")
    app = lab_app(None, session_file=str(path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.session.run.trainer.steps_done == 4
        assert_same_arrays(params(app.session), params(session))


async def test_paths_typed_with_a_tilde_are_in_the_home_folder(
    lab_app, settle, tmp_path, monkeypatch
):
    """~/… in the save, load and open dialogs is the home folder, as in the shell: the save
    was refused ('~/s.lab.npz: the folder ~ does not exist'), and the load and the open said
    a file that was there did not exist."""
    from pathlib import Path

    from scenarios import preset_path
    from tui.screens.picker import ScenarioPicker

    monkeypatch.setenv("HOME", str(tmp_path))
    Path(tmp_path, "mine.toml").write_text(Path(preset_path("xor")).read_text())
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("Input").value = "~/s.lab.npz"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ErrorDialog)
        assert (tmp_path / "s.lab.npz").is_file()
        app.action_load_session()
        await pilot.pause()
        app.screen.query_one("Input").value = " ~/s.lab.npz"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ErrorDialog)
        assert app.session.run.trainer.steps_done == 1
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioPicker)
        app.screen.query_one("#picker-path").value = "~/mine.toml"
        app.screen.query_one("#picker-path").focus()
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ErrorDialog)
        assert app.session.scenario.path == tmp_path / "mine.toml"


async def test_questions_before_dropping_training_are_sentences(lab_app, settle):
    """r and q ask in sentences that start with a capital: they said 'Reset to the scenario's
    initial network? step 101 of training will be lost.', as if only step 101 were lost."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        for key, question in (
            (
                "r",
                "Reset to step 1 with the network's initial weights? The training up to step 1 "
                "will be lost.",
            ),
            ("q", "Quit? The training on xor up to step 1 is not saved (ctrl+s saves it)."),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            assert app.screen.question == question
            await pilot.press("n")
            await app.workers.wait_for_complete()
