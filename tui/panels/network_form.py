"""The network editor's model: the edited fields as text, checked into scenario sections.

A ``NetworkDraft`` holds what the editor shows — each layer's size, activation and init, the loss,
the optimizer, its hyper-parameters, η, the batch size and the regularization — as the strings the
user typed. ``check()`` turns it into the ``[network]`` and ``[training]`` sections (plain dicts in
the scenario format) or a list of ``FieldError``s, each naming the field and why it is refused.
Checks run in three rounds: each field's text (a number? in range?), then the scenario format's
own validation (``scenarios.validate``), then the engine's: the memory the run would need
(``memory``: the estimate and limit ``train`` and ``open`` check, ``engine.limits``) and
``engine.build_network`` on a throw-away generator with one unit per hidden layer (so every
rule the engine enforces — softmax only on the output, a loss that fits the output activation —
is reported with the engine's own message, and a check never allocates the network it checks:
it runs at every keystroke). Whatever a check raises is a refusal, never an error of the lab.
Nothing here touches the running network.

An init that takes a parameter (``INIT_PARAMS``: constant's value, uniform's limit, normal's std)
has a field for it (``LayerDraft.param``), written into the layer's table as the scenario file's
key when it differs from the initializer's default or the table set it.
"""

from __future__ import annotations

import copy
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from engine import settings
from engine.initializers import INIT_PARAMS, INITIALIZERS
from engine.limits import MemoryLimitError
from engine.network import LayerSpec, build_network
from engine.settings import Setting
from scenarios.errors import ScenarioError
from scenarios.schema import activations_with_alpha, init_settings
from scenarios.validate import Checker, check_network, check_training

INIT_KEYS = ("std", "limit", "value", "gain")
BIAS_KEYS = {"bias_std": "std", "bias_limit": "limit", "bias_value": "value"}
REGULARIZATION_FIELDS = ("l1", "l2", "weight_decay")
TRAINING_FIELDS = ("lr", *REGULARIZATION_FIELDS)
"""The ``[training]`` numbers the editor shows with every optimizer (then the optimizer's own).
Labels, defaults and ranges are the settings' declarations (``engine.settings``)."""


def field_setting(key: str, optimizer: str) -> Setting:
    """The declared setting behind the editor's training field ``key``."""
    return settings.find(f"training.{key}", optimizer)


@dataclass(frozen=True)
class FieldError:
    """A refused field: ``field`` is the editor's field id (``size-2``, ``lr``, …)."""

    field: str
    message: str


def init_param(init: str) -> str | None:
    """The key of the parameter ``init`` takes (``value``, ``limit``, ``std``), or None."""
    keys = INIT_PARAMS.get(init, ())
    return keys[0] if keys else None


def init_default(init: str) -> float:
    """The default of ``init``'s parameter (the initializer's own: 0.0, 0.05, 0.05)."""
    key = init_param(init)
    assert key is not None, init
    return float(inspect.signature(INITIALIZERS[init]).parameters[key].default)


@dataclass
class LayerDraft:
    """One layer as edited; ``table`` is the original ``[[network.layers]]`` table."""

    size: str
    activation: str
    init: str
    table: dict = field(default_factory=dict)
    original_n_in: int | None = None  # n_in when the draft was made (None: a new layer)
    origin: int | None = None  # the layer l it was when the draft was made (None: a new one)
    param: str = ""  # the text of the init's parameter (``init_param``), "" when it takes none

    def __post_init__(self) -> None:
        if not self.param:
            self.param = self.param_text(self.init)

    def param_text(self, init: str) -> str:
        """The parameter of ``init`` as the table sets it, else its default ("": none)."""
        key = init_param(init)
        if key is None:
            return ""
        same = init == self.table.get("init", "xavier_uniform")
        return _number_text(self.table[key] if same and key in self.table else init_default(init))

    def set_init(self, init: str) -> None:
        """Another init; its parameter field shows the table's value or the default."""
        if init != self.init:
            self.init = init
            self.param = self.param_text(init)


