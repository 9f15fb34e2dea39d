"""`python -m benchmarks [--quick] [--json] [--only NAME ...]`: every figure of issue 5.

The machine's yardsticks (benchmarks.machine) come first in every run, so that absolute
figures can be compared across machines."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable

from benchmarks.common import Figure

NAMES = {
    "machine": ["machine_python_start_s", "machine_durable_commit_ms", "machine_python_loop_s"],
    "transitions": [
        "transition_rate_sqlite_gated",
        "transition_ratio_sqlite_gated",
        "transition_rate_sqlite",
        "transition_ratio_sqlite",
    ],
    "postgres": ["transition_rate_postgres"],
    "sweep": [
        "sweep_1k_seconds",
        "sweep_10k_seconds",
        "sweep_100k_seconds",
        "sweep_100k_peak_mib",
        "sweep_scaling_10k_100k",
    ],
    "dispatch": ["dispatch_rate", "dispatch_ratio"],
    "click": [
        "click_to_inbox_median_s",
        "click_to_inbox_p95_s",
        "click_burst_errors",
        "click_burst_p95_s",
    ],
    "cli": ["cli_show_seconds"],
    "runcpu": ["click_cpu_goal_s", "click_cpu_advance_s"],
    "topology": ["topology_click_to_inbox_median_s", "topology_click_to_inbox_p95_s"],
}


def suites(quick: bool) -> dict[str, Callable[[], list[Figure]]]:
    from benchmarks import dispatch, latency, machine, run_cpu, sweep, topology, transitions

    return {
        # First, and in every run (--only or not): the yardsticks that tell machines apart.
        "machine": lambda: machine.figures(quick),
        "transitions": lambda: transitions.sqlite_figures(300 if quick else 2_000),
        "postgres": lambda: transitions.postgres_figures(200 if quick else 1_000),
        "sweep": lambda: sweep.figures(
            (1_000, 5_000, 20_000) if quick else (1_000, 10_000, 100_000)
        ),
        "dispatch": lambda: dispatch.figures(300 if quick else 1_000),
        "click": lambda: latency.click_to_inbox(10 if quick else 20),
        "cli": lambda: latency.cli_show(5 if quick else 15),
        "runcpu": lambda: run_cpu.figures(4 if quick else 10),
        # The README's production topology: Prefect server and data on PostgreSQL, two
        # process workers (benchmarks.topology).
        "topology": lambda: topology.click_to_inbox(6 if quick else 20),
    }


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "baseline", "ratio", "note")]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.value:,.3g}" if f.value < 100 else f"{f.value:,.0f}",
                f.unit,
                "-" if f.baseline is None else f"{f.baseline:,.3g} {f.baseline_unit}",
                "-" if f.ratio is None else f"{f.ratio:.3g}",
                f.note,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[i].ljust(widths[i]) if i in (0, 2) else r[i].rjust(widths[i]) for i in range(5)]
        lines.append("| " + " | ".join([*cells, r[5]]) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in [*widths, len(r[5])]) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repetitions")
    ap.add_argument("--json", action="store_true", help="print a JSON list of records")
    ap.add_argument("--only", nargs="*", help="run only these suites", default=None)
    args = ap.parse_args(argv)
    figures: list[Figure] = []
    for name, run in suites(args.quick).items():
        if args.only and name not in args.only and name != "machine":
            continue
        t0 = time.perf_counter()
        print(f"[{name}] ...", file=sys.stderr, flush=True)
        try:
            figures += run()
        except Exception as exc:  # one broken suite must not hide the others' figures
            print(f"[{name}] failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            figures += [
                Figure(n, math.nan, "", note=f"failed: {type(exc).__name__}: {exc}")
                for n in NAMES[name]
            ]
        print(f"[{name}] {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps([f.record() for f in figures], indent=2))
    else:
        print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
