"""Memory limits checked before allocating: sizes that would need gigabytes
are one line naming the field, the need and the limit, with the way to raise it; nothing large is
allocated first."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner

from engine import limits

HUGE_LAYER = "network.layers[1].size = 1,000,000,000"


def train(*args, env=None):
    """Exit code and output of ``backprop-lab train``, and the peak of what was allocated."""
    from tui.cli import main

    tracemalloc.start()
    try:
        result = CliRunner().invoke(main, ["train", *args], env=env)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def one_line_refusal(result, field: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    line = lines[0]
    assert field in line and "of memory" in line and "more than the limit of 2 GiB" in line
    # what to do: raise the limit, or (past what any machine has) make it smaller
    assert "set BACKPROP_LAB_MAX_MEMORY to raise it" in line or line.endswith("make it smaller.")
    return line


@pytest.mark.parametrize(
    "override",
    [
        "network.layers[1].size=1000000000",
        'network.layers=[{size=1000000000, activation="tanh"}, {size=1}]',
    ],
)
def test_a_huge_layer_is_refused_before_anything_is_allocated(override):
    result, peak = train("xor", "--set", override)
    line = one_line_refusal(result, HUGE_LAYER)
    assert "GiB of memory" in line
    assert peak < 50 * 2**20  # nothing of the 15 GiB was allocated


def test_a_huge_layer_in_a_scenario_file(tmp_path):
    from scenarios import load_scenario

    source = load_scenario("xor").source.replace("size = 4\n", "size = 1000000000\n", 1)
    path = tmp_path / "huge.toml"
    path.write_text(source)
    result, _ = train(str(path))
    assert one_line_refusal(result, HUGE_LAYER).startswith(f"backprop-lab: {path}: ")


def test_billions_of_examples_are_refused_before_they_are_generated():
    result, peak = train("spiral", "--set", "data.n=3000000000")
    line = one_line_refusal(result, "data.n = 3,000,000,000")
    assert "(the data: " in line and peak < 50 * 2**20


def test_more_spiral_arms_than_examples():
    result, peak = train("spiral", "--set", "data.classes=1000000000000")
    assert result.exit_code == 2 and peak < 50 * 2**20
    assert "data.classes = 1,000,000,000,000 is more than data.n = 300" in result.output


def test_many_spiral_arms_name_the_classes_beside_n():
    """100,000 arms of 2 examples each need 596 GiB of one-hot targets; the message named only
    data.n = 200,000, a size that alone is harmless (fuzz campaign)."""
    result, peak = train("spiral", "--set", "data.n=200000", "--set", "data.classes=100000")
    one_line_refusal(result, "data.n = 200,000 with data.classes = 100,000")
    assert peak < 50 * 2**20


def test_an_inline_class_index_of_a_trillion(tmp_path):
    from scenarios import load_scenario

    source = load_scenario("xor").source.replace(
        "y = [[0.0], [1.0], [1.0], [0.0]]", 'y = [0, 1, 1, 1e12]\nlabels = "onehot"'
    )
    source = source.replace('loss = "bce"', 'loss = "cross_entropy"')
    source = source.replace('size = 1\nactivation = "sigmoid"', 'size = 2\nactivation = "softmax"')
    path = tmp_path / "labels.toml"
    path.write_text(source)
    result, peak = train(str(path))
    one_line_refusal(result, "data.y (a class index of 1000000000000)")
    assert peak < 50 * 2**20


def test_an_npz_file_whose_arrays_need_more_than_the_limit(tmp_path):
    np.savez_compressed(tmp_path / "big.npz", x=np.zeros((2_000_000, 2)), y=np.zeros(2_000_000))
    scenario = tmp_path / "big.toml"
    scenario.write_text(
        'name = "big"\ntitle = "t"\nsummary = "s"\n[data]\nkind = "npz"\npath = "big.npz"\n'
        '[network]\nloss = "mse"\n[[network.layers]]\nsize = 1\n'
    )
    result, _ = train(str(scenario), env={limits.ENV_VAR: "20M"})
    assert result.exit_code == 2
    assert f"data.path = {tmp_path / 'big.npz'}: the run would need about" in result.output
    assert "the arrays of the file" in result.output and "limit of 20 MiB" in result.output


def test_a_csv_file_too_large_to_read(tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n" + "0.5,1\n" * 200_000)
    scenario = tmp_path / "d.toml"
    scenario.write_text(
        'name = "d"\ntitle = "t"\nsummary = "s"\n[data]\nkind = "csv"\npath = "d.csv"\n'
        'target = "y"\n[network]\nloss = "mse"\n[[network.layers]]\nsize = 1\n'
    )
    result, _ = train(str(scenario), env={limits.ENV_VAR: "10M"})
    assert result.exit_code == 2 and "reading the CSV file" in result.output
    result, _ = train(str(scenario), "--epochs", "1", env={limits.ENV_VAR: "1G"})
    assert result.exit_code == 0, result.output  # raising the limit lets it through


def test_a_csv_file_of_many_short_rows_is_refused_before_it_is_read(tmp_path):
    """Each row read takes ~150 B besides its text: a file of short rows ('1,2') took ~30× its
    size, where 12× was counted, so 48 MB of them passed the check and read 1.4 GB (fuzz
    campaign). The rows are counted too, and the file is refused before it is read."""
    (tmp_path / "d.csv").write_text("a,y\n" + "1,2\n" * 200_000)  # 800 KB: 9.6 MB at 12×
    scenario = tmp_path / "d.toml"
    scenario.write_text(
        'name = "d"\ntitle = "t"\nsummary = "s"\n[data]\nkind = "csv"\npath = "d.csv"\n'
        'target = "y"\n[network]\nloss = "mse"\n[[network.layers]]\nsize = 1\n'
    )
    result, peak = train(str(scenario), env={limits.ENV_VAR: "20M"})
    assert result.exit_code == 2, result.output
    assert f"data.path = {tmp_path / 'd.csv'} (200,001 lines): the run would need about" in (
        result.output
    )
    assert "(reading the CSV file: " in result.output and peak < 5 * 2**20


def test_the_limit_can_be_raised_and_lowered():
    result, _ = train("spiral", env={limits.ENV_VAR: "1M"})
    assert result.exit_code == 2 and "limit of 1 MiB" in result.output
    assert "e.g. BACKPROP_LAB_MAX_MEMORY=1G" in result.output
    result, _ = train("spiral", "--epochs", "1", env={limits.ENV_VAR: "1G"})
    assert result.exit_code == 0, result.output


def test_the_advice_fits_the_size_asked_for():
    """A limit worth raising is given as a value to set; a size no machine has is not."""
    env = {limits.ENV_VAR: "1G"}
    with pytest.raises(limits.MemoryLimitError) as info:
        limits.check([("the data", 1.5 * 1024**4, "data.n")], env)
    assert str(info.value).endswith(f"(e.g. {limits.ENV_VAR}=2T) if the machine has that much.")
    with pytest.raises(limits.MemoryLimitError) as info:
        limits.check([("the data", 1.3e24, "network.layers[1].size = 10^12")], env)
    message = str(info.value)
    assert message.startswith("network.layers[1].size = 10^12: the run would need about")
    assert message.endswith("and more than any machine has: make it smaller.")
    assert limits.ENV_VAR not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", limits.DEFAULT_LIMIT), ("8G", 8 * 1024**3), ("1.5GiB", 3 * 1024**3 // 2),
     ("512m", 512 * 1024**2), ("123456", 123456), (" 2 GB ", 2 * 1024**3)],
)  # fmt: skip
def test_the_limit_reads_sizes_with_units(text, expected):
    assert limits.limit({limits.ENV_VAR: text}) == expected


@pytest.mark.parametrize("text", ["abc", "0", "-5G", "8X", "1e400", "9" * 40])
def test_a_bad_limit_is_named(text):
    with pytest.raises(ValueError, match="BACKPROP_LAB_MAX_MEMORY=.* is not a memory size"):
        limits.limit({limits.ENV_VAR: text})


def test_the_step_back_history_of_the_line_mode_is_checked():
    from tui.cli import main

    layers = '[{size=1500, activation="relu"}, {size=1500, activation="relu"}, {size=3}]'
    args = ["debug", "spiral", "--history", "100000", "--set", f"network.layers={layers}"]
    args += ["--set", "training.epochs=100000", "--set", "network.loss='mse'"]
    result = CliRunner().invoke(main, args, input="q\n")
    assert result.exit_code == 2, result.output
    assert "--history 100,000: the run would need about" in result.output
    assert "the snapshots step-back keeps" in result.output


def test_a_history_past_any_run_keeps_every_step():
    """``debug xor --history 99999999999999999999999`` ended in a traceback: the ring of
    steps took it as its length (OverflowError: Python int too large to convert to C
    ssize_t). Steps beyond the run's own are never kept, so such a history keeps them all."""
    from tui.cli import main

    args = ["debug", "xor", "--history", "9" * 23, "--set", "training.epochs=3"]
    result = CliRunner().invoke(main, args, input="c\nback 40\nback 32\nq\n")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Cannot go back 40 events: that is before the start of the run (only" in result.output
    start = "> Step 1, epoch 1, batch 1 — start of the step"
    assert result.output.count(start) == 2  # at the start, and after back 32


def test_the_lab_refuses_a_huge_network_and_a_session_file_naming_one(tmp_path):
    from tui.session import LabSession
    from tui.session_errors import SessionError

    with pytest.raises(SessionError, match=HUGE_LAYER.replace("[", r"\[").replace("]", r"\]")):
        LabSession.open("xor", ["network.layers[1].size=1000000000"])
    session = LabSession.open("xor")
    path = session.save(tmp_path / "s.lab.npz")
    from tui import session_file

    header, state = session_file.read(path)
    header["scenario"]["overrides"] = ["network.layers[1].size=1000000000"]
    header.pop("format")
    session_file.write(tmp_path / "huge.lab.npz", header, state)
    with pytest.raises(SessionError, match=r"huge.lab.npz: xor.toml: network.layers\[1\]"):
        LabSession.load(tmp_path / "huge.lab.npz")


def estimate(overrides) -> float:
    """The build's estimate for spiral with ``overrides``: the total it checks."""
    from scenarios import build_run, load_scenario

    seen = []
    real = limits.check

    def spy(parts, environ=None):
        seen.append(math.fsum(need for _, need, _ in parts))
        return real(parts, environ)

    limits.check = spy
    try:
        build_run(load_scenario("spiral", overrides))
    finally:
        limits.check = real
    return seen[-1]


@pytest.mark.parametrize(
    "overrides",
    [
        ["data.n=20000", "training.batch_size=256", "training.optimizer='adam'"],
        ["network.layers=[{size=1000, activation='relu'}, {size=1000, activation='relu'}, "
         "{size=3, activation='softmax'}]", "training.batch_size=100",
         "training.optimizer='momentum'"],
    ],
)  # fmt: skip
def test_the_estimate_covers_what_training_allocates(overrides):
    """Over a build and two epochs of ``train``, NumPy's peak is within the estimate (which may
    be up to about twice too high: it adds parts that are never alive together)."""
    from scenarios import build_run, load_scenario

    overrides = [*overrides, "training.epochs=2"]
    need = estimate(overrides)
    tracemalloc.start()
    try:
        run = build_run(load_scenario("spiral", overrides))
        with np.errstate(all="ignore"):
            run.fit()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= need <= 3 * peak, (peak, need)


def test_step_back_counts_the_record_of_every_step_it_keeps():
    """A tiny network's snapshots are small, but every step in the ring keeps a row and the
    run's figures (~500 bytes, measured): a long history of xor is refused on that account."""
    from engine.debugger.follow import follow_run
    from scenarios import build_run, load_scenario

    run = build_run(load_scenario("xor", ["training.epochs=100000000", "stop.loss_below=1e-300"]))
    environ = {limits.ENV_VAR: "1M"}
    limits.check_step_back(run, 1_000, "history", environ)  # ~0.5 MB: fits
    with pytest.raises(limits.MemoryLimitError, match="history: .*records of the steps"):
        limits.check_step_back(run, 10_000, "history", environ)  # ~5 MB
    # and the estimate is not far from what is kept
    followed = follow_run(run, history=2_000)
    tracemalloc.start()
    assert followed.run(2_000).reason == "done"
    kept, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert 0.5 * limits.STEP_RECORD_BYTES < kept / 2_000 < 2 * limits.STEP_RECORD_BYTES
