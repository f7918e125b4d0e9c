"""The help screen's keys table: three aligned columns at any width (hanging indent)."""

from __future__ import annotations

from tui.keys import KEYS, PALETTE_ONLY
from tui.screens.help import KEY_WIDTH, TITLE_WIDTH, HelpScreen, keys_table


def test_long_descriptions_continue_under_themselves():
    lines = keys_table(60).plain.splitlines()
    indent = KEY_WIDTH + TITLE_WIDTH
    assert max(len(line) for line in lines) <= 60
    continued = [line for line in lines if not line[:indent].strip()]
    assert continued  # some descriptions are longer than 28 columns
    words = " ".join(line[indent:] for line in lines)
    for action in (*KEYS, *PALETTE_ONLY):
        assert " ".join(action.help.split()) in " ".join(words.split())


async def test_at_80_columns_the_help_table_fits_its_dialog(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        lines = table.render().plain.splitlines()
        assert max(len(line) for line in lines) <= table.size.width
        assert table.size.height == len(lines)  # nothing wrapped by the widget itself


def test_palette_actions_are_under_a_heading_not_beside_ctrl_p():
    """The help listed "ctrl+p  Edit network" as if ctrl+p were that action's key."""
    lines = keys_table().plain.splitlines()
    heading = lines.index(" Without a key, in the command palette (ctrl+p):")
    assert not any(line.lstrip().startswith("ctrl+p") for line in lines)
    palette = [line for line in lines[heading + 1 :] if line[:KEY_WIDTH].strip() == ""]
    for action in PALETTE_ONLY:
        assert any(line[KEY_WIDTH:].startswith(action.title) for line in palette)
