"""A description of the machine the figures were measured on, for results.md."""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

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


def speed_probe() -> str:
    """Milliseconds of CPU time for a fixed piece of work — 200,000 turns of a Python loop and
    twenty 256×256 float64 matrix products, best of five — so that runs on a machine whose speed
    varies (a virtual machine sharing its host: the load average does not show it) can be told
    apart. On this team's idle machine it has read 14–30 ms within a few minutes."""
    a = np.random.default_rng(0).normal(size=(256, 256))
    with threadpool_limits(limits=1):
        best = min(_timed_work(a) for _ in range(5))
    return f"{best * 1000:.1f} ms"


def _timed_work(a) -> float:
    start = time.process_time()
    total = 0
    for i in range(200_000):
        total += i
    for _ in range(20):
        a @ a
    return time.process_time() - start


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
        ("speed probe at start (CPU time of a fixed piece of work; less is faster)", speed_probe()),
    ]
