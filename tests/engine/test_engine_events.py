"""The event stream: order, read-only shared arrays, the mid-step-close guarantee, the fast path
being bitwise the same as the events, determinism, float32 end to end."""

import numpy as np
import pytest

from engine import LayerSpec, Learner, Trainer, build_network, make_optimizer, one_hot

SPECS = [LayerSpec(4, "tanh"), LayerSpec(3, "relu"), LayerSpec(2, "sigmoid")]


def xor_like(rng, n=10, n_in=3, n_out=2):
    x = rng.normal(size=(n, n_in))
    y = (rng.random((n, n_out)) > 0.5).astype(float)
    return x, y


def make_trainer(
    seed=0,
    specs=SPECS,
    loss="bce",
    optimizer="sgd",
    opt_settings=None,
    dtype="float64",
    batch_size=3,
    shuffle=True,
    lr=0.1,
    n=10,
    **learner_settings,
):
    rng = np.random.default_rng(seed)
    net = build_network(3, specs, loss, rng, dtype=dtype)
    n_out = specs[-1].size
    x = rng.normal(size=(n, 3))
    if loss == "cross_entropy":
        y = one_hot(rng.integers(0, n_out, n), n_out)
    elif loss == "bce":
        y = (rng.random((n, n_out)) > 0.5).astype(float)
    else:
        y = rng.normal(size=(n, n_out))
    learner = Learner(net, make_optimizer(optimizer, **(opt_settings or {})), **learner_settings)
    return Trainer(
        learner,
        x,
        y,
        batch_size=batch_size,
        lr=lr,
        shuffle=shuffle,
        rng=np.random.default_rng(seed),
    )


def kinds(events):
    return [(e.kind, getattr(e, "l", None)) for e in events]


# --- order ---------------------------------------------------------------------------------------


def test_event_order():
    trainer = make_trainer()
    assert kinds(trainer.step_events()) == [
        ("step_start", None),
        ("forward", 1),
        ("forward", 2),
        ("forward", 3),
        ("loss", None),
        ("delta", 3),
        ("gradient", 3),
        ("delta", 2),
        ("gradient", 2),
        ("delta", 1),
        ("gradient", 1),
        ("update", 1),
        ("update", 2),
        ("update", 3),
        ("step_end", None),
    ]


@pytest.mark.parametrize("clip", [{"clip_value": 1e-3}, {"clip_norm": 1e-3}, {"clip_norm": 1e9}])
def test_event_order_with_clipping(clip):
    trainer = make_trainer(**clip)
    events = list(trainer.step_events())
    assert kinds(events) == [
        ("step_start", None),
        ("forward", 1),
        ("forward", 2),
        ("forward", 3),
        ("loss", None),
        ("delta", 3),
        ("gradient", 3),
        ("delta", 2),
        ("gradient", 2),
        ("delta", 1),
        ("gradient", 1),
        ("clip", None),
        ("update", 1),
        ("update", 2),
        ("update", 3),
        ("step_end", None),
    ]
    c = events[11]
    assert c.mode == ("value" if "clip_value" in clip else "norm")
    grads = [e for e in events if e.kind == "gradient"]
    norm = np.sqrt(sum(np.vdot(g, g) for e in grads for g in (e.grad_W, e.grad_b)))
    assert c.norm_before == pytest.approx(norm, rel=1e-12)
    if clip.get("clip_norm") == 1e9:
        assert c.changed == () and c.norm_after == c.norm_before
    else:
        assert c.changed and c.norm_after < c.norm_before
    if "clip_norm" in clip and clip["clip_norm"] < 1:
        expected = 1e-3 * c.norm_before / (c.norm_before + 1e-6)  # clip_grad_norm_'s rule
        assert c.norm_after == pytest.approx(expected, rel=1e-12) and c.norm_after < 1e-3
    for u in (e for e in events if e.kind == "update"):
        if "clip_value" in clip:
            assert np.abs(u.grad_W).max() <= 1e-3