@dataclass
class NetworkDraft:
    """Everything the editor edits (see the module docstring)."""

    n_in: int
    n_out: int  # output units, fixed by the data
    n_train: int  # training examples (the largest batch)
    layers: list[LayerDraft]
    loss: str
    network: dict  # the original [network] section (other keys are kept)
    training: dict  # the original [training] section (other keys are kept)
    values: dict[str, str] = field(default_factory=dict)  # training field id → typed text
    flags: dict[str, bool] = field(default_factory=dict)  # the optimizer's switches (nesterov)
    memory: Callable[[list[LayerSpec], dict, str], None] | None = None
    """The run's memory check: (layer specs, checked [training], dtype) → None, or
    MemoryLimitError naming the field (``engine.build``'s estimate for the run's data; the
    editor sets it). None: sizes are checked without it."""

    @classmethod
    def from_sections(cls, n_in: int, n_out: int, n_train: int, network: dict, training: dict):
        """A draft showing the given sections."""
        tables = [dict(t) for t in network.get("layers", [])]
        layers: list[LayerDraft] = []
        previous = n_in
        for table in tables:
            layers.append(
                LayerDraft(
                    str(table.get("size", "")),
                    table.get("activation", "sigmoid"),
                    table.get("init", "xavier_uniform"),
                    table,
                    previous,
                    len(layers) + 1,
                )
            )
            previous = table.get("size", previous)
        optimizer = training.get("optimizer", settings.TRAINING["optimizer"].default)
        batch = training.get("batch_size", settings.TRAINING["batch_size"].default)
        draft = cls(
            n_in,
            n_out,
            n_train,
            layers,
            network.get("loss", "mse"),
            copy.deepcopy(network),
            copy.deepcopy(training),
            {"optimizer": optimizer, "batch_size": str(batch)},
        )
        for key in TRAINING_FIELDS:
            draft.values[key] = _number_text(training.get(key, settings.TRAINING[key].default))
        draft.set_optimizer(optimizer)
        return draft

    # --- editing ------------------------------------------------------------------------------

    @property
    def optimizer(self) -> str:
        return self.values.get("optimizer", settings.TRAINING["optimizer"].default)

    def own_settings(self) -> dict[str, Setting]:
        """The optimizer's declared hyper-parameters."""
        return settings.optimizer_settings(self.optimizer)

    def hyper_fields(self) -> tuple[str, ...]:
        """The optimizer's own number fields (its switches are ``flag_fields``)."""
        return tuple(k for k, s in self.own_settings().items() if s.type != "bool")

    def flag_fields(self) -> tuple[str, ...]:
        """The optimizer's own switches (``nesterov``), shown as check boxes."""
        return tuple(k for k, s in self.own_settings().items() if s.type == "bool")

    def set_optimizer(self, name: str) -> None:
        """Switch optimizer; its hyper-parameters start at their defaults unless the section sets
        them (then they keep what was typed, or the section's value)."""
        self.values["optimizer"] = name
        for key, s in settings.optimizer_settings(name).items():
            value = self.training.get(key, s.default)
            if s.type == "bool":
                self.flags.setdefault(key, bool(value))
            elif key not in self.values or key not in self.training:
                self.values[key] = _number_text(value)

    def add_layer(self) -> None:
        """Insert a hidden layer before the output layer, like the last hidden one (or 4 tanh)."""
        hidden = self.layers[:-1]
        like = hidden[-1] if hidden else None
        draft = LayerDraft(
            like.size if like else "4",
            like.activation if like else "tanh",
            like.init if like else "xavier_uniform",
            {},
            None,
        )
        if like is not None:
            draft.param = like.param
        self.layers.insert(len(self.layers) - 1, draft)

    def origins(self) -> list[int | None]:
        """For each layer, the layer it was when the draft was made (None: added)."""
        return [layer.origin for layer in self.layers]

    def remove_layer(self, index: int) -> None:
        """Remove layer ``index`` (0-based); the output layer stays."""
        if 0 <= index < len(self.layers) - 1:
            del self.layers[index]

    # --- checking -----------------------------------------------------------------------------

    def check(self) -> tuple[dict, dict, list[FieldError]]:
        """(network section, training section, errors); the sections are valid iff no errors."""
        errors: list[FieldError] = []
        tables = self._layer_tables(errors)
        training = self._training(errors)
        network = {k: v for k, v in self.network.items() if k != "layers"}
        network["loss"] = self.loss
        network["layers"] = tables
        if errors:
            return network, training, errors
        # validated copies (defaults filled in) for the checks; the sections handed back stay
        # as edited, so validating them again (as the app does) gives the same result
        checked_network = checked_training = None
        try:
            checked_network = check_network(Checker("edit"), copy.deepcopy(network))
        except ScenarioError as e:
            errors.append(FieldError(field_of(str(e)), _strip_label(str(e))))
        try:
            checked_training = check_training(Checker("edit"), copy.deepcopy(training))
        except ScenarioError as e:
            errors.append(FieldError(field_of(str(e)), _strip_label(str(e))))
        if not errors and checked_network is not None and checked_training is not None:
            errors.extend(self._engine_check(checked_network, checked_training))
        return network, training, errors

    def _layer_tables(self, errors: list[FieldError]) -> list[dict]:
        tables = []
        previous: int | None = self.n_in  # None after a size that is refused
        with_alpha = activations_with_alpha()
        L = len(self.layers)
        for l, draft in enumerate(self.layers, start=1):
            size = _parse_int(draft.size)
            if size is None or size < 1:
                errors.append(
                    FieldError(
                        f"size-{l}",
                        f"layer {l} size: {draft.size.strip()!r} refused — must be a whole "
                        "number ≥ 1",
                    )
                )
                size = None
            table = dict(draft.table)
            table["size"] = size
            table["activation"] = draft.activation
            table["init"] = draft.init
            if draft.activation not in with_alpha:
                table.pop("alpha", None)
            takes = init_settings(draft.init)
            for key in INIT_KEYS:
                if key not in takes:
                    table.pop(key, None)
            param = init_param(draft.init)
            if param is not None:
                value = _parse_float(draft.param)
                if value is None:
                    errors.append(
                        FieldError(
                            f"param-{l}",
                            f"layer {l} {param}: {draft.param.strip()!r} refused — not a number",
                        )
                    )
                elif param in table or value != init_default(draft.init):
                    table[param] = value
            # explicit values that no longer fit (or were replaced by another init) go
            resized = size is None or draft.table.get("size") != size
            if (
                resized
                or draft.original_n_in != previous
                or draft.init != draft.table.get("init", "xavier_uniform")
            ):
                table.pop("weights", None)
            if resized:
                table.pop("bias", None)
            if l == L:
                table.pop("dropout", None)
                table.pop("batch_norm", None)
            tables.append(table)
            previous = size
        return tables

    def _training(self, errors: list[FieldError]) -> dict:
        training = dict(self.training)
        optimizer = self.optimizer
        training["optimizer"] = optimizer
        own = self.own_settings()
        for key in settings.all_optimizer_settings():
            if key not in own:
                training.pop(key, None)
        for key in (*TRAINING_FIELDS, *self.hyper_fields()):
            setting = field_setting(key, optimizer)
            text = self.values.get(key, "").strip()
            value = _parse_float(text)
            if value is None:
                errors.append(FieldError(key, f"{setting.title}: {text!r} refused — not a number"))
                continue
            if not setting.in_range(value):
                errors.append(
                    FieldError(
                        key, f"{setting.title}: {text} refused — must be {setting.allowed()}"
                    )
                )
                continue
            if key in own and key not in self.training and value == setting.default:
                continue  # the optimizer's own default: leave the section as it was
            training[key] = value
        for key in self.flag_fields():
            if key in self.training or self.flags.get(key) != own[key].default:
                training[key] = bool(self.flags.get(key))
        batch = self.values.get("batch_size", "full").strip().lower()
        if batch == "full":
            training["batch_size"] = "full"
        else:
            size = _parse_int(batch)
            if size is None or not 1 <= size <= self.n_train:
                errors.append(
                    FieldError(
                        "batch_size",
                        f'batch size: {batch!r} refused — "full" or a whole number from 1 to '
                        f"{self.n_train} (the training examples)",
                    )
                )
            else:
                training["batch_size"] = size
        return training

    def _engine_check(self, network: dict, training: dict) -> list[FieldError]:
        """The engine's objections: the output size, the memory the run would need, and a
        network of one unit per hidden layer built on a throw-away generator (module docstring)."""
        specs = []
        for table in network["layers"]:
            specs.append(
                LayerSpec(
                    size=table["size"],
                    activation=table["activation"],
                    alpha=table.get("alpha"),
                    init=table["init"],
                    init_params={k: table[k] for k in INIT_KEYS if k in table},
                    bias_init=table.get("bias_init", "zeros"),
                    bias_params={v: table[k] for k, v in BIAS_KEYS.items() if k in table},
                    weights=table.get("weights"),
                    bias=table.get("bias"),
                    dropout=table.get("dropout", 0.0),
                    batch_norm=table.get("batch_norm", False),
                )
            )
        errors = []
        if specs[-1].size != self.n_out:
            errors.append(
                FieldError(
                    f"size-{len(specs)}",
                    f"layer {len(specs)} (output) has {specs[-1].size} units; the data needs "
                    f"{self.n_out}",
                )
            )
        dtype = network.get("dtype", "float64")
        if self.memory is not None:
            try:
                self.memory(specs, training, dtype)
            except MemoryLimitError as e:
                errors.append(FieldError(field_of(str(e)), str(e)))
            except (ValueError, TypeError, ArithmeticError, MemoryError) as e:
                errors.append(FieldError(_largest(specs), _refused(e)))
        # the rules do not depend on the hidden layers' sizes (explicit weights were dropped if
        # they no longer fit, and the real build checks them on Apply): one unit in each is
        # enough; the output layer keeps the data's (a loss may need 2 or more)
        small = [replace(spec, size=1, weights=None, bias=None) for spec in specs[:-1]]
        small.append(replace(specs[-1], size=self.n_out, weights=None, bias=None))
        try:
            build_network(1, small, network["loss"], np.random.default_rng(0), dtype)
        except (ValueError, TypeError) as e:
            errors.append(FieldError(field_of(str(e)), str(e)))
        except (ArithmeticError, MemoryError) as e:
            errors.append(FieldError(field_of(str(e)), _refused(e)))
        return errors


