"""L1/L2 penalties (reported apart from the data term) and gradient clipping."""

import math

import numpy as np
import pytest
from training_helpers import make_learner

from engine import LayerSpec

SPECS = [LayerSpec(4, "tanh"), LayerSpec(3, "sigmoid"), LayerSpec(2, "linear")]


def step_events(learner, x, y, lr=0.1):
    return list(learner.events(x, y, lr, rng=np.random.default_rng(0)))


def by_kind(events, kind):
    return {e.l: e for e in events if e.kind == kind}


def test_l2_gradient_term_equals_lambda_W_exactly(batch):
    x, y = batch
    lam = 0.037
    plain = step_events(make_learner(SPECS), x, y)
    regularized = step_events(make_learner(SPECS, l2=lam), x, y)
    for l, gradient in by_kind(regularized, "gradient").items():
        W = by_kind(regularized, "update")[l].W_old
        assert gradient.grad_W_penalty.tobytes() == (lam * W).tobytes()
        data_term = by_kind(plain, "gradient")[l].grad_W
        assert gradient.grad_W.tobytes() == (data_term + lam * W).tobytes()
        assert gradient.grad_b.tobytes() == by_kind(plain, "gradient")[l].grad_b.tobytes()


def test_l1_gradient_term_is_lambda_sign_W(batch):
    x, y = batch
    lam = 0.01
    events = step_events(make_learner(SPECS, l1=lam), x, y)
    for l, gradient in by_kind(events, "gradient").items():
        W = by_kind(events, "update")[l].W_old
        np.testing.assert_array_equal(gradient.grad_W_penalty, lam * np.sign(W))


def test_loss_event_reports_data_term_and_penalty_separately(batch):
    x, y = batch
    l1, l2 = 0.01, 0.05
    plain = step_events(make_learner(SPECS), x, y)
    events = step_events(make_learner(SPECS, l1=l1, l2=l2), x, y)
    loss = next(e for e in events if e.kind == "loss")
    weights = [u.W_old for u in by_kind(events, "update").values()]
    penalty = sum(0.5 * l2 * float(np.sum(W * W)) + l1 * float(np.abs(W).sum()) for W in weights)
    assert loss.data_loss == next(e for e in plain if e.kind == "loss").data_loss
    assert loss.penalty == pytest.approx(penalty, rel=1e-14)
    assert loss.value == loss.data_loss + loss.penalty
    assert events[-1].loss == loss.value


def test_no_penalty_field_without_regularization(batch):
    x, y = batch
    for gradient in by_kind(step_events(make_learner(SPECS), x, y), "gradient").values():
        assert gradient.grad_W_penalty is None


def global_norm(update_events):
    return math.sqrt(
        sum(float(np.sum(u.grad_W**2)) + float(np.sum(u.grad_b**2)) for u in update_events)
    )


@pytest.mark.parametrize("clip_norm", [1e-3, 0.05, 0.2])
def test_clipping_by_norm_scales_to_the_set_norm_as_torch_does(batch, clip_norm):
    """g ← g·c/(‖g‖ + 10⁻⁶), torch.nn.utils.clip_grad_norm_'s rule: the norm lands just under c."""
    x, y = batch
    events = step_events(make_learner(SPECS, loss="mse", clip_norm=clip_norm), x, y)
    clip = next(e for e in events if e.kind == "clip")
    assert clip.mode == "norm" and clip.threshold == clip_norm
    assert clip.norm_before > clip_norm
    assert clip.changed == (1, 2, 3)
    updates = list(by_kind(events, "update").values())
    scale = clip_norm / (clip.norm_before + 1e-6)
    assert global_norm(updates) == pytest.approx(clip.norm_before * scale, rel=1e-12)
    assert clip.norm_after == pytest.approx(clip.norm_before * scale, rel=1e-12)
    assert clip.norm_after < clip_norm
    # the direction is unchanged: the clipped gradient is the raw one scaled
    raw = by_kind(events, "gradient")
    for u in updates:
        np.testing.assert_array_equal(u.grad_W, raw[u.l].grad_W * scale)


def test_clipping_by_norm_never_exceeds_the_bound():
    """c/‖g‖ alone gave norms one ulp above c (0.5000000000000001 for clip_norm 0.5)."""
    rng = np.random.default_rng(3)
    for seed in range(40):
        x, y = rng.normal(size=(6, 3)), 5.0 * rng.normal(size=(6, 2))
        learner = make_learner(SPECS, loss="mse", clip_norm=0.5, seed=seed)
        events = step_events(learner, x, y)
        assert next(e for e in events if e.kind == "clip").norm_after <= 0.5
        assert global_norm(by_kind(events, "update").values()) <= 0.5


def test_clipping_by_norm_leaves_small_gradients_alone(batch):
    x, y = batch
    events = step_events(make_learner(SPECS, clip_norm=1e6), x, y)
    clip = next(e for e in events if e.kind == "clip")
    assert clip.changed == () and clip.norm_after == clip.norm_before
    raw = by_kind(events, "gradient")
    for u in by_kind(events, "update").values():
        assert u.grad_W is raw[u.l].grad_W


def test_clipping_by_value_bounds_every_entry_and_names_the_changed_layers(batch):
    x, y = batch
    c = 0.02
    events = step_events(make_learner(SPECS, clip_value=c), x, y)
    clip = next(e for e in events if e.kind == "clip")
    raw = by_kind(events, "gradient")
    expected = tuple(
        l for l, g in sorted(raw.items()) if max(abs(g.grad_W).max(), abs(g.grad_b).max()) > c
    )
    assert clip.mode == "value" and clip.changed == expected and expected
    for u in by_kind(events, "update").values():
        np.testing.assert_array_equal(u.grad_W, np.clip(raw[u.l].grad_W, -c, c))
        assert abs(u.grad_W).max() <= c
