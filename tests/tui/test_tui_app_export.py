"""The command palette's "Export as PyTorch script": the session's scenario, as edited and with
its seed, written into the current folder under a name no file has yet."""

from __future__ import annotations

from scenarios import load_scenario
from scenarios.export import export_pytorch
from tui import messages
from tui.keys import PALETTE_ONLY
from tui.screens.dialogs import ErrorDialog

WIDE = (120, 40)


async def export(app, pilot) -> None:
    """Run the action and wait until it has notified or shown its error dialog."""
    before = len(app._notifications)
    await app.run_action("export_pytorch")
    for _ in range(500):
        await pilot.pause(0.01)
        if len(app._notifications) > before or isinstance(app.screen, ErrorDialog):
            await pilot.pause(0.1)  # let the dialog mount before the test goes on
            return
    raise AssertionError("the export neither notified nor showed an error")


def notified(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_palette_entry_writes_the_script_here_and_says_where(
    lab_app, tmp_path, monkeypatch
):
    assert any(a.action == "export_pytorch" for a in PALETTE_ONLY)
    monkeypatch.chdir(tmp_path)
    app = lab_app("spiral", seed=5)
    async with app.run_test(size=WIDE) as pilot:
        await export(app, pilot)
        await export(app, pilot)  # the first files are kept; the second export gets new names
        assert notified(app) == [
            f"wrote {tmp_path / 'spiral_pytorch.py'} and spiral_pytorch.npz beside it",
            f"wrote {tmp_path / 'spiral_pytorch_2.py'} and spiral_pytorch_2.npz beside it",
        ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "spiral_pytorch.npz",
        "spiral_pytorch.py",
        "spiral_pytorch_2.npz",
        "spiral_pytorch_2.py",
    ]
    expected = export_pytorch(load_scenario("spiral"), seed=5, script="spiral_pytorch.py")
    assert (tmp_path / "spiral_pytorch.py").read_text(encoding="utf-8") == expected.script
    assert (tmp_path / "spiral_pytorch.npz").read_bytes() == expected.arrays_bytes()


async def test_an_edited_network_is_exported_as_edited(lab_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        network = dict(app.session.scenario.network)
        network["layers"] = [dict(network["layers"][0], size=6), dict(network["layers"][1])]
        app.post_message(messages.ApplyNetwork(network, dict(app.session.scenario.training)))
        await app.workers.wait_for_complete()
        await pilot.pause()
        await export(app, pilot)
        assert notified(app) == [f"wrote {tmp_path / 'xor_pytorch.py'}"]  # no .npz needed
    text = (tmp_path / "xor_pytorch.py").read_text(encoding="utf-8")
    assert "nn.Linear(2, 6)" in text and "as edited in the lab (seed 0)" in text


async def test_a_write_that_fails_is_a_dialog_and_leaves_nothing(lab_app, tmp_path, monkeypatch):
    import errno

    import scenarios.export

    def full_disk(export, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scenarios.export, "write_export", full_disk)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await export(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.title_text == "Cannot export as a PyTorch script"
        assert "No space left on device" in app.screen.message
        assert notified(app) == []
    assert list(tmp_path.iterdir()) == []


async def test_a_read_only_folder_is_named_by_the_file_not_its_temporary(
    lab_app, tmp_path, monkeypatch
):
    """A folder that cannot be written (read-only, full) fails on the first temporary file; the
    dialog said "[Errno 30] Read-only file system: '…/.spiral_pytorch.npz.abc123.tmp'". It names
    the file the user would get, as `backprop-lab export` does."""
    import errno
    import tempfile

    def read_only(suffix=None, prefix=None, dir=None, text=False):
        raise OSError(errno.EROFS, "Read-only file system", f"{dir}/{prefix}abc123{suffix}")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    app = lab_app("spiral")
    async with app.run_test(size=WIDE) as pilot:
        await export(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        message = app.screen.message
    npz = tmp_path / "spiral_pytorch.npz"
    assert message == f"cannot write {npz}: Read-only file system"
    assert list(tmp_path.iterdir()) == []


async def test_changes_made_while_training_are_named_as_not_exported(
    lab_app, tmp_path, monkeypatch
):
    """η halved while training is in the trainer's log, not in the scenario: the script trains
    with the scenario's η, and the lab says so beside the file it wrote."""
    monkeypatch.chdir(tmp_path)
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "<")  # an epoch, then η ÷ 2 from the next step
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list(app.session.run.trainer.changes)
        await export(app, pilot)
        words = notified(app)
        assert any(
            "η 1 → 0.5 from step 2: made while training, not in the script" in w for w in words
        )
        assert words[-1] == f"wrote {tmp_path / 'xor_pytorch.py'}"
    assert "lr=1.0" in (tmp_path / "xor_pytorch.py").read_text(encoding="utf-8")