def test_phases_and_fused_flags():
    events = list(make_trainer().step_events())
    assert [e.phase for e in events][:5] == ["step", "forward", "forward", "forward", "forward"]
    loss = events[4]
    assert loss.fused  # sigmoid + bce
    d3 = events[5]
    assert d3.fused and d3.local_slope is None and d3.from_above is loss.grad_a
    events = list(
        make_trainer(specs=SPECS[:2] + [LayerSpec(2, "linear")], loss="mse").step_events()
    )
    assert not events[4].fused and events[5].local_slope is not None


# --- shared, read-only arrays ------------------------------------------------------------------


def all_arrays(event):
    """Every array an event holds, including those inside its dicts and tuples."""
    out = []

    def walk(v):
        if isinstance(v, np.ndarray):
            out.append(v)
        elif isinstance(v, dict):
            for w in v.values():
                walk(w)
        elif isinstance(v, tuple | list):
            for w in v:
                walk(w)

    for name in type(event)._fields:
        walk(getattr(event, name))
    return out


@pytest.mark.parametrize(
    "settings",
    [
        {"optimizer": "momentum"},
        {"optimizer": "adam", "clip_value": 0.01, "l1": 0.01},
        {"optimizer": "rmsprop", "clip_norm": 0.01, "l2": 0.1},
        {
            "optimizer": "adagrad",
            "specs": [
                LayerSpec(4, "prelu", dropout=0.3),
                LayerSpec(3, "elu", batch_norm=True),
                LayerSpec(2, "softmax"),
            ],
            "loss": "cross_entropy",
        },
    ],
)
def test_event_arrays_are_read_only(settings):
    trainer = make_trainer(**settings)
    trainer.step()
    for event in trainer.step_events():
        for array in all_arrays(event):
            assert not array.flags.writeable, f"{event.kind}: a writeable array"


def test_event_arrays_are_shared_not_copied():
    trainer = make_trainer(optimizer="momentum")
    net = trainer.learner.net
    trainer.step()
    before = [dict(layer.params) for layer in net.layers]
    events = list(trainer.step_events())
    fwd = [e for e in events if e.kind == "forward"]
    deltas = {e.l: e for e in events if e.kind == "delta"}
    grads = {e.l: e for e in events if e.kind == "gradient"}
    updates = {e.l: e for e in events if e.kind == "update"}
    start = events[0]
    np.testing.assert_array_equal(fwd[0].a_prev, trainer.x[start.indices])
    for l in (1, 2):
        assert fwd[l].a_prev is fwd[l - 1].a  # Forward(l + 1).a_prev is Forward(l).a
    for l, layer in enumerate(net.layers, start=1):
        u = updates[l]
        assert u.W_old is before[l - 1]["W"] and u.b_old is before[l - 1]["b"]
        assert u.W_new is layer.params["W"] and u.b_new is layer.params["b"]
        assert u.grad_W is grads[l].grad_W  # no clipping: the gradient itself
        assert u.state["W"]["v"] is trainer.learner.opt_state[l - 1]["W"]["v"]
        np.testing.assert_array_equal(u.W_old - u.step_W, u.W_new)
    loss = events[4]
    assert deltas[3].from_above is loss.grad_a
    # a hidden delta's factors: (Wˡ⁺¹)ᵀ δˡ⁺¹ and σ′(zˡ)
    for l in (1, 2):
        W_above = before[l]["W"]
        np.testing.assert_array_equal(deltas[l].from_above, deltas[l + 1].delta @ W_above)
        np.testing.assert_array_equal(deltas[l].delta, deltas[l].from_above * deltas[l].local_slope)


# --- closing a step part-way -------------------------------------------------------------------


