"""The key-latency benchmark (benchmarks/bench_keys.py) measures what it says."""

from __future__ import annotations

import pytest

from benchmarks import bench_app, bench_keys


def test_key_latency_is_measured_while_training_runs():
    why = bench_app.available()
    if why:
        pytest.skip(why)
    measured = bench_keys.key_latencies("xor", presses=3)
    assert len(measured) == 3
    for handled, shown in measured:
        assert 0 < handled <= shown < 5.0
    table = bench_keys.run_keys(["xor"], presses=2, log=lambda m: 0)
    assert len(table.rows) == 1 and "(target ≤ 100 ms)" in table.header[-1]
    assert "(met) / " in table.rows[0][-1] or "(NOT met) / " in table.rows[0][-1]
