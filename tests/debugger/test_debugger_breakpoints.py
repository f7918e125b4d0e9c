"""Breakpoints: locations, conditions, hit and ignore counts, temporary, bad input."""

import numpy as np
import pytest
from debugger_helpers import make_trainer, where

from engine import Learner, Trainer
from engine.debugger import (
    ConditionError,
    Controller,
    DebuggerError,
    breakpoints_from_scenario,
    parse_breakpoint,
)


def test_parse_breakpoint_forms():
    assert parse_breakpoint("update@2", 3)[:2] == ("update", 2)
    assert parse_breakpoint("delta", 3) == ("delta", None, None)
    assert parse_breakpoint("@3", 3)[:2] == (None, 3)
    assert parse_breakpoint("end", 3)[:2] == ("step_end", None)
    kind, layer, cond = parse_breakpoint("update@2 if loss > 1", 3)
    assert (kind, layer, str(cond)) == ("update", 2, "loss > 1")
    kind, layer, cond = parse_breakpoint("loss > 1", 3)  # the name, not the event kind
    assert (kind, layer, str(cond)) == (None, None, "loss > 1")
    assert parse_breakpoint("grad_norm@1 < 1e-6", 3)[2].text == "grad_norm@1 < 1e-6"


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("update@9", 7, "layers are 1…3"),
        ("update@0", 7, "layers are 1…3"),
        ("loss@2", 5, "once per step"),
        ("update@2 when loss > 1", 9, "expected 'if"),
        ("update@2 if loss >", 18, "expected a number or a name"),
        ("grad_norm@5 < 1", 10, "1…3"),
    ],
)
def test_bad_breakpoints_point_at_the_error_and_add_nothing(trainer, text, column, words):
    c = Controller(trainer)
    with pytest.raises(ConditionError) as info:
        c.add_breakpoint(text)
    assert info.value.column == column and words in info.value.message
    assert [bp.id for bp in c.breakpoints] == [0]


def test_location_breakpoint_stops_before_the_event(trainer):
    c = Controller(trainer)
    bp = c.add_breakpoint("update@2")
    stop = c.cont()
    assert stop.reason == "breakpoint" and stop.breakpoint is bp
    assert c.event.kind == "update" and c.event.l == 2 and where(c) == (1, 12)
    # "before": the network still has the old weights
    assert c.net.layer(2).params["W"] is c.event.W_old
    c.cont()
    assert where(c) == (2, 12) and bp.hits == 2


def test_layer_only_breakpoint(trainer):
    c = Controller(trainer)
    c.add_breakpoint("@2")
    seen = []
    for _ in range(4):
        c.cont()
        seen.append(c.position.event_name())
    assert seen == ["Forward(l=2)", "Delta(l=2)", "Gradient(l=2)", "Update(l=2)"]


def test_ignore_count_and_hits(trainer):
    c = Controller(trainer)
    bp = c.add_breakpoint("delta@1", ignore=2)
    c.cont()
    assert where(c) == (3, 9) and bp.hits == 3 and bp.ignore == 0


def test_temporary_breakpoint_is_deleted_after_it_stops(trainer):
    c = Controller(trainer)
    bp = c.add_breakpoint("gradient@3", temporary=True)
    stop = c.cont()
    assert stop.breakpoint is bp and "Deleted temporary breakpoint" in stop.message
    assert bp.id not in [b.id for b in c.breakpoints]


def test_disabled_breakpoint_does_not_stop():
    c = Controller(make_trainer(), max_steps=3)
    bp = c.add_breakpoint("update@1")
    c.disable_breakpoint(bp.id)
    assert c.cont().reason == "end"
    c.enable_breakpoint(bp.id)
    c.restart()
    assert c.cont().reason == "breakpoint"


def test_condition_after_if_is_checked_at_the_event():
    c = Controller(make_trainer())
    c.add_breakpoint("update@3 if step == 4")
    c.cont()
    assert where(c) == (4, 13)


def test_condition_alone_is_checked_at_step_end():
    c = Controller(make_trainer())
    bp = c.add_breakpoint("step >= 3 and loss < 10")
    stop = c.cont()
    assert stop.reason == "breakpoint" and where(c) == (3, 14) and bp.hits == 1
    assert "step = 3" in stop.message and "loss = " in stop.message


def test_a_condition_that_cannot_be_evaluated_stops_and_shows_why():
    c = Controller(make_trainer())
    c.add_breakpoint("W@2[5,5] > 1")  # W² is 2×3
    stop = c.cont()
    assert stop.reason == "condition_error" and "out of range" in stop.message
    assert c.position.at_step_end and c.position.step == 1


