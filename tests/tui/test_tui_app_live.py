"""Changes while it trains, in the lab: `<` / `>`, the palette's dialog, the unit and layer
keys, the editor, the loss curve's marks, and a session saved and loaded with a change."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import live
from scenarios import build_run, load_scenario
from tui.session import LabSession
from tui.session_errors import SessionError

WIDE = (120, 40)
NEVER_STOP = ["training.epochs=100000000", "stop.loss_below=1e-300"]


def params(net):
    return [p.copy() for layer in net.layers for p in layer.params.values()]


def same_bits(a, b):
    return len(a) == len(b) and all(x.tobytes() == y.tobytes() for x, y in zip(a, b))


def engine_run(name, changes, steps, overrides=()):
    """The scenario's run on the engine alone: ``changes`` {at: values} made at their steps."""
    run = build_run(load_scenario(name, tuple(overrides)))
    for _ in range(steps):
        if run.steps_done in changes:
            run.trainer.change(live.check(run.trainer, changes[run.steps_done]))
        run.step()
    return run


async def test_halving_lr_takes_effect_at_the_next_step_with_no_rebuild(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(5):
            await pilot.press("e")  # xor: one full batch, one step an epoch
            await settle(pilot)
        session, net = app.session, app.session.run.net
        recorded = session.run.history.steps.n_recorded
        await pilot.press("less_than_sign")
        assert session.run.schedule.lr == 0.5  # xor's η 1.0, halved
        assert "η 1 → 0.5 from step 6" in session.view.message
        for _ in range(3):
            await pilot.press("e")
            await settle(pilot)
        assert app.session is session and session.run.net is net  # no rebuild
        assert session.run.history.steps.n_recorded == recorded + 3  # history kept
        assert session.steps_done == 8
        expected = engine_run("xor", {5: {"training.lr": 0.5}}, 8)
        assert same_bits(params(session.run.net), params(expected.net))
        assert not same_bits(params(session.run.net), params(engine_run("xor", {}, 8).net))


async def test_doubling_while_it_trains_applies_at_a_step_boundary_exactly(lab_app, settle):
    app = lab_app("xor", overrides=NEVER_STOP)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("space")
        while app.session.steps_done < 30:
            await pilot.pause(0.01)
        await pilot.press("greater_than_sign")
        while not app.session.run.trainer.changes:
            await pilot.pause(0.01)
        await pilot.press("space")
        await settle(pilot)
        run = app.session.run
        (change,) = run.trainer.changes
        assert change.new == {"training.lr": 2.0} and change.old == {"training.lr": 1.0}
        expected = engine_run("xor", {change.at: change.new}, run.steps_done, NEVER_STOP)
        assert same_bits(params(run.net), params(expected.net))


async def test_a_refused_value_leaves_training_unchanged_and_says_why(lab_app, settle):
    from tui.screens.setting_dialog import SettingDialog

    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        before = live.read_all(app.session.run.trainer)
        app.action_change_setting("training.batch_size")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SettingDialog)
        for value in ("0", "5", "-0.1"):
            dialog.query_one("#path").value = value
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog  # still open
            reason = str(dialog.query_one("#setting-refused").render())
            assert "Refused: training.batch_size" in reason and "Training is unchanged" in reason
        assert "larger than the training set: 4 examples" in reason or "positive" in reason
        assert live.read_all(app.session.run.trainer) == before
        assert app.session.run.trainer.changes == []
        dialog.query_one("#path").value = "2"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog and app.session.run.trainer.batch_size == 2
        assert "B 4 → 2 from step 2" in app.session.view.message


async def test_the_palette_lists_every_live_setting(lab_app):
    from tui.live_actions import palette_entries

    app = lab_app("xor")
    async with app.run_test(size=WIDE):
        titles = [title for title, _, _ in palette_entries(app.session)]
        assert "Change learning rate η while it trains (now 1)" in titles
        assert "Change dropout p of layer 1 while it trains (now 0)" in titles


