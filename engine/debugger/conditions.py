"""The small expression language of breakpoint conditions, ``until``, ``print`` and watches.

Parsed by hand (a tokenizer and a recursive-descent parser), never with ``eval``. Grammar::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | compare
    compare    := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | "+" unary | postfix
    postfix    := primary ("[" INT ("," INT)* "]")?
    primary    := NUMBER | "nan" | "inf" | NAME ("@" INT)? | FUNCTION "(" sum ")"
                | "(" condition ")"

Names (values at the debugger's current position):

- ``loss``, ``loss_change`` (loss − the previous step's loss; nan at step 1), ``step``, ``epoch``,
  ``batch``, ``lr``.
- per-layer statistics of the last completed step (``engine/stats.py``): ``grad_norm``,
  ``delta_mean_abs``, ``weight_norm``, ``update_ratio``, ``saturated_fraction``,
  ``dead_fraction``, ``act_mean``, ``act_std``.
- per-layer arrays: ``W``, ``b`` (the parameters in force), ``z``, ``a``, ``a_prev``, ``mask``
  (from Forward), ``delta``, ``from_above``, ``local_slope`` (Delta), ``grad_W``, ``grad_b``
  (Gradient), ``W_new``, ``b_new``, ``step_W``, ``step_b`` (Update); ``a@0`` is the input batch.
- arrays of the whole step: ``x`` (input batch), ``y`` (targets), ``grad_a`` (∇ₐC).

A per-layer name takes a layer selector ``@l`` (``grad_norm@2``). Without it, the comparison or
predicate it appears in is true when it is true for ANY layer (all unselected names of that
comparison taking the same layer); a watch without a selector shows the value of every layer.
Arrays are indexed from 0 as in NumPy: ``W@2[0,1]``, ``a@1[0]`` (the first example's row).

``nan`` and ``inf`` are numbers; ``x == nan`` is true when x is NaN (``!=`` likewise; other
comparisons with nan are refused). Functions: ``nan(x)``, ``inf(x)`` (±∞), ``finite(x)`` —
predicates, true when any entry of an array is NaN / infinite (``finite``: every entry finite);
``abs(x)``; ``max``, ``min``, ``mean``, ``sum``, ``norm`` reduce an array to a number. Arithmetic
follows IEEE rules (x/0 is ±inf or nan, never an error).
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..stats import STAT_NAMES
from .errors import ConditionError, EvalError

SCALARS = ("loss", "loss_change", "step", "epoch", "batch", "lr")
STATS = tuple(STAT_NAMES)
# per-layer arrays → number of dimensions
LAYER_ARRAYS = {
    "W": 2,
    "b": 1,
    "z": 2,
    "a": 2,
    "a_prev": 2,
    "mask": 2,
    "delta": 2,
    "from_above": 2,
    "local_slope": 2,
    "grad_W": 2,
    "grad_b": 1,
    "W_new": 2,
    "b_new": 1,
    "step_W": 2,
    "step_b": 1,
}
STEP_ARRAYS = {"x": 2, "y": 2, "grad_a": 2}
# Arrays that only the event stream has (W and b come from the parameters in force).
EVENT_ARRAYS = frozenset(LAYER_ARRAYS) - {"W", "b"} | frozenset(STEP_ARRAYS)
PER_LAYER = frozenset(STATS) | frozenset(LAYER_ARRAYS)
ALL_NAMES = (*SCALARS, *STATS, *LAYER_ARRAYS, *STEP_ARRAYS)
PREDICATES = {"nan", "inf", "finite"}
REDUCERS = {"max": np.max, "min": np.min, "mean": np.mean, "sum": np.sum}
FUNCTIONS = ("abs", "norm", *REDUCERS, *PREDICATES)
KEYWORDS = {"and", "or", "not"}
COMPARISONS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

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
        tokens.append(Token(kind, m.group(kind), m.start(kind)))
        pos = m.end()


# --- the syntax tree ---------------------------------------------------------------------------
#
# Every node has ``type`` ("bool", "num" or "array"), ``col`` (for error carets) and
# ``eval(ctx, l)``: ``l`` is the layer that names without a selector take (None outside a
# quantified comparison). ``compile()`` turns a node into a closure ``f(ctx, l)`` built from its
# children's closures (a tree of closures evaluates about three times faster than walking the
# tree: conditions run at every step of ``continue``). ``ctx`` provides the values: attributes
# ``L``, ``loss``, ``loss_change``, ``step``, ``epoch``, ``batch``, ``lr``, ``stats`` (tuple of
# LayerStats or None) and the method ``array(name, l)``.


class Node:
    type = "num"
    col = 0
    ndim = 0
    _fn = None

    def compile(self):
        """A closure ``f(ctx, l)`` that computes this node."""
        return self._compute

    def _compute(self, ctx, l):
        raise TypeError(f"{type(self).__name__} cannot be evaluated")

    def eval(self, ctx, l):
        fn = self._fn
        if fn is None:
            fn = self._fn = self.compile()
        return fn(ctx, l)

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self):
        yield self
        for child in self.children():
            yield from child.walk()

    @property
    def unbound(self) -> bool:
        """Contains a per-layer name without a selector, not yet inside a quantifier."""
        return any(child.unbound for child in self.children())


class Num(Node):
    def __init__(self, value: float, text: str, col: int):
        self.value, self.text, self.col = value, text, col

    def compile(self):
        value = self.value
        return lambda ctx, l: value

    def __str__(self):
        return self.text


class Name(Node):
    def __init__(self, name: str, layer: int | None, col: int, layer_col: int):
        self.name, self.layer, self.col, self.layer_col = name, layer, col, layer_col
        if name in LAYER_ARRAYS or name in STEP_ARRAYS:
            self.type = "array"
            self.ndim = LAYER_ARRAYS.get(name) or STEP_ARRAYS[name]
        self.stat_index = STATS.index(name) + 1 if name in STATS else None

    @property
    def unbound(self) -> bool:
        return self.layer is None and self.name in PER_LAYER

    def compile(self):
        name, fixed = self.name, self.layer
        if self.stat_index is not None:
            index = self.stat_index
            message = f"{name} is not known yet: statistics come at the end of step 1"

            def stat(ctx, l):
                stats = ctx.stats
                if stats is None:
                    raise EvalError(message)
                return stats[(fixed if fixed is not None else l) - 1][index]

            return stat
        if self.type == "array":
            return lambda ctx, l: ctx.array(name, fixed if fixed is not None else l)
        get = operator.attrgetter(name)
        return lambda ctx, l: get(ctx)

    def label(self, l=None) -> str:
        layer = self.layer if self.layer is not None else l
        return self.name if layer is None else f"{self.name}@{layer}"

    def __str__(self):
        return self.label()


class Index(Node):
    def __init__(self, target: Node, indices: tuple[int, ...], col: int):
        self.target, self.indices, self.col = target, indices, col
        self.ndim = target.ndim - len(indices)
        self.type = "array" if self.ndim else "num"

    def children(self):
        return (self.target,)

    def _compute(self, ctx, l):
        arr = self.target.eval(ctx, l)
        try:
            out = arr[self.indices]
        except IndexError:
            where = ",".join(map(str, self.indices))
            raise EvalError(
                f"index [{where}] is out of range for {self.target} of shape {arr.shape}"
            ) from None
        return float(out) if self.type == "num" else out

    def __str__(self):
        return f"{self.target}[{','.join(map(str, self.indices))}]"


class Unary(Node):
    def __init__(self, op: str, operand: Node, col: int):
        self.op, self.operand, self.col = op, operand, col
        self.type, self.ndim = operand.type, operand.ndim

    def children(self):
        return (self.operand,)

    def compile(self):
        f = self.operand.compile()
        return (lambda ctx, l: -f(ctx, l)) if self.op == "-" else f

    def __str__(self):
        return f"{self.op}{self.operand}"


def _divide(x, y):
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(x, y)
    if y == 0:
        if x == 0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _multiply(x, y):
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.multiply(x, y)
    try:
        return x * y
    except OverflowError:
        return math.inf


_ARITH = {"+": operator.add, "-": operator.sub, "*": _multiply, "/": _divide}


class Binary(Node):
    def __init__(self, op: str, left: Node, right: Node, col: int):
        self.op, self.left, self.right, self.col = op, left, right, col
        self.op_fn = _ARITH[op]
        is_array = "array" in (left.type, right.type)
        self.type = "array" if is_array else "num"
        self.ndim = max(left.ndim, right.ndim)

    def children(self):
        return (self.left, self.right)

    def compile(self):
        op, f, g = self.op_fn, self.left.compile(), self.right.compile()
        return lambda ctx, l: op(f(ctx, l), g(ctx, l))

    def __str__(self):
        return f"{self.left} {self.op} {self.right}"


class Call(Node):
    def __init__(self, fn: str, arg: Node, col: int):
        self.fn, self.arg, self.col = fn, arg, col
        if fn in PREDICATES:
            self.type = "bool"
        elif fn == "abs":
            self.type, self.ndim = arg.type, arg.ndim
        else:
            self.type = "num"

    def children(self):
        return (self.arg,)

    def _compute(self, ctx, l):
        v = self.arg.eval(ctx, l)
        fn = self.fn
        if fn == "abs":
            return np.abs(v) if isinstance(v, np.ndarray) else abs(v)
        if fn == "nan":
            return bool(np.isnan(v).any())
        if fn == "inf":
            return bool(np.isinf(v).any())
        if fn == "finite":
            return bool(np.isfinite(v).all())
        if not isinstance(v, np.ndarray):
            v = np.asarray(v)
        if v.size == 0:
            raise EvalError(f"{fn}() of an empty array")
        if fn == "norm":
            return float(np.sqrt(np.vdot(v, v).real))
        return float(REDUCERS[fn](v))

    def __str__(self):
        return f"{self.fn}({self.arg})"


class Compare(Node):
    type = "bool"

    def __init__(self, op: str, left: Node, right: Node, col: int):
        self.op, self.left, self.right, self.col = op, left, right, col
        self.op_fn = COMPARISONS[op]
        self.nan_test = isinstance(right, Num) and math.isnan(right.value)

    def children(self):
        return (self.left, self.right)

    def compile(self):
        f = self.left.compile()
        if self.nan_test:
            want = self.op == "=="
            isnan = math.isnan
            return lambda ctx, l: isnan(f(ctx, l)) == want
        op = self.op_fn
        if isinstance(self.right, Num):
            c = self.right.value
            return lambda ctx, l: op(f(ctx, l), c)
        g = self.right.compile()
        return lambda ctx, l: op(f(ctx, l), g(ctx, l))

    def __str__(self):
        return f"{self.left} {self.op} {self.right}"


class AnyLayer(Node):
    """True when ``inner`` is true for some layer l = 1…L (names without ``@`` take that l)."""

    type = "bool"

    def __init__(self, inner: Node):
        self.inner, self.col = inner, inner.col

    @property
    def unbound(self) -> bool:
        return False

    def children(self):
        return (self.inner,)

    def compile(self):
        inner = self.inner
        if (
            isinstance(inner, Compare)
            and not inner.nan_test
            and isinstance(inner.right, Num)
            and isinstance(inner.left, Name)
            and inner.left.stat_index is not None
            and inner.left.layer is None
        ):
            return self._compile_stat_compare(inner)
        f = inner.compile()

        def any_layer(ctx, l):
            for k in range(1, ctx.L + 1):  # noqa: SIM110 (no generator: this runs every step)
                if f(ctx, k):
                    return True
            return False

        return any_layer

    @staticmethod
    def _compile_stat_compare(inner: Compare):
        """``stat op c`` for some layer: one pass over the statistics tuple (layers 1…L in
        order, as ``stats[l - 1]``), no call per layer."""
        op, c, index = inner.op_fn, inner.right.value, inner.left.stat_index
        message = f"{inner.left.name} is not known yet: statistics come at the end of step 1"

        def any_stat(ctx, l):
            stats = ctx.stats
            if stats is None:
                raise EvalError(message)
            for s in stats:  # noqa: SIM110 (no generator: this runs every step)
                if op(s[index], c):
                    return True
            return False

        return any_stat

    def first_layer(self, ctx) -> int | None:
        """The first layer for which the comparison holds (for the stop message)."""
        for k in range(1, ctx.L + 1):
            if self.inner.eval(ctx, k):
                return k
        return None

    def __str__(self):
        return str(self.inner)


class Logic(Node):
    type = "bool"

    def __init__(self, op: str, operands: list[Node], col: int):
        self.op, self.operands, self.col = op, operands, col

    def children(self):
        return tuple(self.operands)

    def compile(self):
        fs = [o.compile() for o in self.operands]
        if self.op == "not":
            f = fs[0]
            return lambda ctx, l: not f(ctx, l)
        if len(fs) == 2:
            f, g = fs
            if self.op == "and":
                return lambda ctx, l: bool(f(ctx, l) and g(ctx, l))
            return lambda ctx, l: bool(f(ctx, l) or g(ctx, l))
        if self.op == "and":
            return lambda ctx, l: all(f(ctx, l) for f in fs)
        return lambda ctx, l: any(f(ctx, l) for f in fs)

    def __str__(self):
        if self.op == "not":
            o = self.operands[0]
            return f"not ({o})" if isinstance(o, Logic) and o.op != "not" else f"not {o}"
        return f" {self.op} ".join(
            f"({o})" if isinstance(o, Logic) and o.op != "not" else str(o) for o in self.operands
        )


# --- the parser --------------------------------------------------------------------------------


MAX_DEPTH = 40  # nested parentheses and chained 'not' / unary signs, together


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    def _nest(self, col: int) -> None:
        """One level deeper; an expression nested past ``MAX_DEPTH`` is refused (the parser
        and the evaluator recurse once per level)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nested too deeply (at most {MAX_DEPTH} levels of '(', 'not', '-')", col)

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def fail(self, message: str, col: int | None = None):
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

    def or_(self) -> Node:
        col = self.tok.col
        operands = [self.and_()]
        while self.accept("or"):
            operands.append(self.and_())
        return self._logic("or", operands, col)

    def and_(self) -> Node:
        col = self.tok.col
        operands = [self.not_()]
        while self.accept("and"):
            operands.append(self.not_())
        return self._logic("and", operands, col)

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
            operand = self.not_()
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
        for side in (left, right):
            if side.type == "bool":
                self.fail(f"{side} is true/false; arithmetic needs numbers", side.col)
        return Binary(t.text, left, right, left.col)

    def unary(self) -> Node:
        t = self.accept("-", "+")
        if t:
            self._nest(t.col)
            operand = self.unary()
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
            node = self.condition()
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
            self.expect("(", f"'(' after {word}")
            arg = self.sum_() if word not in PREDICATES else self.sum_()
            if arg.type == "bool":
                self.fail(f"{word}() takes a number or an array", arg.col)
            if word in ("norm", *REDUCERS) and arg.type != "array":
                self.fail(f"{word}() takes an array, e.g. {word}(delta@1)", arg.col)
            self.expect(")", "')'")
            return Call(word, arg, t.col)
        if word in KEYWORDS:
            self.fail(f"expected a number or a name before '{word}'")
        if word not in ALL_NAMES:
            close = difflib.get_close_matches(word, (*ALL_NAMES, *FUNCTIONS), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            self.fail(f"unknown name {word!r}{hint} (see 'help expressions')", t.col)
        layer, layer_col = None, t.col
        at = self.accept("@")
        if at:
            if word not in PER_LAYER:
                self.fail(f"{word} is not per layer; write it without @", at.col)
            layer_col = self.tok.col
            layer = self._int("a layer number after @")
        return Name(word, layer, t.col, layer_col)


def _quantify(node: Node) -> Node:
    """Wrap a boolean node that has names without a selector in an any-layer quantifier."""
    return AnyLayer(node) if node.type == "bool" and node.unbound else node


# errors ``Expression.evaluate`` reports as EvalError (besides EvalError itself)
QUICK_ERRORS = (TypeError, ValueError, IndexError, KeyError)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: ``evaluate(ctx)`` gives a bool, a number, an array or ``{l: value}``.

    ``needs_events`` is true when it reads arrays that only the event stream has (then a
    breakpoint on it cannot run on the fast path).
    """

    text: str
    root: Node

    @property
    def is_condition(self) -> bool:
        return self.root.type == "bool"

    @property
    def names(self) -> tuple[Name, ...]:
        return tuple(n for n in self.root.walk() if isinstance(n, Name))

    @property
    def needs_events(self) -> bool:
        return any(n.name in EVENT_ARRAYS for n in self.names)

    @property
    def needs_stats(self) -> bool:
        return any(n.name in STATS for n in self.names)

    @cached_property
    def _run(self):
        root = self.root
        fn = root.compile()
        if root.unbound:  # a watch such as ``grad_norm``: one value per layer
            return lambda ctx: {l: fn(ctx, l) for l in range(1, ctx.L + 1)}
        return lambda ctx: fn(ctx, None)

    @cached_property
    def quick(self):
        """``f(ctx)``: the value at ``ctx`` without the error translation of ``evaluate`` (for
        a first look at every step; it may raise EvalError or one of ``QUICK_ERRORS``)."""
        return self._run

    def evaluate(self, ctx):
        """The value at ``ctx``; EvalError when it cannot be computed there."""
        try:
            return self._run(ctx)
        except EvalError:
            raise
        except QUICK_ERRORS as e:
            raise EvalError(f"cannot evaluate {self.text}: {e}") from None

    def check_layers(self, L: int) -> None:
        """ConditionError (caret under the layer) when a selector names a layer outside 1…L."""
        for n in self.names:
            if n.layer is None:
                continue
            lo = 0 if n.name == "a" else 1
            if not lo <= n.layer <= L:
                raise ConditionError(
                    f"layer {n.layer} does not exist; {n.name}@l takes l = {lo}…{L}",
                    self.text,
                    n.layer_col,
                )

    def witnesses(self, ctx) -> list[str]:
        """``name@l = value`` for each quantity the expression reads (for stop messages)."""
        out, seen = [], set()

        def visit(node: Node, l):
            if isinstance(node, AnyLayer):
                try:
                    k = node.first_layer(ctx)
                except EvalError:
                    k = None
                visit(node.inner, k if k is not None else 1)
                return
            if isinstance(node, Name | Index) and (
                node.type == "num" or isinstance(node, Name) and node.type != "array"
            ):
                label = node.label(l) if isinstance(node, Name) else _index_label(node, l)
                if label not in seen:
                    seen.add(label)
                    try:
                        from .formatting import value

                        out.append(f"{label} = {value(node.eval(ctx, l))}")
                    except EvalError as e:
                        out.append(f"{label}: {e}")
                return
            for child in node.children():
                visit(child, l)

        visit(self.root, None)
        return out

    def __str__(self) -> str:
        return self.text


def _index_label(node: Index, l) -> str:
    target = node.target
    base = target.label(l) if isinstance(target, Name) else str(target)
    return f"{base}[{','.join(map(str, node.indices))}]"


def parse_expression(text: str, L: int | None = None) -> Expression:
    """Parse a watch / print expression (any type). ``L`` checks layer selectors."""
    text = text.strip()
    if not text:
        raise ConditionError("empty expression", text, 0)
    p = _Parser(text)
    root = p.condition()
    if p.tok.kind != "end":
        p.fail(f"expected an operator, 'and', 'or' or the end, found {p.tok.text!r}")
    expr = Expression(text, root)
    if L is not None:
        expr.check_layers(L)
    return expr


def parse_condition(text: str, L: int | None = None) -> Expression:
    """Parse a condition: an expression that is true or false (e.g. ``grad_norm@1 < 1e-6``)."""
    expr = parse_expression(text, L)
    if not expr.is_condition:
        if text.strip().lower() in ("nan", "inf", "-inf"):
            hint = (
                "test a value, e.g. nan(loss) or inf(grad_norm@1); breakpoint 0 already stops "
                "at the first NaN/inf"
            )
        else:
            hint = f"compare the value, e.g. {text.strip()} > 1"
        raise ConditionError(f"a condition must be true or false; {hint}", text, 0)
    return expr
