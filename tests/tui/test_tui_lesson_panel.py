"""The Lesson panel (L): shown when a scenario opens, its actions change the lab's state as they
say, its exercises accept the engine's value and refuse a wrong one."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Markdown, OptionList

from tui.messages import RunLessonAction
from tui.panels.lesson_markdown import LessonMarkdown
from tui.panels.lesson_text import lesson_page

WIDE, NARROW = (120, 40), (80, 24)

LESSON = """\
[gradients](lab:stat/dead_fraction) [log](lab:log/on) [data](lab:panel/data)
[unit](lab:select/1/2) [weight](lab:select/1/2,1) [delta](lab:goto/delta@1)
[update](lab:explain/update@2/0,1) [break](lab:break/gradient@1%20if%20loss%20>%200)
[three steps](lab:run/step/3) [until](lab:run/until/step%20>=%205) [epoch](lab:run/epoch)
[run](lab:run) [compare](lab:compare) [exercise](lab:exercise/1)"""

SCENARIO = f'''
name = "lesson-test"
title = "Every lesson action"
summary = "A small network whose lesson uses every action."
compare = "xor"
lesson = """
{LESSON}
"""
seed = 1

[data]
kind = "inline"
x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
y = [[1.0], [1.0], [0.0], [0.0]]

[network]
loss = "mse"

[[network.layers]]
size = 3
activation = "tanh"

[[network.layers]]
size = 1
activation = "sigmoid"

[training]
optimizer = "sgd"
lr = 0.5
batch_size = 2
epochs = 20

[[exercises]]
prompt = "Compute the output delta δ²₀ of example 1."
quantity = "delta@2[1,0]"
'''


@pytest.fixture
def scenario_path(tmp_path):
    path = tmp_path / "lesson-test.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return str(path)


def number(app, name: str) -> int:
    """The number of the lesson action whose link text is ``name``."""
    return next(a.number for a in app.session.scenario.actions if a.text == name)


async def trigger(app, pilot, settle, name: str) -> None:
    app.panels["lesson"].post_message(RunLessonAction(number(app, name)))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await settle(pilot)


async def revealed(app, pilot, settle, name: str):
    """The Lesson panel with exercise action ``name`` posed and its answer revealed."""
    await pilot.pause()
    await trigger(app, pilot, settle, name)
    await pilot.click("#exercise-reveal")
    await pilot.pause()
    return app.panels["lesson"]


async def test_the_lesson_is_open_beside_the_panels_when_a_preset_opens(lab_app):
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lesson = app.panels["lesson"]
        assert app.lesson_open and lesson.display and lesson.region.height >= 30
        for name, panel in app.panels.items():  # every panel still on screen
            assert panel.region.width >= 28 and panel.region.height >= 10, name
        text = lesson.query_one(LessonMarkdown).source
        assert "[1 ▸ dead fraction](lab:1)" in text
        assert "Dying ReLU" in text
        assert lesson.query_one(OptionList).has_focus  # its keys work from the start
        await pilot.press("L")  # L hides it …
        await pilot.pause()
        assert not app.lesson_open and not lesson.display
        assert not lesson.has_focus_within  # enter no longer runs a hidden action
        assert all(app.panels[n].region.width >= 38 for n in ("network", "loss", "data"))
        await pilot.press("L")  # … and shows it, focused
        await pilot.pause()
        assert app.lesson_open and lesson.display
        assert lesson.query_one(OptionList).has_focus
        await pilot.click("#network-picture")  # the focus elsewhere: L gives it back
        assert not lesson.has_focus_within
        await pilot.press("L")
        assert lesson.query_one(OptionList).has_focus and app.lesson_open


async def test_at_80x24_the_lesson_is_a_tab(lab_app):
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert app.current_tab == "lesson" and app.tabs.active == "tab-lesson"
        assert app.panels["lesson"].region.width == 80
        assert app.panels["lesson"].query_one(OptionList).has_focus
        await pilot.press("L")  # back to the panel shown before
        await pilot.pause()
        assert app.current_tab == "network" and app.tabs.has_focus  # ←→ switch tabs
        await pilot.press("L")
        await pilot.pause()
        assert app.current_tab == "lesson"
        await pilot.press("L", "2")  # elsewhere, the tab keys switch tabs
        await pilot.pause()
        assert app.current_tab == "loss"


async def test_a_scenario_without_a_lesson_opens_without_the_panel(lab_app, tmp_path):
    path = tmp_path / "bare.toml"
    path.write_text(SCENARIO.replace(LESSON, "").replace('lesson = """\n\n"""\n', ""))
    app = lab_app(str(path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not app.lesson_open and not app.panels["lesson"].display
        assert "has no lesson" in lesson_page(app.session.scenario)


async def test_enter_on_an_action_of_the_list_and_a_click_on_its_link_trigger_it(lab_app, settle):
    app = lab_app("dying-relu")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the list has the focus: action 1, the dead fraction
        await settle(pilot)
        assert app.session.view.stat == "dead_fraction" and app.current_tab == "gradients"
        await pilot.press("L", "down", "down", "enter")  # action 3: the Delta event of layer 1
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session.controller.position.event_name() == "Delta(l=1)"
        assert app.current_tab == "debugger"
        markdown = app.panels["lesson"].query_one(LessonMarkdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "lab:4"))  # update ratio
        await pilot.pause()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session.view.stat == "update_ratio"


def actions_title(panel) -> str:
    return str(panel.query_one("#lesson-actions-title").content)


async def test_an_actions_number_runs_it_while_the_lesson_is_on_screen(lab_app, settle):
    """ "3 ▸ …" in the lesson: 3 runs it while the lesson's column is open, wherever the focus
    is; the list's title names ↑↓ enter only while the list has the focus."""
    app = lab_app("dying-relu")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel = app.panels["lesson"]
        n = len(panel.actions)
        assert actions_title(panel) == f"Actions ↑↓ enter, or 1–{n}"
        await pilot.press("1")  # action 1, the dead fraction: no L needed first
        await settle(pilot)
        assert app.session.view.stat == "dead_fraction"
        assert panel.has_focus_within  # the grid: the lesson stays beside the Gradients panel
        await pilot.click("#network-picture")
        await pilot.pause()
        assert actions_title(panel) == f"Actions 1–{n} (L: ↑↓ enter)"
        await pilot.press("3")  # action 3: the Delta event of layer 1
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session.controller.position.event_name() == "Delta(l=1)"
        assert panel.query_one("#lesson-actions", OptionList).highlighted == 2
        await pilot.press("L")  # the list has the focus again, and the title says ↑↓ enter
        await pilot.pause()
        assert actions_title(panel) == f"Actions ↑↓ enter, or 1–{n}"


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_0_runs_the_tenth_action_and_the_title_says_so(lab_app, settle, size):
    """saturation has 10 actions, worked-example 12: the number keys reached the first nine
    only, and the title said "1–9" (lesson walk). 0 runs the tenth, as on the keyboard's row of
    digits, and the title names it, whole (two lines in the 120×40 column); ↑↓ enter, which it
    names too, reach every action, the eleventh and twelfth included."""
    app = lab_app("worked-example")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        panel = app.panels["lesson"]
        assert len(panel.actions) == 12 and panel.actions[9].text == "compute it"
        assert actions_title(panel) == "Actions ↑↓ enter, or 1–9, 0 for 10"
        title = panel.query_one("#lesson-actions-title")
        assert title.size.height == (2 if size == WIDE else 1)  # not cut at the column's edge
        if size == WIDE:
            await pilot.click("#network-picture")
            await pilot.pause()
            assert actions_title(panel) == "Actions 1–9, 0 for 10 (L: ↑↓ enter)"
        await pilot.press("0")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert panel.attempt is not None and panel.attempt.exercise.number == 5  # action 10's
        assert panel.query_one("#exercise-answer", Input).has_focus


