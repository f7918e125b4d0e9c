"""The scenario picker (``o``) loads each preset once while its file is unchanged
(``tui.screens.picker.described``): the list and the lesson pages are the same every time."""

from __future__ import annotations

import asyncio
import os
import time

import scenarios
from tui.screens import picker
from tui.screens.picker import ScenarioPicker


async def _until(condition, timeout: float = 5.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.002)


async def _open(app, pilot) -> tuple[list[str], dict[str, str]]:
    await pilot.press("o")
    await _until(lambda: isinstance(app.screen, ScenarioPicker))
    await pilot.pause()
    screen = app.screen
    shown = [str(option.prompt) for option in screen.query_one("#picker-list").options]
    pages = dict(screen.pages)
    await pilot.press("escape")
    await _until(lambda: not isinstance(app.screen, ScenarioPicker))
    return shown, pages


async def test_the_picker_loads_each_preset_once_while_its_file_is_unchanged(
    lab_app, monkeypatch, tmp_path
):
    monkeypatch.setattr(picker, "_described", {}, raising=False)
    loaded: list[str] = []
    load = scenarios.load_scenario

    def counted(name, *args, **kwargs):
        loaded.append(str(name))
        return load(name, *args, **kwargs)

    monkeypatch.setattr(scenarios, "load_scenario", counted)
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        loaded.clear()
        first = await _open(app, pilot)
        names = scenarios.preset_names()
        assert sorted(loaded) == sorted(names)
        loaded.clear()
        again = await _open(app, pilot)
        assert loaded == []  # every preset kept
        assert again == first  # the same labels and pages

        # a preset whose file changed (its time and size) is loaded again, alone
        copy = tmp_path / "xor.toml"
        copy.write_text(scenarios.preset_path("xor").read_text())
        paths = scenarios.preset_path

        def changed(name):
            return copy if name == "xor" else paths(name)

        monkeypatch.setattr(scenarios, "preset_path", changed)
        await _open(app, pilot)
        assert loaded == ["xor"]
        loaded.clear()
        await _open(app, pilot)
        assert loaded == []
        copy.write_text(copy.read_text() + "\n")
        stat = copy.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        await _open(app, pilot)
        assert loaded == ["xor"]