def full_state(trainer):
    """Everything a step may change: (identities, values)."""
    learner = trainer.learner
    ids = (
        [tuple(map(id, layer.params.values())) for layer in learner.net.layers],
        [tuple(map(id, getattr(layer, "buffers", {}).values())) for layer in learner.net.layers],
        [
            {name: tuple(map(id, s.values())) for name, s in state.items()}
            for state in learner.opt_state
        ],
    )
    values = (
        [{k: v.copy() for k, v in layer.params.items()} for layer in learner.net.layers],
        [
            {k: v.copy() for k, v in getattr(layer, "buffers", {}).items()}
            for layer in learner.net.layers
        ],
        [
            {name: {k: v.copy() for k, v in s.items()} for name, s in state.items()}
            for state in learner.opt_state
        ],
        learner.t,
        trainer.epoch,
        trainer.batch,
        None if trainer.order is None else trainer.order.copy(),
        trainer.rng.bit_generator.state,
    )
    return ids, values


def assert_same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize(
    "settings",
    [
        {"optimizer": "adam", "l2": 0.01, "clip_norm": 0.05},
        {
            "optimizer": "momentum",
            "specs": [
                LayerSpec(4, "tanh", dropout=0.5),
                LayerSpec(3, "prelu", batch_norm=True),
                LayerSpec(2, "sigmoid"),
            ],
            "batch_size": 4,
        },
    ],
)
def test_closing_mid_step_changes_nothing(settings):
    """After any prefix of a step's events, closing the generator leaves everything as it was,
    and the step taken afterwards is bitwise the one an uninterrupted run takes."""
    trainer = make_trainer(**settings)
    reference = make_trainer(**settings)
    for _ in range(3):  # optimizer state exists, and the next step starts a new epoch (10 / 3)
        trainer.step()
        reference.step()
    n_events = len(list(make_trainer(**settings).step_events()))
    for k in range(n_events):
        ids, values = full_state(trainer)
        events = trainer.step_events()
        for _ in range(k):
            next(events)
        events.close()
        ids_after, values_after = full_state(trainer)
        assert ids_after == ids, f"closed after {k} events: a parameter or state was replaced"
        assert_same(values_after, values)
    trainer.step(), reference.step()
    assert_same(full_state(trainer)[1], full_state(reference)[1])


# --- the fast path is the event stream without events --------------------------------------------

HIDDEN = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu")
OUTPUTS = [("sigmoid", "bce"), ("softmax", "cross_entropy"), ("linear", "mse")]
OUTPUTS += [("tanh", "quadratic")]
CONFIGS = [
    {"optimizer": "sgd", "batch_size": "full", "shuffle": False},
    {"optimizer": "momentum", "opt_settings": {"nesterov": True}, "clip_value": 0.05},
    {"optimizer": "adam", "batch_size": 4, "clip_norm": 0.1, "l1": 0.01, "l2": 0.01},
    {"optimizer": "rmsprop", "batch_size": 2, "dtype": "float32"},
    {"optimizer": "adagrad", "opt_settings": {"weight_decay": 0.1}, "batch_size": 1},
    {
        "optimizer": "adam",
        "dtype": "float32",
        "l2": 0.1,
        "specs": [
            LayerSpec(5, "prelu", dropout=0.2),
            LayerSpec(4, "elu", batch_norm=True),
            LayerSpec(3, "softmax"),
        ],
        "loss": "cross_entropy",
    },
    {
        "optimizer": "momentum",
        "specs": [LayerSpec(4, "leaky_relu"), LayerSpec(2, "linear")],
        "loss": "mse",
        "lr": lambda step, epoch: 0.1 / epoch,
    },
    # every hidden activation before every output activation and loss, on the lean path
    *(
        {
            "optimizer": ("sgd", "momentum", "rmsprop", "adam", "adagrad")[i % 5],
            "dtype": ("float64", "float32")[i % 2],
            "specs": [
                LayerSpec(4, HIDDEN[i % 6], alpha=0.2),
                LayerSpec(3, HIDDEN[(i + 2) % 6], alpha=0.7),
                LayerSpec(3, output),
            ],
            "loss": loss,
            **({"clip_norm": 0.05}, {"clip_value": 0.02}, {"l2": 0.01}, {})[i % 4],
        }
        for i, (output, loss) in enumerate(OUTPUTS * 3)
    ),
    # the layers the lean path does not specialise, one at a time
    {"specs": [LayerSpec(4, "tanh", dropout=0.4), LayerSpec(2, "sigmoid")], "batch_size": 4},
    {"specs": [LayerSpec(4, "relu", batch_norm=True), LayerSpec(2, "sigmoid")], "batch_size": 4},
    {"specs": [LayerSpec(4, "prelu"), LayerSpec(2, "sigmoid")], "optimizer": "momentum"},
    # weight decay with clipping, float32 Adam with weight decay
    {"optimizer": "momentum", "opt_settings": {"weight_decay": 0.05}, "clip_norm": 0.02},
    {"optimizer": "adam", "opt_settings": {"weight_decay": 0.05}, "dtype": "float32"},
    # buffers large enough for huge pages (engine.arrays.buffer): parameters and workspace
    *(
        {
            "optimizer": optimizer,
            "dtype": dtype,
            "specs": [LayerSpec(300, "relu"), LayerSpec(300, "tanh"), LayerSpec(3, "softmax")],
            "loss": "cross_entropy",
            "batch_size": 16,
            "n": 40,
            "lr": 0.01,
        }
        for optimizer, dtype in (("sgd", "float64"), ("adam", "float32"))
    ),
]


