"""``--set path=value`` overrides, applied to the parsed document before validation.

``path`` is a dotted key path: ``training.lr``, ``seed``, ``network.layers[2].size`` (array
entries 1-based, like the layer index). ``value`` is read as a TOML value (``0.1``, ``true``,
``"adam"``, ``[1, 2]``); anything that is not valid TOML is taken as a string, so
``--set training.optimizer=adam`` works without quotes — but a value in braces, brackets or
quotes is meant as TOML, and a mistake in it is reported as such.

``completions(text)`` completes an override for the shell: the key paths of the scenario format
and, after ``=``, the values a key allows (optimizers, activations, losses, … as registered in the
engine; ``true``/``false``).
"""

from __future__ import annotations

import copy
import re
import tomllib

from .errors import too_many_digits

_PART = re.compile(r"^([A-Za-z0-9_-]+)((?:\[\d+\])*)$")


def parse(text: str) -> tuple[list[str | int], object]:
    """``"a.b[2].c=v"`` → (["a", "b", 2, "c"], v); ValueError for a malformed override."""
    if not isinstance(text, str) or "=" not in text:
        raise ValueError(
            f"override {text!r} is not of the form section.key=value (e.g. training.lr=0.1)"
        )
    path_text, _, value_text = text.partition("=")
    path_text = path_text.strip()
    parts: list[str | int] = []
    for piece in path_text.split("."):
        match = _PART.match(piece.strip())
        if not match:
            raise ValueError(
                f"override {text!r}: {path_text!r} is not a key path "
                "(e.g. training.lr or network.layers[2].size)"
            )
        parts.append(match.group(1))
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            if len(index) > 9:  # int() refuses 4,300 digits and more, in Python's words
                shown = text if len(text) <= 60 else text[:57] + "…"
                raise ValueError(
                    f"override {shown!r}: an array index has at most 9 digits (got {len(index):,})"
                )
            if int(index) < 1:
                raise ValueError(f"override {text!r}: array indices are 1-based (≥ 1)")
            parts.append(int(index))
    try:
        return parts, parse_value(value_text.strip())
    except ValueError as e:
        shown = text if len(text) <= 60 else text[:57] + "…"
        raise ValueError(f"override {shown!r}: {e}") from None


_BRACKETS = ("{}", "[]", '""', "''")


def parse_value(text: str) -> object:
    """A TOML value, or the text itself when it is not one — unless it is written as a TOML
    table, array or string (in braces, brackets or quotes): then ValueError says what is wrong
    with it (``{size=3,size=4}`` was taken as the string "{size=3,size=4}", and refused as
    'must be one or more tables, got ["{size=3,size=4}", …]')."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError as e:
        if text.startswith("{") or (len(text) >= 2 and text[0] + text[-1] in _BRACKETS):
            at = re.search(r"\(at line 1, column (\d+)\)$", str(e))
            why = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(e))
            where = f" at character {int(at.group(1)) - 4}" if at else ""
            why = why[:1].lower() + why[1:]
            raise ValueError(f"the value is not valid TOML: {why}{where}") from None
        return text
    except RecursionError:
        raise ValueError(f"value nested too deeply: {text[:30]}…") from None
    except ValueError:  # int() refused a number of thousands of digits, in Python's words
        raise ValueError(too_many_digits(text)[1]) from None


def apply(document: dict, texts) -> dict:
    """A copy of ``document`` with the overrides applied in order; ValueError names a bad one."""
    document = copy.deepcopy(document)
    for text in texts:
        parts, value = parse(text)
        _assign(document, parts, value, text)
    return document


def _assign(document: dict, parts: list, value: object, text: str) -> None:
    node: object = document
    walked = ""
    for part, following in zip(parts, parts[1:] + [None]):
        if isinstance(part, int):
            if not isinstance(node, list):
                raise ValueError(f"override {text!r}: {walked} is not an array of tables")
            if part > len(node):
                raise ValueError(
                    f"override {text!r}: {walked} has {len(node)} entries (1…{len(node)}), "
                    f"not {part}"
                )
            walked += f"[{part}]"
            if following is None:
                node[part - 1] = value
                return
            node = node[part - 1]
            continue
        if not isinstance(node, dict):
            raise ValueError(f"override {text!r}: {walked} is not a table")
        walked = f"{walked}.{part}" if walked else part
        if following is None:
            node[part] = value
            return
        if part not in node:
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]


_LAYER_PATH = re.compile(r"^network\.layers\[(\d+)\]\.(\w*)$")


def _tables() -> dict:
    """Section → its keys, as ``--set`` names them (optimizer keys as registered now)."""
    from . import schema

    return {
        "": schema.TOP,
        "data": schema.DATA,
        "network": schema.NETWORK,
        "network.layers[1]": schema.LAYER,
        "training": schema.TRAINING_COMMON | schema.optimizer_keys(),
        "schedule": schema.SCHEDULE,
        "stop": schema.STOP,
        "lab": schema.LAB,
    }


def key_paths() -> list[str]:
    """Every key path ``--set`` can name (``network.layers[1].…`` for the first layer's keys)."""
    return [f"{s}.{k}" if s else k for s, keys in _tables().items() for k in keys]


def completions(text: str) -> list[str]:
    """Completions of a partly typed override: key paths (``training.lr=``), then the values
    the key allows (``training.optimizer=adam``)."""
    path, eq, value = text.partition("=")
    layer = _LAYER_PATH.match(path)
    section, _, name = path.rpartition(".")
    if layer:  # any layer number
        section, name = "network.layers[1]", layer.group(2)
    keys = _tables().get(section, {})
    if not eq:
        if layer:
            return [f"{section_of(path)}{k}=" for k in keys if k.startswith(name)]
        return [f"{p}=" for p in key_paths() if p.startswith(path)]
    key = keys.get(name)
    if key is None:
        return []
    allowed = key.allowed() or (("true", "false") if key.type == "bool" else ())
    return [f"{path}={v}" for v in allowed if v.startswith(value)]


def section_of(path: str) -> str:
    """``network.layers[3].act`` → ``network.layers[3].``"""
    return path[: path.rfind(".") + 1]
