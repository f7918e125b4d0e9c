"""The palette's schedule entries: only those the run's schedule uses, named after it. Under a
constant schedule it offered "Change every / factor / gamma / final rate while it trains (now
off)", which the schedule ignores (audit finding 9)."""

from __future__ import annotations

import pytest

from tui.live_palette import live_entries
from tui.session import LabSession


def schedule_titles(overrides) -> list[str]:
    session = LabSession.open("xor", overrides=overrides)
    return [title for title, action, _ in live_entries(session) if "'schedule." in action]


def test_a_constant_schedule_offers_no_parameter_of_another_kind():
    assert schedule_titles([]) == [
        "Change schedule while it trains (now constant)",
        "Change warm-up while it trains (now 0)",
    ]


@pytest.mark.parametrize(
    "overrides,expected",
    [
        (
            ["schedule.kind=step", "schedule.every=5", "schedule.factor=0.5"],
            [
                "Change step schedule: epochs between drops (every) while it trains (now 5)",
                "Change step schedule: lr multiplier at each drop (factor) while it trains "
                "(now 0.5)",
            ],
        ),
        (
            ["schedule.kind=exponential", "schedule.gamma=0.9"],
            [
                "Change exponential schedule: lr multiplier per epoch (gamma) while it trains "
                "(now 0.9)"
            ],
        ),
        (
            ["schedule.kind=cosine"],
            ["Change cosine schedule: the rate at the last epoch (lr_min) while it trains (now 0)"],
        ),
    ],
)
def test_each_kind_offers_its_own_parameters_by_its_name(overrides, expected):
    titles = schedule_titles(overrides)
    assert titles[1:-1] == expected


async def test_the_palette_under_a_constant_schedule_has_no_every(lab_app):
    app = lab_app("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"every")
        await pilot.pause(0.5)
        from textual.command import CommandList

        options = app.screen.query_one(CommandList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert not any("every" in t.lower() and "while it trains" in t for t in texts)


async def test_the_palette_over_the_lab_has_one_quit_and_names_change_theme(lab_app):
    """It listed Textual's "Quit" ("Quit the application as soon as possible") beside the
    lab's "Quit (q)", and "Theme" where the README says "Change theme"."""
    from tui.palette import lab_entries

    app = lab_app("xor")
    async with app.run_test(size=(120, 40)):
        system = [command.title for command in app.get_system_commands(app.screen)]
        lab = [title for title, _, _ in lab_entries()]
    assert [t for t in system + lab if t.startswith("Quit")] == ["Quit (q)"]
    assert "Change theme" in system and "Theme" not in system