def test_the_fast_path_is_lean_where_it_can_be_and_says_why_not():
    paths = [make_trainer(**settings).learner.path for settings in CONFIGS]
    assert paths.count("lean") == len(CONFIGS) - 4
    assert paths[5] == "layer 1 has dropout"
    assert paths[-7:-4] == [
        "layer 1 has dropout",
        "layer 1 has batch norm",
        "layer 1's activation (prelu) has parameters",
    ]


@pytest.mark.parametrize("settings", CONFIGS)
def test_fast_path_is_bitwise_the_event_stream(settings):
    """Loss, check, statistics, parameters, optimizer state, rng: the same bits, step after step
    (batches of two sizes, so a partial batch and new epochs come in)."""
    fast, stream = make_trainer(**settings), make_trainer(**settings)
    for _ in range(12):
        result = fast.step()
        end = list(stream.step_events())[-1]
        assert result.loss == end.loss and result.finite == stream.learner.finite
        assert fast.learner.step_stats() == end.stats
    assert_same(full_state(fast)[1], full_state(stream)[1])


@pytest.mark.parametrize("settings", [CONFIGS[2], CONFIGS[9], CONFIGS[-3], CONFIGS[-2]])
def test_fast_steps_between_event_steps_and_restores(settings):
    """The fast path takes over whatever the event stream or a restore left in force."""
    mixed, stream = make_trainer(**settings), make_trainer(**settings)
    saved = None
    for i in range(14):
        if i == 6:
            saved = mixed.snapshot()
        if i == 9:  # back to step 6, then on again: the same steps
            mixed.restore(saved)
            for _ in range(3):
                mixed.step()
        if i % 3 == 1:
            list(mixed.step_events())
        else:
            mixed.step()
        list(stream.step_events())
    assert_same(full_state(mixed)[1], full_state(stream)[1])


def test_kept_parameters_and_states_are_never_written_to():
    """Arrays handed out (parameters, optimizer states, events' arrays) keep their values while
    the fast path goes on; only arrays nothing else holds are reused."""
    trainer = make_trainer(optimizer="adam", batch_size=4)
    kept = []
    for i in range(20):
        trainer.step()
        if i % 5 == 0:
            snapshot = trainer.snapshot()
            kept.append((snapshot, full_state(trainer)[1]))
        if i % 7 == 0:
            events = list(trainer.step_events())
            kept.append((events, [a.copy() for e in events for a in all_arrays(e)]))
    for held, values in kept:
        if isinstance(held, list):
            assert_same([a for e in held for a in all_arrays(e)], values)
        else:
            fresh = make_trainer(optimizer="adam", batch_size=4)
            fresh.restore(held)
            assert_same(full_state(fresh)[1][:3], values[:3])


# --- determinism ---------------------------------------------------------------------------------


