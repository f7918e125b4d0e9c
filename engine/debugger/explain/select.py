"""Which unit, weight or example an explanation is about: checked, with the valid range in the
message when it does not exist."""

from __future__ import annotations

from ..errors import DebuggerError


def example_row(example: int, batch: int) -> int:
    if not 0 <= example < batch:
        raise DebuggerError(
            f"example {example} does not exist; the batch has {batch} example"
            f"{'s' if batch != 1 else ''} (0…{batch - 1})"
        )
    return example


def unit(select, n: int, what: str) -> int:
    j = 0 if not select else select[0]
    if select and len(select) > 1:
        raise DebuggerError(f"{what} selects one unit (explain J), not {len(select)} indices")
    if not 0 <= j < n:
        raise DebuggerError(f"unit {j} does not exist; {what} has {units(n)}")
    return j


def weight(select, shape, l) -> tuple[int, ...]:
    """(j, k) of a weight or (j,) of a bias; checked against W's shape (n_out, n_in)."""
    sel = tuple(select) if select else (0, 0)
    if len(sel) > 2:
        raise DebuggerError("select a weight with J,K or a bias with J")
    n_out, n_in = shape
    if not 0 <= sel[0] < n_out:
        raise DebuggerError(f"unit {sel[0]} does not exist; layer {l} has {units(n_out)}")
    if len(sel) == 2 and not 0 <= sel[1] < n_in:
        raise DebuggerError(
            f"input {sel[1]} does not exist; layer {l} has {n_in} inputs (0…{n_in - 1})"
        )
    return sel


def units(n: int) -> str:
    """``3 units (0…2)``, ``1 unit (0)``."""
    return f"{n} units (0…{n - 1})" if n != 1 else "1 unit (0)"
