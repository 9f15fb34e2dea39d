"""The sweep with helper processes (ikz.review.pool) does what one process does, on real
SQLite files and the real PostgreSQL; a helper that fails costs time, not work.

The helper count is forced (ikz.review.pool.cpus), so these run on one CPU too. No
sleeps: the first range is handed to the helper before this process starts sweeping,
so both sweep whatever the helper's start-up takes."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from benchmarks.common import make_app
from benchmarks.portfolio import generate
from ikz.app import App
from ikz.review import SweepResult, sweep_portfolio
from ikz.review import pool as review_pool
from ikz.review import sweep as review_sweep
from tests import failing_helpers

pytestmark = [pytest.mark.slow]

N = 300
BATCH = 20  # 15 ranges: enough for a helper


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if on two CPUs, whatever this machine has: the pool starts one helper."""
    monkeypatch.setattr(review_pool, "cpus", lambda: 2)


def _state(app: App) -> dict[str, Any]:
    """What a sweep writes: review dates, the checks' history and the queued mails."""
    with app.db.read() as s:
        conn = s.connection()
        return {
            "reviews": conn.execute(
                text("SELECT id, next_review_at FROM cooperation ORDER BY id")
            ).all(),
            "checks": conn.execute(
                text("SELECT cooperation_id, count(*) FROM health_check GROUP BY 1 ORDER BY 1")
            ).all(),
            "mails": conn.execute(
                text("SELECT kind, recipient_id, dedupe_key FROM outbox ORDER BY dedupe_key")
            ).all(),
        }


def _counts(res: SweepResult) -> tuple[int, ...]:
    return (res.cooperations, res.reviews_due, res.silent, res.notifications)


@pytest.fixture
def twins(tmp_path: Path) -> Iterator[tuple[App, App]]:
    """Two apps on identical generated portfolios (SQLite files)."""
    a = make_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path)
    generate(a.db, N)
    a.db.dispose()
    shutil.copy(tmp_path / "a.sqlite3", tmp_path / "b.sqlite3")
    b = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def _swept_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The counts of the ranges this process sweeps (the helpers' are their own)."""
    mine: list[int] = []
    sweep_range = review_sweep.sweep_range

    def counted(*args: Any) -> int:
        mine.append(sweep_range(*args))
        return mine[-1]

    monkeypatch.setattr(review_sweep, "sweep_range", counted)
    return mine


def _clocked(app: App) -> App:
    # The generated portfolio's "today": reviews fall due relative to it.
    from benchmarks.portfolio import NOW

    app.clock = lambda: NOW
    return app


def test_two_processes_write_what_one_writes(
    twins: tuple[App, App], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = (_clocked(app) for app in twins)
    alone = sweep_portfolio(one, batch_size=BATCH, workers=1)
    mine = _swept_here(monkeypatch)
    seen: list[tuple[int, int]] = []
    shared = sweep_portfolio(
        two, batch_size=BATCH, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    assert alone.processes == 1 and alone.helpers_peak_mib == 0
    assert shared.processes == 2 and shared.helpers_peak_mib > 10
    assert _counts(shared) == _counts(alone)
    assert alone.reviews_due > 0 and alone.notifications > 0
    assert 0 < sum(mine) < alone.cooperations  # both processes swept
    assert _state(two) == _state(one)
    # Progress counts both processes' cooperations and ends at the total.
    assert seen and all(t == alone.cooperations for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # A second sweep the same day finds nothing due and mails nobody twice.
    again = sweep_portfolio(two, batch_size=BATCH, workers=2)
    assert again.reviews_due == 0 and _state(two)["mails"] == _state(one)["mails"]


# Helpers that fail: at their start, dying or raising with a range in hand, or stuck in
# one past the timeout. (what fails, the failing function, what the log says)
FAILING_HELPERS: dict[str, tuple[str, Callable[..., Any], tuple[str, ...]]] = {
    "fails at start": (
        "HELPER_START",
        failing_helpers.fails_at_start,
        ("ausgefallen", "BrokenProcessPool"),
    ),
    "dies mid-range": (
        "HELPER_TASK",
        failing_helpers.dies_mid_range,
        ("ausgefallen", "BrokenProcessPool"),
    ),
    "raises mid-range": (
        "HELPER_TASK",
        failing_helpers.raises_mid_range,
        ("ausgefallen", "ValueError: kaputt in"),
    ),
    "hangs": ("HELPER_TASK", failing_helpers.hangs, ("hängt", "beendet")),
}


@pytest.mark.parametrize("helper", FAILING_HELPERS, ids=list(FAILING_HELPERS))
def test_a_failing_helper_leaves_its_ranges_to_the_sweep(
    twins: tuple[App, App],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    helper: str,
) -> None:
    name, function, logged = FAILING_HELPERS[helper]
    one, two = (_clocked(app) for app in twins)
    alone = sweep_portfolio(one, batch_size=BATCH, workers=1)
    monkeypatch.setattr(review_sweep, name, function)
    if helper == "hangs":
        # Counted from the range's submission, so it includes the helper's start-up
        # (seconds on a busy machine): long enough for that, short for a test.
        monkeypatch.setattr(review_sweep, "RANGE_TIMEOUT", 8.0)
    mine = _swept_here(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="ikz.sweep"):
        res = sweep_portfolio(two, batch_size=BATCH, workers=2)
    assert res.processes == 1 and res.helpers_peak_mib == 0
    assert _counts(res) == _counts(alone)
    assert sum(mine) == alone.cooperations  # this process swept the helper's range too
    assert _state(two) == _state(one)
    for words in logged:
        assert words in caplog.text


def test_few_ranges_or_one_worker_start_no_helper() -> None:
    per = review_pool.MIN_RANGES_PER_PROCESS
    assert review_pool.helpers_for(2, per * 2) == 1  # from 10 ranges on
    assert review_pool.helpers_for(2, per * 2 - 1) == 0
    assert review_pool.helpers_for(1, 1000) == 0
    assert review_pool.helpers_for(64, 1000) == 1  # at most one process per CPU


def test_the_setting_chooses_the_processes(tmp_path: Path) -> None:
    app = _clocked(make_app(f"sqlite:///{tmp_path / 'one.sqlite3'}", tmp_path, sweep_workers=1))
    try:
        generate(app.db, 100)
        assert sweep_portfolio(app, batch_size=5).processes == 1  # 20 ranges, no helper
    finally:
        app.close()


def test_two_processes_on_postgres(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _clocked(make_app(pg_url, tmp_path))
    try:
        generate(app.db, N)
        mine = _swept_here(monkeypatch)
        res = sweep_portfolio(app, batch_size=BATCH, workers=2)
        assert res.processes == 2
        assert 0 < sum(mine) < res.cooperations
        with app.db.read() as s:
            queued = s.connection().execute(text("SELECT count(*) FROM outbox")).scalar()
        assert res.notifications > 0 and queued >= res.notifications
        assert sweep_portfolio(app, batch_size=BATCH, workers=2).reviews_due == 0
    finally:
        app.close()