@pytest.mark.parametrize("settings", CONFIGS[2:])
def test_same_seed_same_run(settings):
    a, b, c = (make_trainer(seed=s, **settings) for s in (5, 5, 6))
    for trainer in (a, b, c):
        for i in range(15):
            if i % 3:
                trainer.step()
            else:
                list(trainer.step_events())
    assert_same(full_state(a)[1], full_state(b)[1])
    with pytest.raises(AssertionError):
        assert_same(full_state(a)[1][0], full_state(c)[1][0])


# --- float32 -------------------------------------------------------------------------------------


def test_float32_end_to_end():
    specs = [LayerSpec(4, "prelu", batch_norm=True), LayerSpec(3, "tanh"), LayerSpec(3, "softmax")]
    trainer = make_trainer(
        specs=specs, loss="cross_entropy", optimizer="adam", dtype="float32", l2=0.01, clip_norm=1.0
    )
    for _ in range(3):
        for event in trainer.step_events():
            for array in all_arrays(event):
                if array.dtype.kind == "f":
                    assert array.dtype == np.float32, f"{event.kind} has a {array.dtype} array"
            if event.kind == "step_end":
                assert np.isfinite(event.loss)
                assert all(np.isfinite(v) for s in event.stats for v in s)
        trainer.step()
    for layer in trainer.learner.net.layers:
        for p in (*layer.params.values(), *getattr(layer, "buffers", {}).values()):
            assert p.dtype == np.float32
    for state in trainer.learner.opt_state:
        for s in state.values():
            assert all(v.dtype == np.float32 for v in s.values())
    assert trainer.learner.net.forward(trainer.x).dtype == np.float32


# --- the event classes ---------------------------------------------------------------------------


def test_events_are_immutable_and_equal_only_to_their_own_class():
    from engine.events import EMPTY, Gradient, StepEnd, StepStart

    start = StepStart(1, 1, 1, 32, 0.1)
    with pytest.raises(AttributeError):
        start.lr = 0.2
    with pytest.raises(AttributeError):
        start.note = "a new attribute"
    assert start == StepStart(1, 1, 1, 32, 0.1)
    assert start != StepStart(1, 1, 1, 32, 0.2)
    assert start != (1, 1, 1, 32, 0.1, None)  # a tuple with the same items is not the event
    assert StepEnd(1, 1, 1, 0.5, ()) != StepStart(1, 1, 1, 0.5, ())
    assert start.indices is None  # the default of an optional field
    grad = Gradient(1, np.ones((2, 2)), np.ones(2))
    assert grad.extra is EMPTY
    with pytest.raises(TypeError):
        grad.extra["alpha"] = np.ones(2)  # the shared default cannot be changed


def test_event_fields_follow_the_declarations():
    from engine.events import NO_DEFAULT, Update

    names = [f.name for f in Update.FIELDS]
    assert names == list(Update._fields) == list(Update.__annotations__)
    assert names[:3] == ["l", "W_old", "W_new"]
    by_name = {f.name: f for f in Update.FIELDS}
    assert by_name["W_old"].type == "Array" and by_name["W_old"].default is NO_DEFAULT
    assert by_name["extra"].default == {}
    with pytest.raises(TypeError, match="defaults must come last"):
        from engine.events import event

        @event
        class Bad:
            a: int = 1
            b: int


LEAN_EVALUATIONS = [CONFIGS[0], CONFIGS[3], *CONFIGS[7:19], CONFIGS[-6], CONFIGS[-2]]


@pytest.mark.parametrize("settings", LEAN_EVALUATIONS)
def test_the_lean_evaluation_is_bitwise_the_networks(settings):
    """Learner.output (reused buffers on the lean path, σ written over z where it can be) =
    Network.output_z, after fast steps: every hidden activation before every output."""
    trainer = make_trainer(**settings)
    for _ in range(5):
        trainer.step()
    x = trainer.x
    for _ in range(2):  # the second time into the same buffers
        z, a = trainer.learner.output(x)
        z_ref, a_ref = trainer.learner.net.output_z(x)
        assert z.tobytes() == z_ref.tobytes() and a.tobytes() == a_ref.tobytes()
        trainer.step()
