"""The machine's yardsticks, measured first in every run: a bare interpreter start, a
durable commit and a fixed pure-Python loop. Two machines of "the same kind" differ by
a factor of two in each (README, Performance); with these beside every absolute figure,
a reader can tell a slower processor from a slower disk from slower code.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from statistics import median

from benchmarks.common import PYTHON, Figure, quiet_env, scratch_dir

# The loop's size: about 0.1 s of pure bytecode (arithmetic, a dict and a list) on the
# machines this was written on, long enough to be above the timer's noise.
LOOP = 1_000_000


def python_start(runs: int) -> float:
    """Median seconds of a cold `python -c pass` (the CLI's baseline too)."""
    times = []
    env = quiet_env()
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], check=True, env=env)
        times.append(time.perf_counter() - t0)
    return median(times)


def durable_commit(n: int) -> float:
    """Median seconds of `BEGIN IMMEDIATE; INSERT; COMMIT` with the settings ikz-flow
    runs SQLite with (WAL, synchronous=FULL): the unit every write is measured in."""
    with scratch_dir("machine") as d:
        conn = sqlite3.connect(d / "commit.sqlite3", isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
            times = []
            for i in range(n):
                t0 = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO t (payload) VALUES (?)", (f"row {i}",))
                conn.execute("COMMIT")
                times.append(time.perf_counter() - t0)
        finally:
            conn.close()
    return median(times)


def python_loop(rounds: int = 3) -> float:
    """Best of `rounds` seconds for a fixed loop of pure-Python work (the processor's
    speed for our kind of code; best, not median: it is the machine, not its noise)."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        seen: dict[int, int] = {}
        acc: list[int] = []
        for i in range(LOOP):
            seen[i % 1000] = seen.get(i % 1000, 0) + i
            if i % 7 == 0:
                acc.append(i * 3 // 2)
        best = min(best, time.perf_counter() - t0)
    return best


def figures(quick: bool) -> list[Figure]:
    start = python_start(5 if quick else 15)
    commit = durable_commit(200 if quick else 1_000)
    loop = python_loop()
    return [
        Figure("machine_python_start_s", start, "s", note="cold `python -c pass`, median"),
        Figure(
            "machine_durable_commit_ms",
            commit * 1000,
            "ms",
            note="SQLite WAL, synchronous=FULL: BEGIN IMMEDIATE, one INSERT, COMMIT; median",
        ),
        Figure(
            "machine_python_loop_s",
            loop,
            "s",
            note=f"{LOOP:,} iterations of dict and list work, best of 3",
        ),
    ]
