"""The loader: presets by name, files by path, --set overrides, and precise error messages."""

import os
import re
from pathlib import Path

import pytest
from scenario_texts import TINY

import scenarios
from scenarios import ScenarioError, load_scenario, parse_scenario
from scenarios.overrides import parse

MINIMAL = TINY


def error(path_or_name, overrides=()) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path_or_name, overrides)
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    return message


def test_loads_a_file_and_fills_defaults(write):
    path = write(MINIMAL)
    s = load_scenario(path)
    assert (s.name, s.title, s.seed, s.lesson) == ("tiny", "Tiny", 3, "")
    assert s.path == path and s.source == MINIMAL
    assert s.training["lr"] == 1.0 and isinstance(s.training["lr"], float)
    assert s.training["batch_size"] == "full" and s.training["epochs"] == 100
    assert s.training["momentum"] == 0.5 and "nesterov" not in s.training
    assert s.network["dtype"] == "float64"
    assert s.network["layers"][0] == {
        "size": 3,
        "activation": "tanh",
        "init": "xavier_uniform",
        "bias_init": "zeros",
        "dropout": 0.0,
        "batch_norm": False,
    }
    assert s.schedule == {"kind": "constant", "warmup": 0}
    assert s.stop == {"restore_best": False, "min_delta": 0.0}
    assert s.expect == [] and s.breakpoints == []


def test_loads_by_path_string_and_by_name(write):
    path = write(MINIMAL, "other.toml")
    assert load_scenario(str(path)).name == "tiny"
    assert load_scenario(scenarios.DEFAULT_SCENARIO).name == scenarios.DEFAULT_SCENARIO


def test_overrides_apply_before_validation(write):
    path = write(MINIMAL)
    s = load_scenario(
        path,
        ["training.lr=0.25", "network.layers[1].size=8", "seed=11", 'title="Other"'],
    )
    assert s.training["lr"] == 0.25 and s.network["layers"][0]["size"] == 8
    assert s.seed == 11 and s.title == "Other"
    assert s.overrides == (
        "training.lr=0.25",
        "network.layers[1].size=8",
        "seed=11",
        'title="Other"',
    )
    message = error(path, ["training.optimizer=adam"])
    assert "training.momentum" in message and 'optimizer "adam"' in message
    assert "beta1" in message


def test_override_parsing():
    assert parse("training.lr=0.1") == (["training", "lr"], 0.1)
    assert parse("network.layers[2].activation=relu") == (
        ["network", "layers", 2, "activation"],
        "relu",
    )
    assert parse("data.x=[[1, 2]]") == (["data", "x"], [[1, 2]])
    assert parse("training.shuffle=false") == (["training", "shuffle"], False)
    for bad in ("training.lr", "training..lr=1", "network.layers[0].size=1", "=3"):
        with pytest.raises(ValueError):
            parse(bad)


def test_a_value_written_as_toml_that_is_not_says_why():
    """``--set 'network.layers[1]={size=3,size=4}'`` was taken as the string
    "{size=3,size=4}" and refused as 'network.layers: must be one or more [[network.layers]]
    tables, got ["{size=3,size=4}", a table]' (fuzz campaign). A value in braces, brackets or
    quotes is TOML; one in none of them may still be a bare string."""
    assert error("xor", ["network.layers[1]={size=3,size=4}"]) == (
        "xor.toml: --set: override 'network.layers[1]={size=3,size=4}': the value is not valid "
        "TOML: duplicate inline table key 'size' at character 15"
    )
    assert error("xor", ["lab={speed=0"]).endswith("not valid TOML: unclosed inline table")
    assert error("xor", ["data.w=[1,,2]"]).endswith("not valid TOML: invalid value at character 4")
    assert parse("training.optimizer=adam") == (["training", "optimizer"], "adam")
    assert parse("lesson=[Train](lab:run)") == (["lesson"], "[Train](lab:run)")


