"""Load a scenario by name (a preset shipped in the package) or from any path.

    load_scenario("xor")                          # a preset
    load_scenario("my/own.toml", ["training.lr=0.5"])  # a file, with --set overrides
    build_run(scenario)                           # the engine's Run for it

Reading, ``--set`` overrides and validation happen in that order; every problem is a
``ScenarioError`` whose one-line message names the file, the key path, the value and what is
allowed.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from engine import limits
from engine.paths import is_file, unreadable

from . import overrides as override_rules
from . import schema
from .errors import (
    ScenarioError,
    UnknownScenarioError,
    did_you_mean,
    key_text,
    one_of,
    too_many_digits,
)
from .exercises import check_against_run, check_exercises
from .expect import check_expect
from .gathered import Gathered
from .lesson import Context, find_actions
from .validate import (
    Checker,
    check_breakpoints,
    check_data,
    check_lab,
    check_network,
    check_schedule,
    check_stop,
    check_training,
)

DEFAULT_SCENARIO = "xor"

_SECTION_NAMES = (*schema.TOP, *schema.SECTIONS, *schema.ARRAYS)
MAX_DEPTH = 16  # tables and arrays in each other; a scenario needs 6 (network.layers[l].weights)
# The presets hold 1–6 KiB of TOML. Parsing takes ~0.4 s a MiB (a 49 MB file: 18 s before its
# first error), so a file past this is refused unread: data that large belongs in a csv or npz.
MAX_FILE_BYTES = 8 << 20


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Sections are plain dicts (lists for the arrays) with defaults filled
    in; optional keys without a default are absent when the file does not set them."""

    name: str
    title: str
    summary: str
    lesson: str
    seed: int
    data: dict
    network: dict
    training: dict
    schedule: dict
    stop: dict
    expect: list
    breakpoints: list
    path: Path
    source: str = field(repr=False)
    overrides: tuple[str, ...] = ()
    label: str = ""  # how messages name the file
    compare: str | None = None  # the preset to compare with (its fix, or its problem)
    chaotic_from_epoch: int | None = None  # figures move > 1e-11 from here on one ulp's change
    exercises: list = field(default_factory=list)  # the [[exercises]] tables
    actions: tuple = ()  # the lesson's actions (lesson.LessonAction), in reading order
    whole: bool = True  # lesson and exercises checked against the network (not an edit/variant)
    lab: dict = field(default_factory=lambda: {"speed": schema.LAB["speed"].default})


def _presets() -> Traversable:
    # the package itself, not its name: files("scenarios") calls importlib.import_module, which
    # nothing a session file leads to may do (tests/tui/test_tui_session_file_data.py)
    return files(sys.modules[__package__]) / "presets"