def test_breakpoint_zero_cannot_be_deleted(trainer):
    c = Controller(trainer)
    with pytest.raises(DebuggerError, match="disable 0"):
        c.clear_breakpoint(0)
    with pytest.raises(DebuggerError, match="no breakpoint 7"):
        c.disable_breakpoint(7)


def test_breakpoints_from_a_scenario(trainer):
    entries = [
        {"at": "update@2"},
        {"when": "grad_norm@1 < 1e-6", "temporary": True},
        {"at": "delta", "when": "loss > 1", "ignore": 2, "enabled": False},
    ]
    assert len(breakpoints_from_scenario(entries, 3)) == 3
    c = Controller(trainer)
    added = c.load_breakpoints(entries)
    assert [bp.spec() for bp in added] == [
        "update@2",
        "grad_norm@1 < 1e-6",
        "delta if loss > 1",
    ]
    assert added[1].temporary and added[2].ignore == 2 and not added[2].enabled
    with pytest.raises(DebuggerError, match=r"breakpoints\[2\]\.when: .*1…3"):
        breakpoints_from_scenario([{"at": "loss"}, {"when": "grad_norm@4 < 1"}], 3)
    with pytest.raises(DebuggerError, match=r"breakpoints\[1\]\.at"):
        breakpoints_from_scenario([{"at": "updte@2"}], 3)


def test_deep_sigmoid_network_stops_on_a_vanishing_gradient():
    """Conditions on the gradient norms of a deep sigmoid network stop at the first step where
    they hold (found independently) and name the layer where the gradient vanished."""
    sizes, acts = (4,) * 7 + (1,), ("sigmoid",) * 8

    def factory():
        return make_trainer(sizes, acts, loss="mse", lr=2.0, n=8, batch_size=8, std=2.0)

    ratios, smallest = [], []
    tr = factory()
    for _ in range(30):
        tr.step()
        s = tr.learner.step_stats()
        ratios.append(s[0].grad_norm / s[7].grad_norm)
        below = [st.l for st in s if st.grad_norm < 1e-5]
        smallest.append(below[0] if below else None)
    expected = next(i for i, r in enumerate(ratios, start=1) if r < 1e-3)
    assert expected > 1  # not already at the first step

    c = Controller(factory())
    stop = c.until("grad_norm@1 / grad_norm@8 < 1e-3")
    assert stop.reason == "until" and c.position.step == expected and c.position.at_step_end

    c.restart()
    bp = c.add_breakpoint("grad_norm < 1e-5")  # any layer: the message names the first one
    stop = c.cont()
    first_step = next(i for i, l in enumerate(smallest, start=1) if l is not None)
    assert stop.reason == "breakpoint" and stop.breakpoint is bp
    assert c.position.step == first_step and c.position.at_step_end
    assert smallest[first_step - 1] == 1  # the vanishing starts at the first layer
    assert stop.details[0].startswith("grad_norm@1 = ")


def test_fast_path_is_used_when_no_breakpoint_needs_events():
    tr = make_trainer()
    calls = {"events": 0, "fast": 0}
    events, fast = Trainer.step_events, Trainer.step

    class Counting(Trainer):
        def step_events(self):
            calls["events"] += 1
            return events(self)

        def step(self):
            calls["fast"] += 1
            return fast(self)

    counting = Counting(
        tr.learner, tr.x, tr.y, batch_size=tr.batch_size, lr=0.5, rng=np.random.default_rng(0)
    )
    c = Controller(counting)
    c.add_breakpoint("step == 60 and grad_norm@1 > 0")
    stop = c.cont()
    assert stop.reason == "breakpoint" and c.position.step == 60
    assert calls["events"] == 1 and calls["fast"] == 59  # step 1 began as events (StepStart)
    c.add_breakpoint("update@1")  # a location breakpoint needs the event stream
    c.cont()
    assert calls["events"] == 2 and calls["fast"] == 59


def test_learner_settings_change_the_event_count():
    tr = make_trainer(clip_norm=0.1)
    assert isinstance(tr.learner, Learner)
    c = Controller(tr)
    c.run(3)
    assert c.position.n_events == 16
    c.back(1)
    assert c.event.kind == "update" and c.event.l == 3


def test_if_without_an_event_says_how_a_condition_is_written():
    """'b if finite(W@2)' (help's usage reads 'break [WHERE] [if CONDITION]') answered
    "unknown name 'if'; did you mean inf?" (new-user audit)."""
    from engine.debugger.breakpoints import parse_breakpoint
    from engine.debugger.errors import ConditionError

    with pytest.raises(ConditionError) as e:
        parse_breakpoint("if finite(W@2)", 2)
    assert "'if' follows an event" in e.value.message and "takes no 'if'" in e.value.message
    assert parse_breakpoint("update@2 if loss > 1", 2)[:2] == ("update", 2)
    assert parse_breakpoint("loss > 1", 2)[:2] == (None, None)
