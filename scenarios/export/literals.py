"""Python literals for the exported script: numbers that round-trip exactly, lists laid out the
way ``ruff format`` lays them out (one line when it fits, else one element per line)."""

from __future__ import annotations

import textwrap

import numpy as np

WIDTH = 100  # the line length the script is written for (the project's ruff setting)
WRAP = 96  # prose (docstrings, comments) is wrapped a little short of the code's width


def number(value, dtype: str = "float64") -> str:
    """A float (or int) as the shortest literal that reads back as the same value of ``dtype``."""
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if dtype == "float32":
        return str(np.float32(value))  # shortest for float32; widened to float64 it would be long
    return repr(float(value))


def flat(value, dtype: str) -> str:
    """A number or a nested list of numbers on one line."""
    if isinstance(value, list):
        return "[" + ", ".join(flat(v, dtype) for v in value) + "]"
    return number(value, dtype)


def laid_out(value, dtype: str, indent: int, prefix: str, suffix: str) -> list[str]:
    """Lines for ``prefix + value + suffix`` at ``indent`` spaces: one line if it fits in
    ``WIDTH``, else the brackets on their own lines with each element on a line of its own (and
    a trailing comma), recursively."""
    pad = " " * indent
    one = pad + prefix + flat(value, dtype) + suffix
    if len(one) <= WIDTH or not isinstance(value, list) or not value:
        return [one]
    lines = [pad + prefix + "["]
    for item in value:
        lines.extend(laid_out(item, dtype, indent + 4, "", ","))
    lines.append(pad + "]" + suffix)
    return lines


def call(indent: int, head: str, arguments: list[str] | str, tail: str = ")") -> list[str]:
    """``head + arguments + tail`` laid out as ruff lays out a call (``head`` ends in its opening
    bracket, e.g. ``"x = f("``): on one line if it fits; else the arguments on one indented line;
    else one argument a line, each with a trailing comma."""
    if isinstance(arguments, str):
        arguments = [arguments]
    pad, inner = " " * indent, " " * (indent + 4)
    joined = ", ".join(arguments)
    if len(pad + head + joined + tail) <= WIDTH:
        return [pad + head + joined + tail]
    if len(inner + joined) <= WIDTH:
        return [pad + head, inner + joined, pad + tail]
    return [pad + head, *(f"{inner}{a}," for a in arguments), pad + tail]


def docstring(text: str, indent: int) -> list[str]:
    """A docstring wrapped at ``WRAP`` columns."""
    pad = " " * indent
    lines = textwrap.wrap('"""' + doc_text(text) + '"""', WRAP - indent)
    return [pad + line for line in lines]


def comment(text: str, indent: int = 0) -> list[str]:
    pad = " " * indent
    return [pad + "# " + line for line in textwrap.wrap(text, WRAP - 2 - indent)]


def wrap_text(text: str) -> list[str]:
    """The paragraphs of ``text`` wrapped for a docstring (blank lines between them)."""
    paragraphs = [p for p in doc_text(text).split("\n\n") if p.strip()]
    out = []
    for p in paragraphs:
        out += textwrap.wrap(" ".join(p.split()), WRAP) + [""]
    return out[:-1]


def doc_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
