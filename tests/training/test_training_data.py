"""Data sources: generators, inline arrays, CSV and .npz files, digits; split, standardization,
target encoding; and clear messages for bad data."""

import builtins
import re

import numpy as np
import pytest
from training_helpers import small_run

from engine.build import build_run
from engine.data import load_data

TWO_LAYERS = [{"size": 6, "activation": "tanh"}, {"size": 1, "activation": "sigmoid"}]


def load(section, loss="bce", seed=0, base_dir=None):
    return load_data(section, rng=np.random.default_rng(seed), loss=loss, base_dir=base_dir)


def run_on(data, loss="bce", out=1, out_act="sigmoid", base_dir=None, **training):
    return build_run(
        data=data,
        network={
            "loss": loss,
            "layers": [{"size": 5, "activation": "tanh"}, {"size": out, "activation": out_act}],
        },
        training={"epochs": 2, **training},
        seed=0,
        base_dir=base_dir,
    )


# --- CSV ---------------------------------------------------------------------------------------


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


IRIS_LIKE = """sepal,petal,note,species
5.1,1.4,7,setosa
7.0,4.7,8,versicolor
6.3,6.0,9,virginica
4.9,1.4,1,setosa
6.4,4.5,2,versicolor
"""


def test_csv_with_class_names(tmp_path):
    write(tmp_path / "flowers.csv", IRIS_LIKE)
    run = run_on(
        {"kind": "csv", "path": "flowers.csv", "target": "species", "features": ["petal", "sepal"]},
        loss="cross_entropy",
        out=3,
        out_act="softmax",
        base_dir=tmp_path,
    )
    data = run.data
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.feature_names == ("petal", "sepal")
    assert list(data.labels_train) == [0, 1, 2, 0, 1]
    np.testing.assert_array_equal(data.x_train[:, 0], [1.4, 4.7, 6.0, 1.4, 4.5])
    np.testing.assert_array_equal(data.y_train[2], [0.0, 0.0, 1.0])
    assert run.net.n_in == 2  # the input size comes from the data


def test_csv_with_numeric_labels_and_default_features(tmp_path):
    write(tmp_path / "d.csv", "a,b,label\n0.5,1,1\n-0.5,2,0\n1.5,3,1\n2.5,4,0\n")
    run = run_on({"kind": "csv", "path": str(tmp_path / "d.csv"), "target": "label"})
    assert run.data.feature_names == ("a", "b")
    assert run.data.class_names == ("0", "1")
    assert run.data.encoding == "binary"
    np.testing.assert_array_equal(run.data.y_train[:, 0], [1, 0, 1, 0])


def test_csv_numeric_target_with_mse_is_regression(tmp_path):
    write(tmp_path / "r.csv", "x,y\n0,0.5\n1,1.5\n2,2.25\n")
    data = load({"kind": "csv", "path": "r.csv", "target": "y"}, loss="mse", base_dir=tmp_path)
    assert data.task == "regression" and data.class_names is None
    np.testing.assert_array_equal(data.y_train[:, 0], [0.5, 1.5, 2.25])


@pytest.mark.parametrize(
    ("text", "section", "message"),
    [
        (
            "a,b\n1,2\n",
            {"target": "label"},
            r"data.target: .* has no column 'label'; columns: a, b",
        ),
        (
            "a,label\n1,x\noops,y\n",
            {"target": "label"},
            r"column 'a', line 3: 'oops' is not a number",
        ),
        ("a,label\n1,x\nnan,y\n", {"target": "label"}, r"column 'a', line 3: 'nan' .*finite"),
        ("a,label\n1,x\n,y\n", {"target": "label"}, r"column 'a', line 3: an empty field"),
        ("a,label\n1,x\n2\n", {"target": "label"}, r"line 3 has 1 fields; the header has 2"),
        (
            "a,label\n1,x\n2,\n",
            {"target": "label"},
            r"column 'label', line 3: the target is missing",
        ),
        ("", {"target": "label"}, r"the file is empty"),
        ("a,label\n", {"target": "label"}, r"header row but no examples"),
        ("a,a,label\n1,2,x\n", {"target": "label"}, r"names column 'a' twice"),
        (
            "a,label\n1,x\n",
            {"target": "label", "features": ["c"]},
            r"no column 'c'; columns: a, label",
        ),
    ],
)
def test_bad_csv_files_are_named_with_what_is_wrong(tmp_path, text, section, message):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=message) as info:
        load({"kind": "csv", "path": str(path), **section})
    assert "\n" not in str(info.value)


