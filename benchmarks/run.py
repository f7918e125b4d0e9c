"""Benchmarks of the lab: the engine against PyTorch and a hand-written loop, and the app.

    python benchmarks/run.py            # full run (several minutes), writes benchmarks/results.md
    python benchmarks/run.py --quick    # < 60 s, prints the tables, writes nothing by default

Sections (``--sections``, default all): a training steps/s, and ``train`` end to end; b event
stream, debugger and step-back history overhead; c training inside the app, and key latency
meanwhile; d start-up times; e memory of the statistics history. Every figure is measured with
one BLAS thread (threadpoolctl, and ``torch.set_num_threads(1)``); targets are printed beside the
figures with "met" / "NOT met", never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from threadpoolctl import threadpool_limits  # noqa: E402

from benchmarks import (  # noqa: E402
    bench_app,
    bench_events,
    bench_keys,
    bench_memory,
    bench_train,
    bench_training,
    machine,
    timing,
    torch_loop,
)
from benchmarks.cases import CASES  # noqa: E402

HERE = Path(__file__).resolve().parent
SECTIONS = "abcde"


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer, shorter repeats (< 60 s)")
    p.add_argument("--sections", default=SECTIONS, help="which sections to run, e.g. 'ab'")
    p.add_argument(
        "--cases", default=",".join(CASES), help=f"networks, comma-separated ({', '.join(CASES)})"
    )
    p.add_argument(
        "--scenarios",
        default="xor,spiral",
        help="scenarios for training inside the app (section c), comma-separated",
    )
    p.add_argument(
        "--train",
        default="digits,tiny",
        help="benchmark scenarios for `train` end to end (section a), comma-separated",
    )
    p.add_argument("--dtypes", default="float64,float32", help="float64 and/or float32")
    p.add_argument("--repeats", type=int, help="repeats per figure (default 15, quick 3)")
    p.add_argument("--budget", type=float, help="seconds per repeat (default 0.2, quick 0.02)")
    p.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: this process's CPU time (default; robust to other load), wall: elapsed time",
    )
    p.add_argument(
        "--output",
        type=Path,
        help="markdown file to write (default benchmarks/results.md; none with --quick)",
    )
    args = p.parse_args(argv)
    args.cases = [c for c in args.cases.split(",") if c]
    for c in args.cases:
        if c not in CASES:
            p.error(f"--cases: unknown network {c!r}; allowed: {', '.join(CASES)}")
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.scenarios_train = [s for s in args.train.split(",") if s]
    for s in args.scenarios_train:
        if s not in bench_train.SCENARIOS:
            p.error(f"--train: unknown scenario {s!r}; allowed: {', '.join(bench_train.SCENARIOS)}")
    args.dtypes = [d for d in args.dtypes.split(",") if d]
    for d in args.dtypes:
        if d not in ("float64", "float32"):
            p.error(f"--dtypes: unknown dtype {d!r}; allowed: float64, float32")
    for s in args.sections:
        if s not in SECTIONS:
            p.error(f"--sections: unknown section {s!r}; allowed: {', '.join(SECTIONS)}")
    if args.repeats is None:
        args.repeats = 3 if args.quick else 15
    if args.budget is None:
        args.budget = 0.02 if args.quick else 0.2
    if args.output is None and not args.quick:
        args.output = HERE / "results.md"
    return args


def main(argv=None, log=None) -> str:
    """Run the selected sections; print and return the markdown (and write it if asked)."""
    args = parse(argv)
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    started = time.perf_counter()
    timing.use_clock(args.clock)
    description = machine.describe()  # before the thread limits, to show the defaults
    tables = []
    with threadpool_limits(limits=1):
        torch_loop.set_threads(1)
        if "a" in args.sections:
            log("(a) training steps/s …")
            tables.append(
                bench_training.run(
                    args.cases,
                    args.dtypes,
                    args.repeats,
                    args.budget,
                    log,
                    # whole cycles of statistics readings, but for --quick (32 large steps)
                    cycle=1 if args.quick else bench_training.SAMPLE_EVERY,
                )
            )
            log("(a) train end to end …")
            tables.append(
                bench_train.run(
                    args.scenarios_train,
                    3 if args.quick else 7,
                    epochs=2 if args.quick else None,
                    log=log,
                )
            )
        if "b" in args.sections:
            log("(b) event stream, debugger, step-back history …")
            # small ratios (5%): twice the repeats outside --quick
            repeats = args.repeats if args.quick else 2 * args.repeats
            tables.append(bench_events.run(args.cases, repeats, args.budget, log))
        if "c" in args.sections:
            log("(c) training inside the app …")
            tables.append(
                bench_app.run_in_app(
                    args.scenarios[:1] if args.quick else args.scenarios,
                    1 if args.quick else 21,
                    1.0,
                    log,
                )
            )
            log("(c) key latency while training in the app …")
            tables.append(
                bench_keys.run_keys(
                    args.scenarios[:1] if args.quick else args.scenarios,
                    8 if args.quick else 40,
                    log,
                )
            )
        if "d" in args.sections:
            log("(d) start-up times …")
            tables.append(bench_app.run_startup(2 if args.quick else 7, log))
        if "e" in args.sections:
            log("(e) memory of the statistics history …")
            tables.append(bench_memory.run(quick=args.quick, log=log))
    elapsed = time.perf_counter() - started
    command = " ".join(["python benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    lines = [
        "# Benchmark results",
        "",
        f"`{command}`"
        f" — {time.strftime('%Y-%m-%d %H:%M')}, {elapsed:.0f} s, one BLAS thread throughout, "
        f"{'CPU' if args.clock == 'cpu' else 'wall-clock'} time.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in description],
        f"| load average at the end (1, 5, 15 min) | {machine.load_average()} |",
        f"| speed probe at the end | {machine.speed_probe()} |",
        "",
    ]
    text = "\n".join(lines) + "\n" + "\n\n".join(t.markdown() for t in tables) + "\n"
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        log(f"written to {args.output}")
    return text


if __name__ == "__main__":
    main()
