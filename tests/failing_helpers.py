"""Helper functions for the sweep's process pool that fail on purpose, one way each
(tests/test_sweep_pool.py points ikz.review.sweep.HELPER_START / HELPER_TASK at them).
Module-level: spawned helpers import them by name."""

from __future__ import annotations

import os
import threading

from ikz.review.pool import Range, RangeDone
from ikz.review.sweep import SweepJob


def fails_at_start(job: SweepJob) -> None:
    raise RuntimeError("kaputt")


def dies_mid_range(r: Range) -> RangeDone:
    os._exit(3)  # as a crash would: no exception, no clean-up


def raises_mid_range(r: Range) -> RangeDone:
    raise ValueError(f"kaputt in {r}")


def hangs(r: Range) -> RangeDone:
    threading.Event().wait()  # for ever: only the timeout ends it
    raise AssertionError("unreachable")