def test_override_errors_name_the_override(write):
    path = write(MINIMAL)
    message = error(path, ["network.layers[5].size=2"])
    assert "--set" in message and "network.layers[5].size=2" in message
    assert "2 entries" in message
    assert "key path" in error(path, ["training lr=1"])


def test_a_number_of_thousands_of_digits_names_the_file_line_or_override(write):
    """A whole number of 5,000 digits in a scenario file was refused in Python's words alone,
    without the file ('backprop-lab: Exceeds the limit (4300 digits) for integer string
    conversion …'); as a --set value, without the override."""
    path = write(MINIMAL.replace("seed = 3", f"seed = {'9' * 5000}"))
    assert error(path) == (
        f"{path}, line 5: malformed TOML: a number of 5,000 digits (at most 4,300); "
        "no setting takes one so large"
    )
    override = f"training.epochs={'9' * 5000}"
    message = error(write(MINIMAL), [override])
    assert message.endswith(
        f"--set: override '{override[:57]}…': a number of 5,000 digits (at most 4,300); no "
        "setting takes one so large"
    )


def test_an_override_index_of_thousands_of_digits_names_the_override(write):
    """A 5,000-digit index gave Python's 'Exceeds the limit (4300 digits) for integer string
    conversion …; use sys.set_int_max_str_digits()', naming neither the override nor the
    entries there are."""
    path = write(MINIMAL)
    message = error(path, [f"network.layers[{'9' * 5000}].size=2"])
    assert message.startswith(f"{path}: --set: override 'network.layers[999999999")
    assert message.endswith("…': an array index has at most 9 digits (got 5,000)")
    assert len(message) < len(str(path)) + 150


def test_malformed_toml_reports_line_and_column(write):
    path = write(MINIMAL.replace('loss = "mse"', 'loss = = "mse"'))
    message = error(path)
    line = MINIMAL.splitlines().index('loss = "mse"') + 1
    assert message.startswith(f"{path}, line {line}, column 8: malformed TOML")
    assert 'loss = = "mse"' in message


def test_unterminated_string_reports_position(write):
    message = error(write('name = "x\ntitle = "y"\n'))
    assert re.search(r"line 1, column \d+: malformed TOML", message)


def test_wrong_type(write):
    path = write(MINIMAL.replace("lr = 1", 'lr = "fast"'))
    assert error(path) == f'{path}: training.lr: must be a number, got "fast" (a string)'
    path = write(MINIMAL.replace("size = 3", "size = 2.5"))
    assert (
        error(path)
        == f"{path}: network.layers[1].size (layer 1): must be an integer, got 2.5 (a float)"
    )


def test_out_of_range(write):
    path = write(MINIMAL.replace("momentum = 0.5", "momentum = 1.5"))
    message = error(path)
    assert message == f"{path}: training.momentum: 1.5 is out of range; allowed: ≥ 0 and < 1"


def test_bad_choice_in_a_layer_names_the_layer(write):
    path = write(MINIMAL.replace('activation = "tanh"', 'activation = "tahn"'))
    message = error(path)
    assert message.startswith(f"{path}: network.layers[1].activation (layer 1): ")
    assert '"tahn" is not allowed' in message
    assert "allowed: linear, sigmoid, tanh" in message
    assert 'did you mean "tanh"?' in message


def test_allowed_names_come_from_the_engine_registries(write):
    import engine

    message = error(write(MINIMAL.replace('optimizer = "momentum"', 'optimizer = "lion"')))
    assert f"allowed: {', '.join(engine.OPTIMIZERS)}" in message


def test_missing_required_keys(write):
    path = write(MINIMAL.replace('loss = "mse"', ""))
    message = error(path)
    assert message.startswith(f"{path}: missing required key network.loss")
    assert "mse" in message and "cross_entropy" in message
    assert "missing required key title" in error(write(MINIMAL.replace('title = "Tiny"', "")))
    no_data = MINIMAL.split("[data]")[0] + "[network]" + MINIMAL.split("[network]")[1]
    assert "missing required section [data]" in error(write(no_data))


