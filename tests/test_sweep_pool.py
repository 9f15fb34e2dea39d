"""The sweep with helper processes (ikz.sweep_pool) does what one process does, on real
SQLite files and the real PostgreSQL; a helper that fails costs time, not work."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from benchmarks.common import make_app
from benchmarks.portfolio import generate
from ikz import review, sweep_pool
from ikz.app import App
from ikz.review import SweepResult, sweep_portfolio

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sweep_pool.cpus() < 2, reason="helpers need a second CPU"),
]

N = 300
BATCH = 20  # 15 ranges: enough for a helper


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


def _slow_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Slow this process's ranges down so that the helper (a fresh interpreter, half
    a second to start) gets some of these small portfolios too; returns the counts of
    the ranges swept here."""
    mine: list[int] = []
    sweep_range = review.sweep_range

    def slow(*args: Any) -> int:
        time.sleep(0.15)
        mine.append(sweep_range(*args))
        return mine[-1]

    monkeypatch.setattr(review, "sweep_range", slow)
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
    mine = _slow_here(monkeypatch)
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


# Helpers that fail: at once, with a range in hand, or by breaking the protocol.
FAILING_HELPERS = {
    "dies at start": ("import sys; sys.exit('kaputt')", "kaputt"),
    "dies mid-range": (
        "import sys; sys.stdin.readline(); print('next', flush=True); sys.stdin.readline()",
        "exit 0",
    ),
    # Says something that is not the protocol, then would wait a minute: it is stopped.
    "garbles": (
        "import sys, time; sys.stdin.readline(); print('next x', flush=True); time.sleep(60)",
        "ValueError",
    ),
}


@pytest.mark.parametrize("helper", FAILING_HELPERS, ids=list(FAILING_HELPERS))
def test_a_failing_helper_leaves_its_ranges_to_the_sweep(
    twins: tuple[App, App],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    helper: str,
) -> None:
    code, why = FAILING_HELPERS[helper]
    one, two = (_clocked(app) for app in twins)
    monkeypatch.setattr(sweep_pool, "HELPER_CMD", [sys.executable, "-c", code])
    alone = sweep_portfolio(one, batch_size=BATCH, workers=1)
    _slow_here(monkeypatch)  # so that the helper is up before this process is done
    with caplog.at_level(logging.WARNING, logger="ikz.sweep"):
        res = sweep_portfolio(two, batch_size=BATCH, workers=2)
    assert res.processes == 1
    assert _counts(res) == _counts(alone)
    assert _state(two) == _state(one)
    assert "ausgefallen" in caplog.text and why in caplog.text


def test_few_ranges_or_one_worker_start_no_helper(twins: tuple[App, App]) -> None:
    app = twins[0]
    assert sweep_pool.helpers_for(app, sweep_pool.MIN_RANGES_PER_PROCESS * 2, None) == 1
    assert sweep_pool.helpers_for(app, sweep_pool.MIN_RANGES_PER_PROCESS * 2 - 1, None) == 0
    assert sweep_pool.helpers_for(app, 1000, 1) == 0
    assert sweep_pool.helpers_for(app, 1000, 64) == sweep_pool.cpus() - 1


def test_two_processes_on_postgres(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _clocked(make_app(pg_url, tmp_path))
    try:
        generate(app.db, N)
        mine = _slow_here(monkeypatch)
        res = sweep_portfolio(app, batch_size=BATCH, workers=2)
        assert res.processes == 2
        assert 0 < sum(mine) < res.cooperations
        with app.db.read() as s:
            queued = s.connection().execute(text("SELECT count(*) FROM outbox")).scalar()
        assert res.notifications > 0 and queued >= res.notifications
        assert sweep_portfolio(app, batch_size=BATCH, workers=2).reviews_due == 0
    finally:
        app.close()
