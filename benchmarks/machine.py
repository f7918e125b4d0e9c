"""A description of the machine the figures were measured on, for results.md."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

from . import torch_loop


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas() -> str:
    """The BLAS libraries numpy (and torch, when loaded) use, with their thread counts."""
    parts = []
    for info in threadpool_info():
        if info.get("user_api") != "blas":
            continue
        parts.append(
            f"{info.get('internal_api')} {info.get('version')} "
            f"({Path(info.get('filepath', '')).name}, {info.get('architecture', '?')}, "
            f"{info.get('num_threads')} threads by default)"
        )
    return "; ".join(parts) or "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine shows here)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe() -> list[tuple[str, str]]:
    load = load_average()
    return [
        ("CPU", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("Python", sys.version.split()[0]),
        ("numpy", np.__version__),
        ("BLAS", blas()),
        ("torch", torch_loop.version() or "not installed"),
        ("load average at start (1, 5, 15 min)", load),
    ]