def preset_names() -> list[str]:
    """Names of the preset scenarios (file names without ``.toml``), sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _presets().iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    )


def preset_path(name: str) -> Path:
    """The file of preset ``name``; ScenarioError listing the presets when there is none."""
    entry = _presets() / f"{name}.toml"
    if not is_file(entry):
        names = preset_names()
        raise UnknownScenarioError(
            f"no preset scenario {name!r}{did_you_mean(name.lower(), names)} "
            f"(presets: {one_of(names)}; or give the path of a .toml file)"
        )
    return Path(str(entry))


def resolve(name_or_path: str | Path) -> tuple[Path, str]:
    """(file, label for messages) of a preset name or a path."""
    text = str(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.endswith(".toml")
    )
    if looks_like_path or is_file(text):
        path = Path(text)
        why = unreadable(path, "a scenario file")
        if why is not None:
            raise ScenarioError(f"{text}: {why}{_preset_meant(text, why)}")
        return path, text
    try:
        return preset_path(text), f"{text}.toml"
    except UnknownScenarioError:
        # a word that names no preset but something here ("train results", a folder): say what
        why = unreadable(text, "a scenario file")
        if why is None or why == "does not exist" or why.startswith("cannot be read"):
            raise
        raise ScenarioError(f"{text}: no preset has this name, and the {text} here {why}") from None


def _preset_meant(text: str, why: str) -> str:
    """'; the preset is named xor, without .toml' for ``xor.toml`` that does not exist here, when
    a preset has its name (the presets' files are found by name, not by path), else ''."""
    name = text.removesuffix(".toml")
    if why != "does not exist" or name == text or "/" in text or "\\" in text:
        return ""
    return f"; the preset is named {name}, without .toml" if name in preset_names() else ""


def load_scenario(name_or_path: str | Path, overrides=()) -> Scenario:
    """The validated scenario ``name_or_path`` with ``overrides`` ("section.key=value") applied."""
    path, label = resolve(name_or_path)
    return parse_scenario(
        text_of(read_scenario_file(path, label), label), path=path, label=label, overrides=overrides
    )


def read_scenario_file(path: Path, label: str) -> bytes:
    """The bytes of a scenario file; ScenarioError naming the file when it cannot be read or
    holds more than ``MAX_FILE_BYTES`` — refused by its size before it is read (a file of
    gigabytes is not loaded; ``read(MAX_FILE_BYTES + 1)`` would allocate that much for any
    file), and again by what was read (a file that grew meanwhile)."""
    try:
        with open(path, "rb") as f:
            total = os.fstat(f.fileno()).st_size
            if total > MAX_FILE_BYTES:
                raise _too_large(label, total)
            content = f.read()
    except OSError as e:
        raise ScenarioError(f"{label}: cannot read the file: {e.strerror or e}") from None
    if len(content) > MAX_FILE_BYTES:
        raise _too_large(label, len(content))
    return content


def _too_large(label: str, n_bytes: int) -> ScenarioError:
    return ScenarioError(
        f"{label}: holds {limits.size(n_bytes)}, more than a scenario file may "
        f"({limits.size(MAX_FILE_BYTES)}); a scenario is a few KiB of TOML — put large data in a "
        'csv or npz file (data.kind = "csv" or "npz", data.path = "FILE")'
    )


ZIP_MAGIC = b"PK\x03\x04"  # an .npz (a saved session, a data file) is a zip archive


def text_of(content: bytes, label: str) -> str:
    """The TOML text of a scenario file's bytes: UTF-8, a leading byte-order mark (as some
    Windows editors write) dropped; ScenarioError naming the file when the bytes are not text,
    and what the file is instead when it is a zip archive (a session saved with ctrl+s, an .npz)."""
    if content.startswith(ZIP_MAGIC):
        raise ScenarioError(
            f"{label}: is a zip archive (a saved session or an .npz data file), not a scenario "
            "file, which is TOML text; a session opens with backprop-lab open FILE"
        )
    try:
        return content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = content.count(b"\n", 0, e.start) + 1
        raise ScenarioError(
            f"{label}: is not a scenario file: line {line} holds byte 0x{content[e.start]:02x}, "
            "which is not UTF-8 text; a scenario file is TOML text in UTF-8"
        ) from None


def parse_scenario(
    source: str, *, path: Path, label: str, overrides=(), training_only: bool = False
) -> Scenario:
    """The validated scenario in the TOML text ``source`` (``path`` anchors relative data paths).

    ``training_only``: a variant that is only trained (a claim's ``set``): its lesson's actions
    are checked for their form only and its exercises dropped, since the overrides may change
    the network they were written for. A text longer than a scenario file may be (the one a
    session file holds) is refused unparsed, as ``read_scenario_file`` refuses such a file."""
    if len(source) > MAX_FILE_BYTES:  # characters: at least as many bytes
        raise _too_large(label, len(source.encode("utf-8", "replace")))
    document = _parse_toml(source, label)
    _check_depth(document, label, "")
    overrides = tuple(overrides)
    if overrides:  # (the copy apply makes, and the second walk, are seconds for a huge file)
        try:
            document = override_rules.apply(document, overrides)
        except ValueError as e:
            raise ScenarioError(f"{label}: --set: {e}") from None
        _check_depth(document, label, " (after --set)")
    sections = validate_document(document, label, source=source, edited=training_only)
    return Scenario(**sections, path=path, source=source, overrides=overrides, label=label)


def _parse_toml(source: str, label: str) -> dict:
    try:
        return tomllib.loads(source)
    except RecursionError:
        raise ScenarioError(
            f"{label}: malformed TOML: arrays or tables nested too deeply "
            f"(a scenario needs at most a few levels)"
        ) from None
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            text = message[: match.start()]
            lines = source.splitlines()
            shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            near = f": {shown[:60]}" if shown else ""
            raise ScenarioError(
                f"{label}, line {line}, column {column}: malformed TOML: {_lower(text)}{near}"
            ) from None
        lines = source.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        text = message.replace("(at end of document)", "").strip()
        raise ScenarioError(
            f"{label}, line {line}, column {column} (the end of the file): malformed TOML: "
            f"{_lower(text)}"
        ) from None
    except ValueError:  # int() refused a number of thousands of digits, in Python's words
        at, why = too_many_digits(source)
        where = f", line {at}" if at is not None else ""
        raise ScenarioError(f"{label}{where}: malformed TOML: {why}") from None


def _check_depth(document: dict, label: str, when: str) -> None:
    """Tables and arrays nested at most ``MAX_DEPTH`` deep (dotted keys such as a.a.a… = 1 nest
    without limit in TOML, and deeper trees exhaust Python's recursion in copying and checking
    them); ScenarioError naming the key path otherwise. Iterative: any depth is measured; the
    path is spelled out only for the node refused (for 10⁶ layer tables it took seconds)."""
    stack: list[tuple] = [(document, 1, None, None)]
    while stack:
        entry = stack.pop()
        node, depth = entry[0], entry[1]
        if depth > MAX_DEPTH:
            path = _path_of(entry)
            shown = path if len(path) <= 60 else path[:57] + "..."
            raise ScenarioError(
                f"{label}: {shown}: tables and arrays nested more than {MAX_DEPTH} deep{when} "
                "(a scenario needs at most 6 levels)"
            )
        items = node.items() if isinstance(node, dict) else enumerate(node, start=1)
        stack.extend(
            (value, depth + 1, key, entry) for key, value in items if isinstance(value, dict | list)
        )


def _path_of(entry: tuple) -> str:
    """The key path of a node found by a walk whose entries end in (key, parent entry)."""
    parts = []
    while entry[-1] is not None:
        key, parent = entry[-2], entry[-1]
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        entry = parent
    return "".join(reversed(parts)).removeprefix(".")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but the tab and the line break: C0, DEL and C1."""


def _check_characters(document: dict, label: str) -> None:
    """No text of the scenario holds a control character other than a tab or a line break:
    titles, lessons, claims and names are printed to the terminal (``debug``, ``scenarios show``,
    ``check``), where ESC and BEL would be commands to it (clear the screen, set its title)
    rather than text; ScenarioError naming the key path otherwise. Iterative, like
    ``_check_depth``; the path is spelled out only for the string refused."""
    stack: list[tuple[object, object, tuple | None]] = [(document, None, None)]
    while stack:
        entry = stack.pop()
        node = entry[0]
        if isinstance(node, dict):
            stack.extend((v, k, entry) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, i, entry) for i, v in enumerate(node, start=1))
        elif isinstance(node, str) and (found := _CONTROL.search(node)):
            path = _path_of(entry)
            shown = path if len(path) <= 60 else path[:57] + "..."
            raise ScenarioError(
                f"{label}: {shown}: holds the control character U+{ord(found.group()):04X} at "
                f"character {found.start() + 1}; text may hold tabs and line breaks but no other "
                "control characters (printed to a terminal, they are commands to it)"
            )


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def validate_document(document: dict, label: str, *, source: str = "", edited=False) -> dict:
    """The validated sections of a parsed document (the fields of ``Scenario`` but the file).

    ``source`` (the file's text) places the lesson's lines in the file for messages.
    ``edited``: sections edited in the lab: the lesson's actions are checked for their form
    only, not against the (changed) network, and the exercises are dropped with the claims."""
    ch = Checker(label)
    top_keys = {name: key for name, key in schema.TOP.items()}
    for name in document:
        if name not in _SECTION_NAMES:
            close = did_you_mean(name, _SECTION_NAMES).replace('"', "")
            ch.fail(
                "",
                f"unknown key {key_text(name)}{close} (allowed at the top level: "
                f"{one_of(_SECTION_NAMES)})",
            )
    # Every section is checked before anything that needs several of them, so that all the
    # required keys the file lacks are named in one message (``Gathered``).
    gathered = Gathered(label)
    top = gathered.run(
        ch.table,
        {k: v for k, v in document.items() if k in schema.TOP},
        top_keys,
        "",
        applicable={},
    )
    for section, required in schema.SECTIONS.items():
        if required and section not in document:
            gathered.missing.append(f"section [{section}]")
    data = gathered.run(check_data, ch, document["data"]) if "data" in document else None
    network = (
        gathered.run(check_network, ch, document["network"]) if "network" in document else None
    )
    training = gathered.run(check_training, ch, document.get("training", {}))
    schedule = gathered.run(check_schedule, ch, document.get("schedule", {}))
    stop = gathered.run(check_stop, ch, document.get("stop", {}), data) if data else None
    lab = gathered.run(check_lab, ch, document.get("lab", {}))
    expect = breakpoints = None
    n_layers = len(network["layers"]) if network else _layer_tables(document)
    if n_layers is not None:  # claims and breakpoints name layers
        expect = gathered.run(check_expect, ch, document.get("expect", []), n_layers)
        breakpoints = gathered.run(check_breakpoints, ch, document.get("breakpoints", []), n_layers)
    gathered.done()
    _check_characters(document, label)
    assert top is not None and data is not None and network is not None  # else done() raised
    sizes = tuple(layer["size"] for layer in network["layers"])
    if "compare" in top and top["compare"] not in preset_names():
        ch.fail(
            "compare",
            f"no preset {top['compare']!r}{did_you_mean(top['compare'], preset_names())} "
            f"(presets: {one_of(preset_names())})",
        )
    exercises = [] if edited else check_exercises(ch, document.get("exercises", []), sizes)
    actions = check_lesson(
        document.get("lesson", ""),
        label,
        source,
        Context(
            sizes=None if edited else sizes,
            inputs=_inputs(data),
            exercises=None if edited else len(exercises),
            compare=top.get("compare"),
            presets=tuple(preset_names()),
            name=top.get("name"),
        ),
    )
    return {
        **top,
        "exercises": exercises,
        "actions": actions,
        "whole": not edited,
        "data": data,
        "network": network,
        "training": training,
        "schedule": schedule,
        "stop": stop,
        "lab": lab,
        "expect": expect,
        "breakpoints": breakpoints,
    }


def _layer_tables(document: dict) -> int | None:
    """The number of ``[[network.layers]]`` tables of a file whose [network] did not pass (its
    missing keys are being gathered), or None when there is no such array."""
    network = document.get("network")
    layers = network.get("layers") if isinstance(network, dict) else None
    if isinstance(layers, list) and layers and all(isinstance(t, dict) for t in layers):
        return len(layers)
    return None


def _inputs(data: dict) -> int | None:
    """n⁰, the number of inputs, when the data section alone tells it (inline data)."""
    x = data.get("x")
    if data["kind"] == "inline" and isinstance(x, list) and x:
        return len(x[0]) if isinstance(x[0], list) else 1
    return None


def check_lesson(lesson, label: str, source: str, ctx: Context) -> tuple:
    """The lesson's actions (``lesson.find_actions``); ScenarioError naming the file and the
    line of the first bad one (in the file when the lesson is written there)."""
    if not isinstance(lesson, str):
        return ()  # the type error is the top-level table's
    actions, problems = find_actions(lesson, ctx)
    if problems:
        line, message = problems[0]
        raise ScenarioError(f"{label}, line {file_line(source, lesson, line)}: lesson: {message}")
    return tuple(actions)


def file_line(source: str, lesson: str, line: int) -> str:
    """Line ``line`` of ``lesson`` as a line of the file ``source`` when the lesson is written
    there (not given with --set): ``"17"``; else ``"3 of the lesson"``."""
    lines = lesson.split("\n")
    first = next((i for i, text in enumerate(lines) if text.strip()), None)
    opener = re.search(r"^lesson\s*=\s*[\"']", source, re.M)
    if first is None or opener is None:
        return f"{line} of the lesson"
    at = source.find(lines[first].strip(), opener.end())
    if at < 0:
        return f"{line} of the lesson"
    return str(source.count("\n", 0, at) + 1 + (line - 1 - first))


def build_run(scenario: Scenario, *, seed: int | None = None):
    """The engine's ``Run`` for ``scenario`` (``seed`` replaces the scenario's seed).

    The engine's ValueError for a semantic problem (e.g. weights that do not fit the data's
    number of inputs) becomes a ScenarioError naming the file; a bad ``BACKPROP_LAB_THREADS``
    (``engine.threads``) one naming the variable alone, as the file is not at fault.
    """
    from engine.build import build_run as engine_build_run  # the engine is imported only here
    from engine.threads import ThreadsSettingError

    sections = copy.deepcopy(
        (scenario.data, scenario.network, scenario.training, scenario.schedule, scenario.stop)
    )
    data, network, training, schedule, stop = sections
    try:
        run = engine_build_run(
            data=data,
            network=network,
            training=training,
            schedule=schedule,
            stop=stop,
            seed=scenario.seed if seed is None else seed,
            base_dir=scenario.path.parent,
            name=scenario.name,
        )
    except ThreadsSettingError as e:
        raise ScenarioError(str(e)) from None
    except ValueError as e:
        raise ScenarioError(f"{scenario.label or scenario.path}: {e}") from None
    except MemoryError:  # past the estimate of engine.limits: the machine has less than that
        raise ScenarioError(
            f"{scenario.label or scenario.path}: not enough memory for this run; make the data "
            "(data.n) or the layers (network.layers[l].size) smaller"
        ) from None
    check_against_run(scenario, run)
    return run
