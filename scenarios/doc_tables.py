"""The key tables of ``scenarios/README.md``, generated from the format's own tables.

Each table in the README sits between two markers naming the keys it shows::

    <!-- keys: training -->
    | key | type | default | allowed | meaning |
    …
    <!-- /keys -->

``python -m scenarios.doc_tables`` rewrites every marked table from ``schema.py`` (and, through
it, from the engine's declarations of the hyper-parameters); ``--check`` only reports whether the
README is up to date (a test runs that check, so the documentation cannot drift).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import exercises, expect, schema
from .schema import MISSING, Key

README = Path(__file__).parent / "README.md"

TYPE_NAMES = {
    "str": "string",
    "text": "string",
    "line": "string (one line)",
    "name": "string (kebab-case)",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "batch": 'integer or `"full"`',
    "speed": 'integer or `"max"`',
    "vector": "array of numbers",
    "matrix": "array of rows of numbers",
    "numbers": "array of numbers or of rows",
    "number_or_vector": "number or array of numbers",
    "str_list": "array of strings",
    "str_or_str_list": "string or array of strings",
    "entry": "array of integers",
    "layers": "array of tables",
}


def tables() -> dict[str, dict[str, Key]]:
    """Marker name → the keys its table shows."""
    network = schema.NETWORK | {
        "layers": Key("layers", "one `[[network.layers]]` table per weight layer", required=True)
    }
    return {
        "top": schema.TOP,
        "data": schema.DATA,
        "network": network,
        "layer": schema.LAYER,
        "training": schema.TRAINING,
        "schedule": schema.SCHEDULE,
        "stop": schema.STOP,
        "lab": schema.LAB,
        "breakpoints": schema.BREAKPOINT,
        "expect": expect.ALL_KEYS,
        "exercises": exercises.EXERCISE,
    }


def _default(key: Key) -> str:
    if key.required:
        return "**required**"
    if key.default is MISSING:
        return "—"
    value = key.default
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def _allowed(key: Key) -> str:
    choices = key.allowed()
    if choices:
        return " \\| ".join(f"`{c}`" for c in choices)
    return key.range(", ")


def table(keys: dict[str, Key]) -> str:
    """The markdown table of ``keys``: key, type, default, allowed values, meaning."""
    rows = ["| key | type | default | allowed | meaning |", "|---|---|---|---|---|"]
    for name, key in keys.items():
        meaning = key.doc.replace("|", "\\|")
        row = (f"`{name}`", TYPE_NAMES[key.type], _default(key), _allowed(key), meaning)
        rows.append("| " + " | ".join(row) + " |")
    return "\n".join(rows)


_MARKED = re.compile(r"(<!-- keys: (\w+) -->\n)(.*?)(<!-- /keys -->)", re.S)


def rendered(text: str) -> str:
    """``text`` with every marked table regenerated (KeyError for an unknown marker)."""
    generated = tables()
    return _MARKED.sub(
        lambda m: m.group(1) + table(generated[m.group(2)]) + "\n" + m.group(4), text
    )


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = rendered(text)
    if "--check" in argv:
        if new != text:
            print(f"{README} is out of date: run python -m scenarios.doc_tables", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
