"""Learning-rate schedules give the documented rates; the rate in force is in the events."""

import math

import pytest
from training_helpers import small_run

from engine.schedules import Schedule, make_schedule


def rates(schedule, epochs):
    return [schedule(step=e, epoch=e) for e in range(1, epochs + 1)]


def test_constant():
    assert rates(make_schedule(0.3, None), 5) == [0.3] * 5
    assert rates(make_schedule(0.3, {"kind": "constant"}), 3) == [0.3] * 3


def test_step_multiplies_by_factor_every_n_epochs():
    s = make_schedule(1.0, {"kind": "step", "every": 3, "factor": 0.5})
    assert rates(s, 8) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_exponential_multiplies_by_gamma_every_epoch():
    s = make_schedule(0.2, {"kind": "exponential", "gamma": 0.9})
    assert rates(s, 4) == [0.2, 0.2 * 0.9, 0.2 * 0.9**2, 0.2 * 0.9**3]


def test_cosine_goes_from_lr_to_lr_min_over_the_epochs():
    s = make_schedule(1.0, {"kind": "cosine", "lr_min": 0.1}, epochs=5)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * k / 4)) / 2 for k in range(5)]
    assert rates(s, 5) == pytest.approx(expected, rel=1e-15)
    assert rates(s, 5)[0] == 1.0 and rates(s, 5)[-1] == pytest.approx(0.1, rel=1e-15)
    assert s(step=99, epoch=9) == pytest.approx(0.1, rel=1e-15)  # stays at lr_min afterwards
    assert make_schedule(0.5, {"kind": "cosine"}, epochs=1)(1, 1) == 0.5


def test_warmup_rises_linearly_then_follows_the_kind():
    s = make_schedule(1.0, {"kind": "exponential", "gamma": 0.5, "warmup": 4})
    assert rates(s, 6) == [0.25 * 1.0, 0.5 * 0.5, 0.75 * 0.25, 1.0 * 0.125, 0.0625, 0.03125]
    c = make_schedule(0.8, {"kind": "constant", "warmup": 2})
    assert rates(c, 3) == [0.4, 0.8, 0.8]


def test_the_rate_in_force_is_in_step_start_and_update_events():
    run = small_run(
        data={"kind": "xor", "n": 8},
        training={"batch_size": 4, "lr": 0.4, "epochs": 6},
        schedule={"kind": "step", "every": 2, "factor": 0.1},
    )
    seen = []
    for _ in range(12):
        events = list(run.step_events())
        start = events[0]
        updates = [e for e in events if e.kind == "update"]
        assert {u.lr for u in updates} == {start.lr}
        seen.append((start.epoch, start.lr))
    expected = [(e, 0.4 * 0.1 ** ((e - 1) // 2)) for e in (1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6)]
    assert seen == expected
    # and SGD's step is η g exactly with that η
    events = list(run.step_events())
    update = next(e for e in events if e.kind == "update")
    assert update.step_W.tobytes() == (update.lr * update.grad_W).tobytes()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"kind": "step", "factor": 0.5}, "schedule.every is needed"),
        ({"kind": "step", "every": 0, "factor": 0.5}, "schedule.every must be an integer ≥ 1"),
        ({"kind": "exponential"}, "schedule.gamma is needed"),
        ({"kind": "exponential", "gamma": -1.0}, "schedule.gamma must be a number > 0"),
        ({"kind": "cosine", "lr_min": 2.0}, "schedule.lr_min = 2 is above training.lr"),
        ({"kind": "linear"}, "schedule.kind must be one of constant, step, exponential, cosine"),
        ({"kind": "constant", "warmup": -1}, "schedule.warmup must be an integer ≥ 0"),
        ({"kind": "constant", "speed": 2}, "schedule.speed is not a schedule setting"),
    ],
)
def test_bad_schedules_are_named(section, message):
    with pytest.raises(ValueError, match=message):
        make_schedule(1.0, section, epochs=10)


def test_describe():
    assert "every 3 epochs" in Schedule(1.0, "step", every=3, factor=0.5).describe()
