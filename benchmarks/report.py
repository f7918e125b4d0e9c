"""Tables of results and targets, rendered as markdown."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        if self.rows:
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "|".join("---" for _ in self.header) + "|")
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        for note in self.notes:
            lines += ["", note]
        return "\n".join(lines)


def at_least(value: float, target: float, unit: str = "×") -> str:
    """``value`` with its target ≥ ``target``: met / not met."""
    return _verdict(value, target, unit, 2, "≥", value >= target)


def at_most(value: float, target: float, unit: str = "×", digits: int = 2) -> str:
    """``value`` with its target ≤ ``target``: met / not met."""
    return _verdict(value, target, unit, digits, "≤", value <= target)


def _verdict(value: float, target: float, unit: str, digits: int, sign: str, met: bool) -> str:
    """``0.93× (≥ 0.9×: met)``; a value that rounds to the target gets the digits that tell
    them apart (``0.898× (≥ 0.9×: NOT met)``, not ``0.90×``)."""
    while round(value, digits) == target != value and digits < 6:
        digits += 1
    return f"{value:.{digits}f}{unit} ({sign} {target:g}{unit}: {'met' if met else 'NOT met'})"


def rate(seconds_per_step: float) -> str:
    """Steps per second, with sensible significant digits."""
    per_second = 1.0 / seconds_per_step
    if per_second >= 100:
        return f"{per_second:,.0f}"
    return f"{per_second:.1f}"


def micro(seconds: float) -> str:
    """A duration in µs or ms."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"