def _largest(specs: list[LayerSpec]) -> str:
    """The size field of the widest layer (what a failed estimate is about)."""
    l = max(range(len(specs)), key=lambda i: specs[i].size) + 1
    return f"size-{l}"


def _refused(error: BaseException) -> str:
    """A check's unexpected failure as a refusal (``MemoryError``: too large)."""
    if isinstance(error, MemoryError | OverflowError):
        return "refused — too large to check: make it smaller"
    return f"refused — {type(error).__name__}: {error}"


def _parse_int(text: str) -> int | None:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        value = _parse_float(text)
        if value is not None and value.is_integer():
            return int(value)
        return None


def _parse_float(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number_text(value) -> str:
    """A value as a field shows it: exactly (it is applied as it reads), exponents as the lab
    writes them (``1e-8``, not Python's ``1e-08``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return re.sub(r"e([+-])0*(\d)", lambda m: f"e{m[1].strip('+')}{m[2]}", repr(value))
    return str(value)


def _strip_label(message: str) -> str:
    """``edit: network.layers[2].size (layer 2): …`` → ``network.layers[2].size (layer 2): …``."""
    return message.removeprefix("edit: ")


def field_of(message: str) -> str:
    """The editor field a validation message is about (best effort: layer n → its activation)."""
    match = re.search(r"layers\[(\d+)\]\.(\w+)", message) or re.search(r"layer (\d+)", message)
    if match:
        l = match.group(1)
        key = match.group(2) if match.lastindex and match.lastindex >= 2 else "activation"
        fields = {"size": f"size-{l}", "init": f"init-{l}"}
        fields |= {key: f"param-{l}" for key in ("std", "limit", "value")}
        return fields.get(key, f"act-{l}")
    for key in (
        "batch_size",
        "optimizer",
        "loss",
        *TRAINING_FIELDS,
        *settings.all_optimizer_settings(),
    ):
        if key in message:
            return key
    return "loss"
