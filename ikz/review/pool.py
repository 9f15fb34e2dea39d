"""Helper processes for the daily sweep of a big portfolio (concurrent.futures).

The sweep is CPU-bound Python (snapshots, checklists, the Kooperations-Check, the mail
contexts): one process uses one core. With more cores, the sweeping process starts
helpers in a `ProcessPoolExecutor` and every process takes the portfolio's id ranges
one at a time from one shared list (`Ranges`): each helper has one range submitted at a
time, the next when it is done, while the sweeping process takes ranges itself, so a
slow start or a slow range evens out.

Spawned, not forked: the sweep runs inside a Prefect flow run, whose threads a fork
would copy in whatever state they are in. A helper that fails (at start, mid-range, or
stuck past the timeout) gives its range back: the range's transaction was rolled back
with it, or committed, which sweeping it again does not repeat (its reviews are no
longer due; mails are deduplicated). The sweeping process then sweeps it itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from types import TracebackType
from typing import Any

log = logging.getLogger("ikz.sweep")

Range = tuple[int, int]  # ids after the first up to and including the second

# A helper's start (a fresh interpreter and its imports) costs about half a second to a
# second: below this many ranges per process it would not pay off.
MIN_RANGES_PER_PROCESS = 5


def cpus() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def helpers_for(wanted: int, ranges: int) -> int:
    """How many helpers to start for `ranges` ranges: `wanted` processes in all, at most
    one per CPU, and only as many as have enough ranges to do (from 10 ranges on)."""
    processes = min(wanted, cpus(), ranges // MIN_RANGES_PER_PROCESS)
    return max(processes - 1, 0)


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


@dataclass(frozen=True)
class RangeDone:
    """What a helper returns for a range: its counts, and its process's peak so far, so
    that the sweep's memory can be the sum of each process's own peak."""

    counts: dict[str, int]
    pid: int
    peak_mib: float


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


class Helpers:
    """`count` helper processes sweeping ranges from `todo` beside this process.

    `start(*args)` runs once in each helper (the executor's initializer), `task(range)`
    per range; both are module-level functions, as spawn pickles them by name. A feeder
    thread hands each helper its next range when it returns one, so no range waits in a
    helper's queue while this process could sweep it.
    """

    def __init__(
        self,
        todo: Ranges,
        count: int,
        start: Callable[..., None],
        args: tuple[Any, ...],
        task: Callable[[Range], RangeDone],
        timeout: float | None = None,
    ) -> None:
        self._todo = todo
        self._count = count
        self._start, self._args, self._task = start, args, task
        self._timeout = timeout  # seconds a helper may spend on one range
        self._executor: ProcessPoolExecutor | None = None
        self._procs: list[Any] = []
        self._running: dict[Future[RangeDone], tuple[Range, float]] = {}
        self._done: list[RangeDone] = []
        self._failed = False
        self._feeder: threading.Thread | None = None

    def __enter__(self) -> Helpers:
        if self._count == 0:
            return self
        before = set(multiprocessing.active_children())
        self._executor = ProcessPoolExecutor(
            max_workers=self._count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=self._start,
            initargs=self._args,
        )
        for _ in range(self._count):
            r = self._todo.next()
            if r is None:
                break
            self._submit(r)
        # The executor starts a process per submitted range, up to `count`: these are
        # the ones a timeout stops (concurrent.futures has no public way to do it).
        self._procs = [p for p in multiprocessing.active_children() if p not in before]
        self._feeder = threading.Thread(target=self._feed, name="sweep-helpers", daemon=True)
        self._feeder.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self._todo.close()  # helpers stop after the range in hand
        if self._feeder is not None:
            self._feeder.join()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _submit(self, r: Range) -> None:
        assert self._executor is not None
        try:
            future = self._executor.submit(self._task, r)
        except Exception as exc:  # a broken pool, or no process could be started
            self._fail(r, exc)
            return
        self._running[future] = (r, time.monotonic())

    def _fail(self, r: Range, exc: BaseException) -> None:
        self._todo.give_back(r)
        if not self._failed:
            log.warning(
                "Hilfsprozess der Portfolio-Prüfung ausgefallen, seine Bereiche übernimmt "
                "der Hauptprozess: %s: %s",
                type(exc).__name__,
                exc,
            )
        self._failed = True  # no more ranges for the helpers

    def _feed(self) -> None:
        while self._running:
            done, _ = wait(self._running, timeout=self._wait_for(), return_when=FIRST_COMPLETED)
            for future in done:
                r, _ = self._running.pop(future)
                try:
                    self._done.append(future.result())
                except Exception as exc:  # BrokenProcessPool, or the range's own error
                    self._fail(r, exc)
                    continue
                nxt = None if self._failed else self._todo.next()
                if nxt is not None:
                    self._submit(nxt)
            if not done:
                self._stop_stuck()

    def _wait_for(self) -> float | None:
        if self._timeout is None:
            return None
        oldest = min(t for _, t in self._running.values())
        return max(oldest + self._timeout - time.monotonic(), 0.0)

    def _stop_stuck(self) -> None:
        """A helper is past the timeout: stop the helpers; the executor then fails their
        ranges with BrokenProcessPool, which gives them back."""
        if not self._failed:
            log.warning(
                "Hilfsprozess der Portfolio-Prüfung hängt seit %s s an einem Bereich: "
                "er wird beendet",
                self._timeout,
            )
        self._failed = True
        for p in self._procs:
            p.terminate()
        self._timeout = None  # now wait for the executor to notice

    def swept(self) -> int:
        """Cooperations the helpers have swept so far (for progress)."""
        return sum(d.counts["cooperations"] for d in list(self._done))

    def wait(self) -> bool:
        """Wait for every helper's range; True when one gave a range back, which this
        process then sweeps."""
        if self._feeder is not None:
            self._feeder.join()
        r = self._todo.next()
        if r is None:
            return False
        self._todo.give_back(r)
        return True

    def results(self) -> list[RangeDone]:
        """What the helpers returned, one per range they swept."""
        return list(self._done)
