"""Commits that others act on wait for the disk; redoable bookkeeping need not."""

from __future__ import annotations

from sqlmodel import Session

from models.db import connect

# SQLite's PRAGMA synchronous values: 1 = NORMAL, 2 = FULL.
NORMAL, FULL = 1, 2


def _ask(s: Session, sql: str) -> object:
    return s.connection().exec_driver_sql(sql).scalar_one()


def test_sqlite_durable_writes_fsync_and_light_writes_do_not(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    try:
        with db.write() as s:
            assert _ask(s, "PRAGMA synchronous") == FULL
        with db.write(durable=False) as s:
            assert _ask(s, "PRAGMA synchronous") == NORMAL
            # Still a WAL write transaction that queues behind others (BEGIN IMMEDIATE).
            assert _ask(s, "PRAGMA journal_mode") == "wal"
            assert s.connection().in_transaction()
    finally:
        db.dispose()


def test_postgres_light_writes_turn_off_synchronous_commit_for_that_transaction_only(
    pg_url: str,
) -> None:
    db = connect(pg_url)
    try:
        with db.write(durable=False) as s:
            assert _ask(s, "SHOW synchronous_commit") == "off"
        with db.write() as s:
            assert _ask(s, "SHOW synchronous_commit") == "on"
    finally:
        db.dispose()