async def test_adding_a_unit_keeps_the_other_weights(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(3):
            await pilot.press("e")
            await settle(pilot)
        old = app.session.run.net
        W1, b1, W2 = old.layers[0].W.copy(), old.layers[0].b.copy(), old.layers[1].W.copy()
        x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        before = old.forward(x)
        await pilot.press("right_parenthesis")
        await pilot.pause()
        await pilot.press("y")  # three steps of history and the optimizer's state: asked first
        await pilot.pause(0.1)
        new = app.session.run.net
        assert new is not old and new.sizes == [2, 5, 1]
        assert np.array_equal(new.layers[0].W[:4], W1) and np.array_equal(new.layers[0].b[:4], b1)
        assert np.array_equal(new.layers[1].W[:, :4], W2) and new.layers[1].W[0, 4] == 0
        assert np.array_equal(new.forward(x), before)  # the same function, bit for bit
        assert app.session.view.message == (
            "Added a unit to layer 1 (4 → 5 units); every weight kept."
        )
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("left_parenthesis")  # and back: unit 4's weights would be lost
        await pilot.pause()
        assert "unit 4 of layer 1" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("n")
        await pilot.pause(0.1)
        assert app.session.run.net is new and new.sizes == [2, 5, 1]


async def test_the_loss_curve_marks_a_change(lab_app, settle):
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(4):
            await pilot.press("e")
            await settle(pilot)
        await pilot.press("less_than_sign")
        for _ in range(4):
            await pilot.press("e")
            await settle(pilot)
        loss = app.panels["loss"]
        assert loss.marks == [(4.5, "η 1 → 0.5 from step 5")]
        assert loss.marks_shown == 1
        stats = str(loss.query_one("#loss-stats").render())
        assert "η 1 → 0.5 from step 5" in stats
        label = str(loss.query_one("#loss-scale-label").render())
        assert "change" in label


async def test_editor_edits_of_live_settings_apply_live_others_rebuild(lab_app, settle):
    from tui.live_changes import sections_in_force
    from tui.messages import ApplyNetwork

    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await settle(pilot)
        session = app.session
        network, training, _ = sections_in_force(session.scenario, session.run)
        training = {**training, "lr": 0.25, "l2": 0.001}
        app.post_message(ApplyNetwork(network, training, [1, 2]))
        await pilot.pause(0.1)
        assert app.session is session
        assert session.run.schedule.lr == 0.25 and session.run.learner.l2 == 0.001
        W1 = session.run.net.layers[0].W.copy()
        network["layers"][0] = {**network["layers"][0], "size": 6}
        app.post_message(ApplyNetwork(network, training, [1, 2]))
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.1)
        assert app.session is not session and app.session.run.net.sizes == [2, 6, 1]
        assert np.array_equal(app.session.run.net.layers[0].W[:4], W1)
        assert app.session.run.schedule.lr == 0.25  # the settings in force go on


def test_a_session_saved_with_a_change_reloads_to_the_same_bits(tmp_path):
    session = LabSession.open("xor", overrides=NEVER_STOP)
    c = session.controller
    c.run(7)
    from tui import live_changes

    live_changes.change(session, {"training.lr": 0.5, "training.batch_size": 2}, running=False)
    c.run(5)
    path = session.save(tmp_path / "s.lab.npz")
    loaded = LabSession.load(path)
    assert [x.to_json() for x in loaded.run.trainer.changes] == [
        x.to_json() for x in session.run.trainer.changes
    ]
    session.controller.run(20)
    loaded.controller.run(20)
    assert same_bits(params(session.run.net), params(loaded.run.net))
    # the loaded log has the old values before the change, the new ones from it
    trainer = loaded.run.trainer
    assert trainer.settings_at(6)["training.lr"] == 1.0
    assert trainer.settings_at(7)["training.batch_size"] == 2


def _values():
    leaf = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        st.sampled_from(["full", "off", "training.lr", "network.layers[1].dropout"]),
    )
    return st.recursive(leaf, lambda kids: st.lists(kids, max_size=3), max_leaves=6)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=st.integers(0, 10**6), value=_values())
