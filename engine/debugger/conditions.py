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

- ``loss`` (this step's from its Loss event on, before it the previous step's), ``loss_change``
  (loss − the loss of the step before it), ``step``, ``epoch``, ``batch``, ``lr``. Before the
  first Loss event the loss is not known yet, nor its change before the second: reading one
  raises ``NotKnownYet`` ("loss is not known yet: the loss comes with the Loss event of step
  1"), which ``print`` shows and which makes a condition false there (it never stops).
- numbers of this step's events, under their fields' names (as the trace and the lab's Debugger
  panel name them): ``batch_size`` (StepStart), ``data_loss`` (C₀) and ``penalty`` (the L1/L2
  term; loss = data_loss + penalty) from the Loss event on, ``threshold``, ``norm_before``,
  ``norm_after`` (Clip, where clipping is on), ``t`` (the optimizer's step count, from the
  first Update on).
- per-layer statistics of the last completed step (``engine/stats.py``): ``grad_norm``,
  ``delta_mean_abs``, ``weight_norm`` (‖W‖ after the update), ``update_ratio`` (‖ΔW‖ / ‖W‖
  before the update), ``saturated_fraction``, ``dead_fraction``, ``act_mean``, ``act_std``.
- per-layer arrays: ``W``, ``b`` (the parameters in force), ``z``, ``a``, ``a_prev``, ``mask``
  (from Forward), ``delta``, ``from_above``, ``local_slope`` (Delta), ``grad_W``, ``grad_b``,
  ``grad_W_penalty`` (Gradient: before any clipping — the Update event uses the clipped
  gradient, which has no name here), ``W_new``, ``b_new``, ``step_W``, ``step_b`` (Update);
  ``a@0`` is the input batch. Batch norm's (layers with ``batch_norm`` only): ``gamma``,
  ``beta`` (in force), ``z_hat``, ``batch_mean``, ``batch_var`` (Forward), ``grad_z_hat``
  (Delta), ``grad_gamma``, ``grad_beta`` (Gradient), ``step_gamma``, ``step_beta``,
  ``gamma_new``, ``beta_new`` (Update). PReLU's (layers with a ``prelu`` activation only):
  ``alpha`` (in force), ``grad_alpha`` (Gradient), ``step_alpha``, ``alpha_new`` (Update).
- arrays of the whole step: ``x`` (input batch), ``y`` (targets), ``grad_a`` (∇ₐC).

A per-layer name takes a layer selector ``@l`` (``grad_norm@2``). Without it, the comparison or
predicate it appears in is true when it is true for ANY layer (all unselected names of that
comparison taking the same layer); a watch without a selector shows the value of every layer.
Arrays are indexed from 0 as in NumPy: ``W@2[0,1]``, ``a@1[0]`` (the first example's row); a
negative index counts from the end: ``W@1[-1,0]`` (the last unit's first weight).

``nan`` and ``inf`` are numbers; ``x == nan`` is true when x is NaN (``!=`` likewise; other
comparisons with nan are refused). Functions: ``nan(x)``, ``inf(x)`` (±∞), ``finite(x)`` —
predicates, true when any entry of an array is NaN / infinite (``finite``: every entry finite);
``abs(x)``; ``max``, ``min``, ``mean``, ``sum``, ``norm`` reduce an array to a number. Arithmetic
follows IEEE rules (x/0 is ±inf or nan, never an error).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .condition_nodes import (  # noqa: F401 (the language's names, importable from here)
    ALL_NAMES,
    COMPARISONS,
    EVENT_ARRAYS,
    EVENT_NAMES,
    EVENT_SCALARS,
    FUNCTIONS,
    KEYWORDS,
    LAYER_ARRAYS,
    PARAMETERS,
    PER_LAYER,
    PREDICATES,
    REDUCERS,
    SCALARS,
    STATS,
    STEP_ARRAYS,
    AnyLayer,
    Index,
    Name,
    Node,
)
from .condition_parser import Token, _Parser, tokenize  # noqa: F401
from .errors import ConditionError, EvalError

# errors ``Expression.evaluate`` reports as EvalError (besides EvalError itself)
QUICK_ERRORS = (TypeError, ValueError, IndexError, KeyError)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: ``evaluate(ctx)`` gives a bool, a number, an array or ``{l: value}``.

    ``needs_events`` is true when it reads arrays or numbers that only the event stream has
    (then a breakpoint on it cannot run on the fast path).
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
        return any(n.name in EVENT_NAMES for n in self.names)

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
