"""How many threads NumPy's BLAS (OpenBLAS, MKL, …) uses for matrix products: 1 unless told.

The lab's networks are small. On small matrices a multi-threaded BLAS is several times slower than
one thread (threads are woken and synchronized for every product), and with another busy thread in
the process — the UI — it collapses further (``benchmarks/`` measures it). So whoever starts a run
(``engine.run``, the command line, the lab) calls ``configure_blas_threads()`` once, which sets the
count deliberately with threadpoolctl.

To change it:

- environment: ``BACKPROP_LAB_THREADS=4 backprop-lab train big-net`` (a positive integer);
- Python: ``configure_blas_threads(4)`` (an explicit argument wins over the environment).

More threads only pay for large layers (hundreds of units and large batches). The setting is
process-wide and lasts until changed; ``OPENBLAS_NUM_THREADS`` and friends only set the starting
value, which this overrides.
"""

from __future__ import annotations

import os

import numpy  # noqa: F401  (loads the BLAS library, so that the limit reaches it)

ENV_VAR = "BACKPROP_LAB_THREADS"
DEFAULT_THREADS = 1


class ThreadsSettingError(ValueError):
    """``BACKPROP_LAB_THREADS`` is not a positive integer: a fault of the environment, not of the
    scenario being built (a message names the variable, never the scenario's file)."""


def threads_from_env(environ=None) -> int | None:
    """The count ``BACKPROP_LAB_THREADS`` asks for, or None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if not value:
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ThreadsSettingError(
            f"{ENV_VAR}={value!r}: must be a positive integer, the number of BLAS threads "
            f"(unset: {DEFAULT_THREADS})"
        )
    return n


def configure_blas_threads(n: int | None = None) -> int:
    """Limit BLAS to ``n`` threads (default: ``$BACKPROP_LAB_THREADS``, else 1); return the count.

    The count returned is the one now in force, read back from the BLAS libraries (the requested
    count where threadpoolctl finds no BLAS). It takes a few milliseconds: call it once per run.
    """
    if n is None:
        n = threads_from_env()
        if n is None:
            n = DEFAULT_THREADS
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of BLAS threads must be a positive integer, got {n!r}")
    from threadpoolctl import threadpool_limits  # imported here: it scans loaded libraries

    threadpool_limits(limits=n, user_api="blas")
    in_force = blas_threads()
    return n if in_force is None else in_force


def blas_threads() -> int | None:
    """The largest thread count among the loaded BLAS libraries, or None where none is found."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return max(counts) if counts else None