def test_unreadable_csv(tmp_path):
    with pytest.raises(ValueError, match="data.path: no such file .*missing.csv"):
        load({"kind": "csv", "path": "missing.csv", "target": "t"}, base_dir=tmp_path)
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        load({"kind": "csv", "path": str(tmp_path / "folder.csv"), "target": "t"})
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(ValueError, match="not a text CSV file"):
        load({"kind": "csv", "path": str(tmp_path / "binary.csv"), "target": "t"})


# --- NPZ ---------------------------------------------------------------------------------------


def test_npz_default_and_named_arrays(tmp_path):
    x = np.arange(12.0).reshape(6, 2)
    np.savez(tmp_path / "d.npz", x=x, y=np.array([0, 1, 2, 0, 1, 2]), inputs=x * 2, t=x[:, :1])
    data = load({"kind": "npz", "path": "d.npz"}, loss="cross_entropy", base_dir=tmp_path)
    assert data.class_names == ("0", "1", "2") and data.y_train.shape == (6, 3)
    np.testing.assert_array_equal(data.x_train, x)
    named = load(
        {"kind": "npz", "path": "d.npz", "features": "inputs", "target": "t"},
        loss="mse",
        base_dir=tmp_path,
    )
    assert named.task == "regression"
    np.testing.assert_array_equal(named.x_train, x * 2)
    np.testing.assert_array_equal(named.y_train, x[:, :1])


def test_bad_npz_files(tmp_path):
    (tmp_path / "text.npz").write_text("not numpy")
    with pytest.raises(ValueError, match=r"cannot read .*text.npz as a NumPy .npz archive") as e:
        load({"kind": "npz", "path": str(tmp_path / "text.npz")})
    # NumPy's own message here speaks of pickled data and advises loading the file unsafely
    assert str(e.value).endswith("it is not an .npz file (numpy.savez writes one)")
    np.savez(tmp_path / "o.npz", x=np.array([[0.0], [1.0]], dtype=object), y=np.zeros(2))
    with pytest.raises(ValueError, match=r"o.npz as a NumPy .npz archive: it holds arrays of") as e:
        load({"kind": "npz", "path": str(tmp_path / "o.npz")})
    assert "pickle" not in str(e.value)
    np.savez(tmp_path / "d.npz", inputs=np.zeros((3, 2)), y=np.zeros(3))
    with pytest.raises(ValueError, match=r"no array 'x'; arrays: inputs, y"):
        load({"kind": "npz", "path": str(tmp_path / "d.npz")})
    np.savez(tmp_path / "n.npz", x=np.array([[0.0, np.nan]]), y=np.zeros(1))
    with pytest.raises(
        ValueError, match=r"array 'x' has a NaN or infinite value at index \[0, 1\]"
    ):
        load({"kind": "npz", "path": str(tmp_path / "n.npz")})


# --- inline and generators ---------------------------------------------------------------------


def test_inline_nan_and_shape_errors():
    with pytest.raises(ValueError, match=r"data.x has a NaN or infinite value at \[1, 0\]"):
        load({"kind": "inline", "x": [[0.0], [float("nan")]], "y": [0, 1]})
    with pytest.raises(ValueError, match="data.y has 3 targets for 2 examples"):
        load({"kind": "inline", "x": [[0.0], [1.0]], "y": [0, 1, 1]})


