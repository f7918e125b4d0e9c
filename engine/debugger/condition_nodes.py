"""The syntax tree of the expression language (``conditions.py``): its names and its nodes.

Every node has ``type`` ("bool", "num" or "array"), ``col`` (for error carets) and
``eval(ctx, l)``: ``l`` is the layer that names without a selector take (None outside a
quantified comparison). ``compile()`` turns a node into a closure ``f(ctx, l)`` built from its
children's closures (a tree of closures evaluates about three times faster than walking the
tree: conditions run at every step of ``continue``). ``ctx`` provides the values: attributes
``L``, ``loss``, ``loss_change``, ``step``, ``epoch``, ``batch``, ``lr``, ``stats`` (tuple of
LayerStats or None), the ``EVENT_SCALARS`` (a ``View`` only) and the method ``array(name, l)``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import numpy as np

from ..stats import STAT_NAMES
from .errors import EvalError

SCALARS = ("loss", "loss_change", "step", "epoch", "batch", "lr")
# numbers of this step's events, by the events' field names (the trace format's): StepStart's
# batch size, the Loss's data term C₀ and penalty, the Clip's norms and threshold, the optimizer
# step count t of the Updates
EVENT_SCALARS = (
    "batch_size",
    "data_loss",
    "penalty",
    "threshold",
    "norm_before",
    "norm_after",
    "t",
)
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
    # batch norm's (layers with batch_norm only): Forward's ẑ, μ and σ² of the batch, Delta's ∂C/∂ẑ
    "z_hat": 2,
    "batch_mean": 1,
    "batch_var": 1,
    "grad_z_hat": 2,
    "grad_W": 2,
    "grad_W_penalty": 2,  # Gradient: the L1/L2 part of grad_W (where a penalty is on)
    "grad_b": 1,
    "W_new": 2,
    "b_new": 1,
    "step_W": 2,
    "step_b": 1,
    # batch norm's parameters (layers with batch_norm only): in force, ∂C/∂ (Gradient), step
    "gamma": 1,
    "beta": 1,
    "grad_gamma": 1,
    "grad_beta": 1,
    "step_gamma": 1,
    "step_beta": 1,
    "gamma_new": 1,
    "beta_new": 1,
    # PReLU's slope α (layers with a prelu activation only): in force, ∂C/∂α, step, after
    "alpha": 1,
    "grad_alpha": 1,
    "step_alpha": 1,
    "alpha_new": 1,
}
STEP_ARRAYS = {"x": 2, "y": 2, "grad_a": 2}
PARAMETERS = frozenset({"W", "b", "gamma", "beta", "alpha"})  # the parameters in force, by name
# Arrays that only the event stream has (the parameters are the ones in force).
EVENT_ARRAYS = frozenset(LAYER_ARRAYS) - PARAMETERS | frozenset(STEP_ARRAYS)
EVENT_NAMES = EVENT_ARRAYS | frozenset(EVENT_SCALARS)  # what the fast path cannot give
PER_LAYER = frozenset(STATS) | frozenset(LAYER_ARRAYS)
ALL_NAMES = (*SCALARS, *EVENT_SCALARS, *STATS, *LAYER_ARRAYS, *STEP_ARRAYS)
PREDICATES = {"nan", "inf", "finite"}
REDUCERS: dict[str, Callable] = {"max": np.max, "min": np.min, "mean": np.mean, "sum": np.sum}
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
        assert isinstance(inner.left, Name) and isinstance(inner.right, Num)  # compile() checked
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