def test_every_missing_required_key_is_named_in_one_message(write):
    """A hand-written CSV scenario took three runs to learn it lacked title, summary and
    network.loss: one missing key per message."""
    path = write(
        'name = "mine"\n\n[data]\nkind = "csv"\npath = "x.csv"\n\n[network]\n\n'
        '[[network.layers]]\nsize = 1\n\n[[network.layers]]\nactivation = "tanh"\n\n'
        '[schedule]\nkind = "step"\n\n[[expect]]\nkind = "value"\n'
    )
    message = error(path)
    assert message.startswith(f"{path}: missing 9 required keys: title (one line); summary (")
    expected = [
        "title",
        "summary",
        'data.target, needed by kind "csv"',
        "network.loss",
        "network.layers[2].size",
        'schedule.every, needed by kind "step"',
        'schedule.factor, needed by kind "step"',
        "expect[1].claim",
        "expect[1].metric",
    ]
    places = [message.find(f" {name} (") for name in expected]  # each, in the file's order
    assert -1 not in places and places == sorted(places), message
    assert "one of: mse, quadratic, bce, cross_entropy" in message  # what each key takes
    # a section and keys together; a file with one missing key reads as before
    no_network = MINIMAL.split("[network]")[0].replace('title = "Tiny"', "")
    assert ": missing 2 required keys and sections: key title (one line); section [network]" in (
        error(write(no_network))
    )
    assert error(write(MINIMAL.replace('loss = "mse"', ""))).startswith(
        f"{path}: missing required key network.loss ("
    )
    # missing keys first, though the file has a bad value before them; then that value
    both = MINIMAL.replace('loss = "mse"', "").replace("seed = 3", "seed = -3")
    assert ": missing required key network.loss (" in error(write(both))
    assert ": seed: -3 is out of range" in error(write(MINIMAL.replace("seed = 3", "seed = -3")))


def test_unknown_key_suggests_the_closest(write):
    path = write(MINIMAL.replace("lr = 1", "lr = 1\nepoch = 5"))
    message = error(path)
    assert message.startswith(f"{path}: unknown key training.epoch; did you mean training.epochs?")
    top = error(write(MINIMAL.replace("seed = 3", "seeds = 3")))
    assert "unknown key seeds; did you mean seed?" in top
    layer = error(write(MINIMAL.replace('activation = "linear"', 'activaton = "linear"')))
    assert "unknown key network.layers[2].activaton (layer 2)" in layer
    assert "did you mean network.layers[2].activation?" in layer


def test_keys_that_do_not_apply_are_errors(write):
    message = error(write(MINIMAL.replace("size = 3", "size = 3\nstd = 0.1")))
    assert "network.layers[1].std (layer 1)" in message
    assert 'init "xavier_uniform" takes: gain' in message
    message = error(
        write(MINIMAL.replace('activation = "linear"', 'activation = "linear"\ndropout = 0.5'))
    )
    assert "output layer takes no dropout" in message


def test_unknown_scenario_lists_the_presets():
    message = error("no-such-preset")
    assert "no preset scenario 'no-such-preset'" in message
    for name in scenarios.preset_names():
        assert name in message
    assert 'did you mean "xor"' in error("xorr")


def test_missing_file_and_directory(tmp_path):
    assert error(tmp_path / "none.toml") == f"{tmp_path / 'none.toml'}: does not exist"
    assert "is a folder, not a scenario file" in error(tmp_path)


def test_a_preset_written_as_a_file_or_in_capitals_is_pointed_to(tmp_path, monkeypatch):
    """``train xor.toml`` said only ``xor.toml: does not exist`` and ``train XOR`` listed the
    presets without a did-you-mean (new-user audit): both now name the preset ``xor``. A
    ``.toml`` path that does exist, or one with a folder, is read as a file, as before."""
    monkeypatch.chdir(tmp_path)
    assert error("xor.toml") == "xor.toml: does not exist; the preset is named xor, without .toml"
    assert error("./xor.toml") == "./xor.toml: does not exist"
    assert error("mine.toml") == "mine.toml: does not exist"
    assert "no preset scenario 'XOR'; did you mean \"xor\"?" in error("XOR")
    assert 'did you mean "vanishing-gradients"?' in error("Vanishing-Gradient")