@pytest.mark.parametrize(
    "kind", ["xor", "circle", "gauss", "spiral", "moons", "linear", "sine", "plane"]
)
def test_generators_are_seeded_and_sized(kind):
    loss = "mse" if kind in ("linear", "sine", "plane") else "bce"
    a = load({"kind": kind, "n": 60, "noise": 0.1}, loss=loss, seed=1)
    b = load({"kind": kind, "n": 60, "noise": 0.1}, loss=loss, seed=1)
    c = load({"kind": kind, "n": 60, "noise": 0.1}, loss=loss, seed=2)
    assert a.n_train == 60
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    assert a.n_features == (1 if kind in ("linear", "sine") else 2)


def test_generator_rules_without_noise():
    xor = load({"kind": "xor", "n": 100, "noise": 0.0})
    x = xor.x_train
    np.testing.assert_array_equal(xor.labels_train, (x[:, 0] * x[:, 1] < 0).astype(int))
    circle = load({"kind": "circle", "n": 100, "noise": 0.0})
    r = np.hypot(*circle.x_train.T)
    assert np.all(r[circle.labels_train == 1] <= 0.5) and np.all(r[circle.labels_train == 0] >= 0.7)
    linear = load({"kind": "linear", "n": 50, "noise": 0.0, "w": 3.0, "b": -1.0}, loss="mse")
    np.testing.assert_allclose(linear.y_train, 3.0 * linear.x_train - 1.0, rtol=1e-15)
    sine = load({"kind": "sine", "n": 50, "noise": 0.0, "freq": 2.0}, loss="mse")
    np.testing.assert_allclose(sine.y_train, np.sin(2 * np.pi * sine.x_train), rtol=1e-15)
    plane = load({"kind": "plane", "n": 50, "noise": 0.0}, loss="mse")
    np.testing.assert_allclose(plane.y_train[:, 0], plane.x_train @ [1.0, -2.0] + 0.5, rtol=1e-14)
    spiral = load({"kind": "spiral", "n": 90, "classes": 3}, loss="cross_entropy")
    assert spiral.n_classes == 3 and np.bincount(spiral.labels_train).tolist() == [30, 30, 30]


@pytest.mark.parametrize(
    "section, loss",
    [
        ({"kind": "spiral", "noise": 1e308}, "cross_entropy"),
        ({"kind": "linear", "noise": 1e308}, "mse"),
        ({"kind": "linear", "w": 1e308, "b": 1e308}, "mse"),
    ],
)
def test_generated_examples_that_overflow_are_refused_naming_the_settings(section, loss):
    """data.noise = 1e308 gave inputs of ±inf, and training 'diverged at step 1' at a_prev of
    layer 1: bad input reported as a divergence."""
    given = ", ".join(f"data.{k} = {v:g}" for k, v in section.items() if k != "kind")
    with pytest.raises(ValueError, match=f"not finite numbers with {re.escape(given)}; use"):
        load(section, loss=loss)


def test_a_validation_share_that_leaves_nothing_is_named_as_written():
    """0.9999999 was shown as 'data.validation = 1'."""
    with pytest.raises(ValueError, match=r"data.validation = 0.9999999 holds out all 60 examples"):
        load({"kind": "xor", "n": 60, "validation": 0.9999999})


def test_data_has_its_own_generator():
    """Training settings (batch order, dropout) never change the data or the initial weights."""
    a = small_run(training={"batch_size": 5, "shuffle": True})
    b = small_run(training={"batch_size": 8, "shuffle": False})
    np.testing.assert_array_equal(a.data.x_train, b.data.x_train)
    np.testing.assert_array_equal(a.net.layers[0].W, b.net.layers[0].W)
    c = small_run(data={"kind": "xor", "n": 60, "noise": 0.3})
    np.testing.assert_array_equal(a.net.layers[0].W, c.net.layers[0].W)


# --- split, standardization, encoding ----------------------------------------------------------


