"""The lab's layout classes restyle only the node that has them and its children
(``tui.shallow_class``): every rule of the lab's CSS that reads one of them selects that node or
a child of it. A rule reading such a class further down (``#panels.-lesson Static``) would not
be applied when the class changes — this test fails first."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[2] / "tui"
SHALLOW = ("-lesson", "-lesson-over", "-lesson-leaving", "-off")
"""The classes set with ``update_classes_shallow`` / ``set_class_shallow``."""


def stylesheets() -> dict[str, str]:
    """The lab's CSS: ``tui/*.tcss`` and every ``DEFAULT_CSS`` under ``tui/``."""
    found = {str(path.relative_to(TUI)): path.read_text() for path in TUI.rglob("*.tcss")}
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == "DEFAULT_CSS" for target in node.targets
            ):
                found[f"{path.relative_to(TUI)}:{node.lineno}"] = text_of(node.value)
    return found


def text_of(value: ast.expr) -> str:
    """A ``DEFAULT_CSS``'s text: its string parts (an f-string's values are colours and sizes,
    never selectors: ``0``)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.JoinedStr):
        return "".join(
            text_of(part) if isinstance(part, ast.Constant) else "0" for part in value.values
        )
    if isinstance(value, ast.BinOp):
        return text_of(value.left) + text_of(value.right)
    raise AssertionError(f"a DEFAULT_CSS this test cannot read: {ast.unparse(value)}")


def selectors(css: str) -> list[str]:
    """Each selector of the rules in ``css`` (comments dropped, no nesting: the lab has none)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    heads = re.findall(r"([^{}]*)\{[^{}]*\}", css)
    return [part.strip() for head in heads for part in head.split(",") if part.strip()]


def reads_deeper(selector: str) -> bool:
    """Whether ``selector`` reads a ``SHALLOW`` class on a node other than the one it selects or
    that node's parent (``A.-x`` and ``A.-x > B`` are fine, ``A.-x B`` and ``A.-x > B C`` not)."""
    parts = re.split(r"\s*(>)\s*|\s+", selector)
    compounds = [p for p in parts if p and p != ">"]
    combinators = [p for p in parts if p == ">" or p is None]
    for i, compound in enumerate(compounds):
        classes = re.findall(r"\.(-?[\w-]+)", compound)
        if not any(name in SHALLOW for name in classes):
            continue
        last = len(compounds) - 1
        if i == last or (i == last - 1 and combinators[i] == ">"):
            continue
        return True
    return False


def test_the_checker_tells_a_child_from_a_descendant():
    assert not reads_deeper("Screen.-w-wide.-h-tall #panels.-lesson > #lesson")
    assert not reads_deeper("#panels > .-off")
    assert not reads_deeper("CompareScreen.-narrow .-off")
    assert reads_deeper("#panels.-lesson Static")
    assert reads_deeper("#panels.-lesson > #lesson Markdown")


@pytest.mark.parametrize("where", sorted(stylesheets()))
def test_no_rule_reads_a_shallow_class_below_a_child(where):
    css = stylesheets()[where]
    deeper = [s for s in selectors(css) if reads_deeper(s)]
    assert not deeper, f"{where}: {deeper} (see tui/shallow_class.py)"
