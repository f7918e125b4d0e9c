"""Breakpoint 0: a diverging run stops at the first non-finite value, naming layer and quantity."""

import functools

import numpy as np
import pytest
from debugger_helpers import make_trainer

from engine.debugger import Controller, first_non_finite

DIVERGING = functools.partial(
    make_trainer,
    sizes=(8, 8, 1),
    activations=("relu", "relu", "linear"),
    loss="mse",
    lr=1e8,  # z of layer 2 overflows in the forward pass of step 4
    n=8,
    batch_size=4,
)


def first_bad_step():
    """(step, index, event) of the first non-finite value, found without the debugger."""
    tr = DIVERGING()
    with np.errstate(all="ignore"):
        for step in range(1, 200):
            events = list(tr.step_events())
            found = first_non_finite(events)
            if found is not None:
                return step, found, events[found.index]
    raise AssertionError("the run did not diverge")


@pytest.fixture(scope="module")
def expected():
    return first_bad_step()


@pytest.mark.parametrize("path", ["fast", "events"])
def test_continue_stops_at_the_first_non_finite_value(expected, path):
    step, found, event = expected
    c = Controller(DIVERGING())
    if path == "events":  # a location breakpoint that never fires forces the event stream
        c.add_breakpoint("clip")
    with np.errstate(all="ignore"):
        stop = c.cont()
    assert stop.reason == "nan"
    assert (c.position.step, c.position.index) == (step, found.index)
    assert c.event.kind == found.kind and c.position.layer == found.layer
    assert f"{found.field} of layer {found.layer}" in stop.message
    ours, theirs = c.event.arrays()[found.field], event.arrays()[found.field]
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert stop.breakpoint.id == 0 and stop.breakpoint.hits == 1


def test_stepping_onto_a_non_finite_event_reports_it(expected):
    step, found, _ = expected
    c = Controller(DIVERGING())
    with np.errstate(all="ignore"):
        if step > 1:
            c.run(step - 1)
        stop = c.step()
        while stop.reason == "done":
            stop = c.step()
    assert stop.reason == "nan" and (c.position.step, c.position.index) == (step, found.index)


def test_continuing_after_the_report_moves_on(expected):
    step, _, _ = expected
    c = Controller(DIVERGING())
    with np.errstate(all="ignore"):
        c.cont()
        stop = c.next_batch()
    assert stop.reason == "done" and c.position.step == step and c.position.at_step_end


def test_disabled_breakpoint_zero_runs_through():
    c = Controller(DIVERGING(), max_steps=30)
    c.disable_breakpoint(0)
    with np.errstate(all="ignore"):
        stop = c.cont()
    assert stop.reason == "end" and c.position.step == 30


def test_the_first_non_finite_is_a_layer_quantity(expected):
    step, found, event = expected
    assert found.layer is not None and found.kind == event.kind == "forward" and found.field == "z"
    assert found.step == step


def test_a_loss_that_overflows_is_named():
    c = Controller(DIVERGING(lr=1e3))  # the squares of the mse overflow before any z
    with np.errstate(all="ignore"):
        stop = c.cont()
    assert stop.reason == "nan" and c.event.kind == "loss"
    assert "the loss C (Loss) = inf" in stop.message