def test_a_fifo_or_a_device_is_refused_as_what_it_is(tmp_path):
    """A FIFO or /dev/zero given as the scenario was reported as 'does not exist'."""
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        assert error(path) == (
            f"{path}: is not a regular file but a pipe or a device; a scenario file must be a "
            "regular file"
        )


def test_a_name_too_long_for_the_file_system_is_one_line(tmp_path):
    """A scenario name of 300 letters ended ``backprop-lab train NAME`` in a traceback: looking
    for a file of that name raised OSError (ENAMETOOLONG) instead of answering 'no'."""
    long = "x" * 300
    assert "no preset scenario 'xxx" in error(long)
    for path in (f"{long}.toml", str(tmp_path / long / "s.toml")):
        assert error(path).startswith(f"{path}: cannot be read: File name too long")


def test_a_name_with_a_nul_character_is_one_line():
    """NUL in a path raised ValueError ('embedded null byte') from the file-system call."""
    message = error("a\0b.toml")
    assert message.endswith(": cannot be read: a file name cannot hold NUL (\\0)")
    assert "\0" not in message


def test_a_file_that_is_not_text_says_what_it_is(tmp_path, monkeypatch):
    """A PNG, or a session file given without --session, was 'cannot read the file: 'utf-8'
    codec can't decode byte 0x89 in position 0: invalid start byte' (fuzz campaign)."""
    import numpy as np

    image = tmp_path / "net.toml"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert error(image) == (
        f"{image}: is not a scenario file: line 1 holds byte 0x89, which is not UTF-8 text; a "
        "scenario file is TOML text in UTF-8"
    )
    session = tmp_path / "xor-step12.lab.npz"
    with open(session, "wb") as f:
        np.savez(f, header=np.zeros(3, np.uint8))
    message = error(session)
    assert message.startswith(f"{session}: is a zip archive (a saved session")
    assert message.endswith("a session opens with backprop-lab open FILE")


