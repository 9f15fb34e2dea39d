"""Helper processes for the daily sweep of a big portfolio.

The sweep is CPU-bound Python (snapshots, checklists, the Kooperations-Check, the mail
contexts): one process uses one core. With more cores, the sweeping process starts
helpers (`python -m ikz.sweep_pool`) and all of them take the portfolio's id ranges
one at a time from a shared list, so a slow start or a slow range evens out. Each range
is swept and committed as in one process (ikz.review.sweep_range); on SQLite the
processes' writes take turns on the write lock, their reading and deciding overlap.

A helper is a fresh interpreter, not a fork: the sweep runs inside a Prefect flow run,
whose threads a fork would copy in whatever state they are in. Protocol over the
helper's stdin/stdout, one line each: the job (pickled, base64), then `next [N]` (N:
cooperations in the range just swept) answered by `LO HI` or `stop`, and finally
`result {json}`. A helper that dies gives its range back: the range's transaction
was rolled back with it, or committed, which sweeping it again does not repeat
(its reviews are no longer due; mails are deduplicated).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import IO, Any

from ikz.app import App

log = logging.getLogger("ikz.sweep")

Range = tuple[int, int]  # ids after the first up to and including the second

# How a helper is started; a test points this elsewhere to see a helper fail.
HELPER_CMD: list[str] = [sys.executable, "-m", "ikz.sweep_pool"]
# A helper's start (a fresh interpreter and its imports) costs about half a second to a
# second: below this many ranges per process it would not pay off.
MIN_RANGES_PER_PROCESS = 5


def cpus() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def helpers_for(app: App, ranges: int, workers: int | None) -> int:
    """How many helpers to start for `ranges` ranges: `workers` processes in all
    (default: the `sweep_workers` setting), at most one per CPU, and only as many as
    have enough ranges to do."""
    wanted = app.settings.sweep_workers if workers is None else workers
    processes = min(wanted, cpus(), ranges // MIN_RANGES_PER_PROCESS)
    return max(processes - 1, 0)


class Ranges:
    """The ranges still to sweep, taken one at a time by every process."""

    def __init__(self, ranges: Sequence[Range]) -> None:
        self._left = list(reversed(ranges))
        self._lock = threading.Lock()

    def next(self) -> Range | None:
        with self._lock:
            return self._left.pop() if self._left else None

    def give_back(self, r: Range) -> None:
        with self._lock:
            self._left.append(r)

    def close(self) -> None:
        """No more ranges for anyone (the sweep is failing)."""
        with self._lock:
            self._left.clear()


@dataclass
class _Helper:
    proc: subprocess.Popen[str]
    stderr: IO[bytes]
    thread: threading.Thread | None = None
    current: Range | None = None
    result: dict[str, Any] | None = None
    swept: int = 0
    errors: list[str] = field(default_factory=list)


class Helpers:
    """Helpers sweeping from `todo` beside this process, each served by a thread."""

    def __init__(self, app: App, now: datetime, todo: Ranges, count: int) -> None:
        job = (app.db.url, app.settings, now)
        self._job = base64.b64encode(pickle.dumps(job)).decode("ascii")
        self._todo = todo
        self._count = count
        self._helpers: list[_Helper] = []
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._running = 0

    def __enter__(self) -> Helpers:
        for _ in range(self._count):
            self._start()
        with self._lock:
            if self._running == 0:
                self._done.set()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self._todo.close()  # helpers stop after the range in hand
        for h in self._helpers:
            try:
                h.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                h.proc.kill()
                h.proc.wait()
            if h.thread is not None:
                h.thread.join()
            h.stderr.close()

    def _start(self) -> None:
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        try:
            proc = subprocess.Popen(
                HELPER_CMD,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        except OSError as exc:
            stderr.close()
            log.warning("Portfolio-Prüfung ohne Hilfsprozess: %s", exc)
            return
        h = _Helper(proc, stderr)
        h.thread = threading.Thread(target=self._serve, args=(h,), daemon=True)
        self._helpers.append(h)
        with self._lock:
            self._running += 1
        h.thread.start()

    def _serve(self, h: _Helper) -> None:
        assert h.proc.stdin is not None and h.proc.stdout is not None
        try:
            h.proc.stdin.write(self._job + "\n")
            h.proc.stdin.flush()
            for line in h.proc.stdout:
                word, _, rest = line.strip().partition(" ")
                if word == "next":
                    h.swept += int(rest or 0)
                    h.current = self._todo.next()
                    lo_hi = "stop" if h.current is None else f"{h.current[0]} {h.current[1]}"
                    h.proc.stdin.write(lo_hi + "\n")
                    h.proc.stdin.flush()
                elif word == "result":
                    h.result = json.loads(rest)
        except (OSError, ValueError) as exc:  # a broken pipe, or a line not understood
            h.errors.append(f"{type(exc).__name__}: {exc}")
            h.proc.kill()  # it may still wait for an answer; its range is given back below
        finally:
            h.proc.wait()
            if h.result is None:
                self._failed(h)
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    self._done.set()

    def _failed(self, h: _Helper) -> None:
        h.stderr.seek(0)
        lines = h.stderr.read().decode("utf-8", "replace").strip().splitlines()
        why = lines[-1] if lines else (h.errors[-1] if h.errors else f"exit {h.proc.returncode}")
        if h.current is not None:
            self._todo.give_back(h.current)
        log.warning(
            "Hilfsprozess der Portfolio-Prüfung (PID %s) ausgefallen, "
            "seine Bereiche übernimmt der Hauptprozess: %s",
            h.proc.pid,
            why,
        )

    def swept(self) -> int:
        """Cooperations the helpers have swept so far (for progress)."""
        return sum(h.swept for h in self._helpers)

    def wait(self) -> bool:
        """Wait for every helper to finish; True when one gave a range back, which
        this process then sweeps."""
        self._done.wait()
        r = self._todo.next()
        if r is None:
            return False
        self._todo.give_back(r)
        return True

    def results(self) -> list[dict[str, Any]]:
        """What each helper that finished reported: its SweepResult's counts and peak."""
        return [h.result for h in self._helpers if h.result is not None]


def peak_mib() -> float:
    """This process's peak RSS (VmHWM) in MiB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    """A helper: sweep the ranges it is given, then report its counts."""
    from dataclasses import asdict

    from ikz.gcpause import gc_paused
    from ikz.review import ReviewRules, SweepResult, sweep_range
    from models.db import connect

    url, settings, now = pickle.loads(base64.b64decode(sys.stdin.readline()))
    # The sweep's own time, not this process's clock: the same `now` as the main
    # process, for due dates, dedupe keys and the rows' timestamps.
    app = App(db=connect(url), settings=settings, clock=lambda: now)
    rules = ReviewRules.of(app)
    res = SweepResult()
    last = 0
    try:
        while True:
            print(f"next {last}", flush=True)
            answer = sys.stdin.readline().split()
            if len(answer) != 2:
                break
            with gc_paused():
                last = sweep_range(app, rules, (int(answer[0]), int(answer[1])), now, res)
    finally:
        app.close()
    print("result " + json.dumps({**asdict(res), "helpers_peak_mib": peak_mib()}), flush=True)


if __name__ == "__main__":
    main()
