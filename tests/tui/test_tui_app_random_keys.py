"""Random keys never end the lab: a few hundred keys drawn from the lab's own
keys, the dialogs' and the palette's, at 80×24 and at 40×12 (where the lab asks for a larger
terminal but its keys still work), with training running in between."""

from __future__ import annotations

import random

import pytest

from tui.keys import KEYS

# every key of the lab but quitting, and what the dialogs, the picker and the palette answer to
LAB_KEYS = [a.key for a in KEYS if a.action != "quit"] + ["1", "2", "3", "4", "5"]
DIALOG_KEYS = ["y", "n", "escape", "enter", "tab", "shift+tab", "up", "down", "left", "right"]
PALETTE_KEYS = ["ctrl+p", "pageup", "pagedown", "home", "end", "backspace", "a", "e", "o", "t"]
KEYSET = LAB_KEYS * 3 + DIALOG_KEYS * 2 + PALETTE_KEYS


def random_keys(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(KEYSET) for _ in range(n)]


@pytest.mark.slow
@pytest.mark.parametrize(("size", "seed"), [((80, 24), 1), ((40, 12), 2)])
async def test_random_keys_never_end_the_lab(lab_app, size, seed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # ctrl+s and the palette's screenshot write here
    app = lab_app("xor", overrides=["training.epochs=300"])
    pressed = []
    async with app.run_test(size=size) as pilot:
        for key in random_keys(seed, 250):
            pressed.append(key)
            await pilot.press(key)
            assert app.is_running, f"the lab ended after {pressed[-20:]}"
        await app.stop_training()
        assert app.session is not None and app.session.run.trainer.steps_done >= 0
    assert app.return_code in (None, 0), f"the lab failed after {pressed[-20:]}"


async def test_two_enters_in_one_read_close_the_picker_once(lab_app):
    """The second enter reached the picker after the first had closed it, and Textual's dismiss
    popped the lab's own screen: ScreenStackError ended the lab (found by a random-key
    campaign: '!enter', '!enter' in one burst)."""
    from textual import events

    from tui.screens.picker import ScenarioPicker

    app = lab_app("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_open_scenario()
        await pilot.pause(0.3)
        assert isinstance(app.screen, ScenarioPicker)
        app.post_message(events.Key("down", None))
        app.post_message(events.Key("enter", None))
        app.post_message(events.Key("enter", None))
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert app.is_running and not isinstance(app.screen, ScenarioPicker)
        assert app.session.scenario.name != "xor"