async def test_an_event_action_after_training_ended_shows_it_in_the_last_step(lab_app, settle):
    """xor's lesson lists "Train" first; once training had finished, "the Forward event of
    layer 2" (action 3; layer 1 before the lesson walk) only said so and the Debugger stayed at
    the end (new-user audit). The action now goes back to that event of the last step, and the
    status says so."""
    app = lab_app("xor")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        session = app.session
        assert session.controller.step(100_000).reason == "end"
        last = session.controller.position.step
        session.sync_view()
        await pilot.press("3")  # the Forward event of layer 2
        await app.workers.wait_for_complete()
        await settle(pilot)
        position = session.controller.position
        assert (position.step, position.event_name()) == (last, "Forward(l=2)")
        assert "Training is finished" in session.view.message


async def test_at_80x24_the_lesson_tab_takes_the_numbers_it_offers(lab_app, settle):
    """On a small terminal the lesson opens as the Lesson tab, offering "1–8": a number runs
    that action (4 took the Debugger's tab before L); on any other tab a number shows a panel.
    An action that trains a step shows the panel its sentence names ("Watch the Gradients
    panel: after 1 ▸ one step …": the Gradients tab, not the Loss tab)."""
    app = lab_app("vanishing-gradients")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        panel = app.panels["lesson"]
        assert app.current_tab == "lesson"
        assert actions_title(panel) == f"Actions ↑↓ enter, or 1–{len(panel.actions)}"
        assert panel.actions[3].text == "update ratio"
        await pilot.press("4")
        await settle(pilot)
        assert app.session.view.stat == "update_ratio" and app.current_tab == "gradients"
        await pilot.press("6")  # the Lesson tab again: its list has the focus
        await pilot.pause()
        assert app.current_tab == "lesson" and panel.query_one(OptionList).has_focus
        assert panel.actions[0].text == "one step"
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session.steps_done == 1 and app.current_tab == "gradients"
        await pilot.press("4")  # not on the Lesson tab: 4 is the Debugger's tab
        await pilot.pause()
        assert app.current_tab == "debugger" and app.session.view.stat == "update_ratio"
        assert len(panel.actions) < 9
        await pilot.press("6", "9")  # no action 9: nothing (no tab 9 either)
        await settle(pilot)
        assert app.current_tab == "lesson" and app.session.steps_done == 1
        await pilot.press("L", "1")  # L: back to the panel shown before, where 1 is a tab
        await pilot.pause()
        assert app.current_tab == "network" and app.session.steps_done == 1


