"""The tokenizer and the recursive-descent parser of the expression language (``conditions.py``,
whose docstring gives the grammar)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from .condition_nodes import (
    ALL_NAMES,
    COMPARISONS,
    FUNCTIONS,
    KEYWORDS,
    PER_LAYER,
    REDUCERS,
    AnyLayer,
    Binary,
    Call,
    Compare,
    Index,
    Logic,
    Name,
    Node,
    Num,
    Unary,
)
from .errors import ConditionError

_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op><=|>=|==|!=|[<>+\-*/@\[\],()]))"
)


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    col: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; ConditionError at the first character that fits none."""
    tokens, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            tokens.append(Token("end", "", pos))
            return tokens
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            ch = text[pos]
            hint = " (use == to compare)" if ch == "=" else ""
            hint = " (use 'and', 'or', 'not')" if ch in "&|!" else hint
            raise ConditionError(f"unexpected character {ch!r}{hint}", text, pos)
        kind = m.lastgroup
        assert kind is not None  # each of _TOKEN's alternatives is a named group
        tokens.append(Token(kind, m.group(kind), m.start(kind)))
        pos = m.end()


MAX_DEPTH = 40  # nested parentheses, function calls and chained 'not' / unary signs, together
MAX_OPERATORS = 100  # + - * / in one expression: a chain of them is a tree as deep


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.operators = 0

    def _nest(self, col: int) -> None:
        """One level deeper (``_unnest`` when it is parsed); an expression nested past
        ``MAX_DEPTH`` is refused (the parser and the evaluator recurse once per level)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nested too deeply (at most {MAX_DEPTH} levels of '(', 'not', '-')", col)

    def _unnest(self, node: Node) -> Node:
        """``node``, parsed: one level less deep. Levels side by side do not add up: 41
        conditions in parentheses joined by 'and' are not nested."""
        self.depth -= 1
        return node

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def fail(self, message: str, col: int | None = None) -> NoReturn:
        raise ConditionError(message, self.text, self.tok.col if col is None else col)

    def accept(self, *texts: str) -> Token | None:
        t = self.tok
        if t.kind in ("op", "name") and t.text in texts:
            self.pos += 1
            return t
        return None

    def expect(self, text: str, what: str) -> Token:
        t = self.accept(text)
        if t is None:
            self.fail(f"expected {what}{self._found()}")
        return t

    def _found(self) -> str:
        t = self.tok
        return ", found the end" if t.kind == "end" else f", found {t.text!r}"

    # condition := or
    def condition(self) -> Node:
        node = self.or_()
        return node

    # or := and ("or" and)*
    def or_(self) -> Node:
        return self._chain("or", self.and_)

    # and := not ("and" not)*
    def and_(self) -> Node:
        return self._chain("and", self.not_)

    def _chain(self, op: str, operand: Callable[[], Node]) -> Node:
        """``operand (op operand)*``, as one ``op`` node (or the operand alone)."""
        col = self.tok.col
        operands = [operand()]
        while self.accept(op):
            operands.append(operand())
        return self._logic(op, operands, col)

    def _logic(self, op, operands, col) -> Node:
        if len(operands) == 1:
            return operands[0]
        for o in operands:
            self._need_bool(o, op)
        return Logic(op, [_quantify(o) for o in operands], col)

    def not_(self) -> Node:
        t = self.accept("not")
        if t:
            self._nest(t.col)
            operand = self._unnest(self.not_())
            self._need_bool(operand, "not")
            return Logic("not", [_quantify(operand)], t.col)
        return self.compare()

    def _need_bool(self, node: Node, op: str):
        if node.type != "bool":
            self.fail(
                f"'{op}' combines true/false conditions; {node} is a "
                f"{'number' if node.type == 'num' else 'array'} (compare it, e.g. {node} > 0)",
                node.col,
            )

    def compare(self) -> Node:
        left = self.sum_()
        t = self.tok
        if t.kind == "op" and t.text in COMPARISONS:
            self.pos += 1
            right = self.sum_()
            for side in (left, right):
                if side.type == "array":
                    self.fail(
                        f"{side} is an array; compare one entry (e.g. {side}"
                        f"[{','.join(['0'] * side.ndim)}]) or a summary (e.g. max(abs({side})))",
                        side.col,
                    )
                if side.type == "bool":
                    self.fail(f"{side} is already true/false; it cannot be compared", side.col)
            if isinstance(left, Num) and math.isnan(left.value):
                left, right = right, left
            if isinstance(right, Num) and math.isnan(right.value) and t.text not in ("==", "!="):
                self.fail("nan compares only with == or != (or use the predicate nan(x))", t.col)
            nxt = self.tok
            if nxt.kind == "op" and nxt.text in COMPARISONS:
                self.fail("comparisons cannot be chained; join them with 'and'")
            return _quantify(Compare(t.text, left, right, left.col))
        if left.type == "bool":
            return _quantify(left)
        return left

    def sum_(self) -> Node:
        node = self.product()
        while (t := self.accept("+", "-")) is not None:
            node = self._arith(t, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while (t := self.accept("*", "/")) is not None:
            node = self._arith(t, node, self.unary())
        return node

    def _arith(self, t: Token, left: Node, right: Node) -> Node:
        self.operators += 1
        if self.operators > MAX_OPERATORS:  # the tree is walked recursively: bound its depth
            self.fail(f"too long: at most {MAX_OPERATORS} of + - * / in one expression", t.col)
        for side in (left, right):
            if side.type == "bool":
                self.fail(f"{side} is true/false; arithmetic needs numbers", side.col)
        return Binary(t.text, left, right, left.col)

    def unary(self) -> Node:
        t = self.accept("-", "+")
        if t:
            self._nest(t.col)
            operand = self._unnest(self.unary())
            if operand.type == "bool":
                self.fail(f"'{t.text}' needs a number", operand.col)
            if isinstance(operand, Num):
                value = -operand.value if t.text == "-" else operand.value
                return Num(value, t.text + operand.text, t.col)
            return Unary(t.text, operand, t.col)
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        t = self.accept("[")
        if t is None:
            return node
        if node.type != "array":
            self.fail(f"only arrays can be indexed; {node} is not an array", t.col)
        indices = [self._int("an index")]
        while self.accept(","):
            indices.append(self._int("an index"))
        self.expect("]", "',' or ']'")
        if self.tok.text == "[":  # W[2][0,1]: as --ascii prints W²₀₁, not an expression
            if isinstance(node, Name) and node.layer is None and node.name in PER_LAYER:
                self.fail(_ascii_hint(node.name, indices, self.text[self.tok.col :]), self.tok.col)
            self.fail("one index list per name, e.g. W@2[0,1]", self.tok.col)
        if len(indices) > node.ndim:
            self.fail(
                f"{node} has {node.ndim} dimension{'s' if node.ndim > 1 else ''}; "
                f"got {len(indices)} indices",
                t.col,
            )
        return Index(node, tuple(indices), node.col)

    def _int(self, what: str) -> int:
        sign = -1 if self.accept("-") else 1
        t = self.tok
        if t.kind != "number" or not t.text.isdigit():
            self.fail(f"expected {what} (a whole number){self._found()}")
        if len(t.text) > 12:
            self.fail(f"{what} of {len(t.text)} digits is too large (at most 12 digits)")
        self.pos += 1
        return sign * int(t.text)

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.pos += 1
            return Num(float(t.text), t.text, t.col)
        if t.kind == "op" and t.text == "(":
            self.pos += 1
            self._nest(t.col)
            node = self._unnest(self.condition())
            self.expect(")", "')'")
            return node
        if t.kind == "name":
            return self._name()
        if t.kind == "end":
            self.fail("expected a number or a name, found the end")
        self.fail(f"expected a number or a name, found {t.text!r}")

    def _name(self) -> Node:
        t = self.tok
        self.pos += 1
        word = t.text
        if word in ("nan", "inf") and not (self.tok.kind == "op" and self.tok.text == "("):
            return Num(float(word), word, t.col)
        if word in FUNCTIONS:
            self._nest(self.expect("(", f"'(' after {word}").col)  # abs(abs(…)) nests too
            arg = self._unnest(self.sum_())
            if arg.type == "bool":
                self.fail(f"{word}() takes a number or an array", arg.col)
            if word in ("norm", *REDUCERS) and arg.type != "array":
                self.fail(f"{word}() takes an array, e.g. {word}(delta@1)", arg.col)
            self.expect(")", "')'")
            return Call(word, arg, t.col)
        if word in KEYWORDS:
            self.fail(f"expected a number or a name before '{word}'")
        if word not in ALL_NAMES:
            close = typo_of(word, (*ALL_NAMES, *FUNCTIONS))
            hint = f"; did you mean {close}?" if close else ""
            self.fail(f"unknown name {word!r}{hint}", t.col)
        layer, layer_col = None, t.col
        at = self.accept("@")
        if at:
            if word not in PER_LAYER:
                self.fail(f"{word} is not per layer; write it without @", at.col)
            layer_col = self.tok.col
            layer = self._int("a layer number after @")
        return Name(word, layer, t.col, layer_col)


def edits(a: str, b: str) -> int:
    """The typing edits from ``a`` to ``b``: characters inserted, deleted, replaced, or two
    neighbours swapped (the optimal-string-alignment distance); a change of case alone is none."""
    a, b = a.lower(), b.lower()
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(
                rows[i - 1][j] + 1,
                row[j - 1] + 1,
                rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def typo_of(word: str, names) -> str | None:
    """The name ``word`` is likely a mistyping of: the nearest within one edit (two where both
    have six letters or more), if no other is as near. A name with a part added or cut off is
    further than that (``batch`` is five edits from ``batch_size``, ``loss`` from ``data_loss``)
    and is another quantity: it is not offered."""
    # only a name of about its length can be within two edits (the distance is at least the
    # difference of the lengths): a long word is not compared, letter by letter, with every name
    near = [name for name in names if abs(len(name) - len(word)) <= 2]
    if not near:
        return None
    scored = sorted((edits(word, name), name) for name in near)
    best, name = scored[0]
    allowed = 1 if min(len(word), len(name)) < 6 else 2
    if best > allowed or (len(scored) > 1 and scored[1][0] == best):
        return None
    return name


PER_EXAMPLE = frozenset(
    {"z", "a", "a_prev", "mask", "z_hat", "delta", "from_above", "local_slope", "grad_z_hat"}
)
"""Arrays with a row per example of the batch: ``--ascii`` prints an entry by its unit alone."""


def _ascii_hint(name: str, first: list[int], rest: str) -> str:
    """What to write for ``name[l][…]``, the way ``--ascii`` prints an entry (W²₀₁ as
    ``W[2][0,1]``, δ²₁ as ``delta[2][1]``): the layer after @, and for an array with a row per
    example, the example first (δ²₁ of example 0 is ``delta@2[0,1]``)."""
    written = re.match(r"\[([^\]]*)\]", rest)
    inner = written.group(1).replace(" ", "") if written else ""
    if len(first) != 1 or not inner:
        return f"one index list per name: the layer goes after @, e.g. {name}@2[0,1]"
    l = first[0]
    if name in PER_EXAMPLE and "," not in inner:
        return (
            f"one index list per name: the layer goes after @ and the example first, as in "
            f"{name}@{l}[0,{inner}] for example 0 (--ascii prints it {name}[{l}][{inner}])"
        )
    return (
        f"one index list per name: the layer goes after @, as in {name}@{l}[{inner}] "
        f"(--ascii prints it {name}[{l}][{inner}])"
    )


def _quantify(node: Node) -> Node:
    """Wrap a boolean node that has names without a selector in an any-layer quantifier."""
    return AnyLayer(node) if node.type == "bool" and node.unbound else node