def test_fuzz_a_saved_change_log_loads_or_is_one_line(tmp_path_factory, where, value):
    """Replace one value of a saved session's change log: it loads and trains, or is refused
    with one line naming the file; never another exception."""
    path = tmp_path_factory.mktemp("fuzz") / "s.lab.npz"
    session = LabSession.open("xor")
    session.controller.run(3)
    from tui import live_changes

    live_changes.change(session, {"training.lr": 0.5, "training.batch_size": 2}, running=False)
    session.controller.run(2)
    session.save(path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    document = json.loads(arrays.pop("header").tobytes())
    spots = [(document, "changes"), (document["changes"], 0)]
    entry = document["changes"][0]
    spots += [(entry, k) for k in entry] + [(entry["new"], k) for k in entry["new"]]
    parent, key = spots[where % len(spots)]
    parent[key] = value
    text = json.dumps(document).encode()
    np.savez(path, header=np.frombuffer(text, dtype=np.uint8), **arrays)
    try:
        loaded = LabSession.load(path)
    except SessionError as e:
        assert str(path) in str(e) and "\n" not in str(e)
        return
    loaded.controller.run(3)


async def open_the_editor(app, pilot):
    from tui.panels.network_editor import NetworkEditor

    app.action_edit_network()
    await pilot.pause()
    assert isinstance(app.screen, NetworkEditor)
    return app.screen


async def test_the_editor_names_the_weights_a_new_layer_loses_and_no_returns_to_the_draft(
    lab_app, settle
):
    """Audit finding 3: a layer of 3 units inserted before xor's output (2→4→3→1) redraws the
    output layer's weights (its inputs go from 4 to 3); the question and the message said
    'every weight kept'. Finding 4: No discarded the whole draft."""
    from textual.widgets import Input

    from tui.screens.dialogs import ConfirmDialog

    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(3):
            await pilot.press("e")
            await settle(pilot)
        old = app.session.run.net
        W1 = old.layers[0].W.copy()
        editor = await open_the_editor(app, pilot)
        await pilot.click("#add-layer")
        await pilot.pause()
        editor.query_one("#size-2", Input).value = "3"
        editor.query_one("#lr", Input).value = "0.5"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        lost = "layer 2's weights (its inputs changed from 4 to 3)"
        assert f"Lost: {lost}; the history of 3 steps" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is editor and app.session.run.net is old  # the draft as it was
        assert [layer.size for layer in editor.draft.layers] == ["4", "3", "1"]
        assert editor.query_one("#size-2", Input).value == "3"
        assert editor.query_one("#lr", Input).value == "0.5"
        assert "you answered No" in str(editor.query_one("#editor-errors").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.1)
        assert app.screen is not editor and app.session.run.net.sizes == [2, 4, 3, 1]
        assert app.session.view.message == f"Applied the edited network; lost: {lost}."
        assert np.array_equal(app.session.run.net.layers[0].W, W1)  # layer 1 kept, as said


async def test_a_refusal_after_apply_shows_at_its_field_in_the_editor(lab_app, monkeypatch):
    """Audit finding 4: the lab's refusal (here its memory estimate, which counts what the
    editor cannot, e.g. the step-back history) closed the editor and lost the draft."""
    from textual.widgets import Input

    from tui.session import LabSession

    reason = (
        "xor.toml (edited): network.layers[1].size = 6 (with 2 inputs): the run would need "
        "about 2.79 GiB of memory, more than the limit of 2 GiB"
    )

    def refuse(self, *args, **kwargs):
        raise SessionError(reason)

    monkeypatch.setattr(LabSession, "rebuild", refuse)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        session = app.session
        editor = await open_the_editor(app, pilot)
        size = editor.query_one("#size-1", Input)
        size.value = "6"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert app.screen is editor and app.session is session
        assert editor.draft.layers[0].size == "6" and size.has_class("refused")
        assert "more than the limit of 2 GiB" in str(editor.query_one("#editor-errors").render())
        assert editor.query_one("#apply").disabled  # until the draft changes
        size.value = "5"
        await pilot.pause()
        assert not size.has_class("refused") and not editor.query_one("#apply").disabled


async def test_an_error_while_applying_hands_the_editor_back(lab_app, monkeypatch):
    """The editor waits for the lab's answer with Apply and escape idle: an unexpected error
    while applying must not leave it waiting for ever."""
    from textual.widgets import Input

    from tui import live_changes
    from tui.screens.dialogs import ErrorDialog

    def broken(*args):
        raise RuntimeError("something unforeseen")

    monkeypatch.setattr(live_changes, "edit_values", broken)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        editor = await open_the_editor(app, pilot)
        editor.query_one("#lr", Input).value = "0.5"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ErrorDialog)  # the lab reports its worker's error
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is editor and not editor.applying
        assert "something unforeseen" in str(editor.query_one("#editor-errors").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not editor