async def test_each_action_changes_the_lab_as_it_says(lab_app, settle, scenario_path):
    app = lab_app(scenario_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        view, c = app.session.view, app.session.controller

        await trigger(app, pilot, settle, "gradients")
        assert view.stat == "dead_fraction" and app.current_tab == "gradients"
        await trigger(app, pilot, settle, "log")
        assert view.log_scale and app.current_tab == "loss"
        await trigger(app, pilot, settle, "data")
        assert app.current_tab == "data"
        await trigger(app, pilot, settle, "unit")
        assert (view.selection.l, view.selection.unit, view.selection.weight) == (1, 2, None)
        assert app.current_tab == "debugger"
        await trigger(app, pilot, settle, "weight")
        assert view.selection.weight == (2, 1)
        await trigger(app, pilot, settle, "delta")
        assert c.position.event_name() == "Delta(l=1)" and view.event.kind == "delta"
        await trigger(app, pilot, settle, "update")
        assert c.position.event_name() == "Update(l=2)" and view.selection.weight == (0, 1)
        await trigger(app, pilot, settle, "break")
        assert "gradient@1 if loss > 0" in [bp.spec() for bp in c.breakpoints]
        c.breakpoints.clear_all()

        await trigger(app, pilot, settle, "three steps")
        assert app.session.steps_done == 3 and c.position.at_step_end
        assert [bp.id for bp in c.breakpoints] == [0]  # the run added no breakpoint
        app.panels["lesson"].post_message(RunLessonAction(number(app, "three steps")))
        await pilot.pause(0.2)
        await pilot.press("n")  # done already: it asks before going back to the start
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "Step 3 is done already" in view.message and app.session.steps_done == 3
        await trigger(app, pilot, settle, "until")
        assert app.session.steps_done == 5
        await trigger(app, pilot, settle, "epoch")
        assert app.session.steps_done == 6 and c.position.batch == 2  # 2 batches an epoch
        await trigger(app, pilot, settle, "run")
        assert app.session.steps_done == 40 and view.status == "stopped"

        # the comparison waits in its worker until it is closed: no wait for the workers here
        from tui.screens.compare import CompareScreen

        app.panels["lesson"].post_message(RunLessonAction(number(app, "compare")))
        for _ in range(100):
            if isinstance(app.screen, CompareScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.comparison.names == (app.session.scenario.name, "xor")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen) and app.session.steps_done == 40


async def test_an_exercise_in_the_lab_accepts_the_engine_value_and_refuses_a_wrong_one(
    lab_app, settle, scenario_path
):
    app = lab_app(scenario_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        # the exercise's widgets are made when the first exercise opens, not at start-up
        assert not app.panels["lesson"].query_one("#lesson-exercise").children
        await trigger(app, pilot, settle, "exercise")
        panel, c = app.panels["lesson"], app.session.controller
        assert len(panel.query_one("#lesson-exercise").children) == 4
        attempt = panel.attempt
        assert attempt is not None and panel.has_class("-exercise")
        assert c.position.event_name() == "Loss"  # just before Delta(l=2): δ² not on screen
        answer = panel.query_one("#exercise-answer", Input)
        assert answer.has_focus
        verdict = panel.query_one("#exercise-verdict")

        await pilot.press(*"twelve", "enter")
        assert "Enter a number" in str(verdict.render()) and attempt.open

        wrong = f"{attempt.expected * 1.5:.6g}"
        answer.value = ""
        await pilot.press(*wrong, "enter")
        assert "Not quite" in str(verdict.render()) and "off by 50%" in str(verdict.render())
        assert attempt.open and c.position.event_name() == "Loss"

        answer.value = ""
        await pilot.press(*f"{attempt.expected:.6g}", "enter")
        await pilot.pause()
        assert "Right: δ²₀ (example 1)" in str(verdict.render())
        assert not attempt.open and answer.disabled
        worked = str(panel.query_one("#exercise-worked").render())
        assert worked.replace("\n", " ").startswith("Delta, layer 2, unit 0, example 1")
        assert c.position.event_name() == "Delta(l=2)"  # now on the event, its equation shown
        view = app.session.view
        assert (view.selection.l, view.selection.unit, view.example) == (2, 0, 1)
        await pilot.press("escape")
        assert not panel.has_class("-exercise")


async def test_reveal_shows_the_answer_and_the_worked_equation(lab_app, settle):
    app = lab_app("worked-example")
    async with app.run_test(size=WIDE) as pilot:
        panel = await revealed(app, pilot, settle, "compute ∂C/∂W²₀₁")
        assert "The answer: ∂C/∂W²₀₁ = 0.08267" in str(
            panel.query_one("#exercise-verdict").render()
        )
        assert "∂C/∂W²₀₁ = Σₓ δ²₀ a¹₁" in str(panel.query_one("#exercise-worked").render())
        assert app.session.controller.position.event_name() == "Gradient(l=2)"


async def test_an_exercise_past_the_history_asks_before_going_back(lab_app, settle):
    app = lab_app("worked-example")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.session.controller.run(400)  # past the 200 steps the lab keeps
        app.session.sync_view()
        app.panels["lesson"].post_message(RunLessonAction(number(app, "Compute δ²₁")))
        await pilot.pause(0.2)
        assert "Go back to step 1 with the network's initial weights?" in str(
            app.screen.query_one(".dialog-text").render()
        )
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.session.controller.position.step == 1
        assert app.panels["lesson"].attempt is not None


async def test_a_number_after_an_exercise_is_answered_still_shows_a_panel(lab_app, settle):
    """An exercise answered (or revealed) stays in place of the action list until it is closed:
    a number then shows a panel, as while it was unanswered; it never runs the hidden action."""
    app = lab_app("worked-example")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        panel = app.panels["lesson"]
        await pilot.press(str(number(app, "compute a¹₁ yourself")))
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert panel.attempt is not None and panel.attempt.open
        await pilot.press(*f"{panel.attempt.expected:.6g}", "enter")
        await settle(pilot)
        assert not panel.attempt.open and panel.has_class("-exercise")
        position = app.session.controller.position.event_name()
        assert panel.has_focus_within  # on the exercise's close button
        await pilot.press("3")  # action 3 is "Loss event": not on screen, not run
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.current_tab == "gradients"
        assert app.session.controller.position.event_name() == position


async def test_an_exercise_in_the_lessons_column_is_wrapped_never_cut(lab_app, settle):
    """At 120×40 the lesson is a narrow column: the exercise's title wraps, and the worked
    equation is wrapped to the column at its operators (the column scrolls only up and down:
    a wider line was cut, its end out of reach)."""
    from engine.debugger.formatting import cells

    app = lab_app("worked-example")
    async with app.run_test(size=WIDE) as pilot:
        panel = await revealed(app, pilot, settle, "compute it")  # W¹₀₀ after the update
        title = panel.query_one("#exercise-title")
        text = title.content.plain
        assert text == "Exercise 5: W¹₀₀ after the update"
        assert cells(text) <= title.content_region.width * title.content_region.height
        body = panel.query_one("#exercise-body")
        lines = panel.query_one("#exercise-worked").content.plain.splitlines()
        assert lines[0].startswith("Update") and len(lines) > 4
        assert max(map(cells, lines)) <= body.scrollable_content_region.width
        assert "W¹₀₀ = " in " ".join(line.strip() for line in lines)


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_a_revealed_exercise_keeps_its_field_and_buttons_on_screen(lab_app, settle, size):
    """The worked equation is long (exercise 5's, revealed): the exercise's text scrolls, and
    the answer field and the check / reveal / close buttons stay in the panel — they were
    pushed below its border, out of sight."""
    app = lab_app("worked-example")
    async with app.run_test(size=size) as pilot:
        panel = await revealed(app, pilot, settle, "compute it")
        inside = panel.content_region
        for name in ("#exercise-answer", "#exercise-buttons"):
            region = panel.query_one(name).region
            assert region.y >= inside.y and region.bottom <= inside.bottom, name
        body = panel.query_one("#exercise-body")
        assert body.max_scroll_y > 0  # the rest of the worked equation is a scroll away


def footer_keys(app) -> dict[str, str]:
    """The keys the footer shows now, with their labels."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show and active.enabled
    }


async def test_escape_leaves_the_answer_box_for_the_keys_the_exercise_names(lab_app, settle):
    """The exercise says "b steps back, s on". The answer box takes every character typed (s
    typed an "s" there), so escape leaves it — the footer says so — and the exercise stays
    open: s and b then step the Debugger, and L returns to the box. Escape out of the box
    closes the exercise, as before."""
    app = lab_app("worked-example")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel, c = app.panels["lesson"], app.session.controller
        await trigger(app, pilot, settle, "compute a¹₁ yourself")
        where = " ".join(str(panel.query_one("#exercise-where").render()).split())
        assert "esc leaves the answer box for the lab's keys: b steps back, s on;" in where
        assert "L returns here" in where
        answer = panel.query_one("#exercise-answer", Input)
        assert answer.has_focus and footer_keys(app) == {"escape": "Lab keys", "ctrl+s": "Save"}
        assert c.position.event_name() == "StepStart"

        await pilot.press("escape")
        assert panel.attempt is not None and panel.attempt.open and panel.has_class("-exercise")
        assert not answer.has_focus and footer_keys(app)["s"] == "Step"
        await pilot.press("s", "s")
        await settle(pilot)
        assert c.position.event_name() == "Forward(l=2)"
        await pilot.press("b")
        await settle(pilot)
        assert c.position.event_name() == "Forward(l=1)" and answer.value == ""

        await pilot.press("L")
        assert answer.has_focus
        await pilot.press(*f"{panel.attempt.expected:.6g}", "enter")
        await settle(pilot)
        assert "Right" in str(panel.query_one("#exercise-verdict").render())

    app = lab_app("worked-example")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        panel, c = app.panels["lesson"], app.session.controller
        await trigger(app, pilot, settle, "compute a¹₁ yourself")
        assert "4 shows it on a small screen" in str(panel.query_one("#exercise-where").render())
        await pilot.press("escape", "4")  # the Debugger's tab, the exercise still open
        await pilot.pause()
        assert app.current_tab == "debugger" and panel.attempt is not None
        await pilot.press("s")
        await settle(pilot)
        assert c.position.event_name() == "Forward(l=1)"
        await pilot.press("L")  # back to the exercise, in its answer box
        await pilot.pause()
        answer = panel.query_one("#exercise-answer", Input)
        assert app.current_tab == "lesson" and answer.has_focus and panel.attempt is not None
        await pilot.press("escape", "escape")  # out of the box, then the exercise closed
        await pilot.pause()
        assert panel.attempt is None and not panel.has_class("-exercise")
        assert panel.query_one(OptionList).has_focus


def cut_inside(lines: list[str], names) -> list[str]:
    """The lines that end inside one of ``names`` elsewhere than after a hyphen (the name's
    rest starting the next line): ``saturation-fixed-cross-e`` / ``ntropy``."""
    return [
        f"{line!r} / {after!r}"
        for line, after in zip(lines, lines[1:])
        for name in names
        for k in range(1, len(name))
        if name[k - 1] != "-" and line.endswith(name[:k]) and after.startswith(name[k:])
    ]


async def test_a_preset_name_longer_than_the_column_breaks_after_a_hyphen(lab_app):
    """At 120×40 the lesson column is 24 cells wide and Textual wraps only at spaces: it cut
    'saturation-fixed-cross-e' / 'ntropy' in the text and in the action list, and wrote
    'exploding-fixed-clippin…' under the border (as it cuts a title) at 140×40."""
    from textual.geometry import Region
    from textual.selection import Selection
    from textual.widgets.markdown import MarkdownBlock

    from scenarios import preset_names

    def drawn(widget) -> list[str]:
        return [strip.text.strip() for strip in widget.render_lines(Region(0, 0, *widget.size))]

    app = lab_app("saturation")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel = app.panels["lesson"]
        blocks = [b for b in panel.query(MarkdownBlock) if not b.children]  # paragraphs
        text = [line for block in blocks for line in drawn(block)]
        assert "saturation-fixed-" in text, text
        assert text[text.index("saturation-fixed-") + 1].startswith("cross-entropy (")
        # selected and copied, the name is whole again
        (fix,) = [b for b in blocks if "What fixes it" in "".join(drawn(b))]
        copied, _ = fix.get_selection(Selection(None, None))
        assert "What fixes it: saturation-fixed-cross-entropy (10 ▸ compare with it)" in copied
        options = panel.query_one("#lesson-actions", OptionList)
        options.highlighted = options.option_count - 1  # the list shows its last action
        await pilot.pause()
        actions = drawn(options)
        assert actions[-2:] == ["saturation-fixed-", "cross-entropy"], actions
        assert not cut_inside(text + actions, preset_names())
        assert panel.border_subtitle == "saturation"

    app = lab_app("exploding-fixed-clipping-xavier")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        panel = app.panels["lesson"]
        assert panel.border_subtitle == "exploding-fixed-clipping-…"  # 29 cells for a label
        await pilot.resize_terminal(*WIDE)  # 24 cells
        await pilot.pause()
        assert panel.border_subtitle == "exploding-fixed-…"
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert panel.border_subtitle == "exploding-fixed-clipping-xavier"
