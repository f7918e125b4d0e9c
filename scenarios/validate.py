"""Check a parsed scenario document against ``schema.py`` and fill in defaults.

``Checker(label).document(doc)`` returns the validated sections or raises ``ScenarioError`` with a
one-line message: file, key path, bad value, what is allowed. Array-of-tables entries are written
1-based, like the layer index l: ``network.layers[2]`` is the second ``[[network.layers]]`` table,
layer 2.
"""

from __future__ import annotations

import difflib
import math
import re

import engine
from engine import limits

from . import schema
from .errors import ScenarioError, did_you_mean, key_text, one_of, show, type_name
from .gathered import Gathered, MissingKeys
from .schema import MISSING, Key

NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Checker:
    """Validation of one document; ``label`` names the file in every message."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, path: str, message: str) -> None:
        raise ScenarioError(
            f"{self.label}: {path}: {message}" if path else f"{self.label}: {message}"
        )

    # -- single values -------------------------------------------------------------------------

    def value(self, key: Key, value, path: str):
        """The value of ``key`` at ``path``, type- and range-checked and normalized."""
        checker = getattr(self, "_" + key.type)
        value = checker(value, path)
        allowed = key.allowed()
        if allowed is not None and value not in allowed:
            self.fail(
                path,
                f"{show(value)} is not allowed; allowed: {one_of(allowed)}"
                + did_you_mean(value, allowed),
            )
        if _is_number(value):
            self._range(key, value, path)
        return value

    def _range(self, key: Key, value, path: str) -> None:
        if not key.contains(value):
            self.fail(path, f"{show(value)} is out of range; allowed: {key.range()}")

    def _expected(self, what: str, value, path: str):
        self.fail(path, f"must be {what}, got {show(value)} ({type_name(value)})")

    def _str(self, value, path):
        if not isinstance(value, str):
            self._expected("a string", value, path)
        return value

    def _text(self, value, path):
        return self._str(value, path).strip()

    def _line(self, value, path):
        value = self._str(value, path)
        if "\n" in value.strip() or not value.strip():
            self.fail(path, f"must be one non-empty line, got {show(value)}")
        return value.strip()

    def _name(self, value, path):
        value = self._str(value, path)
        if not NAME_PATTERN.match(value):
            self.fail(
                path,
                f"{show(value)} is not kebab-case; allowed: lower-case letters and digits "
                'in words joined by "-", e.g. "dying-relu"',
            )
        return value

    def _int(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            self._expected("an integer", value, path)
        return value

    def _float(self, value, path):
        if not _is_number(value):
            self._expected("a number", value, path)
        if not math.isfinite(value):
            self.fail(path, f"must be a finite number, got {show(value)}")
        return float(value)

    def _bool(self, value, path):
        if not isinstance(value, bool):
            self._expected("true or false", value, path)
        return value

    def _batch(self, value, path):
        if value == "full" and isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self._expected('a positive integer or "full"', value, path)
        if value < 1:
            self.fail(path, f'{show(value)} is out of range; allowed: an integer ≥ 1 or "full"')
        return value

    def _speed(self, value, path):
        if value == "max" and isinstance(value, str):
            return value
        key = schema.LAB["speed"]  # the one key of this type
        allowed = f'an integer from {key.lo:g} to {key.hi:g} (steps per second) or "max"'
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be {allowed}, got {show(value)} ({type_name(value)})")
        if not key.contains(value):
            self.fail(path, f"{show(value)} is out of range; allowed: {allowed}")
        return value

    def _vector(self, value, path):
        if not isinstance(value, list) or not value:
            self._expected("a non-empty array of numbers", value, path)
        return [self._float(v, f"{path}[{i}]") for i, v in enumerate(value, start=1)]

    def _matrix(self, value, path):
        if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
            self._expected("a non-empty array of arrays of numbers (one per row)", value, path)
        rows = [self._vector(r, f"{path}[{i}]") for i, r in enumerate(value, start=1)]
        width = len(rows[0])
        for i, row in enumerate(rows, start=1):
            if len(row) != width:
                self.fail(f"{path}[{i}]", f"has {len(row)} numbers; row 1 has {width}")
        return rows

    def _numbers(self, value, path):
        if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
            return self._matrix(value, path)
        if isinstance(value, list) and value and any(isinstance(r, list) for r in value):
            self._expected("an array of numbers or an array of rows", value, path)
        return self._vector(value, path)

    def _number_or_vector(self, value, path):
        return self._vector(value, path) if isinstance(value, list) else self._float(value, path)

    def _entry(self, value, path):
        if not isinstance(value, list) or not value:
            self._expected("an array of whole numbers (indices from 0)", value, path)
        for i, v in enumerate(value, start=1):
            if self._int(v, f"{path}[{i}]") < 0:
                self.fail(f"{path}[{i}]", f"{v} is out of range; indices count from 0 (≥ 0)")
        return value

    def _str_or_str_list(self, value, path):
        return self._str_list(value, path) if isinstance(value, list) else self._str(value, path)

    def _str_list(self, value, path):
        if not isinstance(value, list):
            self._expected("an array of strings", value, path)
        return [self._str(v, f"{path}[{i}]") for i, v in enumerate(value, start=1)]

    # -- tables ----------------------------------------------------------------------------------

    def table(
        self,
        table,
        keys: dict[str, Key],
        path: str,
        *,
        suffix: str = "",
        applicable: dict[str, str] | None = None,
    ) -> dict:
        """Check every key of ``table`` and fill in defaults.

        ``applicable`` maps keys of ``keys`` that do not apply in this context to the reason
        (e.g. ``{"momentum": 'optimizer "sgd" takes: weight_decay'}``).
        """
        self.section(table, path, suffix)
        dotted = f"{path}." if path else ""
        applicable = applicable or {}
        usable = [k for k in keys if k not in applicable]
        for name in table:
            if name not in keys:
                close = difflib.get_close_matches(name, usable, n=1, cutoff=0.6)
                hint = f"; did you mean {dotted}{close[0]}?" if close else ""
                self.fail(
                    "",
                    f"unknown key {dotted}{key_text(name)}{suffix}{hint} "
                    f"(allowed in {f'[{path}]' if path else 'the top level'}: {one_of(usable)})",
                )
            if name in applicable:
                self.fail(f"{dotted}{name}{suffix}", f"does not apply here: {applicable[name]}")
        out, missing = {}, []
        for name, key in keys.items():
            if name in applicable:
                continue
            if name in table:
                out[name] = self.value(key, table[name], f"{dotted}{name}{suffix}")
            elif key.required:
                missing.append(missing_key(f"{dotted}{name}", key, suffix))
            elif key.default is not MISSING:
                out[name] = key.default
        if missing:
            raise MissingKeys(self.label, missing)
        return out

    def section(self, table, path: str, suffix: str = "") -> dict:
        """``table`` itself, after checking that it is a table."""
        if not isinstance(table, dict):
            self.fail(path + suffix, f"must be a table, got {show(table)} ({type_name(table)})")
        return table

    def missing(self, path: str, key: Key, suffix: str = "") -> None:
        raise MissingKeys(self.label, [missing_key(path, key, suffix)])

    def array(self, value, path: str) -> list:
        """An array of tables (``[[x]]``); absent means empty."""
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(
                path,
                f"must be an array of tables ([[{path}]] sections), got {show(value)} "
                f"({type_name(value)})",
            )
        return value


def missing_key(path: str, key: Key, suffix: str = "") -> str:
    """A missing required key as ``MissingKeys`` names it: its path and what it is."""
    allowed = key.allowed()
    hint = f" ({key.doc}; one of: {one_of(allowed)})" if allowed else f" ({key.doc})"
    return f"key {path}{suffix}{hint}"


def not_for(keys, owner: str, takes) -> dict[str, str]:
    """``applicable`` entries: ``keys`` do not apply to ``owner``, which takes ``takes``."""
    takes = one_of(takes) if takes else "none of these"
    return {key: f"{owner} takes: {takes}" for key in keys}


def check_layer(ch: Checker, table, l: int, L: int) -> dict:
    """One ``[[network.layers]]`` table (layer l of L)."""
    path, suffix = f"network.layers[{l}]", f" (layer {l})"
    keys = schema.LAYER
    raw = ch.section(table, path, suffix)
    # The context keys first, so that keys that do not apply can be named as such.
    activation = ch.value(
        keys["activation"], raw.get("activation", "sigmoid"), f"{path}.activation{suffix}"
    )
    init = ch.value(keys["init"], raw.get("init", "xavier_uniform"), f"{path}.init{suffix}")
    bias_init = ch.value(
        keys["bias_init"], raw.get("bias_init", "zeros"), f"{path}.bias_init{suffix}"
    )
    applicable = {}
    if activation not in schema.activations_with_alpha():
        applicable["alpha"] = f"only {one_of(schema.activations_with_alpha())} take alpha"
    takes = schema.init_settings(init)
    applicable |= not_for(
        [k for k in ("std", "limit", "value", "gain") if k not in takes], f'init "{init}"', takes
    )
    bias_takes = [k for k in schema.init_settings(bias_init) if k != "gain"]
    applicable |= not_for(
        [f"bias_{k}" for k in ("std", "limit", "value") if k not in bias_takes],
        f'bias_init "{bias_init}"',
        [f"bias_{k}" for k in bias_takes],
    )
    if l == L:
        applicable["dropout"] = "the output layer takes no dropout"
        applicable["batch_norm"] = "the output layer takes no batch_norm"
    keys = keys | schema.activation_settings(activation)  # α with this activation's range
    layer = ch.table(table, keys, path, suffix=suffix, applicable=applicable)
    if l == L:
        layer["dropout"], layer["batch_norm"] = 0.0, False
    if engine.ACTIVATIONS[activation].output_only and l != L:
        ch.fail(
            f"{path}.activation{suffix}",
            f"{show(activation)} is only allowed on the output layer (layer {L})",
        )
    if "bias" in layer and len(layer["bias"]) != layer["size"]:
        ch.fail(
            f"{path}.bias{suffix}",
            f"has {len(layer['bias'])} numbers; the layer has size = {layer['size']}",
        )
    if "weights" in layer and len(layer["weights"]) != layer["size"]:
        ch.fail(
            f"{path}.weights{suffix}",
            f"has {len(layer['weights'])} rows; the layer has size = {layer['size']} "
            "(W has shape (size, n_in))",
        )
    return layer


def check_network(ch: Checker, table) -> dict:
    layers_key = Key("layers", "one [[network.layers]] table per weight layer", required=True)
    ch.section(table, "network")
    rest = {k: v for k, v in table.items() if k != "layers"}
    # "layers" is listed (not required here) so that "did you mean" can suggest it.
    keys = schema.NETWORK | {"layers": Key("layers", layers_key.doc)}
    gathered = Gathered(ch.label)
    network = gathered.run(ch.table, rest, keys, "network")
    if "layers" not in table:
        gathered.missing.append(missing_key("network.layers", layers_key))
        gathered.done()
    layers = table["layers"]
    if not isinstance(layers, list) or not layers or not all(isinstance(t, dict) for t in layers):
        ch.fail(
            "network.layers",
            f"must be one or more [[network.layers]] tables, got {show(layers)} "
            f"({type_name(layers)})",
        )
    try:
        limits.check_layers(len(layers))
    except limits.MemoryLimitError as e:
        raise ScenarioError(f"{ch.label}: {e}") from None
    checked = [gathered.run(check_layer, ch, t, l, len(layers)) for l, t in enumerate(layers, 1)]
    gathered.done()
    assert network is not None  # else done() raised
    network["layers"] = checked
    previous = None
    for l, layer in enumerate(network["layers"], start=1):
        if "weights" in layer and previous is not None and len(layer["weights"][0]) != previous:
            ch.fail(
                f"network.layers[{l}].weights (layer {l})",
                f"rows have {len(layer['weights'][0])} numbers; layer {l - 1} has "
                f"size = {previous} (W has shape (size, n_in))",
            )
        previous = layer["size"]
    _check_output(ch, network)
    return network


def _check_output(ch: Checker, network: dict) -> None:
    L = len(network["layers"])
    output = network["layers"][-1]
    loss = engine.make_loss(network["loss"])
    allowed = loss.allowed_outputs
    path = f"network.layers[{L}].activation (layer {L}, the output)"
    if allowed is not None and output["activation"] not in allowed:
        ch.fail(
            path,
            f"{show(output['activation'])} does not fit loss {show(network['loss'])}; "
            f"allowed: {one_of(allowed)}",
        )
    act = output["activation"]
    if allowed is None and engine.ACTIVATIONS[act].output_only:
        fits = [n for n, cls in engine.LOSSES.items() if act in (cls.allowed_outputs or ())]
        needs = " or ".join(map(show, fits))
        ch.fail(path, f"{show(act)} needs loss {needs}, not {show(network['loss'])}")


def check_kind_section(
    ch: Checker, table, name: str, keys, common, kind_keys, required, default=None
) -> tuple[str, dict]:
    """A section whose keys depend on its ``kind`` ([data], [schedule]): (kind, the checked
    section). ``keys``: all the section's keys; ``common``: those every kind takes;
    ``kind_keys`` / ``required``: a kind's own keys and those it needs. Another kind's keys are
    refused as not applicable. Without a ``default``, ``kind`` itself is required."""
    raw = ch.section(table, name)
    if default is None and "kind" not in raw:
        ch.missing(f"{name}.kind", keys["kind"])
    kind = ch.value(keys["kind"], raw.get("kind", default), f"{name}.kind")
    takes = (*common, *kind_keys.get(kind, ()))
    applicable = not_for([k for k in keys if k not in takes], f'kind "{kind}"', takes)
    section = ch.table(table, keys, name, applicable=applicable)
    needed = f', needed by kind "{kind}"'
    missing = [
        missing_key(f"{name}.{key}", keys[key], needed)
        for key in required.get(kind, ())
        if key not in section
    ]
    if missing:
        raise MissingKeys(ch.label, missing)
    return kind, section


def check_data(ch: Checker, table) -> dict:
    keys = schema.DATA, schema.DATA_COMMON, schema.DATA_KIND_KEYS, schema.DATA_KIND_REQUIRED
    kind, data = check_kind_section(ch, table, "data", *keys)
    if kind == "inline":
        if len(data["x"]) != len(data["y"]):
            ch.fail(
                "data.y",
                f"has {len(data['y'])} rows; data.x has {len(data['x'])} (one per example)",
            )
        if data["validation"] > 0 and round(len(data["x"]) * data["validation"]) < 1:
            ch.fail(
                "data.validation",
                f"{show(data['validation'])} of {len(data['x'])} examples holds out none",
            )
    return data


def check_training(ch: Checker, table) -> dict:
    raw = ch.section(table, "training")
    key = schema.TRAINING_COMMON["optimizer"]
    optimizer = ch.value(key, raw.get("optimizer", key.default), "training.optimizer")
    keys = schema.training_keys(optimizer)
    others = {k: v for k, v in schema.optimizer_keys().items() if k not in keys}
    takes = ("weight_decay", *schema.optimizer_settings(optimizer))
    applicable = not_for(others, f'optimizer "{optimizer}"', takes)
    training = ch.table(table, keys | others, "training", applicable=applicable)
    if "clip_value" in training and "clip_norm" in training:
        ch.fail("training.clip_norm", "clip by value or by norm, not both (remove one)")
    return training


def check_schedule(ch: Checker, table) -> dict:
    keys = (
        schema.SCHEDULE,
        schema.SCHEDULE_COMMON,
        schema.SCHEDULE_KIND_KEYS,
        schema.SCHEDULE_KIND_REQUIRED,
    )
    kind, schedule = check_kind_section(ch, table, "schedule", *keys, default="constant")
    if kind == "cosine":
        schedule.setdefault("lr_min", 0.0)
    return schedule


def check_stop(ch: Checker, table, data: dict) -> dict:
    stop = ch.table(table, schema.STOP, "stop")
    if "patience" in stop and data["validation"] <= 0:
        ch.fail(
            "stop.patience",
            "early stopping watches the validation loss; set data.validation > 0 "
            "(e.g. 0.25) or remove stop.patience",
        )
    return stop


def check_lab(ch: Checker, table) -> dict:
    return ch.table(table, schema.LAB, "lab")


def check_breakpoints(ch: Checker, value, n_layers: int) -> list[dict]:
    """The ``[[breakpoints]]`` array; ``at`` and ``when`` are parsed by the debugger's own
    parser (``engine.debugger``), so a scenario cannot carry a breakpoint it would reject."""
    from engine.debugger.breakpoints import breakpoints_from_scenario
    from engine.debugger.errors import DebuggerError

    entries = ch.array(value, "breakpoints")
    out = []
    for i, entry in enumerate(entries, start=1):
        bp = ch.table(entry, schema.BREAKPOINT, f"breakpoints[{i}]", suffix=f" (breakpoint {i})")
        if "at" not in bp and "when" not in bp:
            ch.fail("", f"breakpoints[{i}] (breakpoint {i}) needs at least one of: at, when")
        out.append(bp)
    try:
        breakpoints_from_scenario(out, n_layers)
    except DebuggerError as e:
        ch.fail("", str(e).splitlines()[0])
    return out
