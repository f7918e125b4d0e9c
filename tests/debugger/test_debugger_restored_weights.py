"""After early stopping restored the best weights, the debugger showing the last step (its
events replayed from a checkpoint, as the lab's panels ask for them) leaves those weights in
force: the network the panels draw is the restored one."""

from __future__ import annotations

from engine.debugger.follow import follow_run
from scenarios import build_run, load_scenario


def test_replaying_the_last_steps_events_keeps_the_restored_weights():
    run = build_run(load_scenario("overfitting-fixed-early-stopping"))
    c = follow_run(run)
    c.cont()
    assert run.stop_reason == "patience" and run.restored_epoch == run.early.best_epoch
    best = [params for params, _ in run.early.best_state]
    assert c.event.kind == "step_end"  # the last step's events: replayed (the fast path kept none)
    c.explain()
    for layer, kept in zip(run.net.layers, best, strict=True):
        assert all(layer.params[name] is kept[name] for name in kept)
    # the step's own record still shows the step's parameters, not the restored ones
    update = next(e for e in c.view.events if e.kind == "update" and e.l == 1)
    assert update.W_new is not best[0]["W"]
