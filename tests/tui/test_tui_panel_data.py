"""The data panel: the decision boundary with the points, a 1-D fit, samples otherwise."""

from __future__ import annotations

import numpy as np
from panel_harness import PanelApp, make_view
from textual.widgets import Static

from engine.layers import frozen
from tui.panels.data_panel import DataPanel
from tui.panels.format import fmt
from tui.panels.plot import CachedPlot

SINE = """
name = "sine-test"
title = "A sine"
summary = "A 1-D regression."
seed = 1

[data]
kind = "sine"
n = 40
noise = 0.05

[network]
loss = "mse"

[[network.layers]]
size = 8
activation = "tanh"

[[network.layers]]
size = 1
activation = "linear"

[training]
lr = 0.1
"""

THREE_D = """
name = "three-d"
title = "Three features"
summary = "Cannot be drawn on a plane."
seed = 0

[data]
kind = "inline"
x = [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
y = [[0.0], [1.0], [1.0], [0.0]]

[network]
loss = "bce"

[[network.layers]]
size = 3
activation = "tanh"

[[network.layers]]
size = 1
activation = "sigmoid"
"""


def canvas(app):
    return app.query_one("#data-canvas", Static).content


async def test_two_features_draw_the_boundary_with_every_training_point():
    view = make_view("xor", steps=200)
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.mode == "plane"
        picture = canvas(app)
        assert picture.plain.count("●") == 4  # the four XOR points, each in its own cell
        assert picture.plain.count("▀") > 100  # the rest is the predicted field
        backgrounds = {style.bgcolor for style in picture.styles()}
        assert len(backgrounds) > 4  # tinted by class and confidence
        note = app.query_one("#data-note", Static).content.plain
        assert "0" in note and "1" in note and "confidence" in note


async def test_the_picture_follows_training():
    view = make_view("xor")
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = canvas(app)
        for _ in range(100):
            view.run.step()
        app.panel.refresh_view(view)
        after = canvas(app)
        assert before.styles() != after.styles()


async def test_one_feature_regression_draws_the_fit_curve(tmp_path):
    path = tmp_path / "sine.toml"
    path.write_text(SINE)
    view = make_view(str(path), steps=20)
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.mode == "curve"
        plot = app.query_one("#data-plot", CachedPlot)
        assert plot.display and not app.query_one("#data-canvas").display
        built = plot.plt.build()
        assert "⠀" in built or "•" in built or "·" in built  # something was drawn
        assert "fit" in app.query_one("#data-note", Static).content.plain


async def test_data_it_cannot_draw_gets_sample_predictions(tmp_path):
    path = tmp_path / "three.toml"
    path.write_text(THREE_D)
    view = make_view(str(path))
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.panel.mode == "samples"
        text = canvas(app).plain
        assert "3-D inputs cannot be drawn here; all 4 training examples:" in text
        assert text.count("target") == 4 and "of 4 right" in text


async def test_non_finite_outputs_are_reported_not_crashed_on():
    view = make_view("xor")
    layer = view.run.net.layers[0]
    W = np.array(layer.params["W"])
    W[0, 0] = np.nan
    layer.params = {**layer.params, "W": frozen(W)}
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "outputs not finite" in app.query_one("#data-note", Static).content.plain


async def test_many_points_become_pixels_so_the_field_stays_visible():
    view = make_view("dying-relu-fixed-leaky", steps=50)  # 2-D moons, a few hundred points
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(40, 19)) as pilot:  # one cell of the 120×40 grid
        await pilot.pause()
        picture = canvas(app)
        # pixels, but for the points in the other class's area (the network's mistakes): their
        # class's mark (test_tui_data_points_astray.py), a few cells of the field
        glyphs = [char for char in picture.plain if char not in "▀\n"]
        assert glyphs and set(glyphs) <= {"○", "●"}
        assert len(glyphs) < 0.1 * picture.plain.count("▀")
        note = app.query_one("#data-note", Static).content.plain
        assert "upper moon" in note and "lower moon" in note


async def test_two_feature_regression_is_coloured_on_the_targets_scale():
    view = make_view("learning-rate-too-low", steps=5)  # y = w·x + b over a plane
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.mode == "plane"
        y = view.run.data.y_train[:, 0]
        note = app.query_one("#data-note", Static).content.plain
        assert f"low {fmt(y.min())}" in note and f"high {fmt(y.max())}" in note


async def test_redraws_while_training_are_throttled_but_the_last_state_is_drawn():
    view = make_view("xor")
    app = PanelApp(DataPanel(), view, throttle=0.3)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        app.panel.refresh_view(view)
        drawn = canvas(app)
        for _ in range(200):
            view.run.step()
        app.panel.refresh_view(view)  # within the throttle: not redrawn yet
        assert canvas(app) is drawn
        await pilot.pause(0.5)  # the deferred redraw
        assert canvas(app) is not drawn
        assert app.panel._drawn[1] == view.run.steps_done


async def test_one_example_with_two_outputs_is_shown_as_a_table():
    view = make_view("worked-example")  # one example, two regression outputs
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.panel.mode == "samples"
        text = canvas(app).plain
        outputs = view.run.net.forward(view.run.data.x_train)[0]
        assert "2 outputs per example; the only training example:" in text
        assert f"target [{fmt(0.01)}, {fmt(0.99)}]" in text
        assert f"predicted [{fmt(outputs[0])}, {fmt(outputs[1])}]" in text


async def test_the_legend_breaks_between_classes_not_inside_one():
    view = make_view("spiral")
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(36, 24)) as pilot:
        await pilot.pause()
        lines = app.query_one("#data-note", Static).content.plain.split("\n")
        assert len(lines) >= 2, lines
        assert "(tint: confidence)" in lines  # a line of its own, whole
        assert all(not line.endswith("●") for line in lines)  # a colour keeps its name


async def test_a_listed_prediction_shows_the_networks_own_probability():
    """saturation's one example read "predicted 1  99.8% sure" beside a¹ = 0.9991 in the
    Debugger: a display transform |2a − 1| that read as a contradiction (new-user audit). The
    row shows the probability the network gives its predicted class, as aᴸ is shown."""
    text, a = await listed_prediction("saturation")
    assert a > 0.99 and f"p(1)={a:.4f}" in text and "sure" not in text


async def test_a_listed_prediction_names_the_class_its_probability_is_for():
    """saturation-fixed-cross-entropy (compared with saturation) read "predicted 0 p=0.9966 ✓"
    where a = 0.0034: p is the predicted class's probability, 1 − a for class 0, and read as
    a = 0.9966 beside the lesson's a → 0 (lessons audit). The class is named: p(0)=0.9966."""
    text, a = await listed_prediction("saturation-fixed-cross-entropy")
    predicted = int(a > 0.5)
    p = a if predicted else 1 - a
    assert f"predicted {predicted:>6}  p({predicted})={p:.4f}" in text


async def listed_prediction(scenario: str) -> tuple[str, float]:
    """The Data panel's text for a scenario it lists (one example), and that example's aᴸ."""
    view = make_view(scenario)
    app = PanelApp(DataPanel(), view)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        text = app.query_one("#data-canvas").render().plain
    return text, float(view.run.predict(view.run.data.x_train[:1])[0, 0])