def test_validation_split_by_fraction():
    data = load({"kind": "moons", "n": 50, "validation": 0.2})
    assert (data.n_train, data.n_val) == (40, 10)
    whole = load({"kind": "moons", "n": 50})
    rows = np.concatenate([data.x_train, data.x_val])
    assert sorted(map(tuple, rows)) == sorted(map(tuple, whole.x_train))


@pytest.mark.parametrize("fraction", [1.0, -0.1, 1.5])
def test_validation_fraction_outside_0_1_is_refused(fraction):
    with pytest.raises(ValueError, match=r"data.validation must be a fraction in \[0, 1\)"):
        load({"kind": "xor", "validation": fraction})


def test_standardization_is_fitted_on_the_training_part_only():
    raw = load({"kind": "gauss", "n": 80, "validation": 0.25})
    data = load({"kind": "gauss", "n": 80, "validation": 0.25, "standardize": True})
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1.0, rtol=1e-14)
    np.testing.assert_allclose(data.x_val, (raw.x_val - mean) / std, rtol=1e-14)
    np.testing.assert_array_equal(data.standardize(raw.x_val), data.x_val)


def test_target_encodings_follow_the_loss_and_labels_setting():
    assert load({"kind": "xor"}, loss="bce").y_train.shape == (200, 1)
    assert load({"kind": "xor"}, loss="cross_entropy").y_train.shape == (200, 2)
    assert load({"kind": "xor", "labels": "onehot"}, loss="mse").y_train.shape == (200, 2)
    index = load({"kind": "spiral", "classes": 3, "labels": "index"}, loss="mse")
    np.testing.assert_array_equal(index.y_train[:, 0], index.labels_train)
    with pytest.raises(ValueError, match="labels = 'binary' needs two classes; spiral has 3"):
        load({"kind": "spiral", "classes": 3, "labels": "binary"}, loss="mse")
    with pytest.raises(ValueError, match="cross_entropy loss needs one-hot targets"):
        load({"kind": "xor", "labels": "index"}, loss="cross_entropy")
    with pytest.raises(ValueError, match="real-valued targets"):
        load({"kind": "sine"}, loss="bce")


def test_output_layer_size_must_match_the_classes():
    with pytest.raises(
        ValueError,
        match=r"layer 2 \(output\) has 2 units but the data needs 3: one unit per class",
    ):
        run_on({"kind": "spiral", "classes": 3}, loss="cross_entropy", out=2, out_act="softmax")
    with pytest.raises(ValueError, match=r"layer 2 \(output\) has 1 unit but the data needs 3"):
        run_on({"kind": "spiral", "classes": 3, "labels": "onehot"}, loss="mse", out=1)


def test_batch_size_larger_than_the_data_is_refused():
    with pytest.raises(
        ValueError,
        match=r"training.batch_size = 64 is larger than the training set: 40 examples \(10 ",
    ):
        run_on({"kind": "xor", "n": 50, "validation": 0.2}, batch_size=64)


def test_batch_norm_needs_batches_of_two():
    with pytest.raises(ValueError, match="batch_norm needs batches of at least 2 examples"):
        build_run(
            data={"kind": "xor", "n": 41},
            network={"loss": "bce", "layers": [{"size": 4, "batch_norm": True}, {"size": 1}]},
            training={"batch_size": 8},
        )


# --- digits --------------------------------------------------------------------------------------


def test_digits_when_scikit_learn_is_installed():
    pytest.importorskip("sklearn")
    data = load({"kind": "digits", "validation": 0.25}, loss="cross_entropy")
    assert data.n_features == 64 and data.n_classes == 10
    assert data.n_train + data.n_val == 1797
    assert data.x_train.min() >= 0.0 and data.x_train.max() <= 1.0


def test_digits_without_scikit_learn_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ValueError, match=r"pip install 'backprop-lab\[digits\]'"):
        load({"kind": "digits"}, loss="cross_entropy")