def test_a_byte_order_mark_is_read_past(tmp_path):
    """A file saved with a UTF-8 byte-order mark (Windows editors) was 'line 1, column 1:
    malformed TOML: invalid statement: name = …' with the mark invisible in the message."""
    path = tmp_path / "bom.toml"
    path.write_text("\ufeff" + MINIMAL, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.source == MINIMAL
    assert scenario.name == parse_scenario(MINIMAL, path=path, label="bom.toml").name


def test_a_word_naming_a_folder_here_says_so(tmp_path, monkeypatch):
    """``backprop-lab train results`` with a folder results/ here said only that no preset has
    that name; a preset's name still wins over a folder of the same name."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    (tmp_path / "xor").mkdir()
    assert error("results") == (
        "results: no preset has this name, and the results here is a folder, not a scenario file"
    )
    assert load_scenario("xor").name == "xor"


@pytest.mark.parametrize(
    ("override", "path", "code", "at"),
    [
        ('title="\\u001b]0;pwned\\u0007 XOR"', "title", "001B", 1),
        ('summary="a\\r\\u001b[2J"', "summary", "000D", 2),
        ('expect[1].claim="a\\u009b"', "expect[1].claim", "009B", 2),
        ('expect[3].set[1]="training.lr=\\u0000"', "expect[3].set[1]", "0000", 13),
    ],
)
def test_control_characters_in_text_are_refused_naming_the_key(override, path, code, at):
    """A title holding ESC and BEL was printed as it was by ``debug`` and ``scenarios show``:
    the file set the terminal's title and cleared its screen (fuzz campaign)."""
    assert error("xor", [override]) == (
        f"xor.toml: {path}: holds the control character U+{code} at character {at}; text may "
        "hold tabs and line breaks but no other control characters (printed to a terminal, they "
        "are commands to it)"
    )


def test_tabs_and_line_breaks_are_text():
    scenario = load_scenario("xor", ['summary="a\\tb\\nc"'])
    assert scenario.summary == "a\tb\nc"


def test_inline_rows_must_match(write):
    message = error(write(MINIMAL.replace("y = [[1.0], [0.0]]", "y = [[1.0]]")))
    assert "data.y: has 1 rows; data.x has 2" in message
    ragged = error(
        write(MINIMAL.replace("x = [[0.0, 1.0], [1.0, 0.0]]", "x = [[0.0, 1.0], [1.0]]"))
    )
    assert "data.x[2]: has 1 numbers; row 1 has 2" in ragged


def test_explicit_weights_must_fit_the_layer_sizes(write):
    text = MINIMAL.replace(
        'size = 1\nactivation = "linear"',
        'size = 1\nactivation = "linear"\nweights = [[1.0, 2.0]]',
    )
    message = error(write(text))
    assert "network.layers[2].weights (layer 2)" in message and "size = 3" in message


def test_patience_needs_a_validation_split(write):
    message = error(write(MINIMAL + "\n[stop]\npatience = 5\n"))
    assert "stop.patience" in message and "data.validation" in message


def test_expect_claims_are_validated(write):
    claim = (
        '\n[[expect]]\nclaim = "c"\nkind = "value"\nmetric = "grad_norm"\nlayer = 7\nbelow = 1\n'
    )
    message = error(write(MINIMAL + claim))
    assert "expect[1].layer (claim 1): 7 is out of range; the network has layers 1…2" in message
    no_bound = claim.replace("layer = 7\nbelow = 1", "layer = 1")
    assert "needs a bound" in error(write(MINIMAL + no_bound))
    bad_kind = error(write(MINIMAL + claim.replace('"value"', '"valeu"')))
    assert 'did you mean "value"' in bad_kind


def test_breakpoints_are_validated(write):
    ok = load_scenario(write(MINIMAL + '\n[[breakpoints]]\nat = "delta@2"\nignore = 1\n'))
    assert ok.breakpoints == [{"at": "delta@2", "temporary": False, "ignore": 1, "enabled": True}]
    message = error(write(MINIMAL + '\n[[breakpoints]]\nat = "update@5"\n'))
    assert message.endswith("breakpoints[1].at: layer 5 does not exist; layers are 1…2")
    message = error(write(MINIMAL + '\n[[breakpoints]]\nwhen = "loss >"\n'))
    assert "breakpoints[1].when" in message
    message = error(write(MINIMAL + '\n[[breakpoints]]\nat = "delta"\nenabled = "yes"\n'))
    assert "breakpoints[1].enabled (breakpoint 1): must be true or false" in message


def test_toml_nested_500_deep_is_one_line_naming_the_file():
    """tomllib recursed into RecursionError on deep nesting."""
    with pytest.raises(ScenarioError) as error:
        parse_scenario("a = " + "[" * 500 + "]" * 500, path=Path("deep.toml"), label="deep.toml")
    assert str(error.value).startswith("deep.toml: ") and "nested too deeply" in str(error.value)


def test_a_set_value_nested_500_deep_is_one_line():
    with pytest.raises(ScenarioError, match=r"--set: override '.*…': value nested too deeply"):
        load_scenario("xor", overrides=("training.lr=" + "[" * 500 + "]" * 500,))


def test_a_breakpoint_condition_nested_100_deep_is_one_line():
    source = load_scenario("xor").source + (
        '\n[[breakpoints]]\nwhen = "' + "(" * 100 + "loss" + ")" * 100 + ' > 1"\n'
    )
    with pytest.raises(ScenarioError, match="nested too deeply"):
        parse_scenario(source, path=Path("bp.toml"), label="bp.toml")


@pytest.mark.parametrize(
    "text", ["a" + ".a" * 4999 + " = 1\n", "[" + ".".join(["a"] * 5000) + "]\n"]
)
def test_dotted_keys_5000_deep_are_one_line_naming_the_path(text):
    """tomllib reads dotted keys without recursion; copying the tree then hit RecursionError."""
    with pytest.raises(ScenarioError) as error:
        parse_scenario(text, path=Path("deep.toml"), label="deep.toml")
    assert str(error.value) == (
        "deep.toml: a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: tables and arrays nested more than 16 deep "
        "(a scenario needs at most 6 levels)"
    )


def test_a_set_key_path_3000_deep_is_one_line():
    with pytest.raises(ScenarioError, match=r"^xor.toml: data\.w\.a\.a.*after --set"):
        load_scenario("xor", ["data.w" + ".a" * 3000 + "=1"])


def test_a_key_with_a_line_break_is_quoted_on_one_line():
    """A quoted TOML key holding a newline printed as two lines (found by the fuzz campaign)."""
    with pytest.raises(ScenarioError) as error:
        parse_scenario('"a\\nb" = 1\n' + TINY, path=Path("k.toml"), label="k.toml")
    message = str(error.value)  # (a close match may be offered: "did you mean lab?")
    assert message.startswith('k.toml: unknown key "a\\nb"') and "\n" not in message
    assert "(allowed at the top level" in message
    with pytest.raises(ScenarioError) as error:
        parse_scenario(TINY + '\n[stop]\n"x\\ty" = 1\n', path=Path("k.toml"), label="k.toml")
    assert 'unknown key stop."x\\ty" (allowed in [stop]' in str(error.value)


def test_a_million_layers_are_refused_before_each_is_checked():
    """A file of 10⁶ [[network.layers]] tables was validated table by table for minutes (87 µs
    each), and only building the run refused it; the layer count is checked against the memory
    limit first (fuzz campaign)."""
    import time
    import tomllib

    from scenarios.loader import validate_document

    document = tomllib.loads(TINY)
    document["network"]["layers"] = [{"size": 1, "activation": "sigmoid"}] * 1_000_000
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        validate_document(document, "deep.toml")
    assert str(info.value).startswith(
        "deep.toml: network.layers (1,000,000 layers): the run would need about 412 GiB of memory "
        "(the per-step history: 412 GiB), more than the limit of 2 GiB"
    )
    assert time.perf_counter() - start < 5


def test_a_file_larger_than_a_scenario_is_refused_unread(tmp_path, monkeypatch):
    """A 49 MB scenario file (fuzz campaign) was parsed for ~18 s before its first error, and a
    file of gigabytes would have been read whole into memory: past ``MAX_FILE_BYTES`` the file
    is refused, naming its size, the limit and where large data goes, without being read."""
    from scenarios import loader

    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as f:
        f.write(MINIMAL.encode())
        f.truncate(loader.MAX_FILE_BYTES + 5 * 1024 * 1024)  # the rest NUL bytes: 13 MiB
    assert error(huge) == (
        f"{huge}: holds 13 MiB, more than a scenario file may (8 MiB); a scenario is a few KiB "
        'of TOML — put large data in a csv or npz file (data.kind = "csv" or "npz", '
        'data.path = "FILE")'
    )
    read = []
    real_open = open

    class Counting:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def read(self, n=-1):
            read.append(n)
            return self.f.read(n)

        def fileno(self):
            return self.f.fileno()

    monkeypatch.setattr(loader, "open", lambda *a: Counting(real_open(*a)), raising=False)
    error(huge)
    assert read == []


def test_a_file_of_the_largest_size_allowed_loads(tmp_path, monkeypatch):
    from scenarios import loader

    padded = MINIMAL + "#" * 100 + "\n"
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(padded.encode()))
    path = tmp_path / "full.toml"
    path.write_text(padded, encoding="utf-8")
    assert load_scenario(path).source == padded
    path.write_text(padded + "\n", encoding="utf-8")
    assert error(path).startswith(f"{path}: holds {len(padded) + 1} B, more than")
